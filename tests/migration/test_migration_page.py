"""The admin page for moving cases: dry run per case, migrate one or all, revert; CSRF; who may open it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from app.models import Case, CaseMigration, DefinitionVersion, User
from app.services import Services
from tests.migration.conftest import complete, start_case
from tests.web.pages import Browser, text_of


def _browser(client: FlaskClient, people: dict[str, User], username: str) -> Browser:
    browser = Browser(client)
    browser.login(username)
    return browser


def test_page_lists_cases_with_eligibility_and_moves_them(
        client: FlaskClient, people: dict[str, User], services: Services,
        deploy_v2: Callable[[], DefinitionVersion]) -> None:
    early = start_case(services, "checklist")
    second = start_case(services, "legal_assessment")
    past = start_case(services, "department_decision")
    v2 = deploy_v2()
    browser = _browser(client, people, "owner")
    assert "/admin/migration/" in browser.get("/admin/")
    overview = text_of(browser.get("/admin/migration/"))
    assert "falun_initiative" in overview and "v2" in overview
    url = f"/admin/migration/{v2.id}"
    page = browser.get(url)
    text = text_of(page)
    assert "2 av 3 ärenden kan flyttas" in text
    assert "Ett steg som ärendet redan har passerat har ändrats: Bedöm om IOP är rätt avtalsform" in text
    assert "second_legal_opinion" in text and "Ge ett andra juridiskt yttrande" in text
    assert page.count('name="csrf_token"') >= 3
    assert client.post(f"{url}/cases/{early}").status_code == 400  # no CSRF token
    resp = browser.post(f"{url}/cases/{early}", page=url)
    assert resp.status_code == 302
    assert "flyttades till version 2" in text_of(browser.get(url))
    refused = browser.post(f"{url}/cases/{past}", page=url)
    assert refused.status_code == 302
    assert "kunde inte flyttas" in text_of(browser.get(url))
    assert browser.post(f"{url}/all", page=url).status_code == 302
    with services.unit_of_work() as s:
        versions = dict(s.execute(select(Case.id, Case.definition_id)).all())
        records = list(s.scalars(select(CaseMigration).order_by(CaseMigration.id)))
    assert versions[early] == versions[second] == v2.id and versions[past] != v2.id
    assert [r.case_id for r in records] == [early, second]
    # undo the second move from the page; the first cannot be undone once its case moved on
    complete(services, early, "checklist")
    page = text_of(browser.get(url))
    assert "har gått vidare sedan flytten" in page
    assert browser.post(f"/admin/migration/revert/{records[1].id}", page=url).status_code == 302
    assert "ligger åter på version 1" in text_of(browser.get(url))
    with services.unit_of_work() as s:
        case = s.get(Case, second)
        assert case is not None and case.definition_id == records[1].from_definition_id
    english = text_of(browser.get(f"{url}?lang=en"))
    assert "Move cases to falun_initiative version 2" in english


def test_who_may_open_the_page(client: FlaskClient, people: dict[str, User], services: Services,
                               deploy_v2: Callable[[], DefinitionVersion]) -> None:
    start_case(services, "checklist")
    v2 = deploy_v2()
    for username in ("officer", "org_a"):
        browser = _browser(client, people, username)
        browser.get("/admin/migration/", status=403)
        browser.get(f"/admin/migration/{v2.id}", status=403)
    admin = _browser(client, people, "admin")
    assert "Ge ett andra juridiskt yttrande" in text_of(admin.get(f"/admin/migration/{v2.id}"))


def test_other_municipalitys_process_owner_is_refused(client: FlaskClient, people: dict[str, User],
                                                      services: Services, deploy_v2: Callable[[], Any]) -> None:
    from app.domain.accounts import add_user
    from tests.conftest import PASSWORD, PASSWORD_HASH

    case_id = start_case(services, "checklist")
    v2 = deploy_v2()
    with services.unit_of_work() as s:
        add_user(s, services.clock, "owner_stenungsund", PASSWORD, "process_owner", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    browser = _browser(client, people, "owner_stenungsund")
    assert "falun_initiative" not in text_of(browser.get("/admin/migration/"))
    browser.get(f"/admin/migration/{v2.id}", status=403)
    token = browser.token("/admin/migration/")
    assert client.post(f"/admin/migration/{v2.id}/cases/{case_id}", data={"csrf_token": token}).status_code in (
        403, 404)
    assert client.post(f"/admin/migration/{v2.id}/all", data={"csrf_token": token}).status_code == 403
