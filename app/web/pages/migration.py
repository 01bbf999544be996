"""Administrators and process owners move running cases to a newer version of their process, or back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select

from app.core.errors import Conflict, Forbidden
from app.core.roles import Role
from app.domain import migrations
from app.engine.migration import Blocker, Change, MigrationReport, revert_blocker
from app.models import Case, DefinitionVersion
from app.web.context import commit, db, services
from app.web.i18n import translate
from app.web.pages.common import current_step_text, user
from app.web.security import login_required

bp = Blueprint("migration", __name__, url_prefix="/admin/migration")

MAX_ROWS = 200  # cases listed (and checked) on one page


@dataclass
class ProcessRow:
    process_id: str
    name: str
    latest: DefinitionVersion
    on_older: int


@dataclass
class CaseRow:
    case: Case
    report: MigrationReport
    step: str
    reasons: list[str]


def blocker_text(blocker: Blocker) -> str:
    text = translate(f"migration.reason.{blocker.reason}")
    if blocker.element_id:
        text += f": {blocker.name or blocker.element_id}"
    return text


def change_text(change: Change) -> str:
    return translate(f"migration.change.{change.change}")


def _may_manage(process_id: str) -> bool:
    try:
        migrations.check_process_access(db(), user(), process_id)
    except Forbidden:
        return False
    return True


@bp.get("/")
@login_required(Role.ADMIN, Role.PROCESS_OWNER)
def index() -> Any:
    me = user()
    latest_numbers = select(DefinitionVersion.process_id, func.max(DefinitionVersion.version).label("latest")) \
        .group_by(DefinitionVersion.process_id).subquery()
    latest_rows = db().scalars(select(DefinitionVersion).join(
        latest_numbers, (DefinitionVersion.process_id == latest_numbers.c.process_id)
        & (DefinitionVersion.version == latest_numbers.c.latest)).order_by(DefinitionVersion.process_id))
    rows = []
    for row in latest_rows:
        if not _may_manage(row.process_id):
            continue
        on_older = migrations.count_candidates(db(), me, row)
        rows.append(ProcessRow(process_id=row.process_id, name=row.name, latest=row, on_older=on_older))
    return render_template("migration/index.html", rows=rows)


@bp.get("/<int:version_id>")
@login_required(Role.ADMIN, Role.PROCESS_OWNER)
def version(version_id: int) -> Any:
    me = user()
    target = db().get(DefinitionVersion, version_id)
    if target is None:
        abort(404)
    migrations.check_process_access(db(), me, target.process_id)
    planner = migrations.Planner(db(), services().engine, target)
    cases = migrations.candidates(db(), me, target, limit=MAX_ROWS + 1)
    truncated = len(cases) > MAX_ROWS
    rows = []
    for case in cases[:MAX_ROWS]:
        report = planner.report(case)
        rows.append(CaseRow(case=case, report=report, step=current_step_text(case),
                            reasons=[blocker_text(b) for b in report.blockers]))
    # what changes, per version the listed cases are on
    changes: dict[int, list[Change]] = {}
    for row in rows:
        changes.setdefault(row.report.from_version, row.report.changes)
    per_version = Counter(row.report.from_version for row in rows)
    return render_template(
        "migration/version.html", target=target, rows=rows, truncated=truncated, max_rows=MAX_ROWS,
        eligible=sum(1 for r in rows if r.report.eligible), changes=sorted(changes.items()), per_version=per_version,
        change_text=change_text, recent=migrations.recent_migrations(db(), me, target.process_id))


@bp.post("/<int:version_id>/cases/<int:case_id>")
@login_required(Role.ADMIN, Role.PROCESS_OWNER)
def migrate_one(version_id: int, case_id: int) -> Any:
    back = url_for("migration.version", version_id=version_id)
    report = migrations.dry_run(db(), services().engine, user(), case_id, version_id)
    if not report.eligible:
        flash(translate("migration.failed", reason="; ".join(blocker_text(b) for b in report.blockers)), "error")
        return redirect(back)
    try:
        record, _ = migrations.migrate(db(), services().engine, user(), case_id, version_id)
        commit()
    except Conflict:
        db().rollback()
        flash(translate("migration.failed", reason=translate("migration.conflict")), "error")
        return redirect(back)
    case = db().get(Case, record.case_id)
    flash(translate("migration.migrated", number=case.registration_number if case else record.case_id,
                    version=record.to_version), "success")
    return redirect(back)


@bp.post("/<int:version_id>/all")
@login_required(Role.ADMIN, Role.PROCESS_OWNER)
def migrate_all(version_id: int) -> Any:
    result = migrations.migrate_all_eligible(db(), services().engine, user(), version_id, commit)
    commit()
    flash(translate("migration.migrated_all", moved=len(result.migrated), skipped=len(result.skipped),
                    failed=len(result.failed)), "success" if not result.failed else "error")
    return redirect(url_for("migration.version", version_id=version_id))


@bp.post("/revert/<int:migration_id>")
@login_required(Role.ADMIN, Role.PROCESS_OWNER)
def revert(migration_id: int) -> Any:
    record = migrations.get_migration(db(), user(), migration_id)
    back = url_for("migration.version", version_id=record.to_definition_id)
    case = db().get(Case, record.case_id)
    why = revert_blocker(case, record) if case is not None else "moved_on"
    if why is not None:
        flash(translate("migration.revert_failed", reason=translate(f"migration.revert_reason.{why}")), "error")
        return redirect(back)
    try:
        case = migrations.revert(db(), services().engine, user(), migration_id)
        commit()
    except Conflict:
        db().rollback()
        flash(translate("migration.revert_failed", reason=translate("migration.conflict")), "error")
        return redirect(back)
    flash(translate("migration.reverted", number=case.registration_number, version=record.from_version), "success")
    return redirect(back)
