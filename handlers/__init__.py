"""Service-task handlers: plain functions that diagrams call by operation name.

A service task names an operation (spiffworkflow:serviceTaskOperator name, or
camunda:topic); the engine looks it up in the table the composition root hands it
(``build_services`` calls ``registry()``). Unknown names are refused when a diagram is
deployed, not when a timer fires at night.

Importing a module here registers nothing: ``registry()`` builds the table from the list
below each time it is called. A new handler is a function in one of the modules and a
line in that list.

Each handler gets the step's context (app/engine/step.py: the session, the case, the
clock) as its first argument, then the task's parameters as keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers import agreements, builtin, kungsbacka, resources

Handler = Callable[..., Any]  # (step: StepContext, **parameters) -> the operation's result

__all__ = ["Handler", "agreements", "builtin", "kungsbacka", "registry", "resources"]


def registry() -> dict[str, Handler]:
    """Every handler by operation name, in a new table for each caller."""
    return {
        # every municipality
        "sum_amounts": builtin.sum_amounts,
        "value_resources": resources.value_resources,
        "agreement_check_plan": agreements.check_plan,
        # Stenungsund's own checks before the decision (processes/stenungsund_agreement.bpmn); check_plan reads the
        # longest agreement from the settings of the case's municipality
        "stenungsund_check_interest": agreements.check_interest,
        "stenungsund_check_plan": agreements.check_plan,
        "stenungsund_check_documents": agreements.check_documents,
        # Kungsbacka's preparation (processes/kungsbacka_agreement.bpmn)
        "kungsbacka_initiative": kungsbacka.initiative,
        "kungsbacka_check_budget": kungsbacka.check_budget,
        "kungsbacka_check_criteria": kungsbacka.check_criteria,
        "kungsbacka_check_prerequisites": kungsbacka.check_prerequisites,
        # the agreement cycle of every municipality: payments, follow-ups, renewal, repayment (the municipality
        # is the case's; its settings are read from the database: handlers/agreements.py)
        "agreement_plan": agreements.plan,
        "agreement_next": agreements.next_step,
        "agreement_release": agreements.release,
        "agreement_paid": agreements.paid,
        "agreement_hold": agreements.hold,
        "agreement_follow_up": agreements.follow_up,
        "agreement_renew": agreements.renew,
        "agreement_terminate": agreements.terminate,
        "agreement_repayment": agreements.repayment,
        "agreement_finish": agreements.finish,
        "agreement_notice": agreements.notice,
    }
