"""Service-task handlers for the agreement cycle every municipality's process runs (payments, follow-ups,
renewal, repayment: processes/stenungsund_agreement.bpmn was the first to call them).

No diagram names its municipality: the handlers take it from the case (`step.case.municipality`) and read that
municipality's agreement settings from the database. Diagram versions deployed before that passed
`municipality="..."` in `args`; it is still accepted when it agrees with the case and refused when it does not.

Each takes the step's context and one parameter `args`, a dict the diagram builds from case data
(a dict, never a bare string, so the value is not evaluated twice), and returns JSON text:
SpiffWorkflow's service task stores `json.loads(result)` in its result variable.

The agreement handlers change the agreement state in the store (app/domain/agreements/store.py),
in the transaction of the step that calls them (`step.session`), and return `store.view(state)`:
the few values the diagram's timers and gateways read, which the workflow keeps as `iop`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from app.core.errors import ScriptFailure
from app.core.municipal_settings import support_cap_problem
from app.domain.agreements import requirements, state, store
from app.domain.agreements.records import AgreementState, Payment
from app.domain.agreements.settings import AgreementSettings, agreement_settings
from app.engine.step import StepContext


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _settings(step: StepContext | None, municipality: str) -> AgreementSettings:
    """The municipality's agreement settings, read in the transaction of the running step."""
    return agreement_settings(_running(step).session, municipality)


def _municipality(step: StepContext | None, args: dict[str, Any]) -> str:
    """The slug of the case's municipality; a `municipality` the diagram passes (older versions did) must agree."""
    own = _running(step).case.municipality.slug
    named = str(args.get("municipality") or "")
    if named and named != own:
        raise ScriptFailure(f"the diagram names the municipality {named!r}, but the case belongs to {own!r}")
    return own


def check_interest(step: StepContext | None, args: dict[str, Any]) -> str:
    refusal = requirements.company_refusal(str(args.get("org_number") or ""), args.get("legal_form"))
    if refusal:
        return _json({"code": "company", "message": refusal})
    unmet = requirements.unmet_criteria(args)
    if unmet:
        return _json({"code": "criteria", "message": "Intresseanmälan uppfyller inte Stenungsunds kriterier för IOP: "
                      + "; ".join(unmet) + "."})
    return _json({"code": "", "message": ""})


def check_plan(step: StepContext | None, args: dict[str, Any]) -> str:
    problems = requirements.party_problems(list(args.get("parties") or []))
    settings = _settings(step, _municipality(step, args))
    years = int(args.get("years") or 0)
    if not 1 <= years <= settings.max_agreement_years:
        problems.append(f"Avtalstiden är högst {settings.max_agreement_years} år.")
    capped = support_cap_problem(args.get("yearly_support_sek"), settings)
    if capped:
        problems.append(capped)
    return _json({"ok": not problems, "problems": problems, "message": " ".join(problems)})


def check_documents(step: StepContext | None, args: dict[str, Any]) -> str:
    missing = requirements.missing_documents(args)
    return _json({"ok": not missing, "missing": missing, "message": requirements.missing_documents_message(missing)})


def _step(step: StepContext | None, args: dict[str, Any], change: Callable[[AgreementState], AgreementState]) -> str:
    """Apply `change` to the agreement and return what the workflow keeps of it (store.view)."""
    new = change(store.current(_running(step)))
    store.put(_running(step), new)
    return _json(store.view(new))


def _running(step: StepContext | None) -> StepContext:
    if step is None:
        raise ScriptFailure("this operation needs a running case (the engine passes the step of one)")
    return step


def plan(step: StepContext | None, args: dict[str, Any]) -> str:
    municipality = _municipality(step, args)
    new = state.new_agreement(dict(args, municipality=municipality), _settings(step, municipality))
    store.put(_running(step), new)
    return _json(store.view(new))


def next_step(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, state.next_step)


def release(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.release_payment(s, str(args["today"]), _settings(step, s["municipality"])))


def paid(step: StepContext | None, args: dict[str, Any]) -> str:
    def change(s: AgreementState) -> AgreementState:
        # the payment this task pays (diagram version 3 on); earlier versions paid the current one
        ref = str(args.get("ref") or _current_payment(s)["id"])
        return state.payment_paid(s, ref, str(args.get("paid_on") or args["today"]),
                                  str(args.get("reference") or ""))
    return _step(step, args, change)


def _current_payment(s: AgreementState) -> Payment:
    current = s.get("current_payment")
    if current is None:
        raise ValueError("the agreement waits for no payment")
    return current


def hold(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.hold_gated_payments(s, str(args["follow_up"]), str(args["today"])))


def follow_up(step: StepContext | None, args: dict[str, Any]) -> str:
    def change(s: AgreementState) -> AgreementState:
        return state.follow_up_status(s, s["current_follow_up"]["id"], str(args["status"]), str(args["today"]))
    return _step(step, args, change)


def renew(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.renew(s, {k: v for k, v in args.items() if k != "state"},
                                                   _settings(step, s["municipality"])))


def terminate(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.terminate(s, str(args["terminated_on"]), str(args.get("reason") or ""),
                                                 list(args.get("paid_ids") or [])))


def repayment(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.repayment_received(s, int(args["amount_sek"]), str(args["received_on"])))


def finish(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.finish(s, str(args["outcome"])))


def notice(step: StepContext | None, args: dict[str, Any]) -> str:
    return _step(step, args, lambda s: state.notice(s, str(args["kind"]), str(args["ref"]), str(args["today"])))

