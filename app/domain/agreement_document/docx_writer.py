"""The agreement as a Word document (DOCX), the form municipal staff edit: python-docx, a heading per item,
tables with the document's own table style."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from app.domain.agreement_document.template_text import Block, Table


def _table(document: DocxDocument, table: Table) -> None:
    width = max(len(row) for row in table.rows)
    made = document.add_table(rows=0, cols=width, style="Table Grid")
    for index, row in enumerate(table.rows):
        cells = made.add_row().cells
        for column, value in enumerate(row):
            cells[column].text = value
            if index == 0:
                for run in cells[column].paragraphs[0].runs:
                    run.bold = True


def write(blocks: list[Block], title: str, author: str, created: datetime) -> bytes:
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    properties = document.core_properties
    properties.title, properties.author, properties.language = title, author, "sv-SE"
    properties.created = properties.modified = created
    for block in blocks:
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=1)
        elif block.kind == "bullet":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table" and block.table is not None:
            _table(document, block.table)
            document.add_paragraph()
        else:
            document.add_paragraph(block.text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
