"""Chromium: the board's decision page shows the organisation's de minimis aid across the municipalities of the
installation with the warning from 80 % of the ceiling; a decision above the ceiling is refused with the reason
on the page, and is made under the SGEI regulation instead. The rate is typed with a decimal comma; a rate
that is no number is refused with its own message and the form keeps what was typed. axe-core on each page;
screenshots in $IOP_SHOTS_DIR (default /tmp/shots)/state-aid-<nn>-st_board-<what>.png."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.accounts import add_user
from app.driving.case_driver import CaseDriver
from app.services import Services
from tests.browser.walker import Person
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.stenungsund import steps
from tests.stenungsund.test_state_aid import PLAN, _falun_aid

pytestmark = pytest.mark.browser


def test_the_board_sees_the_warning_and_the_refusal(services: Services, page: Any, live_server: str,
                                                    axe: Any) -> None:
    _falun_aid(services, "2024-03-15", 250_000)
    steps.set_clock(services, steps.midnight("2025-11-20"))
    case_id = steps.start(services)
    CaseDriver(services, case_id).complete_all(
        [("interest", steps.INTEREST), ("dialogue", steps.DIALOGUE), ("economic_plan", PLAN),
         ("documents", steps.DOCS), ("documents_check", steps.ALL_RECEIVED), ("suitability", steps.SUITABLE)])
    with services.unit_of_work() as s:
        add_user(s, services.clock, "st_board", PASSWORD, "board", municipality="stenungsund",
                 password_hash=PASSWORD_HASH)
    board = Person(page.context.browser, live_server, "st_board", PASSWORD, check=axe, prefix="state-aid-")
    board.log_in()
    text = board.open_task("Kommunstyrelsen beslutar om överenskommelsen")
    assert "Stöd av mindre betydelse (de minimis)" in text
    assert "Varning: summan är 83 procent av taket" in text
    status = board.page.get_by_role("status").filter(has_text="Varning")
    assert status.is_visible()

    board.fill({"Beslutar kommunstyrelsen att ingå": "Ja", "Beslutsdatum": "2025-11-20",
                "Protokollsparagraf": "KS § 123", "Växelkurs på beslutsdagen": "elva"})
    board.click("Skicka")
    alert = board.page.locator("[role=alert]").first
    alert.wait_for()
    assert "Skriv växelkursen som ett tal större än noll, till exempel 11,2345" in alert.inner_text()
    board.look("rate-refused")
    assert board.page.get_by_label("Protokollsparagraf").input_value() == "KS § 123"  # what was typed stays
    assert board.page.get_by_label("Växelkurs på beslutsdagen", exact=False).input_value() == "elva"

    board.fill({"Växelkurs på beslutsdagen": "11,5"})  # the Swedish decimal comma
    board.click("Skicka")
    alert = board.page.locator("[role=alert]").first
    alert.wait_for()
    assert "Stödet kan inte beviljas enligt förordning (EU) 2023/2831" in alert.inner_text()
    text = board.look("refused")
    assert "Summan är 141 procent av taket. Beslutet kan inte fattas" in text

    board.fill({"Förordning för stöd av mindre betydelse": "Förordning (EU) 2023/2832, tjänster av allmänt "
                                                           "ekonomiskt intresse (tak 750 000 euro)"})
    board.submit(what="decided-under-sgei")
    assert "board_decision" not in steps.names(services, case_id)
