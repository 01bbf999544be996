"""Drafts of a form with lists of rows: Stenungsund's economic plan with parties and statistics comes back
row by row, half-typed numbers as typed."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.models.draft import TaskDraft
from app.services import Services
from tests.conftest import ORG_B
from tests.stenungsund import steps
from tests.web.pages import Browser, text_of


def _value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    found = re.search(r'value="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


def test_a_draft_of_the_economic_plan_keeps_its_rows(services: Services, browser: Browser) -> None:
    services.clock.set(steps.midnight("2025-10-01"))  # type: ignore[attr-defined]
    case_id = steps.start(services)
    steps.complete(services, case_id, "interest", steps.INTEREST)
    steps.complete(services, case_id, "dialogue", steps.DIALOGUE)
    [task] = [t for t in steps.open_tasks(services, case_id) if t.name == "economic_plan"]
    browser.login("other_officer")  # Stenungsund's officer
    url = f"/tasks/{task.id}"
    typed = {"yearly_support_sek": "400 000", "period_years": "två",
             "parties[0][name]": "Stödcentrum", "parties[0][org_number]": ORG_B,
             "parties[1][name]": "Fritidsgården", "parties[1][share_percent]": "30",
             "statistics[0][label]": "individkontakter", "statistics[0][unit]": "personer"}
    resp = browser.post(f"{url}/draft", typed, page=url)
    assert resp.status_code == 302, text_of(resp.get_data(as_text=True))[:800]
    with services.unit_of_work() as s:
        [draft] = list(s.scalars(select(TaskDraft)))
        data = draft.data
    assert data["yearly_support_sek"] == 400000 and data["period_years"] == "två"
    assert [p.get("name") for p in data["parties"]] == ["Stödcentrum", "Fritidsgården"]
    html = browser.get(url)
    assert "Utkast sparat 2025-10-01 00:00" in text_of(html)
    for name, value in {"yearly_support_sek": "400000", "period_years": "två", "parties[0][name]": "Stödcentrum",
                        "parties[0][org_number]": ORG_B, "parties[1][name]": "Fritidsgården",
                        "parties[1][share_percent]": "30", "statistics[0][label]": "individkontakter",
                        "statistics[0][unit]": "personer"}.items():
        assert _value(html, name) == value, name
