"""A small known data set for the overview: cases, open tasks and agreements in Falun and Stenungsund,
written straight to the tables the overview reads (the workflow is not what is tested here: these cases carry
no workflow, so their case pages are not opened)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.core.search import task_search_text
from app.models import Case, CaseEvent, DefinitionVersion, Municipality, OpenTask, Organisation
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod
from app.services import Services

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@dataclass
class Known:
    falun: int
    stenungsund: int
    failed_falun: int
    failed_stenungsund: int


class _Writer:
    def __init__(self, session: Any) -> None:
        self.s = session
        self.munis = {m.slug: m.id for m in session.scalars(select(Municipality))}
        self.orgs = [o.id for o in session.scalars(select(Organisation).order_by(Organisation.id))]
        versions = {v.process_id: v.id for v in session.scalars(select(DefinitionVersion))}
        self.defs = {"falun": versions["falun_initiative"], "stenungsund": versions["stenungsund_agreement"]}
        self.n = 0

    def case(self, muni: str, status: str, step: str, *, summary: dict[str, Any] | None = None,
             updated: datetime = NOW) -> int:
        self.n += 1
        row = Case(municipality_id=self.munis[muni], organisation_id=self.orgs[0], definition_id=self.defs[muni],
                   registration_number=f"TEST-{self.n:04d}", title=f"Ärende {self.n}", status=status,
                   outcome=None, current_step=step, feedback=[], summary=summary or {}, workflow_json="{}",
                   serializer_version="1", created_at=NOW - timedelta(days=30), updated_at=updated)
        self.s.add(row)
        self.s.flush()
        return row.id

    def task(self, case_id: int, muni: str, role: str, due: datetime | None) -> None:
        self.n += 1
        case = self.s.get(Case, case_id)
        assert case is not None
        self.s.add(OpenTask(id=f"task-{self.n}", case_id=case_id, municipality_id=self.munis[muni],
                            organisation_id=self.orgs[0], registration_number=case.registration_number,
                            name="t", title="Uppgift",
                            search_text=task_search_text("Uppgift", case.registration_number), role=role, due_at=due,
                            created_at=NOW - timedelta(days=20), meta={}))

    def agreement(self, case_id: int, muni: str, payments: list[tuple[date, int, str]],
                  follow_ups: list[tuple[date, str]], dialogue: date, deadline: date, status: str = "running") -> None:
        row = Agreement(case_id=case_id, municipality_id=self.munis[muni], status=status, current_version=1,
                        parties=[], statistics=[], repayment_rule="none", notices=[], updated_at=NOW)
        self.s.add(row)
        self.s.flush()
        self.s.add(AgreementPeriod(agreement_id=row.id, version=1, start=date(2026, 1, 1), end=date(2027, 12, 31),
                                   years=2, yearly_amount_sek=0, total_sek=0, payment_interval="quarter",
                                   renewal_dialogue_opens=dialogue, renewal_decision_deadline=deadline))
        for number, (due, amount, pay_status) in enumerate(payments, 1):
            self.s.add(AgreementPayment(agreement_id=row.id, version=1, number=number, due=due, amount_sek=amount,
                                        status=pay_status, municipality_id=row.municipality_id))
        for year, (due, fu_status) in enumerate(follow_ups, 1):
            self.s.add(AgreementFollowUp(agreement_id=row.id, version=1, year=year, opens=due - timedelta(days=60),
                                         due=due, gates=due, status=fu_status))


def write_known(services: Services) -> Known:
    """Falun: 3 running at "Granska", 1 running at "Besluta", 1 failed at "Granska" (message in its summary),
    1 completed. Stenungsund: 2 running at "Granska", 1 failed at "Betala" (message only in an incident event).
    Overdue tasks at NOW: Falun lawyer 2, officer 1 (plus one lawyer task not yet due and one with no due
    date); Stenungsund officer 3."""
    with services.unit_of_work() as s:
        w = _Writer(s)
        falun_running = [w.case("falun", "running", "Granska") for _ in range(3)]
        w.case("falun", "running", "Besluta")
        failed_falun = w.case("falun", "failed", "Granska", summary={"incident": {"message": "Tjänsten svarade inte"}},
                              updated=NOW - timedelta(hours=1))
        w.case("falun", "completed", "")
        steg = [w.case("stenungsund", "running", "Granska") for _ in range(2)]
        failed_steg = w.case("stenungsund", "failed", "Betala", updated=NOW - timedelta(hours=2))
        s.add(CaseEvent(case_id=failed_steg, at=NOW - timedelta(days=1), actor_name="system", kind="incident",
                        title="Ett äldre fel", data={}))
        s.add(CaseEvent(case_id=failed_steg, at=NOW - timedelta(hours=2), actor_name="system", kind="incident",
                        title="Utbetalningen kunde inte skickas", data={}))
        past, future = NOW - timedelta(minutes=1), NOW + timedelta(days=1)
        w.task(falun_running[0], "falun", "lawyer", past)
        w.task(falun_running[1], "falun", "lawyer", past)
        w.task(falun_running[2], "falun", "lawyer", future)
        w.task(falun_running[2], "falun", "officer", past)
        w.task(falun_running[0], "falun", "board", None)
        for case_id in (steg[0], steg[0], steg[1]):
            w.task(case_id, "stenungsund", "officer", past)
        w.agreement(falun_running[0], "falun",
                    [(date(2026, 1, 15), 100_000, "paid"), (date(2026, 6, 15), 50_000, "cancelled"),
                     (date(2026, 12, 15), 100_000, "planned"), (date(2027, 1, 15), 100_000, "held"),
                     (date(2027, 12, 15), 100_000, "planned")],
                    [(date(2026, 11, 20), "approved"), (date(2027, 2, 28), "planned")],
                    dialogue=date(2027, 3, 1), deadline=date(2027, 6, 30))
        w.agreement(falun_running[1], "falun", [(date(2026, 12, 1), 40_000, "planned")], [],
                    dialogue=date(2026, 12, 31), deadline=date(2027, 1, 1), status="terminated")
        w.agreement(steg[0], "stenungsund",
                    [(date(2026, 3, 1), 30_000, "paid"), (date(2027, 1, 10), 70_000, "released")],
                    [(date(2027, 1, 31), "open")], dialogue=date(2027, 1, 5), deadline=date(2027, 4, 30))
        return Known(w.munis["falun"], w.munis["stenungsund"], failed_falun, failed_steg)
