"""A case's document register (diarium): GET /api/v1/cases/{case_id}/documents."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.core.errors import NotFound
from app.domain import register, task_actions
from app.domain.visibility import CaseView
from app.models import Attachment, RegisteredDocument
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, row_id
from app.web.api.views import iso
from app.web.context import db, services


@api.get("/cases/<case_id>/documents")
@authenticated
def case_documents(case_id: str) -> Any:
    """Whoever may see the case (its municipality's staff, its organisation) sees its register, the party the
    rows the visibility policy gives it (app.domain.visibility); others 404, as for the case itself."""
    number = row_id(case_id)
    if number is None:
        raise NotFound("the case does not exist")
    case = task_actions.get_case(db(), caller(), number)
    view = CaseView(caller(), case, services().engine.definition(db(), case.definition_id))
    return jsonify({"case_id": case.id, "registration_number": case.registration_number,
                    "items": [document_view(row, attachment, case.registration_number, case.id)
                              for row, attachment in register.documents(db(), case.id)
                              if view.register_row(row, attachment)]})


def document_view(row: RegisteredDocument, attachment: Attachment | None, registration_number: str,
                  case_id: int) -> dict[str, Any]:
    return {
        "reference": row.reference(registration_number),
        "number": row.number,
        "registered_at": iso(row.registered_at),
        "direction": str(row.direction),
        "kind": str(row.kind),
        "counterpart": row.counterpart,
        "description": row.description,
        "registered_by": row.registered_by_name or None,
        "digest": row.digest,
        "attachment": None if attachment is None else {
            "id": attachment.id, "filename": attachment.filename, "size": attachment.size,
            "url": f"/api/v1/cases/{case_id}/attachments/{attachment.id}"},
        "mail": row.notification_id is not None,
    }
