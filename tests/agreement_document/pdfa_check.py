"""A structural PDF/A-2b check, test side (no PDF/A validator such as veraPDF installs from PyPI, npm or
Debian here): it checks with pypdf what can be read from the file's structure, not the rendering rules
a full validator checks (colour use in content streams, font glyph widths, …).

Checked: the XMP metadata stream (uncompressed is not required in PDF/A-2; it must exist) names pdfaid:part 2
and conformance B; an OutputIntent /GTS_PDFA1 with an embedded ICC profile (DestOutputProfile with /N);
every font used on every page is embedded (FontFile, FontFile2 or FontFile3 in its descriptor, the
descendant's for Type0 fonts); no encryption; no JavaScript (a /JavaScript name tree, /JS actions) and no
Launch actions; the trailer's document ID; the Info dictionary's title and creation date agree with the XMP
(dc:title, xmp:CreateDate).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from io import BytesIO
from typing import Any

from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/"}


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _xmp_value(root: Any, name: str) -> str | None:
    prefix, local = name.split(":")
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        attribute = description.get(f"{{{NS[prefix]}}}{local}")
        if attribute is not None:
            return str(attribute)
        element = description.find(f"{prefix}:{local}", NS)
        if element is not None:
            texts = [t for t in element.itertext() if t.strip()]
            return texts[0].strip() if texts else (element.text or "").strip()
    return None


def _walk_actions(obj: Any, seen: set[int], problems: list[str]) -> None:
    obj = _resolve(obj)
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, DictionaryObject):
        if obj.get("/S") in (NameObject("/JavaScript"), NameObject("/Launch")) or "/JS" in obj:
            problems.append(f"forbidden action {obj.get('/S')}")
        for key, value in obj.items():
            if key not in ("/Parent", "/P"):
                _walk_actions(value, seen, problems)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            _walk_actions(value, seen, problems)


def _font_embedded(font: DictionaryObject) -> bool:
    font = _resolve(font)
    if font.get("/Subtype") == "/Type0":
        return all(_font_embedded(_resolve(d)) for d in _resolve(font["/DescendantFonts"]))
    if font.get("/Subtype") == "/Type3":
        return True
    descriptor = _resolve(font.get("/FontDescriptor"))
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _pdf_date(value: str) -> datetime:
    """D:20261123090000+01'00' (or Z, or no zone: UTC taken) as an aware datetime."""
    match = re.match(r"D:(\d{14})(?:([+-])(\d{2})'?(\d{2})?'?|Z)?", value)
    assert match, value
    moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
    offset = timedelta(0)
    if match.group(2):
        offset = timedelta(hours=int(match.group(3)), minutes=int(match.group(4) or 0))
        offset = offset if match.group(2) == "+" else -offset
    return moment.replace(tzinfo=timezone(offset))


def pdfa_2b_problems(content: bytes) -> list[str]:
    """What keeps `content` from being PDF/A-2b as far as its structure shows; [] when nothing does."""
    problems: list[str] = []
    if not content.startswith(b"%PDF-"):
        return ["not a PDF"]
    reader = PdfReader(BytesIO(content))
    if reader.is_encrypted:
        problems.append("encrypted")
    trailer = reader.trailer
    ids = _resolve(trailer.get("/ID"))
    if not ids or len(ids) != 2:
        problems.append("no document ID in the trailer")
    catalog = reader.trailer["/Root"].get_object()
    metadata = _resolve(catalog.get("/Metadata"))
    root = None
    if metadata is None:
        problems.append("no XMP metadata stream")
    else:
        root = etree.fromstring(metadata.get_data())
        if _xmp_value(root, "pdfaid:part") != "2":
            problems.append(f"pdfaid:part is {_xmp_value(root, 'pdfaid:part')!r}, not '2'")
        if (_xmp_value(root, "pdfaid:conformance") or "").upper() != "B":
            problems.append(f"pdfaid:conformance is {_xmp_value(root, 'pdfaid:conformance')!r}, not 'B'")
    intents = [_resolve(i) for i in _resolve(catalog.get("/OutputIntents")) or []]
    pdfa_intents = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa_intents:
        problems.append("no OutputIntent /GTS_PDFA1")
    for intent in pdfa_intents:
        profile = _resolve(intent.get("/DestOutputProfile"))
        if profile is None or "/N" not in profile or len(profile.get_data()) < 128:
            problems.append("the OutputIntent has no embedded ICC profile")
        elif profile.get_data()[36:40] != b"acsp":
            problems.append("the OutputIntent's profile is not an ICC profile")
    names = _resolve(catalog.get("/Names"))
    if names is not None and "/JavaScript" in names:
        problems.append("a JavaScript name tree")
    if "/OpenAction" in catalog or "/AA" in catalog:
        _walk_actions(catalog.get("/OpenAction"), set(), problems)
        _walk_actions(catalog.get("/AA"), set(), problems)
    for number, page in enumerate(reader.pages, start=1):
        _walk_actions(page.get("/Annots"), set(), problems)
        _walk_actions(page.get("/AA"), set(), problems)
        fonts = _resolve(_resolve(page.get("/Resources") or DictionaryObject()).get("/Font")) or {}
        for name, font in fonts.items():
            if not _font_embedded(_resolve(font)):
                problems.append(f"page {number}: font {name} is not embedded")
    info = reader.metadata
    if root is not None and info is not None:
        if info.title and _xmp_value(root, "dc:title") != info.title:
            problems.append(f"dc:title {_xmp_value(root, 'dc:title')!r} differs from /Title {info.title!r}")
        created = info.get("/CreationDate")
        xmp_created = _xmp_value(root, "xmp:CreateDate")
        if created and xmp_created is None:
            problems.append("/CreationDate without xmp:CreateDate")
        elif created and xmp_created is not None:
            info_moment = _pdf_date(str(created))
            xmp_moment = datetime.fromisoformat(xmp_created.replace("Z", "+00:00"))
            if xmp_moment.tzinfo is None:
                xmp_moment = xmp_moment.replace(tzinfo=info_moment.tzinfo)
            if info_moment != xmp_moment:
                problems.append(f"/CreationDate {created} differs from xmp:CreateDate {xmp_created}")
    return problems
