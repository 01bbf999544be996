"""A case's archive metadata as E-ARK CITS ERMS v3 XML (the official schema, vendored unchanged:
ERMS_v3.xsd here; README.md says where it comes from). Riksarkivet's FGS Ärendehantering 2.0 applies this
specification, expressed here the way Swedish case files are (an ärendeakt with its handlingar).

The case is an `aggregation` of type caseFile: its registration number (objectId), title, status, the
process as subject, retention (disposal), the municipality as creator and the organisation as counterpart
(agents), its dates, and each history entry as an `action` (what was done, its kind, when, by whom) in the
order of the sealed history. Each document is a `record` whose `appendix` points at its file in the
package, with its direction: incoming from the party, or drawn up (upprättad) when the municipality's staff
uploaded it. What ERMS has no element for goes into its extension element, `ownElement`, inside
`additionalInformation`: every file's size and SHA-256, each history entry's seal (hash and the previous
entry's hash), the process version and the newest history hash. Times are xs:dateTime in local time (IOP_TIMEZONE)
with their offset.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from lxml import etree

from app.core.calendar import zone
from app.domain.archive.contents import CaseContents, Document, Entry
from app.domain.archive.schema import NAMESPACE

CASE_STATUS = {"running": "in_progress", "suspended": "on_hold", "failed": "on_hold", "completed": "closed",
               "cancelled": "obliterated"}
HISTORY_FILES = (("history/history.json", "Ärendets historik (JSON, med sigill)", "application/json"),
                 ("history/history.txt", "Ärendets historik (läsbar)", "text/plain"))
DELIVERING_SYSTEM = "IOP workflow"
SYSTEM_AGENT = "IOP-systemet"
FILE_CHECKSUMS = "Filernas storlek och kontrollsumma (SHA-256), per sökväg i paketet"
HISTORY_SEALS = ("Historikens sigill (app/core/history_chain.py): hash = SHA-256 över föregående posts hash och "
                 "postens innehåll; post n är ärendets action nummer n")


def metadata_xml(contents: CaseContents, package_id: str, history_files: dict[str, tuple[int, str]],
                 now: datetime) -> bytes:
    """The metadata document; `history_files` gives each history file's (size, SHA-256) by its path."""
    root = _el(None, "erms")
    _control(_el(root, "control"), contents, package_id, now)
    _case(_el(_el(root, "aggregations"), "aggregation"), contents, history_files, now)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _control(control: etree._Element, c: CaseContents, package_id: str, now: datetime) -> None:
    _text(control, "identification", package_id).set("identificationType", "iopArchivePackage")
    maintenance = _el(control, "maintenanceInformation")
    _el(maintenance, "maintenanceStatus").set("value", "new")
    _text(_el(maintenance, "maintenanceAgency"), "agencyName", c.municipality_name)
    event = _el(_el(maintenance, "maintenanceHistory"), "maintenanceEvent")
    _el(event, "eventType").set("value", "created")
    _text(event, "eventDateTime", _moment(now))
    _agent(event, "agent", "deliverer", DELIVERING_SYSTEM)


def _case(case: etree._Element, c: CaseContents, history_files: dict[str, tuple[int, str]], now: datetime) -> None:
    case.set("systemIdentifier", str(uuid.uuid5(uuid.NAMESPACE_URL, f"iop:{c.municipality_slug}:{c.case_id}")))
    case.set("aggregationType", "caseFile")
    _text(case, "objectId", c.registration_number)
    _text(case, "extraId", str(c.case_id)).set("extraIdType", "deliveringSystemId")
    _text(case, "title", c.title)
    _text(case, "subject", c.process_name)
    _el(case, "status").set("value", CASE_STATUS.get(c.status, "in_progress"))
    extra = _el(case, "additionalInformation")
    for path, description, mime in HISTORY_FILES:
        _appendix(extra, path.rsplit("/", 1)[-1], description, mime, path)
    _checksums(extra, [(path, *history_files[path]) for path, _, _ in HISTORY_FILES])
    _own(extra, "Ärendet i IOP-systemet", [
        ("municipality", c.municipality_slug), ("processId", c.process_id),
        ("processVersion", str(c.process_version)), ("status", c.status), ("outcome", c.outcome or ""),
        ("historyEntries", str(len(c.history))), ("historyHead", c.history_head)])
    _seals(extra, c.history)
    _disposal(case, c, now)
    agents = _el(case, "agents")
    _agent(agents, "agent", "creator", c.municipality_name)
    _counterpart(agents, c)
    if c.outcome:
        _text(case, "description", f"Utfall: {c.outcome}")
    _dates(case, [("created", c.created_at), ("modified", c.updated_at)]
           + ([("closed", c.closed_at)] if c.closed_at else []))
    for entry in c.history:
        _action(case, entry)
    for document in c.documents:
        _document(_el(case, "record"), c, document)


def _disposal(case: etree._Element, c: CaseContents, now: datetime) -> None:
    rule = c.retention
    disposal = _el(case, "disposal")
    disposal.set("disposable", "true" if rule.years else "false")
    if rule.years:
        _text(disposal, "disposalAction", "Gallras")
        _text(disposal, "disposalPeriod", f"{rule.years} år efter ärendets avslut")
        _text(disposal, "disposalMandate", f"{c.municipality_name}s gallringsregel för processen {c.process_id}")
    else:
        _text(disposal, "disposalAction", "Bevaras")
        _text(disposal, "disposalDescription", f"{c.municipality_name} har ingen gallringsregel för processen "
                                               f"{c.process_id}: ärendet bevaras")
    dates = _el(disposal, "dates")
    if rule.closed_on:
        _text(dates, "disposalDate", _day(rule.closed_on)).set("dateType", "retention_period_start")
    if rule.years and rule.due_on:
        _text(dates, "disposalDate", _day(rule.due_on)).set("dateType", "action_due")
    read = _text(dates, "disposalDate", _moment(now))
    read.set("dateType", "other_date")
    read.set("otherDisposalDateType", "ruleApplied")  # when the rule above was read for this package


def _counterpart(agents: etree._Element, c: CaseContents) -> None:
    party = _agent(agents, "agent", "counterpart", c.organisation_name)
    _text(party, "idNumber", c.organisation_number.replace("-", "")).set("idNumberType", "organisationsnummer")
    if c.organisation_email:
        line = _text(_el(party, "addressContactInformation"), "contactLine", c.organisation_email)
        line.set("contactType", "email")


def _action(case: etree._Element, entry: Entry) -> None:
    action = _el(case, "action")
    title = entry.title or entry.kind
    _text(action, "actionText", f"{title} (steg: {entry.task_name})" if entry.task_name else title)
    _text(action, "actionType", entry.kind)
    _text(_el(action, "dates"), "actionDate", _moment(entry.at)).set("dateType", "created")
    agents = _el(action, "agents")
    if entry.actor_name:
        _agent(agents, "agent", "agent", entry.actor_name)
    else:
        _agent(agents, "agent", "other", SYSTEM_AGENT).set("otherAgentType", "system")


def _document(record: etree._Element, c: CaseContents, document: Document) -> None:
    record.set("systemIdentifier", str(uuid.uuid5(uuid.NAMESPACE_URL, f"iop:{c.municipality_slug}:{c.case_id}:"
                                                                      f"document:{document.path}")))
    record.set("recordType", "Bifogad fil")
    record.set("recordPhysicalOrDigital", "digital")
    _text(record, "objectId", f"{c.registration_number}:{document.number}")
    _text(record, "title", document.filename)
    _el(record, "status").set("value", "prepared" if document.drawn_up else "received")
    _text(record, "runningNumber", str(document.number))
    direction = _el(record, "direction")
    if document.drawn_up:  # drawn up by the municipality (upprättad): neither received nor sent
        direction.set("directionDefinition", "other")
        direction.set("otherDirectionDefinition", "upprättad")
    else:  # from the party, or of unrecorded origin (uploads before the uploader was recorded)
        direction.set("directionDefinition", "incoming")
    if document.uploaded_by:
        _agent(_el(record, "agents"), "agent", "creator" if document.drawn_up else "sender", document.uploaded_by)
    _text(record, "description", f"Bifogad i fältet {document.field}")
    _dates(record, [("created" if document.drawn_up else "received", document.received_at)])
    extra = _el(record, "additionalInformation")
    _appendix(extra, document.filename, None, document.content_type, document.path)
    _checksums(extra, [(document.path, document.size, document.sha256)])


def _appendix(parent: etree._Element, name: str, description: str | None, mime: str, path: str) -> None:
    appendix = _el(parent, "appendix")
    appendix.set("name", name)
    if description:
        appendix.set("description", description)
    appendix.set("fileFormat", mime)
    appendix.set("path", path)


def _checksums(parent: etree._Element, files: list[tuple[str, int, str]]) -> None:
    own = _el(parent, "ownElement")
    _text(own, "ownElementDescription", FILE_CHECKSUMS)
    for path, size, sha256 in files:
        item = _own_item(own, "file")
        _own_item(item, "path", path)
        _own_item(item, "size", str(size)).set("dataType", "integer")
        checksum = _own_item(item, "checksum", sha256)
        checksum.set("dataType", "SHA-256")
        checksum.set("format", "hex")


def _seals(parent: etree._Element, history: list[Entry]) -> None:
    own = _el(parent, "ownElement")
    _text(own, "ownElementDescription", HISTORY_SEALS)
    for entry in history:
        item = _own_item(own, "historyEntry")
        _own_item(item, "number", str(entry.number)).set("dataType", "integer")
        _own_item(item, "eventId", str(entry.event_id)).set("dataType", "integer")
        _own_item(item, "hash", entry.hash).set("dataType", "SHA-256")
        _own_item(item, "prevHash", entry.prev_hash).set("dataType", "SHA-256")


def _own(parent: etree._Element, description: str, values: list[tuple[str, str]]) -> None:
    own = _el(parent, "ownElement")
    _text(own, "ownElementDescription", description)
    for name, value in values:
        _own_item(own, name, value)


def _own_item(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
    item = _el(parent, "ownElement")
    item.set("name", name)
    if value is not None:
        _text(item, "value", value)
    return item


def _agent(parent: etree._Element, tag: str, agent_type: str, name: str) -> etree._Element:
    agent = _el(parent, tag)
    agent.set("agentType", agent_type)
    _text(agent, "name", name)
    return agent


def _dates(parent: etree._Element, dates: list[tuple[str, datetime]]) -> None:
    holder = _el(parent, "dates")
    for kind, moment in dates:
        _text(holder, "date", _moment(moment)).set("dateType", kind)


def _moment(moment: datetime) -> str:
    return moment.astimezone(zone()).isoformat(timespec="seconds")


def _day(day: date) -> str:
    """A day as ERMS's xs:dateTime: its start in the installation's time zone (IOP_TIMEZONE)."""
    return datetime.combine(day, time(), zone()).isoformat(timespec="seconds")


def _el(parent: etree._Element | None, name: str) -> etree._Element:
    tag = f"{{{NAMESPACE}}}{name}"
    if parent is None:
        return etree.Element(tag, nsmap={None: NAMESPACE})
    return etree.SubElement(parent, tag)


def _text(parent: etree._Element, name: str, value: str) -> etree._Element:
    element = _el(parent, name)
    element.text = value
    return element
