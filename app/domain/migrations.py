"""Use cases for moving running cases to a newer version of their process (app/engine/migration.py).

Who: administrators, and process owners for their own municipality's cases of processes their municipality
owns (app.domain.definition_owners). Functions flush but
never commit, except `migrate_all_eligible`, which commits through the `commit` it is given after each
case, so that one case that cannot move does not hold back the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.errors import Conflict, Forbidden, InvalidData, NotFound
from app.core.roles import Role
from app.core.statuses import CaseStatus
from app.domain import definition_owners, permissions
from app.engine import migration
from app.engine.runtime import CaseEngine
from app.engine.serialization import workflow_from_json
from app.models import Case, CaseMigration, DefinitionVersion, User

CLI_ACTOR = "command line (iop migrate)"


@dataclass
class BulkResult:
    target: DefinitionVersion
    migrated: list[tuple[int, int]] = field(default_factory=list)  # (case id, migration id)
    skipped: list[migration.MigrationReport] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (case id, why)
    eligible: list[migration.MigrationReport] = field(default_factory=list)  # dry run: would move


def version_by_id(session: Session, version_id: int) -> DefinitionVersion:
    row = session.get(DefinitionVersion, version_id)
    if row is None:
        raise NotFound("the definition version does not exist")
    return row


def version_by_number(session: Session, process_id: str, number: int) -> DefinitionVersion:
    row = session.scalar(select(DefinitionVersion).where(DefinitionVersion.process_id == process_id,
                                                         DefinitionVersion.version == number))
    if row is None:
        raise NotFound(f"{process_id} has no version {number}")
    return row


def latest_version(session: Session, process_id: str) -> DefinitionVersion:
    row = session.scalar(select(DefinitionVersion).where(DefinitionVersion.process_id == process_id)
                         .order_by(DefinitionVersion.version.desc()).limit(1))
    if row is None:
        raise NotFound(f"no process named {process_id!r} is deployed")
    return row


def _case_for(session: Session, user: User | None, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or (user is not None and not permissions.can_view_case(user, case)):
        raise NotFound("the case does not exist")
    if user is not None and not permissions.can_migrate_case(user, case):
        raise Forbidden("only administrators and the municipality's process owners can move cases between versions")
    return case


def check_process_access(session: Session, user: User | None, process_id: str) -> None:
    """Moving a process's cases between versions: its owning municipality's process owners and administrators
    (app.domain.definition_owners); the command line (user None) may."""
    if user is not None:
        definition_owners.check_process(session, user, process_id)


class Planner:
    """Dry runs for many cases against one target; the comparison of two versions is done once per pair."""

    def __init__(self, session: Session, engine: CaseEngine, target: DefinitionVersion) -> None:
        self.session, self.engine, self.target_row = session, engine, target
        self.target = engine.definition(session, target.id)
        self._changes: dict[int, list[migration.Change]] = {}

    def report(self, case: Case) -> migration.MigrationReport:
        source_row = self.session.get(DefinitionVersion, case.definition_id)
        assert source_row is not None
        source = self.engine.definition(self.session, source_row.id)
        if source_row.id not in self._changes and source_row.process_id == self.target_row.process_id:
            self._changes[source_row.id] = migration.compare_definitions(source, self.target)
        workflow = workflow_from_json(case.workflow_json, source.spec, source.subprocess_specs)
        return migration.dry_run(case, workflow, source, source_row, self.target, self.target_row,
                                 self._changes.get(source_row.id))


def dry_run(session: Session, engine: CaseEngine, user: User | None, case_id: int,
            target_id: int | None = None) -> migration.MigrationReport:
    """Can the case move to `target_id` (default: its process's latest version), and what would change."""
    case = _case_for(session, user, case_id)
    current = version_by_id(session, case.definition_id)
    target = version_by_id(session, target_id) if target_id is not None else latest_version(session,
                                                                                            current.process_id)
    return Planner(session, engine, target).report(case)


def migrate(session: Session, engine: CaseEngine, user: User | None, case_id: int,
            target_id: int) -> tuple[CaseMigration, migration.MigrationReport]:
    case = _case_for(session, user, case_id)
    target = version_by_id(session, target_id)
    check_process_access(session, user, target.process_id)
    return migration.migrate_case(session, engine, case, target, user, CLI_ACTOR)


def _candidates_query(user: User | None, target: DefinitionVersion) -> Any:
    older = select(DefinitionVersion.id).where(DefinitionVersion.process_id == target.process_id,
                                               DefinitionVersion.version < target.version)
    query = (permissions.visible_cases(user) if user is not None else select(Case)) \
        .where(Case.status == CaseStatus.RUNNING, Case.definition_id.in_(older))
    if user is not None and user.role != Role.ADMIN:
        query = query.where(Case.municipality_id == user.municipality_id)
    return query


def candidates(session: Session, user: User | None, target: DefinitionVersion, limit: int | None = None) -> list[Case]:
    """Running cases of the target's process on older versions that `user` may move (all for None)."""
    query = _candidates_query(user, target).order_by(Case.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def count_candidates(session: Session, user: User | None, target: DefinitionVersion) -> int:
    subquery = _candidates_query(user, target).with_only_columns(Case.id).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)


def migrate_all_eligible(session: Session, engine: CaseEngine, user: User | None, target_id: int,
                         commit: Callable[[], None], *, dry_run_only: bool = False) -> BulkResult:
    """Move every eligible running case on an older version to `target_id`; commit after each case."""
    target = version_by_id(session, target_id)
    check_process_access(session, user, target.process_id)
    result = BulkResult(target=target)
    planner = Planner(session, engine, target)
    case_ids = [c.id for c in candidates(session, user, target)]
    for case_id in case_ids:
        case = session.get(Case, case_id)
        if case is None:
            continue
        report = planner.report(case)
        if not report.eligible:
            result.skipped.append(report)
            continue
        if dry_run_only:
            result.eligible.append(report)
            continue
        try:
            record, _ = migration.migrate_case(session, engine, case, target, user, CLI_ACTOR)
            record_id = record.id
            commit()
        except Conflict as exc:
            session.rollback()
            result.failed.append((case_id, str(exc)))
            continue
        result.migrated.append((case_id, record_id))
    return result


def get_migration(session: Session, user: User | None, migration_id: int) -> CaseMigration:
    record = session.get(CaseMigration, migration_id)
    if record is None:
        raise NotFound("the migration does not exist")
    _case_for(session, user, record.case_id)
    return record


def revert(session: Session, engine: CaseEngine, user: User | None, migration_id: int) -> Case:
    record = get_migration(session, user, migration_id)
    target = version_by_id(session, record.to_definition_id)
    check_process_access(session, user, target.process_id)
    return migration.revert_migration(session, engine, record, user, CLI_ACTOR)


def migration_json(record: CaseMigration, case: Case | None = None) -> dict[str, Any]:
    return {"id": record.id, "case_id": record.case_id,
            "registration_number": case.registration_number if case is not None else None,
            "from": {"id": record.from_definition_id, "version": record.from_version},
            "to": {"id": record.to_definition_id, "version": record.to_version},
            "status": record.status, "migrated_at": record.migrated_at.isoformat(),
            "migrated_by": record.migrated_by_name,
            "reverted_at": record.reverted_at.isoformat() if record.reverted_at else None,
            "reverted_by": record.reverted_by_name, "changes": list(record.changes or [])}


def recent_migrations(session: Session, user: User | None, process_id: str, limit: int = 50) -> list[
        tuple[CaseMigration, Case, str | None]]:
    """The latest migrations of the process's cases the user may move, each with why it cannot be reverted."""
    versions = select(DefinitionVersion.id).where(DefinitionVersion.process_id == process_id)
    query = select(CaseMigration, Case).join(Case, Case.id == CaseMigration.case_id) \
        .where(CaseMigration.to_definition_id.in_(versions)).order_by(CaseMigration.id.desc()).limit(limit)
    rows = []
    for record, case in session.execute(query).all():
        if user is not None and not permissions.can_migrate_case(user, case):
            continue
        rows.append((record, case, migration.revert_blocker(case, record)))
    return rows


def parse_id(raw: Any, name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InvalidData(f"{name} must be a definition version id", {name: "a whole number"})
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise InvalidData(f"{name} must be a definition version id", {name: "a whole number"})
    return int(text)
