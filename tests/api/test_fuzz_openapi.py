"""A property-based fuzz run of the whole API from its own OpenAPI document (Schemathesis over WSGI):
every documented operation gets generated requests, valid and invalid, as an administrator, as an
organisation's representative and without a token. No answer may be a 5xx, and every answer must have a
documented status, the documented content type and a body matching the documented schema.

Bounded and deterministic: a fixed number of examples per operation and generation mode, a per-request
deadline, no shrinking, derandomized generation and no example database."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis.core.result import Ok

from app.services import Services
from tests.api.fuzzing import Tally, excluded, fuzz_operation
from tests.api.helpers import start, task_of
from tests.conftest import START
from tests.stenungsund import steps as stenungsund

MAX_EXAMPLES = 40  # per operation and generation mode (positive, negative)
MAX_COVERAGE = 80  # per operation: Schemathesis' deterministic boundary cases (about 10-60 each today)
DEADLINE_MS = 5000  # per request: far above any normal answer; a hang fails
CALLERS = ("admin", "org_a", "anonymous")

pytestmark = pytest.mark.slow  # thousands of generated requests per caller


def _seed(api: Any, services: Services) -> dict[str, list[str]]:
    """Things that exist, so that a share of the generated requests reach past the 404s: two Falun
    initiatives with a task and a file, and a Stenungsund case with a running agreement."""
    with_agreement = stenungsund.to_decision(services)
    services.clock.set(START)  # type: ignore[attr-defined]  # to_decision went back to 2025
    org = api("org_a")
    case, other = start(org), start(org)  # the fuzz may withdraw one; the other stays running
    task = task_of(org, case["id"], "checklist")
    upload = org.client.post(f"/api/v1/cases/{case['id']}/attachments", headers=org.headers,
                             data={"file": (io.BytesIO(b"%PDF-1.4 fuzz"), "stadgar.pdf")},
                             content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    versions = api("admin").get("/api/v1/definitions").get_json()["items"]
    return {"case_id": [str(case["id"]), str(other["id"]), str(with_agreement)], "task_id": [task["id"]],
            "attachment_id": [str(upload.get_json()["id"])],
            "version_id": [str(v["id"]) for v in versions][:3], "migration_id": ["1"]}


@pytest.mark.parametrize("caller", CALLERS)
def test_fuzz_the_documented_api(app: Flask, api: Any, services: Services, caller: str) -> None:
    known = _seed(api, services)
    headers = {} if caller == "anonymous" else api(caller).headers
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    # from the dict rather than from_wsgi's URL: loaded from a URL, Schemathesis leaves that URL's own
    # operation (GET /openapi.json) out
    schema = schemathesis.openapi.from_dict(doc)
    schema.app = app
    documented = {f"{method.upper()} {path}" for path, item in doc["paths"].items() for method in item}
    loaded = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    to_run = [op for op in loaded if not excluded(op.method, op.path)]
    assert len(documented) >= 27, sorted(documented)

    tally = Tally()
    began = time.monotonic()
    for operation in to_run:
        fuzz_operation(operation, headers=headers, known=known, tally=tally, max_examples=MAX_EXAMPLES,
                       max_coverage=MAX_COVERAGE, deadline_ms=DEADLINE_MS)
    elapsed = time.monotonic() - began

    report = "\n".join(f"  {label}: {n} requests, statuses {sorted(tally.statuses.get(label, ()))}"
                       for label, n in sorted(tally.requests.items()))
    print(f"\n{caller}: {len(to_run)} of {len(documented)} operations, {tally.total} requests, {elapsed:.1f} s\n"
          f"{report}")
    # it cannot pass empty: every operation not excluded was called, each more than once
    assert set(tally.requests) == {label for label in documented if not excluded(*label.split(" "))}
    # … and each with any parameter or body more than once (GET /openapi.json has nothing to vary)
    few = {label: n for label, n in tally.requests.items() if n < 2 and label != "GET /openapi.json"}
    assert not few, few
    assert not tally.failures, "\n\n".join(f"{k}:\n{v}" for k, v in sorted(tally.failures.items()))
