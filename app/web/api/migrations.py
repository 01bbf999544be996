"""Moving running cases to a newer version of their process: dry run, migrate one or all eligible, revert."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import select

from app.core.errors import InvalidData, NotFound
from app.domain import migrations
from app.models import Case, CaseMigration
from app.web.api.blueprint import api
from app.web.api.common import authenticated, caller, json_body, row_id
from app.web.context import commit, db, services


def _id(raw: str, what: str) -> int:
    number = row_id(raw)
    if number is None:
        raise NotFound(f"the {what} does not exist")
    return number


@api.get("/cases/<case_id>/migration")
@authenticated
def migration_dry_run(case_id: str) -> Any:
    raw = request.args.get("to")
    target = migrations.parse_id(raw, "to") if raw else None
    report = migrations.dry_run(db(), services().engine, caller(), _id(case_id, "case"), target)
    return jsonify(report.as_dict())


@api.post("/cases/<case_id>/migration")
@authenticated
def migrate_case(case_id: str) -> Any:
    body = json_body("to")
    if body.get("to") is None:
        raise InvalidData("to is required: the id of the definition version", {"to": "required"})
    record, report = migrations.migrate(db(), services().engine, caller(), _id(case_id, "case"),
                                        migrations.parse_id(body["to"], "to"))
    commit()
    case = db().get(Case, record.case_id)
    return jsonify({"migration": migrations.migration_json(record, case), "report": report.as_dict()})


@api.post("/definitions/<version_id>/migrate-eligible")
@authenticated
def migrate_eligible(version_id: str) -> Any:
    body = json_body("dry_run")
    dry_run = body.get("dry_run", False)
    if not isinstance(dry_run, bool):
        raise InvalidData("dry_run must be true or false", {"dry_run": "true or false"})
    result = migrations.migrate_all_eligible(db(), services().engine, caller(), _id(version_id, "definition"),
                                             commit, dry_run_only=dry_run)
    commit()
    migrated_ids = [record_id for _, record_id in result.migrated]
    records = {r.id: r for r in db().scalars(select(CaseMigration)
                                             .where(CaseMigration.id.in_(migrated_ids)))} \
        if migrated_ids else {}
    return jsonify({
        "target": {"id": result.target.id, "process_id": result.target.process_id, "version": result.target.version},
        "dry_run": dry_run,
        "migrated": [migrations.migration_json(records[i]) for i in migrated_ids if i in records],
        "eligible": [r.as_dict() for r in result.eligible],
        "not_eligible": [r.as_dict() for r in result.skipped],
        "failed": [{"case_id": case_id, "message": why} for case_id, why in result.failed],
    })


@api.post("/migrations/<migration_id>/revert")
@authenticated
def revert_migration(migration_id: str) -> Any:
    json_body()
    number = _id(migration_id, "migration")
    case = migrations.revert(db(), services().engine, caller(), number)
    commit()
    record = migrations.get_migration(db(), caller(), number)
    return jsonify({"migration": migrations.migration_json(record, case)})
