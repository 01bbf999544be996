"""Per request: an id (X-Request-ID in and out), one log line (app.request), and the HTTP metrics.

The line names method, path (never the query string; a path segment that is a secret, such as a calendar
feed's token, is masked), status, duration_ms, endpoint, user_id, and case_id with registration_number when
the request concerned one case: from the route's ``case_id``, or the one case the view loaded, or what a view
set with ``note_case``. Finding the case costs no query: the cases a request loads or creates are noted as
they are (a SQLAlchemy load event; a few per request at most).
/health and /metrics log at DEBUG only (a load balancer asks every few seconds). Form data, passwords and
tokens are never logged.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.models import Case
from app.observability.logs import sane_request_id
from app.observability.metrics import observe_request

log = logging.getLogger("app.request")
QUIET_PATHS = ("/health", "/metrics")
SECRET_ARGS = ("token", "secret", "key")  # route arguments whose values are masked in the logged path
MAX_SEEN = 3  # cases remembered per request: more means a list, which names no single case
_listening = False


def note_case(case_id: int, registration_number: str | None) -> None:
    """Name the case of this request in its log line (for views whose route has no case id)."""
    g.log_case = (case_id, registration_number)


def _before() -> None:
    g.request_id = sane_request_id(request.headers.get("X-Request-ID")) or uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _masked_path() -> str:
    path = request.path
    for name, value in (request.view_args or {}).items():
        if any(word in name.lower() for word in SECRET_ARGS) and isinstance(value, str) and value:
            path = path.replace(value, "***")
    return path[:500]


def _identity(obj: Any) -> Any:
    try:
        identity = sa_inspect(obj).identity
    except Exception:  # noqa: BLE001 - not a mapped object
        return None
    return identity[0] if identity else None


def _case_of_request() -> tuple[int | None, str | None]:
    noted = g.get("log_case")
    if noted:
        return noted[0], noted[1]
    routed = (request.view_args or {}).get("case_id")  # an int in the pages' routes, digits in the API's
    case_id = routed if isinstance(routed, int) else int(routed) if isinstance(routed, str) and routed.isdigit() \
        and len(routed) < 12 else None
    seen: dict[int, str] = g.get("log_cases") or {}
    if case_id is not None:
        return case_id, seen.get(case_id)
    if len(seen) == 1 and not g.get("log_cases_many"):  # the one case the request loaded or created
        [(only_id, number)] = seen.items()
        return only_id, number
    return None, None  # a list of cases, or none: no single case to name


def _seen_case(target: Any, *_args: Any) -> None:
    """A Case loaded or stored during a request: remember its id and registration number (a few at most)."""
    if not has_request_context() or g.get("log_cases_many"):
        return
    if not isinstance(target, Case):
        return
    seen: dict[int, str] | None = g.get("log_cases")
    if seen is None:
        seen = g.log_cases = {}
    state = sa_inspect(target)
    case_id = state.identity[0] if state.identity else None
    if case_id is None:
        return
    if len(seen) >= MAX_SEEN and case_id not in seen:
        g.log_cases_many = True
        return
    seen[case_id] = state.dict.get("registration_number", "")


def _seen_case_of_session(_session: Session, instance: Any) -> None:
    _seen_case(instance)


def _after(response: Response) -> Response:
    rid = g.get("request_id")
    if rid:
        response.headers["X-Request-ID"] = rid
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.url_rule.endpoint if request.url_rule is not None else "unmatched"
    try:
        observe_request(request.method, endpoint, response.status_code, seconds)
        _log(response, endpoint, seconds)
    except Exception:  # noqa: BLE001 - logging must not break an answer
        log.warning("could not log the request", exc_info=True)
    return response


def _log(response: Response, endpoint: str, seconds: float) -> None:
    status = response.status_code
    level = logging.WARNING if status >= 500 else logging.INFO
    if request.path in QUIET_PATHS and status < 500:
        level = logging.DEBUG
    if not log.isEnabledFor(level):
        return
    user = g.get("user")
    case_id, registration_number = _case_of_request()
    path = _masked_path()
    duration_ms = round(seconds * 1000, 2)
    fields: dict[str, Any] = {"method": request.method, "path": path, "status": status,
                              "duration_ms": duration_ms, "endpoint": endpoint,
                              "user_id": _identity(user) if user is not None else None}
    if case_id is not None:
        fields["case_id"] = case_id
        fields["registration_number"] = registration_number
    log.log(level, "%s %s %s %.1f ms", request.method, path, status, duration_ms, extra={"fields": fields})


def install(app: Flask) -> None:
    """Register the hooks; the first before_request of the app, so the id is set for everything after."""
    global _listening
    if not _listening:
        event.listen(Case, "load", _seen_case)  # read from the database in this request
        event.listen(Session, "pending_to_persistent", _seen_case_of_session)  # created in this request
        _listening = True
    app.before_request_funcs.setdefault(None, []).insert(0, _before)
    app.after_request(_after)
