"""The same steps as app.driving.case_driver over the JSON API, for one caller (one user's token or session).

`call(method, path, body)` sends one request and returns (HTTP status, decoded JSON); a test wraps Flask's
test client in it, a benchmark an http.client connection. An unexpected status raises ApiRefused with the
response, so a caller sees why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Call = Callable[[str, str, Any], tuple[int, Any]]


class ApiRefused(AssertionError):
    """The API answered with another status than the step expects (an AssertionError: a test fails on it)."""

    def __init__(self, method: str, path: str, status: int, payload: Any) -> None:
        super().__init__(f"{method} {path}: {status} {payload}")
        self.status = status
        self.payload = payload


class ApiDriver:
    def __init__(self, call: Call) -> None:
        self.call = call

    def expect(self, status: int, method: str, path: str, body: Any = None) -> Any:
        """One request; its JSON when the status is `status`, else ApiRefused."""
        got, payload = self.call(method, path, body)
        if got != status:
            raise ApiRefused(method, path, got, payload)
        return payload

    def start(self, municipality: str, **fields: Any) -> dict[str, Any]:
        """Start a case (POST /api/v1/cases); the case as the API returns it."""
        return dict(self.expect(201, "POST", "/api/v1/cases", {"municipality": municipality, **fields}))

    def open_tasks(self, case_id: int) -> list[dict[str, Any]]:
        """The case's open tasks this caller may see."""
        payload = self.expect(200, "GET", f"/api/v1/tasks?case_id={case_id}")
        items = payload["items"] if isinstance(payload, dict) else payload
        return [dict(t) for t in items if t.get("case_id", case_id) == case_id]

    def task(self, case_id: int, name: str) -> dict[str, Any]:
        tasks = self.open_tasks(case_id)
        found = [t for t in tasks if t["name"] == name]
        if not found:
            raise AssertionError(f"{name} not among {[t['name'] for t in tasks]}")
        return found[0]

    def complete(self, case_id: int, name: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Complete the caller's open task `name`; the case as the API returns it."""
        return self.complete_task(str(self.task(case_id, name)["id"]), data)

    def complete_task(self, task_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self.expect(200, "POST", f"/api/v1/tasks/{task_id}/complete", {"data": dict(data)}))
