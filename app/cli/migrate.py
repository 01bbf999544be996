"""`iop migrate`: the command line's use of app/domain/migrations.py (prints, returns the exit status).

Command-line output, so it sits in the CLI layer (it was app/domain/migration_commands.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.errors import EngineError
from app.domain import migrations
from app.engine.migration import MigrationReport
from app.models import Case
from app.services import Services

Echo = Callable[..., Any]


def _print_report(echo: Echo, report: MigrationReport, registration: str) -> None:
    head = f"case {report.case_id} ({registration}): {report.process_id} v{report.from_version} → v{report.to_version}"
    if report.eligible:
        echo(f"{head}: can move")
    else:
        echo(f"{head}: cannot move")
        for blocker in report.blockers:
            echo(f"  - {blocker.message}")


def _print_changes(echo: Echo, report: MigrationReport) -> None:
    if not report.changes:
        return
    echo("changes:")
    for change in report.changes:
        details = f" [{', '.join(change.attributes)}]" if change.attributes else ""
        echo(f"  {change.change:<13} {change.element_id} '{change.name}'{details}")


def run_migrate(services: Services, *, case_id: int | None, to_version: int | None, process_id: str | None,
                all_eligible: bool, dry_run: bool, revert_id: int | None, echo: Echo) -> int:
    try:
        if revert_id is not None:
            if case_id is not None or all_eligible:
                echo("--revert takes only the migration id", err=True)
                return 2
            return _revert(services, revert_id, echo)
        if to_version is None:
            echo("--to VERSION is required", err=True)
            return 2
        if all_eligible:
            if not process_id or case_id is not None:
                echo("--all-eligible needs --process PROCESS_ID and no case id", err=True)
                return 2
            return _all(services, process_id, to_version, dry_run, echo)
        if case_id is None:
            echo("give a CASE_ID, or --process with --all-eligible, or --revert MIGRATION_ID", err=True)
            return 2
        return _one(services, case_id, to_version, dry_run, echo)
    except EngineError as exc:
        echo(f"error: {exc}", err=True)
        return 1


def _one(services: Services, case_id: int, to_version: int, dry_run: bool, echo: Echo) -> int:
    with services.unit_of_work() as session:
        case = session.get(Case, case_id)
        if case is None:
            echo(f"error: there is no case {case_id}", err=True)
            return 1
        current = migrations.version_by_id(session, case.definition_id)
        target = migrations.version_by_number(session, current.process_id, to_version)
        report = migrations.dry_run(session, services.engine, None, case_id, target.id)
        _print_report(echo, report, case.registration_number)
        _print_changes(echo, report)
        if dry_run or not report.eligible:
            return 0 if report.eligible else 1
        record, _ = migrations.migrate(session, services.engine, None, case_id, target.id)
        session.flush()
        echo(f"migrated case {case_id} to v{target.version} (migration {record.id}; "
             f"undo with: iop migrate --revert {record.id})")
    return 0


def _all(services: Services, process_id: str, to_version: int, dry_run: bool, echo: Echo) -> int:
    session = services.session_factory()
    try:
        target = migrations.version_by_number(session, process_id, to_version)
        result = migrations.migrate_all_eligible(session, services.engine, None, target.id, session.commit,
                                                 dry_run_only=dry_run)
        registrations = {c.id: c.registration_number for c in migrations.candidates(session, None, target)}
        for report in result.eligible:
            _print_report(echo, report, registrations.get(report.case_id, ""))
        for report in result.skipped:
            _print_report(echo, report, registrations.get(report.case_id, ""))
        for case_id, record_id in result.migrated:
            echo(f"migrated case {case_id} to v{to_version} (migration {record_id})")
        for case_id, why in result.failed:
            echo(f"case {case_id} failed: {why}", err=True)
        verb = "would move" if dry_run else "moved"
        moved = len(result.eligible) if dry_run else len(result.migrated)
        echo(f"{process_id} v{to_version}: {verb} {moved}, not eligible {len(result.skipped)}, "
             f"failed {len(result.failed)}")
        session.commit()
        return 1 if result.failed else 0
    finally:
        session.close()


def _revert(services: Services, migration_id: int, echo: Echo) -> int:
    with services.unit_of_work() as session:
        case = migrations.revert(session, services.engine, None, migration_id)
        echo(f"reverted migration {migration_id}: case {case.id} ({case.registration_number}) is back on "
             f"its previous version")
    return 0
