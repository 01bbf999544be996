"""Black-box check that knows only the outside interface (/work/shared/interface.md).

It creates an organisation and users with the `iop` CLI, starts `iop serve --no-scheduler`, starts a
Falun initiative through the API and drives it to its end, completing every task with data made from
the task's JSON Schema alone. It fails (exit status 1) if any call answers 500, an answer lacks a
documented field, or the case does not end completed. The server is stopped in every case.

    python scripts/interface_check.py [--iop PATH_TO_IOP]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PASSWORD = "interface-check-pw"
ORG_NUMBER = "802017-0000"  # a valid Swedish organisation number (Luhn check digit)
USERS = [("ic_org", "organisation", ["--organisation", ORG_NUMBER]),
         ("ic_lawyer", "lawyer", ["--municipality", "falun"]),
         ("ic_officer", "officer", ["--municipality", "falun"])]
TASK_FIELDS = {"id", "case_id", "name", "title", "role", "assignee", "due", "form"}
MAX_ROUNDS = 40


class CheckFailed(Exception):
    pass


def require(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def _string(prop: dict[str, Any]) -> str:
    fmt = prop.get("format")
    if fmt == "date":
        return "2027-01-01"
    if fmt == "date-time":
        return "2027-01-01T12:00:00+01:00"
    if fmt == "email":
        return "kontakt@example.org"
    text = "Svar från gränssnittskontrollen"
    text = text.ljust(int(prop.get("minLength", 0)), "x")
    return text[: int(prop.get("maxLength", len(text)))]


def _number(prop: dict[str, Any]) -> int:
    low = prop.get("minimum", prop.get("exclusiveMinimum", -1) + 1)
    high = prop.get("maximum", prop.get("exclusiveMaximum", 10**6 + 1) - 1)
    return int(min(max(1, low), high))


def value_for(prop: dict[str, Any]) -> Any:
    """A value satisfying one property's schema."""
    if "const" in prop:
        return prop["const"]
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return _number(prop)
    if kind == "array":
        return []
    if kind == "object":
        return sample(prop)
    if kind == "null":
        return None
    return _string(prop)


def sample(schema: dict[str, Any]) -> dict[str, Any]:
    """Data for a form from its JSON Schema alone: the required fields, with positive answers."""
    props = schema.get("properties", {})
    return {name: value_for(props.get(name, {})) for name in schema.get("required", [])}


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.calls = 0

    def call(self, method: str, path: str, body: Any = None, token: str | None = None,
             timeout: float = 30) -> tuple[int, Any]:
        self.calls += 1
        data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, method=method, data=data)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        require(status < 500, f"{method} {path} answered {status}: {raw[:300]!r}")
        answer = json.loads(raw or b"null")
        if status >= 400:
            error = answer.get("error") if isinstance(answer, dict) else None
            require(isinstance(error, dict) and {"code", "message"} <= set(error),
                    f"{method} {path} answered {status} without the error shape: {answer!r}")
        return status, answer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(client: Client, server: subprocess.Popen[bytes]) -> None:
    for _attempt in range(200):
        require(server.poll() is None, f"iop serve exited with status {server.returncode}")
        try:
            client.call("GET", "/openapi.json", timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise CheckFailed("iop serve did not answer within 20 seconds")


def iop(binary: str, env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    done = subprocess.run([binary, *args], input=stdin, text=True, env=env, capture_output=True, timeout=120)
    require(done.returncode == 0, f"iop {' '.join(args)} failed: {done.stdout}{done.stderr}")


@contextmanager
def serving(binary: str, env: dict[str, str]) -> Iterator[Client]:
    """`iop serve` (without its scheduler) on a free loopback port; a client for its API; stopped after."""
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = Client(f"http://127.0.0.1:{port}/api/v1")
        wait_until_up(client, server)
        yield client
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def run(binary: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
        env.update(IOP_DATABASE_URL=f"sqlite:///{Path(tmp) / 'check.sqlite3'}", IOP_INSTANCE_PATH=tmp)
        iop(binary, env, "org", "add", "--name", "Gränssnittsföreningen", "--org-number", ORG_NUMBER)
        for username, role, extra in USERS:
            iop(binary, env, "user", "add", username, "--role", role, *extra, "--password-stdin",
                stdin=PASSWORD + "\n")
        with serving(binary, env) as client:
            check_surface(client)
            drive(client)


def check_surface(client: Client) -> None:
    """What interface.md promises around the flow: the document, 401 and the clock's 404."""
    status, doc = client.call("GET", "/openapi.json")
    require(status == 200 and str(doc.get("openapi", "")).startswith("3"), "no OpenAPI 3 document")
    require(client.call("GET", "/tasks")[0] == 401, "GET /tasks without a token must answer 401")
    status, _ = client.call("POST", "/auth/token", {"username": "ic_org", "password": "wrong password"})
    require(status == 401, f"a wrong password answered {status}")
    status, _ = client.call("POST", "/auth/token", b"{not json")
    require(status in (400, 422), f"malformed JSON answered {status}")


def tokens_for(client: Client) -> dict[str, str]:
    tokens = {}
    for username, role, _ in USERS:
        status, body = client.call("POST", "/auth/token", {"username": username, "password": PASSWORD})
        require(status == 200 and body.get("token"), f"no token for {username}: {body}")
        tokens[role] = body["token"]
    return tokens


def drive(client: Client) -> None:
    tokens = tokens_for(client)
    status, _ = client.call("GET", "/clock", token=tokens["officer"])
    require(status == 404, f"GET /clock answered {status} without IOP_CLOCK=manual")
    status, case = client.call("POST", "/cases", {"municipality": "falun"}, tokens["organisation"])
    require(status == 201 and case.get("registration_number"), f"POST /cases answered {status}: {case}")
    case_id = case["id"]
    for _round in range(MAX_ROUNDS):
        status, case = client.call("GET", f"/cases/{case_id}", token=tokens["organisation"])
        require(status == 200, f"GET /cases/{case_id} answered {status}")
        if case["status"] != "running":
            break
        progressed = False
        for role, token in tokens.items():
            _, tasks = client.call("GET", f"/tasks?case_id={case_id}", token=token)
            for task in tasks["items"]:
                require(TASK_FIELDS <= set(task), f"task lacks {TASK_FIELDS - set(task)}: {task}")
                status, body = client.call("POST", f"/tasks/{task['id']}/complete",
                                           {"data": sample(task["form"] or {})}, token)
                require(status == 200, f"{role} could not complete {task['name']}: {status} {body}")
                print(f"completed {task['name']} as {role}")
                progressed = True
        require(progressed, f"no task could be completed; the case is at {case.get('current_step')}")
    require(case["status"] == "completed", f"the case is still {case['status']} after {MAX_ROUNDS} rounds")
    _, listed = client.call("GET", "/cases?status=completed", token=tokens["officer"])
    require(any(c["id"] == case_id for c in listed["items"]), "the completed case is not listed")
    print(f"case {case['registration_number']} ended: {case.get('outcome')} after {client.calls} calls, none 500")


def main() -> int:
    parser = argparse.ArgumentParser(description="black-box check of the outside interface")
    parser.add_argument("--iop", default=str(Path(sys.executable).with_name("iop")))
    try:
        run(parser.parse_args().iop)
    except CheckFailed as failure:
        print(f"interface check failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
