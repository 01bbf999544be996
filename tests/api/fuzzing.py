"""Helpers for the OpenAPI fuzz run: which operations are left out and why, the checks, and one bounded
Hypothesis run per operation that records failures instead of stopping at the first."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Operations the fuzz leaves out, each with the reason. Anything else in the document is exercised.
EXCLUDED: dict[str, str] = {
    "POST /clock": "moves the manual clock forward and fires every timer that became due: a random date "
                   "would make the run slow and its outcome depend on what earlier examples started",
    "POST /auth/logout": "revokes the caller's own token, which would log the fuzzing caller out mid-run",
}


def excluded(method: str, path: str) -> str | None:
    """Why an operation is left out, or None. Any other session-ending /auth/ operation added later
    (revoke, logout-all …) is left out for the same reason as logout; POST /auth/token is fuzzed."""
    key = f"{method.upper()} {path}"
    if key in EXCLUDED:
        return EXCLUDED[key]
    if path.startswith("/auth/") and key != "POST /auth/token":
        return "an /auth/ operation other than POST /auth/token may end the caller's session"
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@dataclass
class Tally:
    """What one caller's run did: requests per operation and the distinct failures found."""

    requests: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, set[int]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def _with_ids(drawn: tuple[Case, dict[str, str] | None]) -> Case:
    case, ids = drawn
    if ids:
        case.path_parameters = {**(case.path_parameters or {}), **ids}
    return case


def _strategy(operation: APIOperation, mode: GenerationMode, known: dict[str, list[str]]) -> Any:
    """Generated cases, in positive mode also the document's examples; where the operation has path
    parameters, about half of the cases use ids that exist so that they reach past the 404."""
    options = [operation.as_strategy(generation_mode=mode)]
    if mode is GenerationMode.POSITIVE:
        options += operation.schema.get_strategies_from_examples(operation)
    cases = st.one_of(options)
    names = [p.name for p in operation.path_parameters]
    if not names or not all(known.get(name) for name in names):
        return cases
    real = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})
    return st.tuples(cases, st.one_of(st.none(), real)).map(_with_ids)


def fuzz_operation(operation: APIOperation, *, headers: dict[str, str], known: dict[str, list[str]],
                   tally: Tally, max_examples: int, max_coverage: int, deadline_ms: int,
                   prepare: Callable[[Case], None] | None = None) -> None:
    """Run `max_examples` positive and as many negative examples; a failing check is recorded under the
    operation and mode (the first failure of each stops that mode's run: no shrinking, to stay bounded)."""
    label = f"{operation.method.upper()} {operation.path}"
    started = time.monotonic()
    # an operation without parameters or body has nothing to make invalid
    modes = MODES if list(operation.iter_parameters()) or len(operation.body) else MODES[:1]
    for mode in modes:
        @settings(max_examples=max_examples, derandomize=True, database=None, deadline=deadline_ms,
                  phases=[Phase.explicit, Phase.generate], print_blob=False,
                  suppress_health_check=list(HealthCheck))
        @given(case=_strategy(operation, mode, known))
        def run(case: Case) -> None:
            _authorise(case, headers)
            if prepare:
                prepare(case)
            tally.requests[label] = tally.requests.get(label, 0) + 1
            response = case.call()
            tally.statuses.setdefault(label, set()).add(response.status_code)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected and reported together
            tally.failures[f"{label} [{mode.value}]"] = _describe(exc)
    _coverage(operation, headers=headers, tally=tally, label=label, limit=max_coverage, prepare=prepare)
    tally.seconds += time.monotonic() - started


def _coverage(operation: APIOperation, *, headers: dict[str, str], tally: Tally, label: str, limit: int,
              prepare: Callable[[Case], None] | None) -> None:
    """Schemathesis' coverage phase: a fixed list of boundary and near-miss requests (missing required
    fields, wrong types, empty and edge values, methods the path does not take); the first failure counts."""
    schema = operation.schema
    cases = schema.iter_coverage_cases(operation, generation_modes=list(MODES),
                                       generation_config=schema.config.generation_for(operation=operation))
    for case in itertools.islice(cases, limit):
        _authorise(case, headers)
        if prepare:
            prepare(case)
        tally.requests[label] = tally.requests.get(label, 0) + 1
        response = case.call()
        if case.method.upper() == operation.method.upper():  # not the methods the path does not take
            tally.statuses.setdefault(label, set()).add(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected and reported together
            tally.failures[f"{label} [coverage: {case.method} {case.formatted_path}]"] = _describe(exc)
            return


def _authorise(case: Case, headers: dict[str, str]) -> None:
    """The caller's credentials replace whatever the generator put in Authorization."""
    case.headers.pop("Authorization", None)  # a case-insensitive mapping
    case.headers.update(headers)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:3000]
