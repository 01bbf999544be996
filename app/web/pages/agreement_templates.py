"""The agreement templates in the admin pages: each municipality's template with its versions, and an editor
where its process owner changes the text and deploys a new version (no developer needed).

Process owners and administrators see the templates (as they see every process); only the municipality's
process owners, and administrators over it, deploy (app.domain.agreement_document.templates.may_edit). A
refused text is shown again as it was written, with each problem and its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, flash, render_template, request, url_for
from sqlalchemy import select

from app.core.errors import Forbidden, NotFound
from app.core.roles import PROCESS_ROLES
from app.domain import permissions
from app.domain.agreement_document import templates
from app.domain.agreement_document.template_text import BLOCK_FIELDS, TEXT_FIELDS, Problem, validate
from app.models import Municipality, User
from app.models.agreement_template import AgreementTemplate
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import user
from app.web.security import login_required

bp = Blueprint("agreement_templates", __name__, url_prefix="/processes/agreement-templates")


@dataclass
class Row:
    municipality: Municipality
    latest: AgreementTemplate | None
    can_edit: bool


def _viewer() -> User:
    me = user()
    if not permissions.can_deploy(me):
        raise Forbidden("only process owners and administrators see the agreement templates")
    return me


def _municipality(slug: str) -> Municipality:
    found = db().scalar(select(Municipality).where(Municipality.slug == slug))
    if found is None:
        raise NotFound("no such municipality")
    return found


def _people(rows: list[AgreementTemplate]) -> dict[int, str]:
    ids = {r.deployed_by_id for r in rows if r.deployed_by_id}
    return {u.id: u.display_name or u.username for u in db().scalars(select(User).where(User.id.in_(ids)))} \
        if ids else {}


def problem_text(problem: Problem) -> str:
    return translate("agreement_template.problem.line", line=problem.line) + ": " + \
        translate(f"agreement_template.problem.{problem.code}", subject=problem.subject)


@bp.get("/")
@login_required(*PROCESS_ROLES)
def index() -> Any:
    me = _viewer()
    rows = []
    for municipality in db().scalars(select(Municipality).order_by(Municipality.name)):
        found = templates.versions(db(), municipality.id)
        rows.append(Row(municipality, found[0] if found else None, templates.may_edit(me, municipality)))
    return render_template("processes/agreement_templates.html", rows=rows)


def _render_editor(municipality: Municipality, text: str | None = None, problems: list[Problem] | None = None,
                   status: int = 200) -> Any:
    me = _viewer()
    versions = templates.versions(db(), municipality.id)
    shown = versions[0] if versions else None
    wanted = request.args.get("version", type=int)
    if wanted is not None:
        shown = next((v for v in versions if v.version == wanted), None)
        if shown is None:
            raise NotFound("no such version")
    return render_template(
        "processes/agreement_template.html", municipality=municipality, versions=versions, shown=shown,
        people=_people(versions), can_edit=templates.may_edit(me, municipality),
        text=text if text is not None else (versions[0].text if versions else ""),
        problems=[problem_text(p) for p in problems or []],
        text_fields=[(name, translate(f"agreement_template.field.{name}")) for name in TEXT_FIELDS],
        block_fields=[(name, translate(f"agreement_template.field.{name}")) for name in BLOCK_FIELDS]), status


@bp.get("/<slug>")
@login_required(*PROCESS_ROLES)
def show(slug: str) -> Any:
    return _render_editor(_municipality(slug))


@bp.post("/<slug>")
@login_required(*PROCESS_ROLES)
def deploy(slug: str) -> Any:
    me = _viewer()
    municipality = _municipality(slug)
    if not templates.may_edit(me, municipality):
        raise Forbidden("only the municipality's process owners deploy its agreement template")
    text = request.form.get("text", "")
    problems = validate(templates.normalise(text))
    if problems:
        return _render_editor(municipality, text=text, problems=problems, status=422)
    row, created = templates.deploy(db(), services().clock, municipality, text, actor=me)
    commit()
    if created:
        flash(translate("agreement_template.deployed", version=row.version, municipality=municipality.name),
              "success")
    else:
        flash(translate("agreement_template.unchanged", version=row.version), "info")
    response = Response(status=303)
    response.headers["Location"] = url_for("agreement_templates.show", slug=slug)
    return response
