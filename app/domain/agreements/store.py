"""The agreement's state, kept beside the workflow instead of inside its task data.

The agreement (periods, payment plan, follow-ups, notices, repayment claim) is one JSON-shaped
dict (app/domain/agreements/state.py). It used to travel through the workflow as the task data
variable `iop`; SpiffWorkflow then copied it into every task and recorded it in every task's data
delta, so a five-year case document grew to 300 kB and every step, save and load paid for it
(docs/architecture.md, "Agreement state beside the workflow").

Now the service handlers read and write it here, in the transaction of the workflow step that
calls them (the step's context, app/engine/step.py, which every handler gets): the new state waits
in the step's context (`staged`) and the row `agreements.state` stores it when the case is saved (the
projection, projection.py, writes it together with the agreement tables). The workflow only carries
`view(state)`: the few values its timers and gateways read.
"""

from __future__ import annotations

import copy

from sqlalchemy import select

from app.domain.agreements.records import AgreementState, View, from_json
from app.engine.step import StepContext
from app.models.agreement import Agreement

_STAGED = "agreement"  # the key of the new state in StepContext.staged
_ROW = "agreement_row"  # the case's agreement row, once read


def view(state: AgreementState) -> View:
    """The part of the state the workflow keeps as `iop`: what its expressions read (iop["next"], iop["period"],
    iop["current_follow_up"], iop["repayment"], …), nothing more."""
    return copy.deepcopy(View(
        version=state.get("version"), status=state.get("status"), next=state.get("next"), period=state.get("period"),
        current_payment=state.get("current_payment"), current_follow_up=state.get("current_follow_up"),
        repayment=state.get("repayment")))


def staged(step: StepContext) -> AgreementState | None:
    """The state the handlers of this step left for the save (None: the step changed no agreement)."""
    found = step.staged.get(_STAGED)
    return from_json(found) if isinstance(found, dict) else None


def load(step: StepContext) -> AgreementState | None:
    """The case's stored agreement state (None: no agreement, or one a version 1 workflow carries)."""
    agreement = row(step)
    # the state functions never change their input (state.py), so no copy is needed
    return from_json(agreement.state) if agreement is not None and agreement.state else None


def row(step: StepContext) -> Agreement | None:
    """The case's agreement row, read once per step (the handlers and the projection share it)."""
    if _ROW not in step.staged:
        with step.session.no_autoflush:
            step.staged[_ROW] = step.session.scalar(select(Agreement).where(Agreement.case_id == step.case.id))
    found = step.staged[_ROW]
    return found if isinstance(found, Agreement) else None


def remember(step: StepContext, agreement: Agreement) -> None:
    """A row the projection just created."""
    step.staged[_ROW] = agreement


def current(step: StepContext) -> AgreementState:
    """The agreement state of the step's case: as a handler of this step left it, else as stored."""
    state = staged(step) or load(step)
    if state is None:
        raise ValueError("the case has no agreement yet (the agreement is planned at the board's decision)")
    return state


def put(step: StepContext, state: AgreementState) -> None:
    """Keep `state` as the step's agreement; it is stored when the case is saved."""
    step.staged[_STAGED] = state
