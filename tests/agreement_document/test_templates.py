"""The template format: what validation refuses (each with its line), and Gävle's template with its 10 items
rendered from a data mapping (Gävle has no process yet, so no case to take the values from)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from app.core.clock import ManualClock
from app.domain.agreement_document.render import blocks_for, write
from app.domain.agreement_document.template_text import (
    BLOCK_FIELDS,
    TEXT_FIELDS,
    Table,
    Values,
    validate,
)
from tests.agreement_document.pdfa_check import pdfa_2b_problems

TEMPLATES = Path(__file__).resolve().parents[2] / "processes" / "templates"
GAVLE_ITEMS = ["1. Bakgrund", "2. Parter", "3. Period för partnerskapet", "4. Partnerskapets samfinansiering",
               "5. Värdegrund för partnerskapet", "6. Målgrupp och uppdrag", "7. Samverkan",
               "8. Partnerskapets organisering", "9. Utvärdering och uppföljning",
               "10. Marknadsföring och kommunikation"]


def test_the_shipped_templates_are_valid() -> None:
    for path in TEMPLATES.glob("*_agreement.txt"):
        assert validate(path.read_text(encoding="utf-8")) == [], path.name


def test_unknown_fields_expressions_and_broken_braces_are_refused_with_their_line() -> None:
    text = "# Titel\n## 1. Bakgrund\nHej {{ organisation_name }}\n{{ organisation_nam }}\n" \
           "{{ case.__class__ }}\nText {{ parties_table }}\nOj {{ registration_number\n"
    problems = validate(text)
    assert [(p.line, p.code) for p in problems] == [(4, "unknown_field"), (5, "not_a_name"),
                                                    (6, "block_not_alone"), (7, "unmatched")]
    assert problems[0].subject == "organisation_nam"
    assert "line 4: unknown field 'organisation_nam'" == problems[0].text()
    assert [p.code for p in validate("Bara text utan punkter\n")] == ["no_item"]
    assert [p.code for p in validate("## 1. A {% if x %}\n{{ x|upper }}\n")] == ["not_a_name"]
    assert validate("## 1. A\nEn {klammer} ensam och }} här\n")[0].code == "unmatched"


def sample_values() -> Values:
    text = {name: f"<{name}>" for name in TEXT_FIELDS}
    text.update(registration_number="KS 2026/0042", organisation_name="Gävle Stadsmission",
                municipality_name="Gävle kommun", yearly_support="250\xa0000\xa0kr", period_start="1 mars 2027",
                period_end="28 februari 2029")
    return Values(text=text,
                  tables={"parties_table": Table([["Part", "Roll"], ["Gävle Stadsmission", "Idéburen part"],
                                                  ["Gävle kommun", "Offentlig part"]]),
                          "signatures_table": Table([["För", "Namn"], ["Gävle kommun", ""]]),
                          "amounts_table": Table([["Insats", "Belopp"], ["Stöd per år", "250\xa0000\xa0kr"]]),
                          "payments_table": Table([["Dag", "Belopp"]])},
                  lists={"statistics_list": ["besökare", "samtal"]})


def test_gavle_template_renders_its_ten_items_from_a_data_mapping() -> None:
    assert set(sample_values().tables) | set(sample_values().lists) == set(BLOCK_FIELDS)
    blocks = blocks_for((TEMPLATES / "gavle_agreement.txt").read_text(encoding="utf-8"), sample_values())
    clock = ManualClock(datetime(2027, 2, 1, 9, 0, tzinfo=UTC))
    docx = Document(BytesIO(write(blocks, "docx", "Överenskommelse", "Gävle kommun", clock)))
    assert [p.text for p in docx.paragraphs if p.style is not None and p.style.name == "Heading 1"] == GAVLE_ITEMS
    cells = [c.text for t in docx.tables for r in t.rows for c in r.cells]
    assert "Gävle Stadsmission" in cells and "250\xa0000\xa0kr" in cells
    pdf = write(blocks, "pdf", "Överenskommelse", "Gävle kommun", clock)
    assert pdfa_2b_problems(pdf) == []
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())
    for item in GAVLE_ITEMS + ["KS 2026/0042", "1 mars 2027", "28 februari 2029", "besökare"]:
        assert item in flat, item
