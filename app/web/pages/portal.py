"""The organisation's portal: its own cases, feedback, starting an initiative and withdrawing one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import String, cast, select

from app.core.errors import InvalidData
from app.core.municipal_settings import settings_of
from app.core.roles import Role
from app.domain import permissions, register, task_actions
from app.domain.visibility import CaseView
from app.models import Case, Municipality, OpenTask, User
from app.models.agreement import Agreement
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.agreement_page import party_numbers
from app.web.pages.common import current_step_text, next_task_for, status_text, task_title, user
from app.web.security import login_required

bp = Blueprint("portal", __name__, url_prefix="/portal")


@dataclass
class CaseCard:
    case: Case
    status: str
    step: str
    tasks: list[tuple[OpenTask, str]]
    can_withdraw: bool
    withdraw_error: str = ""
    withdraw_reason: str = ""
    feedback: list[dict[str, Any]] = field(default_factory=list)
    has_agreement: bool = False
    documents: int = 0  # rows of the case's document register, listed on the case page


def _register_count(me: User, case: Case) -> int:
    """The rows of the case's register its organisation is shown (app.domain.visibility)."""
    view = CaseView(me, case, services().engine.definition(db(), case.definition_id))
    return sum(1 for row, attachment in register.documents(db(), case.id) if view.register_row(row, attachment))


def _cards(errors: dict[int, tuple[str, str]] | None = None) -> list[CaseCard]:
    me = user()
    engine = services().engine
    cases = list(db().scalars(permissions.visible_cases(me).order_by(Case.created_at.desc(), Case.id.desc())))
    with_agreement = set(db().scalars(select(Agreement.case_id).where(Agreement.case_id.in_([c.id for c in cases]))))
    cards = []
    for case in cases:
        tasks = db().scalars(permissions.workable_tasks(me).where(OpenTask.case_id == case.id)
                             .order_by(OpenTask.created_at))
        error, reason = (errors or {}).get(case.id, ("", ""))
        cards.append(CaseCard(
            case=case, status=status_text(case), step=current_step_text(case),
            tasks=[(t, task_title(t, case)) for t in tasks],
            can_withdraw=permissions.can_withdraw(me, case) and engine.can_receive(db(), case, "withdraw"),
            withdraw_error=error, withdraw_reason=reason, feedback=list(case.feedback or []),
            has_agreement=case.id in with_agreement, documents=_register_count(me, case)))
    return cards


def _party_agreements() -> list[tuple[Case, Agreement]]:
    """Agreements of other organisations' cases that name this organisation among their parties (they may open
    the agreement page, see agreement_page.can_view_agreement). The organisation number is looked for in the
    stored parties first, then checked exactly."""
    me = user()
    org = me.organisation
    if org is None or not org.org_number:
        return []
    rows = db().execute(select(Agreement, Case).join(Case, Case.id == Agreement.case_id)
                        .where(Case.organisation_id != org.id,
                               cast(Agreement.parties, String).contains(org.org_number))
                        .order_by(Case.created_at.desc(), Case.id.desc()))
    return [(case, agreement) for agreement, case in rows if org.org_number in party_numbers(agreement)]


def _page(cards: list[CaseCard]) -> str:
    return render_template("portal/index.html", cards=cards, party_agreements=[
        (case, translate(f"agreement.status.{agreement.status}")) for case, agreement in _party_agreements()])


def _offering() -> list[Municipality]:
    rows = db().scalars(select(Municipality).order_by(Municipality.name))
    return [m for m in rows if settings_of(m).processes]


@bp.get("/")
@login_required(Role.ORGANISATION)
def index() -> Any:
    return _page(_cards())


@bp.route("/new", methods=["GET", "POST"])
@login_required(Role.ORGANISATION)
def start() -> Any:
    offered = _offering()
    if request.method == "GET":
        return render_template("portal/start.html", municipalities=offered, error="", chosen="")
    slug = request.form.get("municipality", "")
    if slug not in {m.slug for m in offered}:
        return render_template("portal/start.html", municipalities=offered, chosen=slug,
                               error=translate("portal.choose_municipality")), 422
    me = user()
    case = task_actions.start_case(db(), services().engine, me, slug)
    commit()
    flash(translate("portal.started", number=case.registration_number), "success")
    first = next_task_for(me, case.id)
    if first is not None:
        return redirect(url_for("task_page.show", task_id=first.id))
    return redirect(url_for("portal.index"))


@bp.post("/cases/<int:case_id>/withdraw")
@login_required(Role.ORGANISATION)
def withdraw(case_id: int) -> Any:
    reason = request.form.get("withdraw_reason", "")
    try:
        case = task_actions.withdraw(db(), services().engine, user(), case_id, reason)
    except InvalidData:
        db().rollback()
        error = translate("portal.withdraw_reason_required")
        return _page(_cards({case_id: (error, reason)})), 422
    commit()
    flash(translate("portal.withdrawn", number=case.registration_number), "success")
    return redirect(url_for("portal.index"))
