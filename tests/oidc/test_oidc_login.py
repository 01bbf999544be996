"""Log-in with the municipality's identity provider against a real OpenID provider (oidc-provider under Node):
roles and municipalities from the groups claim, refusal without an account, refreshed roles, refused tampering,
and log-out here and at the provider."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.config import Settings
from app.models import Municipality, User
from app.models.identity import ExternalIdentity
from app.services import Services
from app.web.factory import create_app
from app.web.pages.oidc import parse_role_map
from tests.oidc.node_provider import CLIENT_ID, CONTACT, NodeProvider, ProviderBrowser, free_port

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def start(client: FlaskClient) -> str:
    """Press "Logga in med kommunens konto": the app answers with a redirect to the provider."""
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med kommunens konto" in page
    resp = client.get("/login/oidc")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp.headers["Location"]


def log_in(client: FlaskClient, username: str, browser: ProviderBrowser | None = None) -> Any:
    callback = (browser or ProviderBrowser()).log_in(start(client), username)
    assert callback.startswith("/login/oidc/callback?")
    return client.get(callback)


def user_named(services: Services, username: str) -> User | None:
    with services.unit_of_work() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is not None:
            s.expunge(user)
        return user


def municipality_slug(services: Services, user: User) -> str | None:
    with services.unit_of_work() as s:
        return s.scalar(select(Municipality.slug).where(Municipality.id == user.municipality_id))


def count(services: Services, model: Any) -> int:
    with services.unit_of_work() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_the_request_to_the_provider_uses_pkce_state_and_nonce(client: FlaskClient, provider: NodeProvider) -> None:
    url = start(client)
    assert url.startswith(provider.issuer + "/auth?")
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/login/oidc/callback"]
    assert "openid" in query["scope"][0].split()


@pytest.mark.parametrize(("username", "role", "title", "municipality"), [
    ("olle.ek", "officer", "Handläggare", "falun"),
    ("lena.berg", "lawyer", "Stadsjurist", "stenungsund"),
])
def test_a_mapped_person_gets_the_role_and_municipality(client: FlaskClient, services: Services,
                                                         provider: NodeProvider, username: str, role: str,
                                                         title: str, municipality: str) -> None:
    resp = log_in(client, username)
    assert resp.status_code == 302 and resp.headers["Location"] == "/tasks/"
    page = client.get("/tasks/").get_data(as_text=True)
    user = user_named(services, username)
    assert user is not None and f"Inloggad som {user.display_name} ({title})" in page
    assert user.role == role and municipality_slug(services, user) == municipality
    assert user.email and user.email.endswith(f"@{municipality}.example")
    assert "/account/password" not in page  # the password is the provider's: nothing to change here
    with services.unit_of_work() as s:
        identity = s.scalar(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
        assert identity is not None and identity.issuer == provider.issuer
        assert identity.subject.endswith(("0001", "0002"))
    # no password works for an account made here
    client.post("/logout", data={"csrf_token": _TOKEN.search(page).group(1)})  # type: ignore[union-attr]
    form = client.get("/login").get_data(as_text=True)
    token = _TOKEN.search(form).group(1)  # type: ignore[union-attr]
    refused = client.post("/login", data={"csrf_token": token, "username": username, "password": "!oidc"})
    assert refused.status_code == 401


def test_an_unmapped_person_is_refused_and_no_account_is_made(client: FlaskClient, services: Services,
                                                              provider: NodeProvider) -> None:
    users_before = count(services, User)
    resp = log_in(client, "ulla.ny")
    assert resp.status_code == 403
    page = resp.get_data(as_text=True)
    assert "Du har inte tillgång till IOP-systemet" in page
    assert "Inget konto har skapats" in page
    assert CONTACT in page
    assert count(services, User) == users_before and count(services, ExternalIdentity) == 0
    assert user_named(services, "ulla.ny") is None
    assert client.get("/tasks/").status_code == 302  # not logged in


def test_changed_groups_change_the_role_at_the_next_log_in(client: FlaskClient, services: Services,
                                                           provider: NodeProvider, app: Any) -> None:
    assert log_in(client, "olle.ek").status_code == 302
    first = user_named(services, "olle.ek")
    assert first is not None and first.role == "officer"

    provider.set_groups("olle.ek", ["Alla-anstallda", "IOP-Falun-Jurist"])
    second_client = app.test_client()
    assert log_in(second_client, "olle.ek").status_code == 302
    second = user_named(services, "olle.ek")
    assert second is not None and second.id == first.id and second.role == "lawyer"
    assert "(Stadsjurist)" in second_client.get("/tasks/").get_data(as_text=True)
    assert count(services, ExternalIdentity) == 1

    provider.set_groups("olle.ek", ["Alla-anstallda"])  # removed from every IOP group
    third = log_in(app.test_client(), "olle.ek")
    assert third.status_code == 403
    gone = user_named(services, "olle.ek")
    assert gone is not None and not gone.active
    assert second_client.get("/tasks/").status_code == 302  # the sessions still open no longer let in

    provider.set_groups("olle.ek", ["IOP-Falun-Handlaggare"])  # back in the group: back in
    assert log_in(app.test_client(), "olle.ek").status_code == 302
    back = user_named(services, "olle.ek")
    assert back is not None and back.active and back.role == "officer"


def test_a_tampered_or_reused_state_is_refused(client: FlaskClient, services: Services,
                                               provider: NodeProvider) -> None:
    callback = ProviderBrowser().log_in(start(client), "olle.ek")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    tampered = callback.replace(f"state={state}", f"state={state[:-2]}xx")
    resp = client.get(tampered)
    assert resp.status_code == 400
    assert "Inloggningen hade gått ut eller startades inte från den här webbplatsen" in resp.get_data(as_text=True)
    assert user_named(services, "olle.ek") is None
    assert client.get("/tasks/").status_code == 302

    # the same answer replayed in another browser (no state in its session) is refused as well
    other = client.application.test_client()
    assert other.get(callback).status_code == 400
    assert user_named(services, "olle.ek") is None


def test_a_code_from_another_issuer_is_refused(client: FlaskClient, provider: NodeProvider) -> None:
    callback = ProviderBrowser().log_in(start(client), "olle.ek")
    forged = re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", callback)
    assert client.get(forged).status_code == 400


def test_cancelling_at_the_provider_gives_a_clear_page(client: FlaskClient, services: Services,
                                                       provider: NodeProvider) -> None:
    callback = ProviderBrowser().cancel(start(client))
    assert "error=access_denied" in callback
    resp = client.get(callback)
    assert resp.status_code == 401
    assert "Inloggningen avbröts hos kommunens inloggningstjänst" in resp.get_data(as_text=True)
    assert count(services, User) == 0


def test_an_unreachable_provider_gives_a_clear_page(settings: Settings, services: Services) -> None:
    settings.oidc_issuer = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    client = create_app(settings, services=services).test_client()
    resp = client.get("/login/oidc")
    assert resp.status_code == 502
    assert "Kommunens inloggningstjänst svarar inte just nu" in resp.get_data(as_text=True)


def test_without_settings_there_is_no_button(settings: Settings, services: Services) -> None:
    settings.oidc_issuer = settings.oidc_client_id = settings.oidc_client_secret = ""
    client = create_app(settings, services=services).test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Logga in med kommunens konto" not in page and 'name="password"' in page
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y").status_code == 404


def test_log_out_ends_the_session_here_and_at_the_provider(client: FlaskClient, provider: NodeProvider) -> None:
    browser = ProviderBrowser()
    assert log_in(client, "olle.ek", browser).status_code == 302
    page = client.get("/tasks/").get_data(as_text=True)
    cookie = client.get_cookie("session")
    assert cookie is not None

    resp = client.post("/logout", data={"csrf_token": _TOKEN.search(page).group(1)})  # type: ignore[union-attr]
    assert resp.status_code == 200
    end_url = resp.headers["Refresh"].split("url=", 1)[1]
    assert end_url.startswith(provider.issuer + "/session/end?")
    query = parse_qs(urlsplit(end_url).query)
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"] == ["http://localhost/login/oidc/logged-out"]
    assert "Nu loggar vi ut dig från kommunens inloggningstjänst också" in resp.get_data(as_text=True)

    # the old cookie opens nothing any more
    replay = client.application.test_client()
    replay.set_cookie("session", cookie.value, domain="localhost")
    assert replay.get("/tasks/").status_code == 302

    # at the provider: confirm, and come back to the app's log-in page
    confirm = browser.open(end_url)
    assert not isinstance(confirm, str) and "Vill du logga ut" in confirm.text
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    assert xsrf is not None
    back = browser.submit(confirm, "/session/end/confirm", {"xsrf": xsrf.group(1), "logout": "yes"})
    assert back == "/login/oidc/logged-out" or str(back).startswith("/login/oidc/logged-out?")
    landed = client.get(str(back), follow_redirects=True)
    assert "Du är utloggad." in landed.get_data(as_text=True)

    # the provider forgot the person: the next log-in asks for the password again
    again = browser.open(start(client))
    assert not isinstance(again, str) and 'name="password"' in again.text


def test_role_map_rules(tmp_path: Path) -> None:
    known = {"falun", "stenungsund"}
    spec = {"rules": [{"value": "G1", "role": "officer", "municipality": "falun"},
                      {"claim": "roles", "value": "IOP.Admin", "role": "admin"},
                      {"value": "G2", "role": "lawyer", "municipality": "stenungsund"}]}
    path = tmp_path / "map.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    role_map = parse_role_map(str(path), known)
    assert role_map.claims == {"groups", "roles"}
    # the first rule in the file that matches wins
    first = role_map.match({"groups": ["G2", "G1"], "roles": ["IOP.Admin"]})
    assert first is not None and (first.role, first.municipality) == ("officer", "falun")
    admin = role_map.match({"groups": ["G2"], "roles": "IOP.Admin"})
    assert admin is not None and admin.role == "admin" and admin.municipality is None
    assert role_map.match({"groups": ["other"]}) is None and role_map.match({}) is None

    for bad, says in [
        ({"rules": [{"value": "G", "role": "organisation"}]}, "organisations log in with passwords"),
        ({"rules": [{"value": "G", "role": "officer"}]}, 'needs "municipality"'),
        ({"rules": [{"value": "G", "role": "officer", "municipality": "atlantis"}]}, "no municipality 'atlantis'"),
        ({"rules": []}, "non-empty"),
        ({"rules": [{"value": "G", "role": "officer", "municipality": "falun", "extra": 1}]}, "unknown keys"),
    ]:
        with pytest.raises(ValueError, match=re.escape(says)):
            parse_role_map(json.dumps(bad), known)
    with pytest.raises(ValueError, match="no such file"):
        parse_role_map(str(tmp_path / "missing.json"), known)
    with pytest.raises(ValueError, match="is required"):
        parse_role_map("", known)
