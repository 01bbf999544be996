"""No page shows a catalogue key instead of its text (issue 10: "never an internal key"): every literal
key the templates and the code ask for is in both catalogues, and the submitted statistics (whose column
headings come from the catalogue) read as words in Swedish and English."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from app.domain.accounts import add_user
from app.models import OpenTask
from app.services import Services
from tests.catalogue_keys import catalogue, shown_keys
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of

APP = Path(__file__).resolve().parents[2] / "app"
# t('key'), translate("key", ...), _t('key'): literal keys only (built ones are caught on the pages)
_LITERAL = re.compile(r"""\b(?:t|translate|_t)\(\s*['"]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)['"]""")
PLAN = dict(steps.PLAN, statistics=[{"label": "individkontakter", "unit": "kontakter"},
                                    {"label": "unika personer", "unit": "personer"}])


def _literal_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for path in [*APP.glob("web/templates/**/*.html"), *APP.glob("**/*.py")]:
        for match in _LITERAL.finditer(path.read_text(encoding="utf-8")):
            keys.setdefault(match.group(1), str(path.relative_to(APP.parent)))
    return keys


def test_every_literal_key_is_in_both_catalogues() -> None:
    keys = _literal_keys()
    assert len(keys) > 100  # the scan does find the app's keys
    for lang in ("sv", "en"):
        missing = {k: where for k, where in keys.items() if k not in catalogue(lang)}
        assert not missing, f"missing in app/i18n/{lang}: {missing}"


def test_shown_keys_tells_keys_from_file_names_and_addresses() -> None:
    assert shown_keys("Statistik answers.statistic answers.value Enhet") == ["answers.statistic", "answers.value"]
    assert shown_keys("agreement.payment.held.") == ["agreement.payment.held"]
    assert shown_keys("finance.col.due") == ["finance.col.due"]  # a key no catalogue has yet
    assert shown_keys("stadgar.pdf karin@example.org https://bpmn.io www.stenungsund.se 1.200 kr "
                      "KS § 123. Ja. t.ex. bl.a. fr.o.m. kl.10.00 v1.2") == []


def _review_task(services: Services) -> tuple[int, int]:
    case_id = steps.to_decision(services, plan=PLAN)
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_officer", PASSWORD, "officer", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
        task = s.scalars(select(OpenTask).where(OpenTask.case_id == case_id, OpenTask.name == "review")).one()
        return case_id, task.id


def test_statistics_in_answers_read_as_words(services: Services, browser: Browser) -> None:
    case_id, task_id = _review_task(services)
    browser.login("st_officer")
    headings = {"sv": ("Statistik", "Värde", "Enhet"), "en": ("Statistic", "Value", "Unit")}
    for lang, (statistic, value, unit) in headings.items():
        for url in (f"/tasks/{task_id}?lang={lang}", f"/cases/{case_id}?lang={lang}",
                    f"/cases/{case_id}/agreement?lang={lang}"):
            html = browser.get(url)
            assert not shown_keys(text_of(html)), (url, shown_keys(text_of(html)))
            if not url.endswith("agreement?lang=" + lang):
                assert (f'<th scope="col">{statistic}</th><th scope="col">{value}</th>'
                        f'<th scope="col">{unit}</th>') in html, url
                assert '<th scope="row">individkontakter</th><td>340</td><td>kontakter</td>' in html, url


def test_every_process_outcome_has_a_text() -> None:
    """Case pages, the history and the admin overview show `outcome.<value>` for the outcome a process
    ends with (processes/*.bpmn: a `outcome` output or script value)."""
    outcomes: set[str] = set()
    for path in (APP.parent / "processes").glob("*.bpmn"):
        text = path.read_text(encoding="utf-8")
        outcomes |= set(re.findall(r'name="outcome" value="([a-z_]+)"', text))
        outcomes |= set(re.findall(r"\bdict\(outcome=(?:&quot;|\")([a-z_]+)(?:&quot;|\")", text))
    assert {"approved", "terminated", "ended"} <= outcomes
    for lang in ("sv", "en"):
        missing = sorted(o for o in outcomes if f"outcome.{o}" not in catalogue(lang))
        assert not missing, f"app/i18n/{lang}: no text for outcomes {missing}"
