"""The agreement as PDF/A-2b, the form that is archived: fpdf2 with `enforce_compliance` (it writes the XMP
metadata with pdfaid part 2, conformance B, and the sRGB output intent with the ICC profile it ships, and
refuses what PDF/A forbids: the standard fonts, encryption), a TrueType font embedded (subset), a bookmark
per item and the document's language.

The font is DejaVu Sans from Debian's fonts-dejavu-core (or Liberation Sans from fonts-liberation): it covers
Swedish and the no-break spaces of Swedish amounts. IOP_DOCUMENT_FONT_DIR may name another folder holding
DejaVuSans.ttf and DejaVuSans-Bold.ttf.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from app.domain.agreement_document.template_text import Block, Table

FONT = "Body"
# (regular, bold) pairs, tried in this order
FONT_FILES = [
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
]
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"),
             Path("/usr/share/fonts/truetype/liberation2")]


class FontMissing(RuntimeError):
    pass


def font_files() -> tuple[Path, Path]:
    folders = [Path(os.environ["IOP_DOCUMENT_FONT_DIR"])] if os.environ.get("IOP_DOCUMENT_FONT_DIR") else []
    for folder in folders + FONT_DIRS:
        for regular, bold in FONT_FILES:
            if (folder / regular).is_file() and (folder / bold).is_file():
                return folder / regular, folder / bold
    raise FontMissing("no TrueType font for PDF/A documents: install Debian's fonts-dejavu-core "
                      "or set IOP_DOCUMENT_FONT_DIR")


def _table(pdf: FPDF, table: Table) -> None:
    width = max(len(row) for row in table.rows)
    with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=6, text_align="LEFT",
                   first_row_as_headings=True) as made:
        for row in table.rows:
            cells = made.row()
            for value in row + [""] * (width - len(row)):
                cells.cell(value)
    pdf.ln(3)


def write(blocks: list[Block], title: str, author: str, created: datetime) -> bytes:
    regular, bold = font_files()
    pdf = FPDF(format="A4", enforce_compliance="PDFA_2B")
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("IOP")
    pdf.set_lang("sv-SE")
    pdf.set_creation_date(created)
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for block in blocks:
        if block.kind == "title":
            pdf.set_font(FONT, "B", 17)
            pdf.multi_cell(0, 9, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif block.kind == "heading":
            pdf.ln(3)
            pdf.start_section(block.text)
            pdf.set_font(FONT, "B", 13)
            pdf.multi_cell(0, 7, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif block.kind == "table" and block.table is not None:
            pdf.set_font(FONT, "", 10)
            _table(pdf, block.table)
        elif block.kind == "bullet":
            pdf.set_font(FONT, "", 11)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 6, f"• {block.text}", align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(FONT, "", 11)
            pdf.multi_cell(0, 6, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())
