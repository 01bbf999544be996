"""People and roles, /admin/people: each administrator lists, grants, revokes and creates within their own
municipality, with the API's rules; bad input is named at its field and kept; every form needs its CSRF token."""

from __future__ import annotations

import logging
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.domain import memberships
from app.domain.accounts import municipality_by_slug, user_by_username
from app.models import Membership, User
from app.services import Services
from app.web.pages import people as people_page
from tests.catalogue_keys import shown_keys
from tests.tenancy.conftest import Tenancy
from tests.tenancy.test_admin_scope import _membership
from tests.web.pages import Browser, text_of

PAGE = "/admin/people/"


def _browser(client: FlaskClient, username: str) -> Browser:
    browser = Browser(client)
    browser.login(username)
    return browser


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<th scope="row">([^<]+)</th>', html))


def _holds(services: Services, username: str, role: str, slug: str) -> bool:
    with services.unit_of_work() as s:
        person = user_by_username(s, username)
        return memberships.holds(s, person.id, role, municipality_by_slug(s, slug).id)


def test_each_administrator_lists_the_people_of_their_municipality(tenancy: Tenancy, client: FlaskClient) -> None:
    gavle = _browser(client, "admin_gavle").get(PAGE)
    assert {"admin_gavle", "gavle_officer", "gavle_owner", "multi"} <= _listed(gavle)
    assert not _listed(gavle) & {"officer", "lawyer", "admin_falun", "other_officer", "org_a", "admin"}
    text = text_of(gavle)
    assert "Personer och roller – Gävle kommun" in text
    assert "Stadsjurist – Gävle kommun" in text  # multi's further membership
    assert "Falu" not in text  # multi's own role in Falun is not Gävle's administrator's business
    assert "multi@example.se" in text
    # the search by username or name
    found = _listed(Browser(client).get(PAGE + "?q=GAVLE_O"))
    assert found == {"gavle_officer", "gavle_owner"}
    assert "Ingen person hittades." in text_of(Browser(client).get(PAGE + "?q=%25"))
    # naming another municipality is refused
    assert client.get(PAGE + "?municipality=falun").status_code == 403
    falun = _browser(client, "admin_falun").get(PAGE)
    assert {"officer", "lawyer", "multi", "admin_falun"} <= _listed(falun)
    assert not _listed(falun) & {"gavle_officer", "admin_gavle"}


def test_the_installation_administrator_sees_everyone_and_chooses_a_municipality(
        tenancy: Tenancy, client: FlaskClient) -> None:
    browser = _browser(client, "admin")
    everyone = browser.get(PAGE)
    assert {"admin", "org_a", "officer", "gavle_officer", "multi"} <= _listed(everyone)
    assert "Välj en kommun ovan" in text_of(everyone)
    gavle = browser.get(PAGE + "?municipality=gavle")
    assert "gavle_officer" in _listed(gavle) and "officer" not in _listed(gavle)
    assert 'name="municipality" value="gavle"' in gavle  # the forms say where
    assert client.get(PAGE + "?municipality=nowhere").status_code == 404
    resp = browser.post(PAGE + "grant", {"username": "officer", "role": "board", "municipality": "gavle"},
                        page=PAGE + "?municipality=gavle")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("?municipality=gavle")
    assert "officer har fått rollen Nämnd/kommunstyrelse i Gävle kommun." in text_of(browser.get(
        PAGE + "?municipality=gavle"))


def test_grant_and_revoke_with_confirmation(tenancy: Tenancy, client: FlaskClient, services: Services,
                                            caplog: pytest.LogCaptureFixture) -> None:
    browser = _browser(client, "admin_gavle")
    caplog.set_level(logging.INFO, logger="app.admin.people")
    resp = browser.post(PAGE + "grant", {"username": "board", "role": "board"}, page=PAGE)
    assert resp.status_code == 303, text_of(resp.get_data(as_text=True))[:400]
    page = browser.get(PAGE)
    assert "board har fått rollen Nämnd/kommunstyrelse i Gävle kommun." in text_of(page)
    assert "board" in _listed(page)
    assert _holds(services, "board", "board", "gavle")
    granted = [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "membership_granted"]
    assert granted and granted[0].fields == {"event": "membership_granted", "username": "board", "role": "board",
                                             "municipality": "gavle", "by": "admin_gavle"}
    # granting it again says so
    again = browser.post(PAGE + "grant", {"username": "board", "role": "board"}, page=PAGE)
    assert again.status_code == 422
    assert "board har redan rollen Nämnd/kommunstyrelse i Gävle kommun." in text_of(again.get_data(as_text=True))

    row = _membership(services, "board", "gavle")
    asked = browser.post(PAGE + "revoke", {"membership": str(row)}, page=PAGE)
    assert asked.status_code == 200
    assert "Vill du ta bort rollen Nämnd/kommunstyrelse i Gävle kommun för board (board)?" in text_of(
        asked.get_data(as_text=True))
    assert _holds(services, "board", "board", "gavle")  # not yet
    done = browser.post(PAGE + "revoke", {"membership": str(row), "confirm": "yes"}, page=PAGE)
    assert done.status_code == 303
    assert not _holds(services, "board", "board", "gavle")
    page = browser.get(PAGE)
    assert "Rollen Nämnd/kommunstyrelse i Gävle kommun är borttagen för board." in text_of(page)
    assert "board" not in _listed(page)
    assert any(getattr(r, "fields", {}).get("event") == "membership_revoked" for r in caplog.records)


def test_the_home_membership_is_not_revoked(tenancy: Tenancy, client: FlaskClient, services: Services) -> None:
    browser = _browser(client, "admin_gavle")
    own = _membership(services, "gavle_officer", "gavle")
    page = browser.get(PAGE)
    assert f'name="membership" value="{own}"' not in page  # no button for it
    resp = browser.post(PAGE + "revoke", {"membership": str(own), "confirm": "yes"}, page=PAGE)
    assert resp.status_code == 422
    assert ("Rollen Handläggare i Gävle kommun är gavle_officers egen roll och kan inte tas bort här."
            in text_of(resp.get_data(as_text=True)))
    assert _holds(services, "gavle_officer", "officer", "gavle")


def test_bad_input_is_named_at_its_field_and_kept(tenancy: Tenancy, client: FlaskClient) -> None:
    browser = _browser(client, "admin_gavle")
    resp = browser.post(PAGE + "grant", {"username": "nobody", "role": "mayor"}, page=PAGE)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Användarnamn: Det finns ingen person med användarnamnet nobody." in text
    assert "Roll: Välj en av rollerna i listan." in text
    assert 'id="username" name="username" type="text" autocomplete="off" value="nobody"' in html
    assert 'aria-invalid="true"' in html
    org = browser.post(PAGE + "grant", {"username": "org_a", "role": "board"}, page=PAGE)
    assert "org_a företräder en organisation" in text_of(org.get_data(as_text=True))

    typed = {"new_username": "ny person", "name": "Nina Ny", "email": "nina@", "new_role": "officer",
             "password": "kort", "password_again": "kort"}
    resp = browser.post(PAGE + "create", typed, page=PAGE)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    text = text_of(html)
    assert "Användarnamn för det nya kontot: Skriv ett användarnamn med högst 80 tecken, utan mellanslag." in text
    assert "E-post: Skriv en giltig e-postadress" in text
    assert "Lösenord: Lösenordet måste ha minst 10 tecken." in text
    assert 'value="Nina Ny"' in html and 'value="nina@"' in html and 'value="ny person"' in html
    assert '<option value="officer" selected>' in html
    assert 'value="kort"' not in html  # a password is never written back
    assert not shown_keys(text)
    taken = browser.post(PAGE + "create", {**typed, "new_username": "multi", "email": "",
                                           "password": "long-enough-pw", "password_again": "other-long-pw"},
                         page=PAGE)
    text = text_of(taken.get_data(as_text=True))
    assert "Användarnamnet multi är redan upptaget." in text and "Lösenorden är inte lika." in text
    # nothing typed breaks the page
    odd = browser.post(PAGE + "grant", {"username": "x" * 5000, "role": "\x00"}, page=PAGE)
    assert odd.status_code == 422
    assert browser.post(PAGE + "revoke", {"membership": "9" * 40}, page=PAGE).status_code == 404
    assert browser.post(PAGE + "revoke", {"membership": "abc"}, page=PAGE).status_code == 404
    assert client.get(PAGE + "?page=99999999999&q=" + "y" * 500).status_code == 200


def test_create_a_staff_account(tenancy: Tenancy, client: FlaskClient, services: Services,
                                caplog: pytest.LogCaptureFixture) -> None:
    browser = _browser(client, "admin_gavle")
    caplog.set_level(logging.INFO, logger="app.admin.people")
    resp = browser.post(PAGE + "create", {"new_username": "nina", "name": "Nina Ny", "email": "nina@gavle.se",
                                          "new_role": "finance", "password": "long-enough-pw",
                                          "password_again": "long-enough-pw"}, page=PAGE)
    assert resp.status_code == 303, text_of(resp.get_data(as_text=True))[:400]
    assert "Kontot nina är skapat med rollen Ekonomi i Gävle kommun." in text_of(browser.get(PAGE))
    with services.unit_of_work() as s:
        created = user_by_username(s, "nina")
        assert (created.role, created.municipality.slug if created.municipality else None) == ("finance", "gavle")
        assert created.display_name == "Nina Ny" and created.email == "nina@gavle.se" and created.active
    assert any(getattr(r, "fields", {}).get("event") == "user_created" for r in caplog.records)
    Browser(client).login("nina", "long-enough-pw")  # the new person logs in with the typed password


def test_gavle_administrator_cannot_reach_falun_by_tampering(tenancy: Tenancy, client: FlaskClient,
                                                             services: Services) -> None:
    browser = _browser(client, "admin_gavle")
    assert browser.post(PAGE + "grant", {"username": "lawyer", "role": "board", "municipality": "falun"},
                        page=PAGE).status_code == 403
    assert not _holds(services, "lawyer", "board", "falun")
    assert browser.post(PAGE + "create", {"new_username": "falu_x", "name": "X", "new_role": "officer",
                                          "password": "long-enough-pw", "password_again": "long-enough-pw",
                                          "municipality": "falun"}, page=PAGE).status_code == 403
    with services.unit_of_work() as s:
        assert s.scalar(select(User).where(User.username == "falu_x")) is None
    falun_row = _membership(services, "officer", "falun")
    for data in ({"membership": str(falun_row)}, {"membership": str(falun_row), "confirm": "yes"}):
        assert browser.post(PAGE + "revoke", data, page=PAGE).status_code == 404
    with services.unit_of_work() as s:
        assert s.get(Membership, falun_row) is not None
    # Falun's administrator cannot take multi's Gävle role
    gavle_row = _membership(services, "multi", "gavle")
    falun = _browser(client, "admin_falun")
    assert falun.post(PAGE + "revoke", {"membership": str(gavle_row), "confirm": "yes"},
                      page=PAGE).status_code == 404
    assert _holds(services, "multi", "lawyer", "gavle")


def test_only_administrators_and_only_with_the_csrf_token(tenancy: Tenancy, client: FlaskClient,
                                                          services: Services) -> None:
    assert client.get(PAGE).status_code == 302  # anonymous: to the log-in page
    for username in ("gavle_officer", "gavle_owner", "org_a", "multi"):
        browser = _browser(client, username)
        assert client.get(PAGE).status_code == 403, username
        token = browser.token("/tasks/")
        resp = client.post(PAGE + "grant", data={"username": username, "role": "admin", "csrf_token": token})
        assert resp.status_code == 403, username
    assert not _holds(services, "gavle_officer", "admin", "gavle")
    _browser(client, "admin_gavle")
    resp = client.post(PAGE + "grant", data={"username": "board", "role": "board"})  # no token
    assert resp.status_code == 400
    resp = client.post(PAGE + "create", data={"new_username": "x", "new_role": "officer", "password": "p" * 12,
                                              "password_again": "p" * 12, "csrf_token": "forged"})
    assert resp.status_code == 400
    row = _membership(services, "multi", "gavle")
    assert client.post(PAGE + "revoke", data={"membership": str(row), "confirm": "yes"}).status_code == 400
    assert not _holds(services, "board", "board", "gavle") and _holds(services, "multi", "lawyer", "gavle")


def test_the_overview_links_to_the_page(tenancy: Tenancy, client: FlaskClient) -> None:
    overview = _browser(client, "admin_gavle").get("/admin/")
    assert f'href="{PAGE.rstrip("/")}/">Personer och roller</a>' in overview
    english = text_of(Browser(client).get(PAGE + "?lang=en"))
    assert "People and roles – Gävle" in english and "City lawyer – Gävle" in english
    assert "Give a person a role" in english and "Create an account" in english
    assert not shown_keys(english)
    swedish = text_of(Browser(client).get(PAGE + "?lang=sv"))
    assert not shown_keys(swedish)


def test_the_list_is_paged_with_a_count(tenancy: Tenancy, client: FlaskClient,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(people_page, "PAGE_SIZE", 2)
    browser = _browser(client, "admin_gavle")
    first = browser.get(PAGE + "?q=gavle")
    assert _listed(first) == {"admin_gavle", "gavle_officer"}
    assert "Visar 1–2 av 3. " in text_of(first) + " " and "Sida 1 av 2" in text_of(first)
    assert 'href="/admin/people/?q=gavle&amp;page=2" rel="next"' in first
    second = browser.get(PAGE + "?q=gavle&page=2")
    assert _listed(second) == {"gavle_owner"}
    assert "Visar 3–3 av 3." in text_of(second) and 'rel="prev"' in second


def test_an_administrator_acting_through_a_further_membership(tenancy: Tenancy, client: FlaskClient,
                                                              services: Services) -> None:
    """multi (officer in Falun, their own) administers Gävle through a further membership: the Gävle roles they
    hold are further ones, not their own, and Falun's stay out of reach."""
    with services.unit_of_work() as s:
        memberships.grant(s, user_by_username(s, "multi"), "admin", municipality_by_slug(s, "gavle"))
    admin_row, lawyer_row = _membership_ids(services, "multi", "gavle")
    browser = _browser(client, "multi")
    assert browser.post("/account/membership", {"membership": str(admin_row)}, page="/tasks/").status_code == 302
    page = browser.get(PAGE)
    assert "Personer och roller – Gävle kommun" in text_of(page)
    assert f'name="membership" value="{admin_row}"' in page and f'name="membership" value="{lawyer_row}"' in page
    assert "Handläggare – Falu" not in text_of(page)
    done = browser.post(PAGE + "revoke", {"membership": str(lawyer_row), "confirm": "yes"}, page=PAGE)
    assert done.status_code == 303
    assert not _holds(services, "multi", "lawyer", "gavle") and _holds(services, "multi", "officer", "falun")
    falun_home = _membership(services, "multi", "falun")
    assert browser.post(PAGE + "revoke", {"membership": str(falun_home)}, page=PAGE).status_code == 404
    # giving up the membership one acts through leads home, acting as one's own role again
    done = browser.post(PAGE + "revoke", {"membership": str(admin_row), "confirm": "yes"}, page=PAGE)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert not _holds(services, "multi", "admin", "gavle")
    assert client.get(PAGE).status_code == 403


def _membership_ids(services: Services, username: str, slug: str) -> tuple[int, int]:
    """(the admin row, the lawyer row) of the person in the municipality."""
    with services.unit_of_work() as s:
        rows = s.scalars(select(Membership).join(User, User.id == Membership.user_id)
                         .where(User.username == username)).all()
        found = {m.role: m.id for m in rows if m.municipality.slug == slug}
        return found["admin"], found["lawyer"]
