"""Service-task handlers for Stenungsund's agreement cycle (processes/stenungsund_agreement.bpmn).

Each takes one parameter `args`, a dict the diagram builds from case data (a dict,
never a bare string, so the value is not evaluated twice), and returns JSON text:
SpiffWorkflow's service task stores `json.loads(result)` in its result variable.
"""

from __future__ import annotations

import json
from typing import Any

from app.domain.agreements import projection, requirements, state
from app.domain.agreements.settings import load_settings
from handlers import handler


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@handler("stenungsund_check_interest")
def check_interest(args: dict[str, Any]) -> str:
    refusal = requirements.company_refusal(str(args.get("org_number") or ""), args.get("legal_form"))
    if refusal:
        return _json({"code": "company", "message": refusal})
    unmet = requirements.unmet_criteria(args)
    if unmet:
        return _json({"code": "criteria", "message": "Intresseanmälan uppfyller inte Stenungsunds kriterier för IOP: "
                      + "; ".join(unmet) + "."})
    return _json({"code": "", "message": ""})


@handler("stenungsund_check_plan")
def check_plan(args: dict[str, Any]) -> str:
    problems = requirements.party_problems(list(args.get("parties") or []))
    settings = load_settings(str(args.get("municipality") or "stenungsund"))
    years = int(args.get("years") or 0)
    if not 1 <= years <= settings.max_agreement_years:
        problems.append(f"Avtalstiden är högst {settings.max_agreement_years} år.")
    return _json({"ok": not problems, "problems": problems, "message": " ".join(problems)})


@handler("stenungsund_check_documents")
def check_documents(args: dict[str, Any]) -> str:
    missing = requirements.missing_documents(args)
    return _json({"ok": not missing, "missing": missing, "message": requirements.missing_documents_message(missing)})


@handler("agreement_plan")
def plan(args: dict[str, Any]) -> str:
    return _json(state.new_agreement(args))


@handler("agreement_next")
def next_step(args: dict[str, Any]) -> str:
    return _json(state.next_step(args["state"]))


@handler("agreement_release")
def release(args: dict[str, Any]) -> str:
    return _json(state.release_payment(args["state"], str(args["today"])))


@handler("agreement_paid")
def paid(args: dict[str, Any]) -> str:
    current = args["state"]["current_payment"]
    return _json(state.payment_paid(args["state"], current["id"], str(args.get("paid_on") or args["today"]),
                                    str(args.get("reference") or "")))


@handler("agreement_hold")
def hold(args: dict[str, Any]) -> str:
    return _json(state.hold_gated_payments(args["state"], str(args["follow_up"]), str(args["today"])))


@handler("agreement_follow_up")
def follow_up(args: dict[str, Any]) -> str:
    current = args["state"]["current_follow_up"]
    return _json(state.follow_up_status(args["state"], current["id"], str(args["status"]), str(args["today"])))


@handler("agreement_renew")
def renew(args: dict[str, Any]) -> str:
    return _json(state.renew(args["state"], args))


@handler("agreement_terminate")
def terminate(args: dict[str, Any]) -> str:
    return _json(state.terminate(args["state"], str(args["terminated_on"]), str(args.get("reason") or ""),
                                 list(args.get("paid_ids") or [])))


@handler("agreement_repayment")
def repayment(args: dict[str, Any]) -> str:
    return _json(state.repayment_received(args["state"], int(args["amount_sek"]), str(args["received_on"])))


@handler("agreement_finish")
def finish(args: dict[str, Any]) -> str:
    return _json(state.finish(args["state"], str(args["outcome"])))


@handler("agreement_notice")
def notice(args: dict[str, Any]) -> str:
    return _json(state.notice(args["state"], str(args["kind"]), str(args["ref"]), str(args["today"])))


projection.install()
