"""The case's record as a spreadsheet: `/cases/<id>/history.csv`, every history entry the viewer may see with
the answers it may see (app.domain.visibility: staff-only fields left out, secret values masked with their legal
ground), for the organisation's own insight as much as for staff. A secret value a named role exports is logged
like a view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response
from sqlalchemy import select

from app.domain import task_actions
from app.domain.visibility import CaseView, log_secret_views
from app.models import CaseEvent
from app.web.context import commit, db, services
from app.web.csv_cells import csv_chunks, safe_cell
from app.web.i18n import translate
from app.web.pages import case_history
from app.web.pages.answers import Answer, statistic_units
from app.web.pages.common import lang, user
from app.web.security import login_required

bp = Blueprint("case_record", __name__, url_prefix="/cases")

COLUMNS = ("date", "time", "who", "what", "answers")


def answer_text(answer: Answer) -> str:
    """One answer as one cell's text: "Title: value", tables and pairs flattened."""
    if answer.kind == "files":
        value = ", ".join(str(f.get("filename", "")) for f in answer.files) or answer.text
    elif answer.kind == "table":
        value = "; ".join(" ".join(cell for cell in row if cell) for row in answer.rows)
    elif answer.kind == "pairs":
        value = "; ".join(f"{k}: {v}" for k, v in answer.pairs)
    else:
        value = answer.text
    return f"{answer.title}: {value}"


@bp.get("/<int:case_id>/history.csv")
@login_required()
def history_csv(case_id: int) -> Any:
    me = user()
    case = task_actions.get_case(db(), me, case_id)  # can_view_case, or 404
    language, tz = lang(), services().clock.tz
    events = list(db().scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                               .order_by(CaseEvent.at, CaseEvent.id)))
    view = CaseView(me, case, services().engine.definition(db(), case.definition_id))
    shown = case_history.entries(case, events, language, tz, view, statistic_units(case))
    if log_secret_views(db(), services().clock.now(), view, "export"):
        commit()

    def rows() -> Iterator[list[Any]]:
        for entry in shown:
            moment = entry.event.at.astimezone(tz)
            yield [moment.date().isoformat(), entry.time, safe_cell(entry.who), safe_cell(entry.what),
                   safe_cell(" | ".join(answer_text(a) for a in entry.answers))]

    header = [translate(f"case_record.column.{name}", language) for name in COLUMNS]
    filename = f"arende-{case.registration_number}.csv".replace(" ", "-").replace("/", "-")
    return Response(b"".join(csv_chunks(header, rows())), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})
