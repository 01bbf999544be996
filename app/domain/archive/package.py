"""Writing one case's archive package: a folder with the metadata, the documents, the history, the schema
and a checksum list, recorded in `archive_exports`.

    <slug>_<registration number>/
        metadata.xml              E-ARK CITS ERMS v3 metadata (erms.py), valid against schema/ (checked here)
        documents/NNN-<name>      each document of the case, as received
        history/history.json      every history entry with its seal (hash, prev_hash), to recompute the chain
        history/history.txt       the same, readable
        register/register.json    the case's document register (diarium), every row with its seal
        schema/ERMS_v3.xsd        the official ERMS schema it was validated against
        schema/erms_v3.sch        and the official Schematron rules it satisfies
        checksums.sha256          SHA-256 of every other file (`sha256sum -c checksums.sha256` checks them)

A folder rather than a zip: each file can be read and checked with ordinary tools, and an e-archive's intake
wraps the delivery in its own container. A case whose sealed history does not verify is refused: a package
must not carry an altered record as if it were intact.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.calendar import zone
from app.core.history_chain import canonical_data
from app.domain import records
from app.domain.archive.contents import CaseContents, read_contents
from app.domain.archive.erms import HISTORY_FILES, metadata_xml
from app.domain.archive.schema import SCHEMA_PATH, SCHEMATRON_PATH, schema_errors
from app.models import Case
from app.models.archive import ArchiveExport, DisposedCase

CHECKSUMS = "checksums.sha256"
METADATA = "metadata.xml"


class ExportRefused(Exception):
    """The case cannot be exported (its history does not verify, the folder exists, ...); the message says why."""


@dataclass(frozen=True)
class Exported:
    case_id: int
    registration_number: str
    path: Path
    files: int
    export_id: int


def package_name(case: Case) -> str:
    return f"{case.municipality.slug}_{re.sub(r'[^A-Za-z0-9-]+', '_', case.registration_number).strip('_')}"


def export_case(session: Session, case: Case, out_dir: Path, now: datetime) -> Exported:
    """Write the case's package under `out_dir` and record it; refuse a case whose history is not intact."""
    findings = records.verify_case(session, case.id)
    if findings:
        problems = ", ".join(f"entry {f.event_id} ({f.kind}) {f.problem}" for f in findings)
        raise ExportRefused(f"case {case.registration_number} (id {case.id}): its history does not verify "
                            f"({problems}); run `iop records verify`")
    if session.scalar(select(DisposedCase.id).where(DisposedCase.case_id == case.id)) is not None:
        raise ExportRefused(f"case {case.registration_number} (id {case.id}) was disposed: its package was "
                            "written before the disposal")
    target = out_dir / package_name(case)
    if target.exists():
        raise ExportRefused(f"case {case.registration_number} (id {case.id}): {target} already exists")
    contents = read_contents(session, case)
    files = _files(contents)
    metadata = metadata_xml(contents, target.name,
                            {path: (len(files[path]), _sha256(files[path])) for path, _, _ in HISTORY_FILES}, now)
    errors = schema_errors(metadata)
    if errors:  # a fault of ours, never of the case: stop before writing anything
        raise ExportRefused(f"case {case.registration_number}: the metadata does not satisfy the ERMS schema: "
                            + "; ".join(errors[:5]))
    files[METADATA] = metadata
    listing = "".join(f"{_sha256(data)}  {path}\n" for path, data in sorted(files.items())).encode("utf-8")
    files[CHECKSUMS] = listing
    partial = target.with_name(f"{target.name}.partial")  # renamed when whole: no half-written package
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    for path, data in files.items():
        (partial / path).parent.mkdir(parents=True, exist_ok=True)
        (partial / path).write_bytes(data)
    partial.rename(target)
    row = ArchiveExport(case_id=case.id, exported_at=now, path=str(target.resolve()),
                        checksums_sha256=_sha256(listing), history_head=contents.history_head,
                        history_entries=len(contents.history), documents=len(contents.documents))
    session.add(row)
    session.flush()
    return Exported(case.id, case.registration_number, target, len(files), row.id)


def _files(c: CaseContents) -> dict[str, bytes]:
    files = {document.path: document.content for document in c.documents}
    history = {"case": {"id": c.case_id, "registration_number": c.registration_number,
                        "municipality": c.municipality_slug, "process_id": c.process_id,
                        "process_version": c.process_version},
               "seal": "hash = SHA-256 over prev_hash and the entry's content, app.core.history_chain.entry_hash "
                       "(case id, at, actor_id, actor_name, kind, task_name, title, canonical_data)",
               "entries": [entry.as_json() for entry in c.history]}
    files["history/history.json"] = json.dumps(history, ensure_ascii=False, indent=2).encode("utf-8")
    files["history/history.txt"] = _readable(c).encode("utf-8")
    register = {"case": history["case"],
                "seal": "hash = SHA-256 over prev_hash and the row's content, app.core.register_chain.row_hash",
                "documents": c.register}
    files["register/register.json"] = json.dumps(register, ensure_ascii=False, indent=2).encode("utf-8")
    for published in (SCHEMA_PATH, SCHEMATRON_PATH):
        files[f"schema/{published.name}"] = published.read_bytes()
    return files


def _readable(c: CaseContents) -> str:
    lines = [f"Ärende {c.registration_number}: {c.title}",
             f"{c.municipality_name} · {c.organisation_name} ({c.organisation_number})",
             f"Process {c.process_name} ({c.process_id}, version {c.process_version}) · status {c.status}"
             + (f" · utfall {c.outcome}" if c.outcome else ""),
             f"Tider i {zone().key}. Varje post är förseglad: hash = SHA-256 över föregående posts "
             "hash och postens innehåll.", ""]
    for entry in c.history:
        when = entry.at.astimezone(zone()).strftime("%Y-%m-%d %H:%M:%S")
        step = f" [{entry.task_name}]" if entry.task_name else ""
        lines.append(f"{entry.number:>4}. {when}  {entry.actor_name or 'systemet'}  {entry.kind}{step}  "
                     f"{entry.title}")
        if entry.data:
            lines.append(f"      uppgifter {canonical_data(entry.data)}")
        lines.append(f"      hash {entry.hash}  föregående {entry.prev_hash or '(första posten)'}")
    return "\n".join(lines) + "\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
