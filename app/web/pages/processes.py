"""Process owners and administrators: every process with its versions, uploading a new version, and the
browser modeller (bpmn-js) that validates and deploys an edited diagram.

The modeller talks to two JSON endpoints here (validate, deploy). They use the page session and its
CSRF token (header X-CSRFToken), unlike the bearer-token API under /api/v1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, flash, jsonify, render_template, request, url_for
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from app import i18n
from app.core.errors import DefinitionInvalid, Forbidden, InvalidData, NotFound
from app.core.roles import PROCESS_ROLES
from app.domain import definition_owners, permissions
from app.engine.validate import validate_bundle
from app.models import Case, DefinitionVersion, Municipality, User
from app.web.api.definitions import MAX_FILE_BYTES
from app.web.api.definitions import _uploaded_files as uploaded_files  # the API's checks: type, size, UTF-8
from app.web.context import commit, db, services
from app.web.i18n import current_language, translate
from app.web.pages import bpmn_vendor
from app.web.pages.common import user
from app.web.security import login_required

bp = Blueprint("processes", __name__, url_prefix="/processes")

ROLES = PROCESS_ROLES
HASH_SHOWN = 12


# ------------------------------------------------------------------ problems
@dataclass
class ProblemView:
    """One validation problem as the pages and the modeller show it."""

    message: str
    file: str = ""
    line: int | None = None
    element_id: str = ""
    element_name: str = ""
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "element_id": self.element_id,
                "element_name": self.element_name, "code": self.code, "message": self.message}

    def text(self) -> str:
        """One line naming file, line and element: what the error summary lists."""
        where = []
        if self.file:
            where.append(self.file)
        if self.line:
            where.append(translate("processes.problem.line", line=self.line))
        if self.element_id:
            element = self.element_id
            if self.element_name and self.element_name != self.element_id:
                element = f"{self.element_name} ({self.element_id})"
            where.append(translate("processes.problem.element", element=element))
        return f"{', '.join(where)}: {self.message}" if where else self.message


# "file:line [element]: message", the form the engine's messages had before structured details
_PROBLEM_TEXT = re.compile(r"^(?P<file>[^\s\[\]]+?\.(?:bpmn|dmn|json))(?::(?P<line>\d+))?"
                           r"(?: \[(?P<element>[^\]\s']+)(?: '(?P<name>.*?)')?\])?: (?P<message>.*)$", re.DOTALL)


def _element_names(files: dict[str, str]) -> dict[str, str]:
    """Element id -> name from the BPMN files, for messages that name only the id."""
    names: dict[str, str] = {}
    for name, text in files.items():
        if not name.endswith(".bpmn"):
            continue
        try:
            root = etree.fromstring(text.encode("utf-8"),
                                    parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue
        for node in root.iter():
            if isinstance(node.tag, str) and node.get("id") and node.get("name"):
                names.setdefault(node.get("id"), node.get("name").strip())
    return names


def _from_object(item: Any, names: dict[str, str]) -> ProblemView:
    if not getattr(item, "file", None) and not getattr(item, "element_id", None):
        return _from_text(str(getattr(item, "message", "") or item), names)  # a plain message wrapped as a Problem
    line = getattr(item, "line", None)
    element_id = str(getattr(item, "element_id", "") or "")
    return ProblemView(message=str(getattr(item, "message", "") or item), file=str(getattr(item, "file", "") or ""),
                       line=int(line) if isinstance(line, int) or (isinstance(line, str) and line.isdigit()) else None,
                       element_id=element_id,
                       element_name=str(getattr(item, "element_name", "") or names.get(element_id, "")),
                       code=str(getattr(item, "code", "") or ""))


def _from_text(text: str, names: dict[str, str]) -> ProblemView:
    found = _PROBLEM_TEXT.match(text.strip())
    if found is None:
        return ProblemView(message=text)
    element_id = found.group("element") or ""
    return ProblemView(message=found.group("message"), file=found.group("file"),
                       line=int(found.group("line")) if found.group("line") else None,
                       element_id=element_id, element_name=found.group("name") or names.get(element_id, ""))


def problem_views(items: list[Any], files: dict[str, str]) -> list[ProblemView]:
    """Problems as structured views, whether the engine gave objects (with .message) or strings."""
    names = _element_names(files)
    return [_from_text(item, names) if isinstance(item, str) else _from_object(item, names) for item in items]


def refused_problems(exc: DefinitionInvalid, files: dict[str, str]) -> list[ProblemView]:
    details = getattr(exc, "details", None)
    return problem_views(list(details) if details else list(exc.problems), files)


def check_bundle(files: dict[str, str]) -> list[ProblemView]:
    """What validating the bundle finds, checked the way the API's POST /validate checks it."""
    deployed = set(db().scalars(select(DefinitionVersion.process_id).distinct()))
    found: list[Any] = list(validate_bundle(files, operations=services().engine.operations,
                                            deployed_processes=deployed))
    return problem_views(found, files) if found else []


# ------------------------------------------------------------------- helpers
def _require_owner() -> User:
    me = user()
    if not permissions.can_deploy(me):
        raise Forbidden(definition_owners.ROLE_REFUSAL)
    return me


def _require_process_owner(row: DefinitionVersion) -> User:
    """The caller may change this version's process: a process owner of the municipality owning it, or an
    administrator (app.domain.permissions.can_manage_definition)."""
    me = _require_owner()
    definition_owners.check_process(db(), me, row.process_id)
    return me


def _version(version_id: int) -> DefinitionVersion:
    row = db().get(DefinitionVersion, version_id)
    if row is None:
        raise NotFound(f"definition version {version_id} does not exist")
    return row


def bpmn_files(row: DefinitionVersion) -> list[str]:
    """The version's diagrams, the one holding the process first."""
    names = sorted(n for n in row.files if n.endswith(".bpmn"))
    marker = f'id="{row.process_id}"'
    return sorted(names, key=lambda n: (marker not in row.files[n], n))


def _bpmn_name(row: DefinitionVersion, wanted: str | None) -> str:
    names = bpmn_files(row)
    if not names:
        raise NotFound("this version has no diagram")
    if wanted is None:
        return names[0]
    if wanted not in names:
        raise NotFound("this version has no diagram by that name")
    return wanted


@dataclass
class VersionRow:
    row: DefinitionVersion
    deployed_by: str
    hash_short: str
    running: int
    finished: int
    diagrams: list[str] = field(default_factory=list)


@dataclass
class ProcessGroup:
    process_id: str
    name: str
    versions: list[VersionRow]
    owner: str = ""  # the owning municipality's name; "" for none
    can_edit: bool = False


def _process_groups(me: User) -> list[ProcessGroup]:
    rows = list(db().scalars(select(DefinitionVersion).options(defer(DefinitionVersion.spec_json))
                             .order_by(DefinitionVersion.process_id, DefinitionVersion.version.desc())))
    counts: dict[tuple[int, str], int] = {}
    visible = permissions.visible_cases(me).with_only_columns(Case.definition_id, Case.status, func.count(Case.id)) \
        .group_by(Case.definition_id, Case.status)
    for definition_id, status, count in db().execute(visible).all():
        counts[(definition_id, status)] = count
    people_ids = {r.deployed_by_id for r in rows if r.deployed_by_id}
    people = {u.id: u.display_name or u.username
              for u in db().scalars(select(User).where(User.id.in_(people_ids)))} if people_ids else {}
    owners = {m.id: m.name for m in db().scalars(select(Municipality))}
    groups: dict[str, ProcessGroup] = {}
    for r in rows:
        # rows come newest first: the group takes the owner of the newest version
        group = groups.setdefault(r.process_id, ProcessGroup(
            process_id=r.process_id, name=r.name, versions=[],
            owner=owners.get(r.owner_municipality_id or 0, ""),
            can_edit=permissions.can_manage_definition(me, r.owner_municipality_id)))
        group.versions.append(VersionRow(
            row=r, deployed_by=people.get(r.deployed_by_id or 0, ""), hash_short=r.content_hash[:HASH_SHOWN],
            running=counts.get((r.id, "running"), 0),
            finished=counts.get((r.id, "completed"), 0) + counts.get((r.id, "failed"), 0),
            diagrams=bpmn_files(r)))
    return list(groups.values())


def _render_list(problems: list[ProblemView] | None = None, refused: str = "", status: int = 200) -> Any:
    me = _require_owner()
    return render_template("processes/index.html", groups=_process_groups(me), problems=problems or [],
                           refused=refused, max_file_mb=MAX_FILE_BYTES // (1024 * 1024)), status


# --------------------------------------------------------------------- pages
@bp.get("/")
@login_required(*ROLES)
def index() -> Any:
    return _render_list()


@bp.post("/upload")
@login_required(*ROLES)
def upload() -> Any:
    me = _require_owner()
    try:
        files = uploaded_files()
    except InvalidData as exc:
        return _render_list([ProblemView(message=_upload_refusal(exc))], status=422)
    try:
        row, created = services().engine.deploy(db(), files, me, authorize=definition_owners.authorizer(db(), me))
    except DefinitionInvalid as exc:
        db().rollback()
        return _render_list(refused_problems(exc, files), refused=", ".join(sorted(files)), status=422)
    except definition_owners.NotOwner as exc:
        db().rollback()
        return _render_list([ProblemView(message=not_owner_text(exc))], refused=", ".join(sorted(files)),
                            status=403)
    commit()
    if created:
        flash(translate("processes.deployed", process=row.process_id, version=row.version), "success")
    else:
        flash(translate("processes.unchanged", process=row.process_id, version=row.version), "info")
    return _redirect_to_list()


def not_owner_text(exc: definition_owners.NotOwner) -> str:
    if exc.owner:
        return translate("processes.not_owner", process=exc.process_id, owner=exc.owner)
    return translate("processes.not_owner_none", process=exc.process_id)


def _upload_refusal(exc: InvalidData) -> str:
    text = str(exc)
    if "required" in exc.fields.values():
        return translate("processes.upload.none")
    return translate("processes.upload.refused", reason=text)


def _redirect_to_list() -> Response:
    response = Response(status=303)
    response.headers["Location"] = url_for("processes.index")
    return response


@bp.get("/versions/<int:version_id>/files/<path:name>")
@login_required(*ROLES)
def version_file(version_id: int, name: str) -> Any:
    _require_owner()
    row = _version(version_id)
    if name not in row.files:
        raise NotFound("this version has no file by that name")
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    response = Response(row.files[name], mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.get("/versions/<int:version_id>/modeller")
@login_required(*ROLES)
def modeller(version_id: int) -> Any:
    row = _version(version_id)
    _require_process_owner(row)
    name = _bpmn_name(row, request.args.get("file"))
    others = sorted(n for n in row.files if n != name)
    return render_template("processes/modeller.html", row=row, diagram=name, others=others,
                           installed=bpmn_vendor.installed(bpmn_vendor.MODELER),
                           vendor_js=bpmn_vendor.MODELER, vendor_css=bpmn_vendor.STYLESHEETS, texts=modeller_texts())


MODELLER_JS_TEXTS = ("loading", "loaded", "load_failed", "validating", "valid", "deploying", "deployed",
                     "unchanged", "failed", "show", "no_element", "line", "element")
MODELLER_JS_COUNTS = ("invalid", "refused", "problem_count")  # plural entries: "{count} problems found"


def modeller_texts() -> dict[str, Any]:
    """The modeller script's texts in the request's language (the page renders them as JSON). A text with a
    count comes in both forms of the catalogue, `{count}` left for the script, under the names the
    browser's `Intl.PluralRules` gives them: Swedish and English have `one` (1) and `other` (the rest)."""
    lang = current_language()
    texts: dict[str, Any] = {key: translate(f"modeller.js.{key}", lang) for key in MODELLER_JS_TEXTS}
    for key in MODELLER_JS_COUNTS:
        texts[key] = {form: i18n.plural(f"modeller.js.{key}", n, lang, count="{count}")
                      for form, n in (("one", 1), ("other", 2))}
    return {"lang": lang, **texts}


def _edited_bundle(row: DefinitionVersion) -> tuple[dict[str, str], str]:
    """The version's files with the diagram the modeller sent in place of the stored one."""
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict) or not isinstance(raw.get("bpmn"), str):
        raise InvalidData("send {\"file\": name, \"bpmn\": xml} as JSON", {"bpmn": "required"})
    name = _bpmn_name(row, raw.get("file") if isinstance(raw.get("file"), str) else None)
    xml = raw["bpmn"]
    if len(xml.encode("utf-8")) > MAX_FILE_BYTES:
        raise InvalidData(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB",
                          {"bpmn": "too large"})
    if "\x00" in xml:
        raise InvalidData("the diagram contains a NUL character", {"bpmn": "NUL character"})
    files = dict(row.files)
    files[name] = xml
    return files, name


def _problems_response(problems: list[ProblemView], status: int) -> Any:
    return jsonify({"problems": [p.text() for p in problems], "details": [p.as_dict() for p in problems]}), status


@bp.post("/versions/<int:version_id>/validate")
@login_required(*ROLES)
def validate(version_id: int) -> Any:
    row = _version(version_id)
    try:
        _require_process_owner(row)
    except definition_owners.NotOwner as exc:
        return _problems_response([ProblemView(message=not_owner_text(exc))], 403)
    try:
        files, _ = _edited_bundle(row)
    except InvalidData as exc:
        return _problems_response([ProblemView(message=str(exc))], 422)
    return _problems_response(check_bundle(files), 200)


@bp.post("/versions/<int:version_id>/deploy")
@login_required(*ROLES)
def deploy(version_id: int) -> Any:
    row = _version(version_id)
    try:
        me = _require_process_owner(row)
    except definition_owners.NotOwner as exc:
        return _problems_response([ProblemView(message=not_owner_text(exc))], 403)
    try:
        files, _ = _edited_bundle(row)
    except InvalidData as exc:
        return _problems_response([ProblemView(message=str(exc))], 422)
    try:
        new, created = services().engine.deploy(db(), files, me, process_id=row.process_id,
                                                authorize=definition_owners.authorizer(db(), me))
    except DefinitionInvalid as exc:
        db().rollback()
        return _problems_response(refused_problems(exc, files), 422)
    except definition_owners.NotOwner as exc:
        db().rollback()
        return _problems_response([ProblemView(message=not_owner_text(exc))], 403)
    commit()
    if created:
        message = translate("processes.deployed", process=new.process_id, version=new.version)
        flash(message, "success")
    else:
        message = translate("processes.unchanged", process=new.process_id, version=new.version)
    return jsonify({"id": new.id, "process_id": new.process_id, "version": new.version, "created": created,
                    "message": message, "problems": [], "details": [],
                    "list_url": url_for("processes.index"),
                    "modeller_url": url_for("processes.modeller", version_id=new.id)}), 201 if created else 200
