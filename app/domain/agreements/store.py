"""The agreement's state, kept beside the workflow instead of inside its task data.

The agreement (periods, payment plan, follow-ups, notices, repayment claim) is one JSON-shaped
dict (app/domain/agreements/state.py). It used to travel through the workflow as the task data
variable `iop`; SpiffWorkflow then copied it into every task and recorded it in every task's data
delta, so a five-year case document grew to 300 kB and every step, save and load paid for it
(docs/architecture.md, "Agreement state beside the workflow").

Now the service handlers read and write it here, in the transaction of the workflow step that
calls them (app/engine/run_context.py): the session keeps the current state of each case it
touched, and the row `agreements.state` stores it when the case is saved (the projection,
projection.py, writes it together with the agreement tables). The workflow only carries
`view(state)`: the few values its timers and gateways read.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.engine.run_context import current_run
from app.models.agreement import Agreement

State = dict[str, Any]
_STATES = "iop_agreement_states"
_ROWS = "iop_agreement_rows"
# what the diagram reads: iop["next"], iop["period"], iop["current_follow_up"], iop["repayment"], …
VIEW_KEYS = ("version", "status", "next", "period", "current_payment", "current_follow_up", "repayment")


def view(state: State) -> dict[str, Any]:
    """The part of the state the workflow keeps as `iop`: what its expressions read, nothing more."""
    return {key: copy.deepcopy(state.get(key)) for key in VIEW_KEYS}


def pending(session: Session) -> dict[int, State]:
    """{case id: state} as changed in this session's transaction (written by the projection on save)."""
    states = session.info.get(_STATES)
    if states is None:
        _listen(session)
        states = session.info[_STATES] = {}
    return states  # type: ignore[no-any-return]


def _listen(session: Session) -> None:
    if not event.contains(session, "after_commit", _forget):
        event.listen(session, "after_commit", _forget)
        event.listen(session, "after_soft_rollback", _forget_after_rollback)


def _forget(session: Session) -> None:
    """A new transaction reads the stored state again: another process may have moved the case on."""
    session.info.pop(_STATES, None)
    session.info.pop(_ROWS, None)


def _forget_after_rollback(session: Session, _previous: Any) -> None:
    _forget(session)


def load(session: Session, case_id: int) -> State | None:
    found = pending(session).get(case_id)
    if found is not None:
        return found
    agreement = row(session, case_id)
    # the state functions never change their input (state.py), so no copy is needed
    return agreement.state if agreement is not None and agreement.state else None


def row(session: Session, case_id: int) -> Agreement | None:
    """The case's agreement row, read once per transaction (the handlers and the projection share it)."""
    rows: dict[int, Agreement | None] = session.info.setdefault(_ROWS, {})
    if case_id not in rows:
        _listen(session)
        with session.no_autoflush:
            rows[case_id] = session.scalar(select(Agreement).where(Agreement.case_id == case_id))
    return rows[case_id]


def remember(session: Session, agreement: Agreement) -> None:
    """A row the projection just created."""
    _listen(session)
    session.info.setdefault(_ROWS, {})[agreement.case_id] = agreement


def current() -> State:
    """The agreement state of the case the engine is running."""
    run = current_run()
    state = load(run.session, run.case.id)
    if state is None:
        raise ValueError("the case has no agreement yet (the agreement is planned at the board's decision)")
    return state


def put(state: State) -> None:
    """Keep `state` as the running case's agreement; it is stored when the case is saved."""
    run = current_run()
    pending(run.session)[run.case.id] = state
