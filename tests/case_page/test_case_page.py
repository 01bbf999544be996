"""The case page (issue 11): history sentences for every event kind (no raw keys), folded by day and year,
the timers to come in Swedish time, the text list of steps with their states, who may see the page, and a
constant number of SQL statements whatever the length of the history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, select

from app.domain import task_actions
from app.models import Case, CaseEvent, OpenTask
from app.services import Services
from app.web.pages.case_timers import when
from tests.catalogue_keys import shown_keys
from tests.web.pages import Browser, text_of

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# What administrator actions and incidents record (app.engine.incidents, app.domain.case_admin): their
# kinds and the data keys the page shows (reason, message, detail, username, due).
ADMIN_EVENTS: list[tuple[str, str, dict[str, Any]]] = [
    ("incident", "Nästa datum i planen", {"message": "Ett uträkningsfel i steget.", "step": "x",
                                           "detail": "ZeroDivisionError: division by zero"}),
    ("case_retried", "Nästa datum i planen", {"reason": "Rättat beloppet"}),
    ("step_skipped", "Frisläpp utbetalningen", {"reason": "Betalt manuellt"}),
    ("case_suspended", "Ärendet", {"reason": "Väntar på revision"}),
    ("case_resumed", "Ärendet", {"reason": "Revisionen klar"}),
    ("case_cancelled", "Ärendet", {"reason": "Dubbelregistrerat"}),
    ("task_assigned", "Lämna redogörelse för året", {"username": "st_officer", "reason": "Semester"}),
    ("timer_moved", "Nio månader före utgång", {"reason": "Nytt beslut", "from": "2030-03-31T00:00:00+01:00",
                                                "due": "2030-05-02T00:00:00+02:00"}),
    ("migrated", "version 2", {"version": 2}),
    ("late_renewal_decision", "2030-10-01", {"deadline": "2030-10-01"}),
    ("something_new", "Ett nytt slags händelse", {}),
    ("something_untitled", "", {}),
]


def _add_events(services: Services, case_id: int, kinds: list[tuple[str, str, dict[str, Any]]],
                at: datetime) -> None:
    with services.unit_of_work() as s:
        for index, (kind, title, data) in enumerate(kinds):
            s.add(CaseEvent(case_id=case_id, at=at + timedelta(minutes=index), actor_id=None,
                            actor_name="Ada Admin", kind=kind, task_name=None, title=title, data=data))


def _history(html: str) -> str:
    found = re.search(r'<section aria-labelledby="history-heading".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def _claim_and_release(services: Services, case_id: int, username: str) -> None:
    with services.unit_of_work() as s:
        from app.models import User

        user = s.scalars(select(User).where(User.username == username)).one()
        task = s.scalars(select(OpenTask).where(OpenTask.case_id == case_id, OpenTask.role == "officer")).first()
        assert task is not None
        task_actions.claim(s, services.engine, user, task.id)
        task_actions.unclaim(s, services.engine, user, task.id)


def test_every_event_kind_reads_as_a_sentence(services: Services, browser: Browser, long_case: int) -> None:
    _claim_and_release(services, long_case, "other_officer")
    with services.unit_of_work() as s:
        walked = set(s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == long_case)))
    assert {"case_started", "task_completed", "timer_fired", "escalation", "feedback", "task_claimed",
            "task_unclaimed"} <= walked
    _add_events(services, long_case, ADMIN_EVENTS, datetime(2027, 1, 2, 9, 0, tzinfo=UTC))
    browser.login("other_officer")
    for lang in ("sv", "en"):
        html = browser.get(f"/cases/{long_case}?lang={lang}")
        history = _history(html)
        kinds = re.findall(r'<li id="event-\d+" data-kind="([a-z_]+)">', history)
        assert set(kinds) == walked | {k for k, _, _ in ADMIN_EVENTS}
        for item in re.findall(r'<li id="event-\d+" data-kind="[a-z_]+">(.*?)</li>', history, re.S):
            what = text_of(re.search(r'<span class="history-what">(.*?)</span>', item, re.S).group(1))  # type: ignore[union-attr]
            assert what and not shown_keys(what), what
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", what), what  # no raw kind such as timer_fired
        assert not shown_keys(text_of(history)), shown_keys(text_of(history))
    html = browser.get(f"/cases/{long_case}?lang=sv")
    text = text_of(_history(html))
    assert "Tidpunkten för ”Redogörelsen är försenad” inträffade (1 december 2026)" in text
    assert "Påminnelse om ”Utbetalningsdagen nådd utan godkänd uppföljning” skickades till Handläggare" in text
    assert "Tog uppgiften ”Utbetalning innehållen: följ upp redogörelsen”" in text
    assert "Ett fel stoppade ärendet: Nästa datum i planen Vad gick fel Ett uträkningsfel i steget." in text
    # the technical detail is folded away under its own summary
    assert re.search(r'<details class="technical"><summary>Teknisk information</summary><pre>ZeroDivisionError: '
                     r"division by zero</pre></details>", html)
    assert "Skäl Semester" in text and "Tilldelad st_officer" in text
    assert "Tidigare datum 31 mars 2030 Nytt datum 2 maj 2030" in text
    assert "Beslutet om ny avtalsperiod kom efter tidsgränsen 1 oktober 2030" in text
    assert "Händelse i ärendet: Ett nytt slags händelse" in text
    assert "Ada Admin" in text


def test_history_is_folded_by_day_newest_open(services: Services, browser: Browser, long_case: int) -> None:
    browser.login("other_officer")
    history = _history(browser.get(f"/cases/{long_case}"))
    days = re.findall(r'<details class="history-day"( open)?>\s*<summary><span class="history-day-label">([^<]+)<',
                      history)
    assert [label for _, label in days] == ["1 januari 2027", "1 november 2026", "1 januari 2026",
                                            "20 november 2025"]
    assert [bool(is_open) for is_open, _ in days] == [True, False, False, False]  # only the newest day open
    years = re.findall(r'<details class="history-year">\s*<summary>([^<]+)</summary>', history)
    assert years == ["2026: 2 dagar med händelser, 6 händelser", "2025: 1 dag med händelser, 8 händelser"]
    newest = history.index("1 januari 2027")
    assert newest < history.index('<details class="history-year">')  # the newest year is not folded
    # the answers a step recorded are inside its day
    assert "Verifikation" in history and "VER-1" in history
    # a long case stays short: one line per folded day, not the 12,000 px of the old page
    assert history.count("<details") == 4 + 2


def test_timers_to_come_in_swedish_time(services: Services, browser: Browser, long_case: int) -> None:
    case_id = _decided_case(services)
    browser.login("other_officer")
    text = text_of(re.search(r'<section aria-labelledby="timers-heading".*?</section>',  # type: ignore[union-attr]
                             browser.get(f"/cases/{case_id}"), re.S).group(0))
    assert "Nästa datum i planen 1 januari 2026" in text  # the first payment, midnight Swedish time
    later = text_of(re.search(r'<section aria-labelledby="timers-heading".*?</section>',  # type: ignore[union-attr]
                              browser.get(f"/cases/{long_case}"), re.S).group(0))
    assert "Nio månader före utgång 31 mars 2030" in later  # renewal dialogue: 9 months before 2030-12-31
    assert when(datetime(2027, 3, 1, 9, 30, tzinfo=UTC), STOCKHOLM, "sv") == "1 mars 2027 kl. 10:30"
    assert when(datetime(2026, 7, 1, 22, 30, tzinfo=UTC), STOCKHOLM, "sv") == "2 juli 2026 kl. 00:30"  # summer
    assert when(datetime(2026, 12, 31, 23, 0, tzinfo=UTC), STOCKHOLM, "sv") == "1 januari 2027"


def _decided_case(services: Services) -> int:
    from tests.stenungsund import steps

    return steps.to_decision(services)


def test_the_text_list_of_steps_says_each_state(services: Services, browser: Browser, long_case: int) -> None:
    browser.login("other_officer")
    html = browser.get(f"/cases/{long_case}")
    lists = re.search(r'<div class="state-lists" id="case-element-states">.*?</section>', html, re.S)
    assert lists is not None
    found = [(text_of(name), state) for state, name in re.findall(
        r'<li class="step step-\w+" data-step-state="(\w+)">\s*<span class="step-name">([^<]+)</span>', lists.group(0))]
    states = dict(found)
    assert states["Anmäl intresse för IOP"] == "completed"
    assert states["Lämna redogörelse för året"] == "active"
    assert states["Utbetalning innehållen: följ upp redogörelsen"] == "active"
    assert states["Nio månader före utgång"] == "waiting"
    assert "Organisationen återkallar" not in states  # cancelled with the preparation, never happened
    assert "Utbetalningen är försenad" not in states  # paid in time: that timer never fired
    names = [name for name, _ in found]
    assert names.index("Anmäl intresse för IOP") < names.index("Genomför utbetalning") < names.index(
        "Lämna redogörelse för året")  # process order
    words = text_of(lists.group(0))
    assert "Lämna redogörelse för året ▶ pågår" in words and "Nio månader före utgång ◷ väntar" in words
    assert "Anmäl intresse för IOP ✓ klar" in words
    for internal in ("a_merge", "split", "gw_kind", "esc_split", "lane_"):  # ids never shown
        assert internal not in words


def test_lane_names_follow_the_page_language(services: Services, browser: Browser, long_case: int) -> None:
    browser.login("other_officer")
    swedish = browser.client.get(f"/cases/{long_case}/diagram.bpmn?lang=sv").get_data(as_text=True)
    assert 'name="Handläggare"' in swedish and 'name="Officer"' not in swedish
    assert 'name="Nämnd/kommunstyrelse"' in swedish and 'name="Ekonomi"' in swedish
    english = browser.client.get(f"/cases/{long_case}/diagram.bpmn?lang=en").get_data(as_text=True)
    assert 'name="Department officer"' in english and 'id="stenungsund_agreement"' in english


def test_only_the_cases_own_people_see_it(services: Services, browser: Browser, long_case: int) -> None:
    browser.login("org_a")  # the case's organisation
    assert browser.client.get(f"/cases/{long_case}").status_code == 200
    for outsider in ("org_b", "officer"):  # another organisation; Falun's officer
        browser.login(outsider)
        assert browser.client.get(f"/cases/{long_case}").status_code == 404
        assert browser.client.get(f"/cases/{long_case}/diagram.bpmn").status_code == 404


def test_statements_do_not_grow_with_the_history(services: Services, browser: Browser, long_case: int) -> None:
    browser.login("other_officer")
    browser.get(f"/cases/{long_case}")  # warm the definition cache

    def count() -> int:
        seen: list[str] = []

        def record(*args: Any) -> None:
            seen.append(str(args[2]))

        event.listen(services.db, "before_cursor_execute", record)
        try:
            browser.get(f"/cases/{long_case}")
        finally:
            event.remove(services.db, "before_cursor_execute", record)
        return len(seen)

    hits = services.engine.cache.hits
    before = count()
    assert services.engine.cache.hits == hits + 1  # the page gave the workflow back: read once, not parsed again
    with services.unit_of_work() as s:
        done = s.scalars(select(CaseEvent).where(CaseEvent.case_id == long_case,
                                                 CaseEvent.kind == "task_completed")).first()
        assert done is not None
        copies = [(e.kind, e.title, e.data) for e in [done] * 40]
    _add_events(services, long_case, copies + ADMIN_EVENTS * 3, datetime(2027, 1, 3, 9, 0, tzinfo=UTC))
    after = count()
    assert after == before, (before, after)
    assert before < 40, before
    with services.unit_of_work() as s:
        case = s.get(Case, long_case)
        assert case is not None


def test_a_failed_case_shows_the_failed_step(services: Services, browser: Browser, long_case: int) -> None:
    with services.unit_of_work() as s:  # as app.engine.incidents.mark_failed leaves a case
        case = s.get(Case, long_case)
        assert case is not None
        case.status = "failed"
        case.summary = {**case.summary, "incident": {"at": "2027-01-01T00:00:00+00:00", "task": "hold",
                                                     "step": "Håll inne utbetalningen", "message": "Fel",
                                                     "detail": "KeyError: 'x'"}}
    browser.login("other_officer")
    html = browser.get(f"/cases/{long_case}")
    data = re.search(r'<script type="application/json" id="case-viewer-data">(.*?)</script>', html, re.S)
    assert data is not None and '"hold": "failed"' in data.group(1)
    lists = re.search(r'<div class="state-lists" id="case-element-states">.*?</section>', html, re.S)
    assert lists is not None and "Håll inne utbetalningen ✗ misslyckades" in text_of(lists.group(0))


def test_a_withdrawn_case_reads_in_words(services: Services, browser: Browser, people: Any) -> None:
    from tests.stenungsund import steps

    case_id = steps.start(services)
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        services.engine.deliver_message(s, case, "withdraw", None, {"withdraw_reason": "Vi hinner inte i år."})
    with services.unit_of_work() as s:
        kinds = set(s.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
    assert {"message", "case_completed"} <= kinds
    browser.login("other_officer")
    for lang in ("sv", "en"):
        text = text_of(_history(browser.get(f"/cases/{case_id}?lang={lang}")))
        assert not shown_keys(text) and not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    text = text_of(_history(browser.get(f"/cases/{case_id}?lang=sv")))
    assert "Organisationen återkallade intresseanmälan. Skäl: Vi hinner inte i år." in text
    assert "Ärendet avslutades: Initiativet är återkallat" in text
    assert text_of(browser.get(f"/cases/{case_id}")).count("Kommande tidpunkter") == 1
    assert "Ärendet väntar inte på någon tidpunkt." in text_of(browser.get(f"/cases/{case_id}"))
