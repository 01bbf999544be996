"""Ending an agreement early from the agreement page: /cases/<id>/agreement/terminate (issue 10).

The officer of the case's municipality writes why and the first day without activity (within the current
period); the next page shows the repayment claim this would raise (computed with the agreement's rule, nothing
saved) and asks for confirmation; after it, the agreement page shows the ended agreement and the claim to
everyone who sees it. Anyone who cannot see the case gets 404; others who see it (organisation, other staff
roles, administrators) 403, as `POST /api/v1/cases/{id}/terminate` answers. The checks and the termination are
`app.domain.agreements.termination`, shared with the API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from app.core.errors import Conflict, Forbidden
from app.domain import task_actions
from app.domain.agreements import termination
from app.models import Case
from app.models.agreement import Agreement
from app.web import formatting
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import lang, user
from app.web.security import login_required

bp = Blueprint("terminate_page", __name__, url_prefix="/cases")


def _case_and_agreement(case_id: int) -> tuple[Case, Agreement | None]:
    me = user()
    case = task_actions.get_case(db(), me, case_id)  # 404 for those who cannot see the case
    if not termination.may_terminate(me, case):
        raise Forbidden("only an officer of the case's municipality can end an agreement early")
    try:
        return case, termination.running_agreement(db(), case)
    except Conflict:
        return case, None


def _render(case: Case, agreement: Agreement | None, raw: dict[str, str], errors: dict[str, str],
            claim: termination.ClaimPreview | None = None, status: int = 200) -> Any:
    period = termination.current_period(agreement) if agreement is not None else None
    return render_template(
        "agreements/terminate.html", case=case, agreement=agreement, period=period, raw=raw, errors=errors,
        claim=claim, rule_text=translate(f"agreement.rule.{agreement.repayment_rule}") if agreement else "",
        sek=lambda v: formatting.sek(v, lang())), status


def _not_running(case: Case) -> Any:
    return _render(case, None, {}, {}, status=409)


@bp.get("/<int:case_id>/agreement/terminate")
@login_required()
def form(case_id: int) -> Any:
    case, agreement = _case_and_agreement(case_id)
    if agreement is None:
        return _not_running(case)
    return _render(case, agreement, {"reason": "", "date": services().clock.today().isoformat()}, {})


@bp.post("/<int:case_id>/agreement/terminate")
@login_required()
def submit(case_id: int) -> Any:
    case, agreement = _case_and_agreement(case_id)
    if agreement is None:
        return _not_running(case)
    raw = {"reason": request.form.get("reason", "")[:termination.REASON_MAX + 100],
           "date": request.form.get("date", "")[:40]}
    step = request.form.get("step", "preview")
    try:
        day, _ = termination.check(agreement, raw["reason"], raw["date"])
    except termination.Problems as problems:
        errors = {name: translate(f"terminate.error.{code}", **values)
                  for name, (code, values) in problems.fields.items()}
        return _render(case, agreement, raw, errors, status=422)
    if step != "confirm":  # preview (or "edit": back to the form with what was typed)
        if step == "edit":
            return _render(case, agreement, raw, {})
        return _render(case, agreement, raw, {}, claim=termination.preview(agreement, day))
    done = termination.terminate(db(), services().engine, user(), case, raw["reason"], raw["date"])
    commit()
    amount = done.claim.amount_sek if done.claim is not None else 0
    flash(translate("terminate.done", amount=formatting.sek(amount, lang())), "info")
    return redirect(url_for("agreement_page.show", case_id=case.id))
