"""The schema the packages' metadata.xml must satisfy: our own, after FGS Ärendehantering (README.md here)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_PATH = Path(__file__).with_name("iop_fgs_arendehantering.xsd")
NAMESPACE = "http://xml.ra.se/e-arkiv/FGS-ERMS"


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def schema_errors(document: bytes) -> list[str]:
    """Every way `document` fails the schema (empty: valid), one line each with its line number."""
    try:
        tree = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = _schema()
    if schema.validate(tree):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
