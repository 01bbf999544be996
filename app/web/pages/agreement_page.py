"""The agreement page of a case: parties, periods, economic plan, payments, follow-ups, renewal and
repayment, with a server-rendered timeline (inline SVG) and printable (issue 10).

Staff of the case's municipality and admins see it; so does every party organisation: the case's own
organisation and organisations whose organisation number is among the agreement's parties. Anyone else
gets 404, as for the case itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, render_template, send_file
from sqlalchemy import select

from app.core.errors import NotFound
from app.core.roles import Role
from app.core.statuses import AgreementStatus, FollowUpStatus, PaymentStatus
from app.domain import permissions
from app.domain.agreement_document.registered import produce as produce_document
from app.domain.agreement_document.render import FORMATS as DOCUMENT_FORMATS
from app.domain.agreements import termination
from app.domain.agreements.payments import period_end
from app.models import Case, CaseEvent, OpenTask, User
from app.models.agreement import Agreement, AgreementFollowUp, AgreementPayment, AgreementPeriod
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
    if viewer.active and viewer.role == Role.ORGANISATION and viewer.organisation is not None:
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
    if payment.status == PaymentStatus.HELD:
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


def statistics_of(agreement: Agreement) -> list[tuple[str, str]]:
    """The statistics the agreement names, as (label, unit): items {label, unit} or older plain strings."""
    rows = []
    for item in agreement.statistics or []:
        if isinstance(item, dict):
            label = str(item.get("label") or "").strip()
            if label:
                rows.append((label, str(item.get("unit") or "").strip()))
        elif str(item).strip():
            rows.append((str(item).strip(), ""))
    return rows


@dataclass
class NextPeriod:
    """A renewal the board has decided before the new period starts (the period's rows are made on its first
    day, see state.renew): what the decision says, or only that the board declined."""

    version: int
    renews: bool
    decided_on: str
    minute: str
    start: date
    end: date | None
    yearly_sek: int | None
    total_sek: int | None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def decided_next_period(case: Case, agreement: Agreement) -> NextPeriod | None:
    """The board's latest renewal decision taken during the current period, while that period still runs."""
    if agreement.status != AgreementStatus.RUNNING:
        return None
    current = [p for p in agreement.periods if p.version == agreement.current_version]
    if not current:
        return None
    period: AgreementPeriod = current[0]
    events = list(db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.kind == "task_completed",
                                                       CaseEvent.task_name == "renewal_decision")
                               .order_by(CaseEvent.at, CaseEvent.id)))
    inside = [e for e in events if (formatting.as_date(e.at) or period.start) >= period.start]
    if not inside:
        return None
    values = (inside[-1].data or {}).get("values") or {}
    start = period.end + timedelta(days=1)
    years, yearly = _as_int(values.get("renewal_years")), _as_int(values.get("renewal_yearly_support_sek"))
    renews = values.get("board_renews") is True
    end = period_end(start, years) if renews and years and years > 0 else None
    return NextPeriod(version=period.version + 1, renews=renews,
                      decided_on=str(values.get("renewal_decision_date") or ""),
                      minute=str(values.get("renewal_minute_reference") or ""), start=start, end=end,
                      yearly_sek=yearly if renews else None,
                      total_sek=yearly * years if renews and yearly is not None and years else None)


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
    muted: bool = False


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

    terminated = agreement.status == AgreementStatus.TERMINATED
    ended = agreement.claim.terminated_on if terminated and agreement.claim else None

    def void(day: date, unless: bool = False) -> str:
        """After an early end what was still ahead is drawn muted ("inte aktuellt efter avslut")."""
        return " void" if ended is not None and day > ended and not unless else ""

    periods = Lane(60, translate("agreement.timeline.periods"), [
        (x(p.start), max(x(p.end) - x(p.start), 2), f"{translate('agreement.period', version=p.version)}: "
         f"{text(p.start)} – {text(p.end)}", "period") for p in agreement.periods], [])
    payments = Lane(100, translate("agreement.timeline.payments"), [], [
        Mark(x(p.due), f"{translate('agreement.payment_number', number=p.number)} {text(p.due)}: "
             f"{formatting.sek(p.amount_sek, lang())}, {payment_state(p)}",
             f"pay-{p.status}{void(p.due, unless=p.status == 'paid')}")
        for p in sorted(agreement.payments, key=lambda p: p.due)])
    follow_ups = Lane(140, translate("agreement.timeline.follow_ups"), [
        (x(f.opens), max(x(f.due) - x(f.opens), 3),
         f"{translate('agreement.follow_up_year', year=f.year)}: {text(f.opens)} – {text(f.due)}",
         f"fu-{f.status}{void(f.opens, unless=f.status == 'approved')}") for f in agreement.follow_ups], [])
    renewal = Lane(180, translate("agreement.timeline.renewal"), [], [])
    for p in agreement.periods:
        if ended is not None and p.renewal_dialogue_opens > ended:
            continue  # no renewal after an early end: the dialogue and its deadline are left out
        renewal.marks.append(Mark(x(p.renewal_dialogue_opens),
                                  f"{translate('agreement.renewal_dialogue')}: {text(p.renewal_dialogue_opens)}",
                                  "renewal"))
        renewal.marks.append(Mark(x(p.renewal_decision_deadline),
                                  f"{translate('agreement.decision_deadline')}: {text(p.renewal_decision_deadline)}",
                                  "deadline" + void(p.renewal_decision_deadline)))
    if agreement.claim is not None:
        renewal.marks.append(Mark(x(agreement.claim.terminated_on),
                                  f"{translate('agreement.terminated_on')}: {text(agreement.claim.terminated_on)}",
                                  "terminated"))
    years = [(x(first), str(first.year))]
    years += [(x(date(y, 1, 1)), str(y)) for y in range(first.year + 1, last.year + 1)]
    now = x(today) if first <= today <= last else None
    muted = any("void" in m.css for lane in (payments, renewal) for m in lane.marks) \
        or any("void" in bar[3] for bar in follow_ups.bars)
    return Timeline(width=WIDTH, height=210, lanes=[periods, payments, follow_ups, renewal], years=years, today=now,
                    muted=muted)


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
        statistics=statistics_of(agreement), next_period=decided_next_period(case, agreement),
        next_text=agreement_waiting_text(agreement, today()),
        status_text=translate(f"agreement.status.{agreement.status}"),
        plot=timeline(agreement, today()),
        can_terminate=termination.may_terminate(viewer, case) and agreement.status == AgreementStatus.RUNNING,
        can_download=permissions.can_view_case(viewer, case) and bool(agreement.periods),
        sek=lambda v: formatting.sek(v, lang()),
        number=lambda v: formatting.number(v, lang()),
        repayment_rule=translate(f"agreement.rule.{agreement.repayment_rule}"))


@bp.get("/<int:case_id>/agreement/document.<fmt>")
@login_required()
def document(case_id: int, fmt: str) -> Any:
    """The agreement as a document (DOCX to edit, PDF/A to archive) for those who see the case itself: staff of
    its municipality and its own organisation (further party organisations see the page, not the document)."""
    viewer = user()
    case, _ = get_agreement(viewer, case_id)
    if fmt not in DOCUMENT_FORMATS or not permissions.can_view_case(viewer, case):
        raise NotFound("the agreement does not exist")
    made = produce_document(db(), services().clock, case, fmt, viewer)
    db().commit()
    response = send_file(io.BytesIO(made.content), mimetype=made.media_type, as_attachment=True,
                         download_name=made.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


RENEWAL_TASKS = ("renewal_dialogue", "renewal_decision")


def renewal_open(agreement: Agreement) -> bool:
    """The renewal dialogue runs: its dialogue or the board's decision is an open task of the case."""
    query = select(OpenTask.id).where(OpenTask.case_id == agreement.case_id, OpenTask.name.in_(RENEWAL_TASKS))
    return db().scalars(query).first() is not None


def agreement_waiting_text(agreement: Agreement, today: date) -> str:
    """What a running agreement waits for next, in plain words, from its plan ('' when it is not running):
    a held payment first, then payments released and waiting for finance, an open renewal dialogue, and the
    earliest planned payment or follow-up from today on, else the period's end (several joined by '; ')."""
    if agreement.status != AgreementStatus.RUNNING:
        return ""
    parts: list[str] = []
    held = sorted((p for p in agreement.payments if p.status == PaymentStatus.HELD), key=lambda p: p.due)
    if held:
        year = (held[0].gate or "").rsplit("-f", 1)[-1]
        parts.append(translate("agreement.waits.held", number=held[0].number, year=year))
    released = (p for p in agreement.payments if p.status == PaymentStatus.RELEASED)
    for p in sorted(released, key=lambda p: (p.due, p.number)):
        parts.append(translate("agreement.waits.released", number=p.number,
                               amount=formatting.sek(p.amount_sek, lang())))
    current = [p for p in agreement.periods if p.version == agreement.current_version]
    if current and renewal_open(agreement):
        parts.append(translate("agreement.waits.renewal",
                               date=formatting.day(current[0].renewal_decision_deadline, lang())))
    if held:
        return "; ".join(parts)
    candidates: list[tuple[date, int, str, int]] = []
    for p in agreement.payments:
        if p.version == agreement.current_version and p.status == PaymentStatus.PLANNED and p.due >= today:
            candidates.append((p.due, 0, "payment", p.number))
    for f in agreement.follow_ups:
        if f.version == agreement.current_version and f.status == FollowUpStatus.PLANNED and f.opens >= today:
            candidates.append((f.opens, 1, "follow_up", f.year))
    if candidates:
        when, _, kind, number = min(candidates)
        key = "agreement.waits.payment" if kind == "payment" else "agreement.waits.follow_up"
        parts.append(translate(key, number=number, year=number, date=formatting.day(when, lang())))
    elif current and current[0].end >= today:
        parts.append(translate("agreement.waits.period_end", date=formatting.day(current[0].end, lang())))
    return "; ".join(parts)
