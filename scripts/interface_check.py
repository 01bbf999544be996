"""Black-box check that knows only the outside interface (../shared/interface.md).

It creates an organisation and users with the `iop` CLI, starts `iop serve`, starts a Falun
initiative through the API and drives it to its end, completing every task with data made from
the task's JSON Schema alone. It fails if any call answers 500 or the case does not end.

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
from datetime import date
from pathlib import Path
from typing import Any

PASSWORD = "interface-check-pw"
USERS = [("ic_org", "organisation", ["--organisation", "802017-0000"]),
         ("ic_lawyer", "lawyer", ["--municipality", "falun"]),
         ("ic_officer", "officer", ["--municipality", "falun"])]


def sample(schema: dict[str, Any]) -> dict[str, Any]:
    """Data that satisfies a form's JSON Schema: every property filled, positive answers."""
    data: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type")
        if "enum" in prop:
            data[name] = prop["enum"][0]
        elif kind == "boolean":
            data[name] = True
        elif kind in ("integer", "number"):
            data[name] = max(prop.get("minimum", 0), min(prop.get("maximum", 1000), 1000))
        elif kind == "array":
            data[name] = []
        elif kind == "string":
            fmt = prop.get("format")
            if fmt == "date":
                data[name] = date(2027, 1, 1).isoformat()
            elif fmt == "email":
                data[name] = "kontakt@example.org"
            else:
                data[name] = "Svar"[: prop.get("maxLength", 4)]
    return data


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.calls = 0

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        self.calls += 1
        request = urllib.request.Request(self.base + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as err:
            status, raw = err.code, err.read()
        if status >= 500:
            raise SystemExit(f"{method} {path} answered {status}: {raw[:300]!r}")
        return status, json.loads(raw or b"null")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(iop: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, IOP_DATABASE_URL=f"sqlite:///{Path(tmp) / 'check.sqlite3'}", IOP_INSTANCE_PATH=tmp)
        subprocess.run([iop, "org", "add", "--name", "Gränssnittsföreningen", "--org-number", "802017-0000"],
                       env=env, check=True, capture_output=True)
        for username, role, extra in USERS:
            subprocess.run([iop, "user", "add", username, "--role", role, *extra, "--password-stdin"],
                           input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([iop, "serve", "--no-scheduler", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            client = Client(f"http://127.0.0.1:{port}/api/v1")
            for _attempt in range(150):
                try:
                    client.call("GET", "/openapi.json")
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            else:
                raise SystemExit("iop serve did not answer")
            drive(client)
        finally:
            server.terminate()
            server.wait(timeout=20)


def drive(client: Client) -> None:
    tokens = {}
    for username, role, _ in USERS:
        status, body = client.call("POST", "/auth/token", {"username": username, "password": PASSWORD})
        assert status == 200, body
        tokens[role] = body["token"]
    status, case = client.call("POST", "/cases", {"municipality": "falun"}, tokens["organisation"])
    assert status == 201 and case["registration_number"], case
    for _step in range(40):
        status, case = client.call("GET", f"/cases/{case['id']}", token=tokens["organisation"])
        if case["status"] != "running":
            break
        progressed = False
        for role, token in tokens.items():
            _, tasks = client.call("GET", f"/tasks?case_id={case['id']}", token=token)
            for task in tasks["items"]:
                status, body = client.call("POST", f"/tasks/{task['id']}/complete",
                                           {"data": sample(task["form"] or {})}, token)
                assert status == 200, (role, task["name"], body)
                print(f"completed {task['name']} as {role}")
                progressed = True
        assert progressed, f"no task could be completed; case is at {case['current_step']}"
    assert case["status"] == "completed", case["status"]
    print(f"case {case['registration_number']} ended: {case['outcome']} after {client.calls} calls, none 500")


def main() -> None:
    parser = argparse.ArgumentParser(description="black-box check of the outside interface")
    parser.add_argument("--iop", default=str(Path(sys.executable).with_name("iop")))
    run(parser.parse_args().iop)


if __name__ == "__main__":
    main()
