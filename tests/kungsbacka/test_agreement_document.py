"""Kungsbacka's agreement document (processes/templates/kungsbacka_agreement.txt) from a case the officer began:
the items of Kungsbacka's guidelines filled from the organisation's proposal, the municipality's initiative, the
joint budget and the committee's decision (app/domain/agreement_document/data.py reads them by step name)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from pypdf import PdfReader

from app.domain.agreement_document.render import render
from app.models import Case
from app.services import Services
from tests.agreement_document.pdfa_check import pdfa_2b_problems
from tests.kungsbacka import steps

ITEMS = ["1. Vad partnerskapet gäller", "2. Parter", "3. Mål och målgrupp", "4. Period",
         "5. Gemensam budget: varje parts bidrag", "6. Ansvar och samverkan", "7. Gemensam uppföljning och utvärdering",
         "8. Förnyelse", "9. Om verksamheten upphör i förtid", "10. Beslut"]


def _decided(services: Services) -> int:
    steps.at(services, "2026-12-10")
    case_id = steps.start_by_officer(services)
    steps.complete(services, case_id, "municipal_initiative", steps.INITIATIVE, "kb_officer")
    steps.to_decision(services, case_id)
    steps.complete(services, case_id, "decision", steps.DECISION, "kb_board")
    return case_id


def _render(services: Services, case_id: int, fmt: str) -> bytes:
    with services.unit_of_work() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return render(s, services.clock, case, fmt).content


def test_the_document_holds_kungsbackas_items_and_every_partys_contribution(services: Services,
                                                                            kb_people: Any) -> None:
    case_id = _decided(services)
    document = Document(BytesIO(_render(services, case_id, "docx")))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ITEMS
    text = " ".join(" ".join([p.text for p in document.paragraphs]
                             + [c.text for t in document.tables for r in t.rows for c in r.cells])
                    .replace("\xa0", " ").split())
    proposal = steps.PROPOSAL
    for shown in (proposal["activity_title"], proposal["description"], proposal["societal_challenge"],
                  proposal["goals"], proposal["target_group"], "Föreningen Gemenskap", "Stödcentrum",
                  "Kungsbacka kommun: 300 000 kr i pengar", "Stödcentrum: 20 000 kr i pengar",
                  "från och med 1 januari 2027", steps.DECISION["minute_reference"]):
        assert " ".join(str(shown).split()) in text, shown
    assert f"Målgrupp: {proposal['target_group']}" in text and "{{" not in text

    pdf = _render(services, case_id, "pdf")
    assert pdfa_2b_problems(pdf) == []
    assert [o.title for o in PdfReader(BytesIO(pdf)).outline] == ITEMS
