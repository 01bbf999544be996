"""GET /api/v1/cases/{id}/agreement-document?format=docx|pdf: the case's agreement as a document
(app/domain/agreement_document): DOCX to edit, PDF/A-2b to archive. Who may: whoever may see the case (staff
of its municipality, its own organisation); anyone else gets 404 as for the case itself."""

from __future__ import annotations

import io
from typing import Any

from flask import request, send_file

from app.core.errors import NotFound
from app.domain import permissions
from app.domain.agreement_document.registered import produce
from app.models import Case
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, row_id
from app.web.context import db, services


@api.get("/cases/<case_id>/agreement-document")
@authenticated
def agreement_document(case_id: str) -> Any:
    number = row_id(case_id)
    case = db().get(Case, number) if number is not None else None
    if case is None or not permissions.can_view_case(caller(), case):
        raise NotFound("the case does not exist")
    made = produce(db(), services().clock, case, request.args.get("format", "pdf"), caller())
    db().commit()
    response = send_file(io.BytesIO(made.content), mimetype=made.media_type, as_attachment=True,
                         download_name=made.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Template-Version"] = str(made.template_version)
    return response
