"""A case's archive metadata as XML after FGS Ärendehantering (schema: iop_fgs_arendehantering.xsd here).

The municipality is the archive creator (Arkivbildare); the organisation is the party (Motpart); the case is
an ArkivobjektArende with its registration number, title, dates, status, process and retention; each history
entry (a step done, a decision, the system's own actions) is an ArkivobjektHandling with its date and who
did it, and its seal (hash and the previous entry's hash) in EgnaElement; each document is an
ArkivobjektHandling whose Bilaga points at its file in the package with its SHA-256. Times are local
(Europe/Stockholm), as FGS's date format has no offset.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from lxml import etree

from app.core.calendar import STOCKHOLM
from app.domain.archive.contents import CaseContents, Document, Entry
from app.domain.archive.schema import NAMESPACE

CASE_STATUS = {"running": "Öppet", "suspended": "Vilande", "failed": "Vilande", "completed": "Stängt",
               "cancelled": "Makulerat"}
HISTORY_FILES = (("history/history.json", "Ärendets historik (JSON, med sigill)", "application/json"),
                 ("history/history.txt", "Ärendets historik (läsbar)", "text/plain"))
SYSTEM_AGENT = "IOP-systemet"


def metadata_xml(contents: CaseContents, history_files: dict[str, tuple[int, str]]) -> bytes:
    """The metadata document; `history_files` gives each history file's (size, SHA-256) by its path."""
    root = _el(None, "Leveransobjekt")
    creator = _el(_el(root, "ArkivbildarStruktur"), "Arkivbildare")
    _text(creator, "Namn", contents.municipality_name)
    _own(root, "Leverans", [("Skapad av", "IOP workflow"), ("Schema", "iop_fgs_arendehantering.xsd (efter FGS "
                                                                      "Ärendehantering; se schema/)")])
    _case(_el(_el(root, "ArkivobjektListaArenden"), "ArkivobjektArende"), contents, history_files)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _case(case: etree._Element, c: CaseContents, history_files: dict[str, tuple[int, str]]) -> None:
    case.set("Systemidentifierare", f"UUID:{uuid.uuid5(uuid.NAMESPACE_URL, f'iop:{c.municipality_slug}:{c.case_id}')}")
    _text(case, "ArkivobjektID", c.registration_number)
    _text(case, "ExtraID", str(c.case_id)).set("ExtraIDTyp", "Ärendets id i IOP-systemet")
    _text(case, "ArendeTyp", c.process_name)
    if c.closed_at:
        _text(case, "Avslutat", _moment(c.closed_at))
    if c.outcome:
        _text(case, "Beskrivning", f"Utfall: {c.outcome}")
    _retention(case, c)
    agent = _el(case, "Agent")
    _text(agent, "Roll", "Arkivbildare")
    _text(agent, "Organisationsnamn", c.municipality_name)
    party = _el(case, "Motpart")
    _text(party, "Namn", c.organisation_name)
    _text(party, "IDnummer", c.organisation_number.replace("-", "")).set("Typ", "1")
    if c.organisation_email:
        _text(party, "EPost", c.organisation_email)
    _text(case, "SistaAnvandandetidpunkt", _moment(c.updated_at))
    _text(case, "Skapad", _moment(c.created_at))
    _text(case, "StatusArande", CASE_STATUS.get(c.status, "Öppet"))
    _text(case, "Arendemening", c.title)
    for path, description, mime in HISTORY_FILES:
        size, sha = history_files[path]
        _attachment(case, path.rsplit("/", 1)[-1], description, path, size, mime, sha)
    _own(case, "Ärendet i IOP-systemet", [
        ("Kommun", c.municipality_slug), ("Process", c.process_id), ("Processversion", str(c.process_version)),
        ("Status", c.status), ("Utfall", c.outcome or ""), ("Historikposter", str(len(c.history))),
        ("SenasteHistorikHash", c.history_head)])
    handlings = _el(case, "ArkivobjektListaHandlingar")
    for entry in c.history:
        _history_entry(_el(handlings, "ArkivobjektHandling"), c, entry)
    for document in c.documents:
        _document(_el(handlings, "ArkivobjektHandling"), c, document)


def _retention(case: etree._Element, c: CaseContents) -> None:
    rule = c.retention
    disposal = _el(case, "Gallring")
    disposal.set("Gallras", "true" if rule.years else "false")
    if rule.years:
        _text(disposal, "GallringsFrist", f"{rule.years} år efter ärendets avslut")
        _text(disposal, "GallringsForklaring", f"{c.municipality_name}s gallringsregel för processen {c.process_id}")
        if rule.due_on:
            _text(disposal, "GallringsPeriodSlut", _day(rule.due_on))
    else:
        _text(disposal, "GallringsForklaring", "Bevaras")


def _history_entry(handling: etree._Element, c: CaseContents, entry: Entry) -> None:
    _text(handling, "ArkivobjektID", f"{c.registration_number}:H{entry.number}")
    _text(handling, "Handlingstyp", f"Historikpost: {entry.kind}")
    if entry.task_name:
        _text(handling, "Beskrivning", f"Steg: {entry.task_name}")
    agent = _el(handling, "Agent")
    _text(agent, "Roll", "Beslutsfattare" if entry.actor_name else "System")
    _text(agent, "Namn", entry.actor_name or SYSTEM_AGENT)
    _text(handling, "Lopnummer", str(entry.number))
    _text(handling, "Rubrik", entry.title or entry.kind)
    _text(handling, "Skapad", _moment(entry.at))
    _text(handling, "StatusHandling", "Upprättad")
    _own(handling, "Historikpostens sigill (SHA-256, app/core/history_chain.py)", [
        ("HistorikpostID", str(entry.event_id)), ("Hash", entry.hash), ("ForegaendeHash", entry.prev_hash)])


def _document(handling: etree._Element, c: CaseContents, document: Document) -> None:
    _text(handling, "ArkivobjektID", f"{c.registration_number}:D{document.number}")
    _text(handling, "Handlingstyp", "Bifogad fil")
    _text(handling, "Beskrivning", f"Bifogad i fältet {document.field}")
    _text(handling, "Inkommen", _moment(document.received_at))
    _text(handling, "Lopnummer", str(document.number))
    _text(handling, "Rubrik", document.filename)
    _text(handling, "StatusHandling", "Inkommen")
    _attachment(handling, document.filename, None, document.path, document.size, document.content_type,
                document.sha256)


def _attachment(parent: etree._Element, name: str, description: str | None, path: str, size: int, mime: str,
                sha256: str) -> None:
    file = _el(parent, "Bilaga")
    file.set("Namn", name)
    if description:
        file.set("Beskrivning", description)
    file.set("Lank", path)
    file.set("Storlek", str(size))
    file.set("Mimetyp", mime)
    file.set("Checksumma", sha256)
    file.set("ChecksummaMetod", "SHA-256")


def _own(parent: etree._Element, description: str, values: list[tuple[str, str]]) -> None:
    own = _el(parent, "EgnaElement")
    _text(own, "EgnaElementBeskrivning", description)
    for name, value in values:
        item = _el(own, "EgetElement")
        item.set("Namn", name)
        _text(item, "Varde", value)


def _moment(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M:%S")


def _day(day: date) -> str:
    return day.isoformat()


def _el(parent: etree._Element | None, name: str) -> etree._Element:
    tag = f"{{{NAMESPACE}}}{name}"
    if parent is None:
        return etree.Element(tag, nsmap={None: NAMESPACE})
    return etree.SubElement(parent, tag)


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = _el(parent, name)
    element.text = value
    return element
