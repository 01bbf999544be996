"""The agreement template: a plain text file a process owner reads and edits, filled from the case's data.

The format, line by line (processes/templates/<municipality>_agreement.txt):

    # Title                     the document's title
    ## 1. Bakgrund              an item's heading (the municipality's numbered items)
    - text                      a bullet
    {{ parties_table }}         a block field alone on its line: a table or a list the document builds
    any other text              a paragraph; consecutive lines join, an empty line ends the paragraph

Text may hold text fields, `{{ registration_number }}`, anywhere. Only the names of FIELDS are allowed:
no expressions, filters, attribute access or logic, so there is nothing to sandbox and a process owner
cannot reach anything but the named values. `validate` names the line of every problem; `fill` refuses a
template `validate` would refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from app.core.errors import InvalidData

# name -> what the field holds (shown to the process owner beside the template editor)
TEXT_FIELDS: dict[str, str] = {
    "registration_number": "the case's registration number (diarienummer)",
    "municipality_name": "the municipality's name",
    "organisation_name": "the organisation's name",
    "org_number": "the organisation's organisation number",
    "activity_title": "the activity's title from the interest registration",
    "activity_description": "the activity's description from the interest registration",
    "field_of_activity": "the field of activity",
    "societal_challenge": "the shared societal challenge the partnership meets (Kungsbacka's proposal)",
    "target_group": "the target group the parties agreed on",
    "contact_name": "the organisation's contact person",
    "contact_email": "the contact person's e-mail address",
    "shared_goal": "the shared goal agreed in the dialogue",
    "purpose": "the purpose agreed in the dialogue",
    "shared_values": "the shared values agreed in the dialogue",
    "dialogue_date": "the day of the dialogue meeting",
    "agreement_version": "the agreement period's number (1 for the first agreement, 2 after one renewal, …)",
    "period_start": "the first day of the period",
    "period_end": "the last day of the period",
    "period_years": "the period's length in years",
    "yearly_support": "the municipality's support per year, in kronor",
    "total_support": "the municipality's support over the whole period, in kronor",
    "payment_interval": "how often the support is paid",
    "own_funds": "the organisation's own funds per year, in kronor",
    "volunteer_hours": "the organisation's volunteer hours per year",
    "volunteer_value": "the volunteer hours valued in kronor per year",
    "organisation_total": "the organisation's whole contribution per year, in kronor",
    "other_resources": "other resources the parties bring",
    "repayment_rule": "what the organisation repays if the activity ends early",
    "renewal_dialogue_opens": "the day the dialogue about a new agreement should start",
    "renewal_decision_deadline": "the last day to decide on a new agreement",
    "decision_date": "the day of the board's decision",
    "decision_reference": "the board's minute reference",
    "statistics": "the statistics the organisation reports, in one line",
    "document_date": "the day the document is produced",
}
BLOCK_FIELDS: dict[str, str] = {
    "parties_table": "a table of the parties: name, organisation number, role",
    "signatures_table": "a table with a signature line per party",
    "amounts_table": "a table of the amounts: the municipality's support, the organisation's resources",
    "payments_table": "a table of the period's planned payments: date and amount",
    "statistics_list": "a bulleted list of the statistics the organisation reports",
}
FIELDS = {**TEXT_FIELDS, **BLOCK_FIELDS}

MAX_CHARS = 100_000
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Problem:
    """One problem of a template: its line, a code the pages word in their language (texts
    `agreement_template.problem.<code>`), the field or text concerned, and the message in English (API, logs)."""

    line: int
    code: str
    subject: str
    message: str

    def text(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]  # the first row is the header


@dataclass(frozen=True)
class Block:
    kind: Literal["title", "heading", "paragraph", "bullet", "table"]
    text: str = ""
    table: Table | None = None


@dataclass
class Values:
    """What fills a template: text per text field, a table or a list per block field."""

    text: dict[str, str]
    tables: dict[str, Table] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)


def _problems_of_line(number: int, line: str) -> list[Problem]:
    problems = []
    for match in _PLACEHOLDER.finditer(line):
        name = match.group(1).strip()
        if not _NAME.match(name):
            problems.append(Problem(number, "not_a_name", match.group(0),
                                    f"'{match.group(0)}' is not a field name: write a name such as "
                                    "{{ registration_number }}, without expressions"))
        elif name not in FIELDS:
            problems.append(Problem(number, "unknown_field", name, f"unknown field '{name}'"))
        elif name in BLOCK_FIELDS and line.strip() != match.group(0):
            problems.append(Problem(number, "block_not_alone", name,
                                    f"the field '{name}' is a table or list and must stand alone on its line"))
    rest = _PLACEHOLDER.sub("", line)
    if "{{" in rest or "}}" in rest:
        problems.append(Problem(number, "unmatched", "",
                                "unmatched '{{' or '}}': a field is written {{ name }} on one line"))
    return problems


def validate(text: str) -> list[Problem]:
    """Every problem of the template, each with its line (1-based); [] when it can be deployed."""
    if len(text) > MAX_CHARS:
        return [Problem(1, "too_long", str(MAX_CHARS), f"the template is longer than {MAX_CHARS} characters")]
    if "\x00" in text:
        return [Problem(1, "nul", "", "the template holds a NUL character")]
    lines = text.splitlines()
    problems = [p for number, line in enumerate(lines, start=1) for p in _problems_of_line(number, line)]
    if not any(line.startswith("## ") for line in lines):
        problems.append(Problem(1, "no_item", "",
                                "the template has no item: write each item's heading as '## 1. Heading'"))
    return problems


def require_valid(text: str) -> None:
    problems = validate(text)
    if problems:
        raise InvalidData("; ".join(p.text() for p in problems), {"text": problems[0].text()})


def _fill_text(line: str, values: Values) -> str:
    return _PLACEHOLDER.sub(lambda m: values.text[m.group(1).strip()], line)


def fill(text: str, values: Values) -> list[Block]:
    """The document's blocks: the template's lines with the fields filled in."""
    require_valid(text)
    missing = {m.group(1).strip() for m in _PLACEHOLDER.finditer(text)} - set(values.text) - set(values.tables) \
        - set(values.lists)
    if missing:
        raise ValueError(f"no value for {', '.join(sorted(missing))}")
    blocks: list[Block] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            blocks.append(Block("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        alone = _PLACEHOLDER.fullmatch(line)
        name = alone.group(1).strip() if alone else ""
        if name in BLOCK_FIELDS:
            end_paragraph()
            if name in values.tables:
                blocks.append(Block("table", table=values.tables[name]))
            else:
                blocks.extend(Block("bullet", item) for item in values.lists[name])
        elif not line:
            end_paragraph()
        elif line.startswith("## "):
            end_paragraph()
            blocks.append(Block("heading", _fill_text(line[3:].strip(), values)))
        elif line.startswith("# "):
            end_paragraph()
            blocks.append(Block("title", _fill_text(line[2:].strip(), values)))
        elif line.startswith("- "):
            end_paragraph()
            blocks.append(Block("bullet", _fill_text(line[2:].strip(), values)))
        else:
            paragraph.append(_fill_text(line, values))
    end_paragraph()
    return blocks
