"""The agreement document of a real Stenungsund case (driven through the engine to a running agreement):
the DOCX read back with python-docx and the PDF with pypdf hold each of the 12 items with the case's values,
and the PDF passes the structural PDF/A-2b check (pdfa_check.py)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

from app.domain.agreement_document.render import render
from app.models import Case
from app.services import Services
from tests.agreement_document.pdfa_check import pdfa_2b_problems
from tests.stenungsund import steps

ITEMS = ["1. Bakgrund, syfte, mål och målgrupp", "2. Värdegrund", "3. Ansvarsfördelning och insatser",
         "4. Ekonomisk fördelning", "5. Tid för avtal samt möjlighet till förlängning och uppsägning",
         "6. Samverkansformer", "7. Utvärdering och uppföljning",
         "8. Rutiner för utbetalning och ekonomisk redovisning", "9. Övrig ansvarsfördelning",
         "10. Omförhandling, hävningsrätt och tvist", "11. Parter", "12. Underskrift"]
NBSP = "\xa0"


def case_values(services: Services, case_id: int) -> list[str]:
    """What the document must show of the case (steps.PLAN: 400 000 kr a year for five years from 1 January
    2026; Swedish amounts group with no-break spaces)."""
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        registration, organisation = case.registration_number, case.organisation.name
    return [registration, organisation, steps.ORG, f"400{NBSP}000{NBSP}kr", f"2{NBSP}000{NBSP}000{NBSP}kr",
            f"50{NBSP}000{NBSP}kr", "1 januari 2026", "31 december 2030", "KS § 123", "Stöd till våldsutsatta",
            "individkontakter", "Stenungsunds kommun"]


@pytest.fixture
def agreement_case(services: Services, people: Any) -> int:
    """Stenungsund's case driven through the engine up to the board's decision: the agreement runs."""
    return steps.to_decision(services)


def _render(services: Services, case_id: int, fmt: str) -> bytes:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        made = render(s, services.clock, case, fmt)
    assert made.filename.endswith(f"-v1.{fmt}")
    return made.content


def test_docx_holds_the_twelve_items_and_the_case_values(services: Services, agreement_case: int) -> None:
    document = Document(BytesIO(_render(services, agreement_case, "docx")))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ITEMS
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    for value in case_values(services, agreement_case):
        assert value in text, value
    assert "{{" not in text


def test_pdf_holds_the_twelve_items_and_passes_the_pdfa_check(services: Services, agreement_case: int) -> None:
    content = _render(services, agreement_case, "pdf")
    assert pdfa_2b_problems(content) == []
    reader = PdfReader(BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())  # lines wrap anywhere
    for item in ITEMS:
        assert " ".join(item.split()) in flat, item
    for value in case_values(services, agreement_case):
        assert " ".join(value.replace(NBSP, " ").split()) in flat.replace(NBSP, " "), value
    assert [o.title for o in reader.outline] == ITEMS  # a bookmark per item


def test_the_check_refuses_a_pdf_that_is_not_pdfa(tmp_path: Any) -> None:
    from fpdf import FPDF

    plain = FPDF()
    plain.add_page()
    plain.set_font("helvetica", size=12)
    plain.cell(text="Not archival")
    problems = pdfa_2b_problems(bytes(plain.output()))
    assert "no XMP metadata stream" in problems and "no OutputIntent /GTS_PDFA1" in problems
    assert any("is not embedded" in p for p in problems)


def test_a_renewed_agreement_shows_its_current_period(services: Services, people: Any) -> None:
    """After the board renewed for two years at 420 000 kr paid twice a year, the document describes the
    second period: its dates, amounts, interval, the renewal's decision, and its file name says v2."""
    case_id = steps.to_decision(services, plan=dict(steps.PLAN, period_years=1))
    steps.advance(services, "2026-01-01")
    steps.complete(services, case_id, "pay", steps.PAYMENT)
    steps.advance(services, "2026-03-31")
    steps.complete(services, case_id, "renewal_dialogue", {
        "meeting_date": "2026-09-01", "participants": "Båda", "minutes": "Vi fortsätter.",
        "renewal_declined_by": "none"})
    steps.complete(services, case_id, "renewal_decision", {
        "board_renews": True, "renewal_decision_date": "2026-10-15", "renewal_minute_reference": "KS § 99",
        "renewal_yearly_support_sek": 420000, "renewal_years": 2, "renewal_interval": "half_yearly"})
    steps.advance(services, "2026-11-01")
    steps.complete(services, case_id, "report", steps.REPORT)
    steps.complete(services, case_id, "review", steps.APPROVE)
    steps.advance(services, "2027-01-01")
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        made = render(s, services.clock, case, "docx")
    assert made.filename.endswith("-v2.docx") and made.agreement_version == 2
    document = Document(BytesIO(made.content))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
    for value in ("1 januari 2027", "31 december 2028", f"420{NBSP}000{NBSP}kr", f"840{NBSP}000{NBSP}kr",
                  "KS § 99", "15 oktober 2026", "två gånger per år", "1 juli 2027"):
        assert value in text, value
    assert "31 december 2026" not in text  # the first period's end is not the agreement's any more
