"""The agreement as the simulation sees it after every step: payments, follow-ups, notices and periods from the
agreement projection (app.models.agreement), the open tasks and the case's status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.driving.case_driver import CaseDriver
from app.models import Case, OpenTask
from app.models.agreement import Agreement


@dataclass
class Snapshot:
    payments: dict[str, dict[str, Any]]
    follow_ups: dict[str, dict[str, Any]]
    notices: dict[str, dict[str, Any]]
    periods: dict[int, dict[str, Any]]
    tasks: dict[str, str]  # open task id -> name
    status: str
    outcome: str | None



def read_snapshot(driver: CaseDriver) -> Snapshot:
    case_id = driver.case_id
    with driver.services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        row = s.scalar(select(Agreement).where(Agreement.case_id == case_id))
        payments: dict[str, dict[str, Any]] = {}
        follow_ups: dict[str, dict[str, Any]] = {}
        notices: dict[str, dict[str, Any]] = {}
        periods: dict[int, dict[str, Any]] = {}
        if row is not None:
            for p in row.payments:
                payments[f"v{p.version}-p{p.number:02d}"] = {
                    "status": p.status, "due": p.due, "amount": p.amount_sek, "held_on": p.held_on,
                    "released_on": p.released_on, "paid_on": p.paid_on, "reference": p.reference}
            for f in row.follow_ups:
                follow_ups[f"v{f.version}-f{f.year}"] = {
                    "status": f.status, "rounds": f.rounds, "opens": f.opens, "due": f.due, "gates": f.gates}
            notices = {n["id"]: dict(n) for n in row.notices or []}
            for per in row.periods:
                periods[per.version] = {
                    "start": per.start, "end": per.end, "yearly": per.yearly_amount_sek,
                    "interval": per.payment_interval, "dialogue": per.renewal_dialogue_opens,
                    "deadline": per.renewal_decision_deadline}
        tasks = {t.id: t.name for t in s.scalars(select(OpenTask).where(OpenTask.case_id == case_id))}
        return Snapshot(payments, follow_ups, notices, periods, tasks, case.status, case.outcome)
