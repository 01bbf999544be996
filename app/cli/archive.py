"""`iop archive`: archival packages per case, retention rules, cases due for disposal, and disposal under a
recorded decision (app/domain/archive; README's command table, docs/operations.md "Archive and retention")."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.core.calendar import local_date
from app.core.municipal_settings import MunicipalSettings, SettingsError, configure, settings_of
from app.domain.accounts import AccountError, municipality_by_slug
from app.domain.archive.disposal import Decision, DisposalRefused, dispose
from app.domain.archive.package import ExportRefused, export_case
from app.domain.archive.retention import FINISHED, closed_at, due_cases
from app.models import Case, Municipality
from app.services import Services, build_services


def _services() -> Services:
    return build_services(Settings.from_env())


def _municipality(session: Session, slug: str) -> Municipality:
    try:
        return municipality_by_slug(session, slug)
    except AccountError as exc:
        raise click.UsageError(str(exc)) from exc


def _day(text: str | None, option: str, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise click.UsageError(f"{option} must be a date YYYY-MM-DD, not {text!r}") from exc


def _case(session: Session, reference: str, municipality: str | None) -> Case:
    """A case by id, or by registration number (with --municipality when two municipalities share it)."""
    query = select(Case).where(Case.id == int(reference)) if reference.isdigit() else \
        select(Case).where(Case.registration_number == reference)
    if municipality:
        query = query.where(Case.municipality_id == _municipality(session, municipality).id)
    found = list(session.scalars(query))
    if not found:
        raise click.UsageError(f"there is no case {reference!r}" + (f" in {municipality}" if municipality else ""))
    if len(found) > 1:
        raise click.UsageError(f"{reference!r} names cases in several municipalities: add --municipality")
    return found[0]


@click.group()
def archive() -> None:
    """Archival packages, retention and disposal of cases."""


@archive.command("export")
@click.option("--case", "case_ref", default=None, help="The case: its id or registration number.")
@click.option("--finished", is_flag=True, help="Every finished (completed or cancelled) case of --municipality.")
@click.option("--closed-before", default=None, help="Every finished case closed before this day, YYYY-MM-DD.")
@click.option("--municipality", default=None, help="falun, stenungsund, gavle or kungsbacka")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write one package folder per case into.")
def export(case_ref: str | None, finished: bool, closed_before: str | None, municipality: str | None,
           out_dir: Path) -> None:
    """Write an archival package per case: ERMS v3 metadata, documents, history, checksums."""
    if [bool(case_ref), finished, bool(closed_before)].count(True) != 1:
        raise click.UsageError("give one of --case, --finished (with --municipality) or --closed-before")
    if finished and not municipality:
        raise click.UsageError("--finished needs --municipality")
    before = _day(closed_before, "--closed-before", date.max) if closed_before else None
    services = _services()
    failed = 0
    with services.unit_of_work() as session:
        ids = [_case(session, case_ref, municipality).id] if case_ref else \
            _finished(session, _municipality(session, municipality) if municipality else None, before)
    for case_id in ids:
        with services.unit_of_work() as session:
            case = session.get(Case, case_id)
            assert case is not None
            try:
                done = export_case(session, case, out_dir, services.clock.now())
            except ExportRefused as exc:
                click.echo(f"refused: {exc}", err=True)
                failed += 1
                continue
        click.echo(f"case {done.registration_number} (id {done.case_id}): {done.files} files in {done.path}")
    click.echo(f"{len(ids) - failed} packages written" + (f", {failed} refused" if failed else ""))
    if failed:
        sys.exit(1)


def _finished(session: Session, municipality: Municipality | None, before: date | None) -> list[int]:
    """The finished cases (of the municipality, if given; closed before `before`, if given), by id."""
    query = select(Case).where(Case.status.in_(FINISHED)).order_by(Case.id)
    if municipality is not None:
        query = query.where(Case.municipality_id == municipality.id)
    found = []
    for case in session.scalars(query):
        moment = closed_at(session, case)
        if before is None or (moment is not None and local_date(moment) < before):
            found.append(case.id)
    return found


@archive.command("due")
@click.option("--municipality", required=True, help="falun, stenungsund, gavle or kungsbacka")
@click.option("--on", "on_day", default=None, help="The day to count for, YYYY-MM-DD (default: today).")
def due(municipality: str, on_day: str | None) -> None:
    """List the finished cases due for disposal under the municipality's retention rules."""
    services = _services()
    with services.unit_of_work() as session:
        day = _day(on_day, "--on", services.clock.today())
        found = due_cases(session, _municipality(session, municipality), day)
    for row in found:
        click.echo(f"{row.registration_number}\tid {row.case_id}\t{row.process_id}\tclosed {row.closed_on}\t"
                   f"{row.years} years\tdue {row.due_on}\t{row.title}")
    click.echo(f"{len(found)} cases of {municipality} due for disposal on {day}")


@archive.command("dispose")
@click.option("--municipality", required=True, help="falun, stenungsund, gavle or kungsbacka")
@click.option("--decision-ref", required=True, help="The decision's reference, e.g. a delegation item or § number.")
@click.option("--decided-by", required=True, help="Who decided (name and role, or the board).")
@click.option("--decided-on", default=None, help="The decision's date, YYYY-MM-DD (default: today).")
@click.option("--case", "case_ids", multiple=True, type=int, help="Only these case ids (default: every due case).")
def dispose_command(municipality: str, decision_ref: str, decided_by: str, decided_on: str | None,
                    case_ids: tuple[int, ...]) -> None:
    """Dispose of due, exported cases under a recorded decision: documents emptied, history kept, tombstone."""
    services = _services()
    with services.unit_of_work() as session:
        today = services.clock.today()
        decision = Decision(decision_ref, decided_by, _day(decided_on, "--decided-on", today))
        try:
            row = dispose(session, _municipality(session, municipality), decision, today, services.clock.now(),
                          list(case_ids) or None)
        except DisposalRefused as exc:
            raise click.ClickException(f"refused: {exc}") from exc
        lines = [f"{c.registration_number} (id {c.case_id}): disposed, {c.documents_removed} documents emptied"
                 for c in row.cases]
        summary = f"decision {row.id} ({row.decision_ref}, {row.decided_by}, {row.decided_on}) recorded for " \
                  f"{len(lines)} cases"
    for line in lines:
        click.echo(line)
    click.echo(summary)


@archive.command("retention")
@click.option("--municipality", required=True, help="falun, stenungsund, gavle or kungsbacka")
@click.option("--process", "process_id", default=None, help="The process id the rule is for.")
@click.option("--years", type=int, default=None, help="Years after closing until disposal (1-100).")
@click.option("--keep-forever", is_flag=True, help="Keep the process's cases forever (the default).")
def retention(municipality: str, process_id: str | None, years: int | None, keep_forever: bool) -> None:
    """Show the municipality's retention rules, or set one process's (--process with --years or --keep-forever)."""
    if process_id and (years is None) == (not keep_forever):
        raise click.UsageError("with --process give either --years or --keep-forever")
    if not process_id and (years is not None or keep_forever):
        raise click.UsageError("--years and --keep-forever need --process")
    services = _services()
    with services.unit_of_work() as session:
        row = _municipality(session, municipality)
        current = settings_of(row)
        if process_id:
            rules = dict(current.retention.to_mapping(), **{process_id: None if keep_forever else years})
            try:
                configure(row, MunicipalSettings.from_mapping(dict(current.to_mapping(), retention_years=rules)))
            except SettingsError as exc:
                raise click.UsageError(str(exc)) from exc
            current = settings_of(row)
        offered = list(dict.fromkeys([*current.processes, *current.retention.to_mapping()]))
        lines = [f"{pid}\t" + (f"{n} years after closing" if (n := current.retention.years_for(pid))
                               else "kept forever") for pid in offered]
    for line in lines:
        click.echo(line)
    click.echo("processes not listed are kept forever")
