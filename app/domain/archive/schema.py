"""What the packages' metadata.xml must satisfy: the official E-ARK CITS ERMS v3 schema and its Schematron
rules, both vendored unchanged (README.md here says where they come from, their versions and licence)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree, isoschematron

SCHEMA_PATH = Path(__file__).with_name("ERMS_v3.xsd")
SCHEMATRON_PATH = Path(__file__).with_name("erms_v3.sch")
NAMESPACE = "https://DILCIS.eu/XML/ERMS"
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


@cache
def _schematron() -> isoschematron.Schematron:
    """The published rules declare queryBinding "xslt2", which lxml's Schematron (XSLT 1.0) refuses; every
    rule in them is plain XPath 1.0 (normalize-space, count), so they are run as "xslt" here. The file on
    disk stays as published."""
    rules = etree.parse(str(SCHEMATRON_PATH))
    rules.getroot().set("queryBinding", "xslt")
    return isoschematron.Schematron(rules, store_report=True)


def schema_errors(document: bytes) -> list[str]:
    """Every way `document` fails the schema and, when it satisfies the schema, the Schematron rules (empty:
    valid), one line each."""
    try:
        tree = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = _schema()
    if not schema.validate(tree):
        return [f"line {error.line}: {error.message}" for error in schema.error_log]
    rules = _schematron()
    if rules.validate(tree):
        return []
    return [_failed(tree, failed) for failed in rules.validation_report.xpath("//svrl:failed-assert",
                                                                              namespaces=SVRL)]


def _failed(tree: etree._Element, failed: etree._Element) -> str:
    """A failed Schematron assertion as "line N: <its text>", the line of the element it failed on."""
    message = " ".join(str(failed.xpath("string(svrl:text)", namespaces=SVRL)).split())
    found = tree.xpath(failed.get("location") or "/*")
    line = found[0].sourceline if isinstance(found, list) and found and isinstance(found[0], etree._Element) \
        else None
    return f"line {line}: {message}"
