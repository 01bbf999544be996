"""Cases: create, list with filters, read, withdraw, attachments."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import jsonify, request, send_file
from sqlalchemy import func, or_, select

from app.domain import permissions, task_actions
from app.domain.attachments import Upload, reference, store_upload
from app.engine.errors import InvalidData, NotFound
from app.models import Attachment, Case, DefinitionVersion, Municipality, Organisation
from app.web.api import api, jsonbody
from app.web.api.common import authenticated, caller, json_body, paging, row_id, string_field
from app.web.api.views import case_detail, case_summary
from app.web.context import commit, db, services

FIELD_NAME = re.compile(r"[A-Za-z0-9_]{1,120}")

api.before_request(jsonbody.refuse_large_body)  # every API route: JSON bodies over 256 kB are refused (413)


def _case_id(raw: str) -> int:
    number = row_id(raw)
    if number is None:
        raise NotFound("the case does not exist")
    return number


@api.post("/cases")
@authenticated
def create_case() -> Any:
    body = json_body("municipality", "process", "data", "organisation")
    municipality = string_field(body, "municipality", max_length=40)
    process = string_field(body, "process", required=False, max_length=120)
    organisation = string_field(body, "organisation", required=False, max_length=20)
    lang = request.args.get("lang", "en")
    case = task_actions.start_case(db(), services().engine, caller(), municipality or "", process,
                                   body.get("data"), organisation, lang if lang in ("sv", "en") else "en")
    commit()
    return jsonify(case_detail(db(), services().engine, case, services().clock.now())), 201


@api.get("/cases")
@authenticated
def list_cases() -> Any:
    user = caller()
    query = permissions.visible_cases(user)
    args = request.args
    if args.get("status"):
        query = query.where(Case.status == args["status"][:20])
    if args.get("municipality"):
        query = query.where(Case.municipality_id.in_(
            select(Municipality.id).where(Municipality.slug == args["municipality"][:40])))
    if args.get("organisation"):
        query = query.where(Case.organisation_id.in_(
            select(Organisation.id).where(Organisation.org_number == args["organisation"][:11])))
    if args.get("process"):
        query = query.where(Case.definition_id.in_(
            select(DefinitionVersion.id).where(DefinitionVersion.process_id == args["process"][:120])))
    if args.get("q"):
        text = args["q"][:100].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{text}%"  # the caller's % and _ are literal characters
        query = query.where(or_(Case.registration_number.ilike(pattern, escape="\\"),
                                Case.title.ilike(pattern, escape="\\")))
    limit, offset = paging()
    total = db().scalar(select(func.count()).select_from(query.subquery()))
    cases = db().scalars(query.order_by(Case.id.desc()).limit(limit).offset(offset))
    return jsonify({"items": [case_summary(c, db()) for c in cases], "total": total, "limit": limit, "offset": offset})


@api.get("/cases/<case_id>")
@authenticated
def get_case(case_id: str) -> Any:
    case = task_actions.get_case(db(), caller(), _case_id(case_id))
    return jsonify(case_detail(db(), services().engine, case, services().clock.now()))


@api.post("/cases/<case_id>/withdraw")
@authenticated
def withdraw(case_id: str) -> Any:
    reason = string_field(json_body("reason"), "reason", max_length=2000)
    case = task_actions.withdraw(db(), services().engine, caller(), _case_id(case_id), reason or "")
    commit()
    return jsonify(case_detail(db(), services().engine, case, services().clock.now()))


@api.post("/cases/<case_id>/attachments")
@authenticated
def upload(case_id: str) -> Any:
    user = caller()
    case = task_actions.get_case(db(), user, _case_id(case_id))
    if case.status != "running":
        raise InvalidData("the case has ended; no more files can be added", {"file": "case ended"})
    file = request.files.get("file")
    if file is None or not file.filename:
        raise InvalidData("send the file as multipart form data in the field 'file'", {"file": "required"})
    field = request.form.get("field") or "attachments"
    if not FIELD_NAME.fullmatch(field):
        raise InvalidData("field must be the name of the form field the file belongs to",
                          {"field": "letters, digits and _ only, at most 120"})
    try:
        row = store_upload(db(), services().clock, case, user, field, Upload(file.filename, file.read()))
    except InvalidData as exc:  # the domain names the form field; the caller sent the part "file"
        raise InvalidData(str(exc), {"file": str(exc)}) from exc
    commit()
    return jsonify(reference(row)), 201


@api.get("/cases/<case_id>/attachments/<attachment_id>")
@authenticated
def download(case_id: str, attachment_id: str) -> Any:
    case = task_actions.get_case(db(), caller(), _case_id(case_id))
    number = row_id(attachment_id)
    row = None if number is None else db().scalar(
        select(Attachment).where(Attachment.id == number, Attachment.case_id == case.id))
    if row is None:
        raise NotFound("the file does not exist")
    return send_file(io.BytesIO(row.content), mimetype=row.content_type, as_attachment=True,
                     download_name=row.filename)
