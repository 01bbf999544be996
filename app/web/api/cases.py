"""Cases: create, list with filters, read, withdraw, attachments."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from typing import Any

from flask import Response, jsonify, request, send_file, stream_with_context
from sqlalchemy import select

from app.core.errors import InvalidData, NotFound
from app.core.statuses import CaseStatus
from app.domain import task_actions
from app.domain.attachments import Upload, reference, store_upload
from app.domain.visibility import CaseView
from app.models import Attachment
from app.queries import case_list
from app.web.api import jsonbody
from app.web.api.blueprint import api
from app.web.api.case_answer import case_answer
from app.web.api.common import authenticated, caller, json_body, paging, row_id, string_field
from app.web.api.views import iso
from app.web.context import commit, db, services
from app.web.csv_cells import csv_chunks, safe_cell

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
    return case_answer(case, 201)


@api.get("/cases")
@authenticated
def list_cases() -> Any:
    """The case list (app/queries/case_list.py): filters, sort, keyset (`after`, answered as `next`) or offset
    paging; `format=csv` streams every filtered row."""
    user = caller()
    args = request.args
    try:
        filters = case_list.parse_filters(args)
    except case_list.FilterError as exc:
        raise InvalidData(str(exc), {k: case_list.MESSAGES[v] for k, v in exc.problems.items()}) from exc
    fmt = args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise InvalidData("format must be json or csv", {"format": "json or csv"})
    now = services().clock.now()
    try:
        if fmt == "csv":
            rows = case_list.iter_cases(db(), user, filters, now=now)
            first = next(rows, None)  # a bad municipality fails here, before the answer starts
            return _csv_response(first, rows)
        limit, offset = paging()
        after = args.get("after") or None
        if after and offset:
            raise InvalidData("after and offset cannot be used together", {"after": "leave out offset"})
        found = case_list.find_cases(db(), user, filters, now=now, secret=services().settings.secret_key,
                                     limit=limit, after=after, offset=offset)
    except case_list.FilterError as exc:
        raise InvalidData(str(exc), {k: case_list.MESSAGES[v] for k, v in exc.problems.items()}) from exc
    return jsonify({"items": [_list_item(row) for row in found.rows], "total": found.total, "limit": limit,
                    "offset": offset, "next": found.next_cursor})


def _list_item(row: case_list.CaseRow) -> dict[str, Any]:
    return {"id": row.id, "registration_number": row.registration_number, "title": row.title,
            "municipality": row.municipality,
            "organisation": {"name": row.organisation, "org_number": row.org_number},
            "status": row.status, "outcome": row.outcome, "current_step": row.current_step,
            "next_timer": iso(row.next_timer_at), "created": iso(row.created_at), "updated": iso(row.updated_at),
            "version": row.version,
            "definition": {"process_id": row.process_id, "version": row.process_version, "name": row.process_name},
            "next_due": iso(row.next_due), "overdue": row.overdue, "open_task_roles": list(row.roles)}


CSV_FIELDS = ("registration_number", "title", "organisation", "org_number", "municipality", "process", "version",
              "status", "outcome", "current_step", "open_task_roles", "next_due", "overdue", "created", "updated")


def _csv_response(first: case_list.CaseRow | None, rest: Iterator[case_list.CaseRow]) -> Any:
    def rows() -> Iterator[list[Any]]:
        for row in itertools.chain([first] if first else [], rest):
            yield [safe_cell(row.registration_number), safe_cell(row.title), safe_cell(row.organisation),
                   row.org_number, row.municipality, row.process_id, row.process_version, row.status,
                   row.outcome or "", safe_cell(row.current_step), " ".join(row.roles), iso(row.next_due) or "",
                   "1" if row.overdue else "0", iso(row.created_at), iso(row.updated_at)]

    body = stream_with_context(csv_chunks(list(CSV_FIELDS), rows()))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="cases.csv"', "Cache-Control": "private, no-store"})


@api.get("/cases/<case_id>")
@authenticated
def get_case(case_id: str) -> Any:
    case = task_actions.get_case(db(), caller(), _case_id(case_id))
    return case_answer(case)


@api.post("/cases/<case_id>/withdraw")
@authenticated
def withdraw(case_id: str) -> Any:
    reason = string_field(json_body("reason"), "reason", max_length=2000)
    case = task_actions.withdraw(db(), services().engine, caller(), _case_id(case_id), reason or "")
    commit()
    return case_answer(case)


@api.post("/cases/<case_id>/attachments")
@authenticated
def upload(case_id: str) -> Any:
    user = caller()
    case = task_actions.get_case(db(), user, _case_id(case_id))
    if case.status != CaseStatus.RUNNING:
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
    view = CaseView(caller(), case, services().engine.definition(db(), case.definition_id))
    if row is None or not view.attachment_visible(row.field):
        raise NotFound("the file does not exist")
    return send_file(io.BytesIO(row.content), mimetype=row.content_type, as_attachment=True,
                     download_name=row.filename)
