"""The schema the packages' metadata.xml must satisfy: the official E-ARK CITS ERMS v3 schema, vendored unchanged
(README.md here says where it comes from, its version and licence)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_PATH = Path(__file__).with_name("ERMS_v3.xsd")
NAMESPACE = "https://DILCIS.eu/XML/ERMS"


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
