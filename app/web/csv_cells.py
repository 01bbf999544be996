"""CSV for spreadsheets, shared by the exports (finance payments, the case list): cells that are never formulas,
and rows written the way Swedish Excel opens them (UTF-8 with BOM, `;` between fields, CRLF)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

BOM = "\ufeff"


def safe_cell(value: Any) -> str:
    """Text as a spreadsheet shows it: never a formula (=, +, -, @ at the start get a leading apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_chunks(header: list[str], rows: Iterable[list[Any]], *, every: int = 200) -> Iterator[bytes]:
    """The BOM, the header and the rows as UTF-8 bytes, a chunk per `every` rows (for a streamed response)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out.write(BOM)
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow(row)
        if number % every == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")
