"""The agreement page of a case: parties, periods, economic plan, payments, follow-ups, renewal and
repayment, with a server-rendered timeline (inline SVG) and printable (issue 10).

Staff of the case's municipality and admins see it; so does every party organisation: the case's own
organisation and organisations whose organisation number is among the agreement's parties. Anyone else
gets 404, as for the case itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from app.domain import permissions
from app.domain.agreements import termination
from app.engine.errors import NotFound
from app.models import Case, CaseEvent, User
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment
from app.web import formatting
from app.web.context import db, services
from app.web.i18n import translate
from app.web.pages.common import lang, user
from app.web.security import login_required

bp = Blueprint("agreement_page", __name__, url_prefix="/cases")


def agreement_of(case_id: int) -> Agreement | None:
    return db().scalars(select(Agreement).where(Agreement.case_id == case_id)).first()


def party_numbers(agreement: Agreement) -> set[str]:
    return {str(p.get("org_number", "")).strip() for p in agreement.parties or [] if isinstance(p, dict)} - {""}


def can_view_agreement(viewer: User, case: Case, agreement: Agreement) -> bool:
    if permissions.can_view_case(viewer, case):
        return True
    if viewer.active and viewer.role == "organisation" and viewer.organisation is not None:
        return viewer.organisation.org_number in party_numbers(agreement)
    return False


def get_agreement(viewer: User, case_id: int) -> tuple[Case, Agreement]:
    case = db().get(Case, case_id)
    agreement = agreement_of(case_id) if case is not None else None
    if case is None or agreement is None or not can_view_agreement(viewer, case, agreement):
        raise NotFound("the agreement does not exist")
    return case, agreement


def payment_state(payment: AgreementPayment) -> str:
    """A payment's state in plain words, with why it is held."""
    if payment.status == "held":
        year = (payment.gate or "").rsplit("-f", 1)[-1]
        return translate("agreement.payment.held_because", year=year) if year.isdigit() \
            else translate("agreement.payment.held")
    return translate(f"agreement.payment.{payment.status}")


def payment_day(payment: AgreementPayment) -> str:
    moment = {"paid": payment.paid_on, "released": payment.released_on, "held": payment.held_on}.get(payment.status)
    return formatting.day(moment, lang()) if moment else ""


@dataclass
class FollowUpRow:
    row: AgreementFollowUp
    status: str
    report: CaseEvent | None
    decision: CaseEvent | None


def follow_up_rows(case: Case, agreement: Agreement) -> list[FollowUpRow]:
    """Each follow-up with its latest report and decision in the case history: the events between the day
    it opens and the day the next follow-up opens."""
    events = list(db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.kind == "task_completed",
                                                       CaseEvent.task_name.in_(("report", "review")))
                               .order_by(CaseEvent.at, CaseEvent.id)))
    ordered = sorted(agreement.follow_ups, key=lambda f: (f.opens, f.version, f.year))
    rows = []
    for i, f in enumerate(ordered):
        until = ordered[i + 1].opens if i + 1 < len(ordered) else None
        inside = [e for e in events if (formatting.as_date(e.at) or f.opens) >= f.opens
                  and (until is None or (formatting.as_date(e.at) or until) < until)]
        reports = [e for e in inside if e.task_name == "report"]
        reviews = [e for e in inside if e.task_name == "review"]
        rows.append(FollowUpRow(row=f, status=translate(f"agreement.follow_up.{f.status}"),
                                report=reports[-1] if reports else None, decision=reviews[-1] if reviews else None))
    rows.sort(key=lambda r: (r.row.version, r.row.year))
    return rows


def resources_of(agreement: Agreement) -> dict[str, Any]:
    return dict((agreement.state or {}).get("resources") or {})


# --- the timeline -----------------------------------------------------------------------------

WIDTH, LEFT, RIGHT = 900, 150, 20


@dataclass
class Mark:
    x: float
    label: str
    css: str


@dataclass
class Lane:
    y: int
    title: str
    bars: list[tuple[float, float, str, str]]
    marks: list[Mark]


@dataclass
class Timeline:
    width: int
    height: int
    lanes: list[Lane]
    years: list[tuple[float, str]]
    today: float | None


def timeline(agreement: Agreement, today: date) -> Timeline | None:
    if not agreement.periods:
        return None
    first = min(p.start for p in agreement.periods)
    last = max(p.end for p in agreement.periods)
    if agreement.claim is not None:
        last = max(last, agreement.claim.terminated_on)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span, 1)

    def text(day: date) -> str:
        return formatting.day(day, lang())

    periods = Lane(60, translate("agreement.timeline.periods"), [
        (x(p.start), max(x(p.end) - x(p.start), 2), f"{translate('agreement.period', version=p.version)}: "
         f"{text(p.start)} – {text(p.end)}", "period") for p in agreement.periods], [])
    payments = Lane(100, translate("agreement.timeline.payments"), [], [
        Mark(x(p.due), f"{translate('agreement.payment_number', number=p.number)} {text(p.due)}: "
             f"{formatting.sek(p.amount_sek, lang())}, {payment_state(p)}", f"pay-{p.status}")
        for p in sorted(agreement.payments, key=lambda p: p.due)])
    follow_ups = Lane(140, translate("agreement.timeline.follow_ups"), [
        (x(f.opens), max(x(f.due) - x(f.opens), 3),
         f"{translate('agreement.follow_up_year', year=f.year)}: {text(f.opens)} – {text(f.due)}",
         f"fu-{f.status}") for f in agreement.follow_ups], [])
    renewal = Lane(180, translate("agreement.timeline.renewal"), [], [])
    for p in agreement.periods:
        renewal.marks.append(Mark(x(p.renewal_dialogue_opens),
                                  f"{translate('agreement.renewal_dialogue')}: {text(p.renewal_dialogue_opens)}",
                                  "renewal"))
        renewal.marks.append(Mark(x(p.renewal_decision_deadline),
                                  f"{translate('agreement.decision_deadline')}: {text(p.renewal_decision_deadline)}",
                                  "deadline"))
    if agreement.claim is not None:
        renewal.marks.append(Mark(x(agreement.claim.terminated_on),
                                  f"{translate('agreement.terminated_on')}: {text(agreement.claim.terminated_on)}",
                                  "terminated"))
    years = [(x(first), str(first.year))]
    years += [(x(date(y, 1, 1)), str(y)) for y in range(first.year + 1, last.year + 1)]
    now = x(today) if first <= today <= last else None
    return Timeline(width=WIDTH, height=210, lanes=[periods, payments, follow_ups, renewal], years=years, today=now)


def today() -> date:
    moment = services().clock.now()
    return formatting.as_date(moment) or date.today()


@bp.get("/<int:case_id>/agreement")
@login_required()
def show(case_id: int) -> Any:
    viewer = user()
    case, agreement = get_agreement(viewer, case_id)
    payments = sorted(agreement.payments, key=lambda p: (p.version, p.number))
    return render_template(
        "agreements/agreement.html", case=case, agreement=agreement,
        periods=sorted(agreement.periods, key=lambda p: p.version),
        payments=[(p, payment_state(p), payment_day(p)) for p in payments],
        follow_ups=follow_up_rows(case, agreement), resources=resources_of(agreement),
        next_text=agreement_waiting_text(agreement, today()),
        status_text=translate(f"agreement.status.{agreement.status}"),
        plot=timeline(agreement, today()),
        can_terminate=termination.may_terminate(viewer, case) and agreement.status == "running",
        sek=lambda v: formatting.sek(v, lang()), day=lambda v: formatting.day(v, lang()),
        number=lambda v: formatting.number(v, lang()),
        repayment_rule=translate(f"agreement.rule.{agreement.repayment_rule}"))


def agreement_waiting_text(agreement: Agreement, today: date) -> str:
    """What a running agreement waits for next, in plain words, from its plan ('' when it is not running):
    a held payment first, then the earliest planned payment or follow-up from today on, else the period's end."""
    if agreement.status != "running":
        return ""
    held = sorted((p for p in agreement.payments if p.status == "held"), key=lambda p: p.due)
    if held:
        year = (held[0].gate or "").rsplit("-f", 1)[-1]
        return translate("agreement.waits.held", number=held[0].number, year=year)
    candidates: list[tuple[date, int, str, int]] = []
    for p in agreement.payments:
        if p.version == agreement.current_version and p.status == "planned" and p.due >= today:
            candidates.append((p.due, 0, "payment", p.number))
    for f in agreement.follow_ups:
        if f.version == agreement.current_version and f.status == "planned" and f.opens >= today:
            candidates.append((f.opens, 1, "follow_up", f.year))
    if candidates:
        when, _, kind, number = min(candidates)
        key = "agreement.waits.payment" if kind == "payment" else "agreement.waits.follow_up"
        return translate(key, number=number, year=number, date=formatting.day(when, lang()))
    current = [p for p in agreement.periods if p.version == agreement.current_version]
    if current and current[0].end >= today:
        return translate("agreement.waits.period_end", date=formatting.day(current[0].end, lang()))
    return ""
