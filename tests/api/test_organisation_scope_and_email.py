"""Organisations are visible to their municipality's staff only; e-mail addresses get a strict syntax check."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from app.domain.accounts import AccountError, add_organisation, email_problem
from app.services import Services
from tests.conftest import ORG_A

STENUNGSUND_ONLY = "802479-3211"


def _names(resp: Any) -> set[str]:
    assert resp.status_code == 200, resp.get_json()
    return {o["name"] for o in resp.get_json()["items"]}


def test_staff_see_only_organisations_related_to_their_municipality(api: Any, services: Services) -> None:
    stenungsund = api("other_officer")
    created = stenungsund.post("/api/v1/organisations", {"name": "Bara Stenungsund", "org_number": STENUNGSUND_ONLY,
                                                         "email": "info@stenungsund.example"})
    assert created.status_code == 201, created.get_json()
    assert "Bara Stenungsund" in _names(stenungsund.get("/api/v1/organisations"))
    falun = api("officer")
    assert "Bara Stenungsund" not in _names(falun.get("/api/v1/organisations"))
    assert "Bara Stenungsund" in _names(api("admin").get("/api/v1/organisations"))

    # an organisation with a case in Falun is visible to Falun's staff
    org_a = api("org_a")
    assert org_a.post("/api/v1/cases", {"municipality": "falun"}).status_code == 201
    assert "Föreningen Gemenskap" in _names(falun.get("/api/v1/organisations"))
    assert "Föreningen Gemenskap" not in _names(stenungsund.get("/api/v1/organisations"))
    assert _names(org_a.get("/api/v1/organisations")) == {"Föreningen Gemenskap"}


@pytest.mark.parametrize("bad", [
    "a@b.se\r\nBcc: x@y.se", "<script>@x.se", "a b@x.se", "a@@x.se", "ax.se", '"a"@x.se', "a@x.se>",
    "a@localhost", "x" * 250 + "@x.se", "a@x.se\n", "a'b@x.se", ".a@x.se", "a..b@x.se",
])
def test_bad_email_addresses_are_refused(bad: str) -> None:
    assert email_problem(bad) is not None


@pytest.mark.parametrize("good", ["anna@falun.se", "a.b+iop@sub.example.org", "kontakt@föreningen.se"])
def test_good_email_addresses_pass(good: str) -> None:
    assert email_problem(good) is None


def test_api_answers_422_with_the_field(api: Any) -> None:
    admin = api("admin")
    resp = admin.post("/api/v1/users", {"username": "ny", "password": "ett-langt-losenord", "role": "lawyer",
                                        "municipality": "falun", "email": "<script>alert(1)</script>@x.se"})
    assert resp.status_code == 422 and "email" in resp.get_json()["error"]["fields"]
    resp = admin.post("/api/v1/organisations", {"name": "X", "org_number": STENUNGSUND_ONLY,
                                                "email": "a@x.se\r\nBcc: all@x.se"})
    assert resp.status_code == 422 and "email" in resp.get_json()["error"]["fields"]


def test_domain_and_cli_refuse_bad_addresses(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    with services.unit_of_work() as s, pytest.raises(AccountError) as info:
        add_organisation(s, services.clock, "X", ORG_A, "a b@x.se")
    assert info.value.field == "email"
    monkeypatch.setenv("IOP_DATABASE_URL", services.settings.database_url)
    monkeypatch.setenv("IOP_INSTANCE_PATH", str(services.settings.instance_path))
    from app.cli import main

    result = CliRunner().invoke(main, ["org", "add", "--name", "X", "--org-number", ORG_A, "--email", "<a>@x.se"])
    assert result.exit_code != 0 and "e-mail" in result.output
