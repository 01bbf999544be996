"""The `iop` command line (see README and ../shared/interface.md)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session
from waitress import serve as waitress_serve

from app.cli.archive import archive
from app.cli.migrate import run_migrate
from app.config import Settings
from app.core.errors import DefinitionInvalid
from app.core.roles import PROVIDER_ROLES, ROLES
from app.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo
from app.domain import memberships
from app.domain import records as records_check
from app.domain.accounts import (
    AccountError,
    add_organisation,
    add_user,
    change_password,
    municipality_by_slug,
    set_active,
    user_by_username,
)
from app.domain.passwords import verify_password
from app.engine.definitions import bundle_from_directory
from app.engine.validate import validate_files
from app.logging_setup import configure_logging
from app.models import User
from app.scheduler import run_blocking_scheduler, start_background_scheduler
from app.services import Services, build_services, prepare_database
from app.simulation import InvalidOptions, SimulationError, format_table, parse_options, render_svg
from app.simulation import simulate as run_simulation
from app.web.factory import create_app
from handlers import registry


def _services() -> Services:
    return build_services(Settings.from_env())


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """IOP workflow: idea-based public partnerships between municipalities and non-profits."""
    try:  # the long-running commands log JSON lines unless IOP_LOG_FORMAT=text (docs/operations.md)
        configure_logging(verbose, "json" if ctx.invoked_subcommand in ("serve", "scheduler") else "text")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Do not run the timer scheduler in this process.")
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, no_scheduler: bool, threads: int) -> None:
    """Run the web app (with the timer scheduler unless --no-scheduler)."""
    services = _services()
    prepare_database(services)
    app = create_app(services.settings, services=services)
    scheduler = None
    if not no_scheduler:
        scheduler = start_background_scheduler(services)
    for line in _start_lines(services, host, port):
        click.echo(line)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="iop")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def _start_lines(services: Services, host: str, port: int) -> list[str]:
    """The last lines before serving: the address, and how to log in (the demo's officer when loaded)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - only the text shown
    lines = [f"IOP körs på http://{shown}:{port}/ (Ctrl+C stoppar)"]
    with services.unit_of_work() as session:
        demo = session.scalar(select(User).where(User.username == DEMO_LOGIN, User.active.is_(True)))
        known = demo is not None and bool(demo.password_hash) and verify_password(demo.password_hash, DEMO_PASSWORD)
    if known:
        lines.append(f"Logga in som {DEMO_LOGIN} / lösenord {DEMO_PASSWORD} (alla demoanvändare i README)")
    else:
        lines.append("Logga in med ditt konto (skapa ett med: iop user add NAMN --role admin)")
    return lines


@main.command()
def scheduler() -> None:
    """Run the timer scheduler alone (for deployments with several web workers)."""
    services = _services()
    prepare_database(services)
    run_blocking_scheduler(services)


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations, load municipalities from config/ and deploy processes/."""
    services = _services()
    prepare_database(services)
    click.echo(f"database at {services.db.url.render_as_string(hide_password=True)} is up to date")


@main.command()
def demo() -> None:
    """Load demo municipalities, users, organisations and cases (idempotent)."""
    services = _services()
    prepare_database(services)
    if logging.getLogger().level > logging.DEBUG:  # the replayed history's mail stays in the outbox, unlogged
        logging.getLogger("app.notifications.transport").setLevel(logging.WARNING)
    for line in load_demo(services):
        click.echo(line)


main.add_command(archive)


@main.group()
def records() -> None:
    """The case records: the sealed history and the document registers."""


@records.command("verify")
def records_verify() -> None:
    """Recompute every case's sealed history and document register; exit 1 naming each entry or document
    changed, removed or unsealed."""
    services = _services()
    with services.unit_of_work() as session:
        result = records_check.verify(session)
    for finding in result.findings:
        case = f"case {finding.registration_number or finding.case_id} (id {finding.case_id})"
        if finding.register:
            click.echo(f"{case}: registered document {finding.registration_number}-{finding.number} (row "
                       f"{finding.event_id}, {finding.kind}) "
                       f"{REGISTER_PROBLEMS.get(finding.problem) or PROBLEMS[finding.problem]}")
        else:
            click.echo(f"{case}: history entry {finding.event_id} ({finding.kind}) {PROBLEMS[finding.problem]}")
    click.echo(f"{result.entries} history entries in {result.cases} cases and {result.documents} registered "
               "documents checked: "
               + ("all intact" if result.intact else f"{len(result.findings)} problems"))
    if not result.intact:
        sys.exit(1)


PROBLEMS = {records_check.ALTERED: "was changed after it was written",
            records_check.LINK_BROKEN: "does not follow the entry before it (an entry was removed, inserted or "
                                       "re-sealed)",
            records_check.UNSEALED: "has no seal (written around the application)"}
REGISTER_PROBLEMS = {records_check.LINK_BROKEN: "does not follow the document before it (a row was removed, "
                                                "inserted or re-sealed)",
                     records_check.CONTENT_CHANGED: "links to a file whose content is no longer the one registered"}


@main.group()
def user() -> None:
    """User accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([str(role) for role in ROLES]))
@click.option("--municipality", default=None, help="falun, stenungsund, gavle or kungsbacka")
@click.option("--organisation", default=None, help="organisation number NNNNNN-NNNN")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--email", default=None)
@click.option("--name", "display_name", default="")
def user_add(username: str, role: str, municipality: str | None, organisation: str | None,
             password_stdin: bool, email: str | None, display_name: str) -> None:
    """Create a user."""
    password = _read_password(password_stdin, "Password")
    services = _services()
    prepare_database(services)
    try:
        with services.unit_of_work() as session:
            created = add_user(session, services.clock, username, password, role, municipality=municipality,
                               organisation=organisation, email=email, display_name=display_name)
            click.echo(f"created user {created.username} ({created.role})")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def _read_password(from_stdin: bool, prompt: str) -> str:
    """One line of standard input, or a hidden prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_passwd(username: str, password_stdin: bool) -> None:
    """Set a user's password; ends all of the user's sessions and API tokens."""
    password = _read_password(password_stdin, "New password")
    services = _services()
    prepare_database(services)
    try:
        with services.unit_of_work() as session:
            found = user_by_username(session, username)
            change_password(session, found, password)
            click.echo(f"changed the password of {found.username}; their sessions and API tokens are ended")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@user.command("grant")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([str(role) for role in PROVIDER_ROLES]))
@click.option("--municipality", required=True, help="falun, stenungsund, gavle or kungsbacka")
def user_grant(username: str, role: str, municipality: str) -> None:
    """Give a person a role in (another) municipality; they choose which one they act through after log-in."""
    _change_membership(username, role, municipality, memberships.grant)


@user.command("revoke")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([str(role) for role in PROVIDER_ROLES]))
@click.option("--municipality", required=True, help="falun, stenungsund, gavle or kungsbacka")
def user_revoke(username: str, role: str, municipality: str) -> None:
    """Take a role in a municipality away (not the person's own role and municipality)."""
    _change_membership(username, role, municipality, memberships.revoke)


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Shut a person out (someone who left): no log-in; their sessions and API tokens end at once."""
    _set_active(username, False)


@user.command("activate")
@click.argument("username")
def user_activate(username: str) -> None:
    """Let a deactivated person log in again."""
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    services = _services()
    prepare_database(services)
    try:
        with services.unit_of_work() as session:
            found = user_by_username(session, username)
            changed = set_active(session, found, active, via="cli")
            state = "active" if active else "deactivated (any sessions and API tokens of theirs are ended)"
            click.echo(f"{found.username} is {'now' if changed else 'already'} {state}")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@user.command("roles")
@click.argument("username")
def user_roles(username: str) -> None:
    """List a person's roles per municipality."""
    services = _services()
    prepare_database(services)
    try:
        with services.unit_of_work() as session:
            found = user_by_username(session, username)
            _echo_memberships(session, found)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def _echo_memberships(session: Session, person: User) -> None:
    held = memberships.of_user(session, person.id)
    if not held:
        click.echo(f"{person.username}: {person.role} (no municipal roles)")
    for row in held:
        click.echo(f"{person.username}: {row.role} in {row.municipality.slug}")


def _change_membership(username: str, role: str, municipality: str, change: Callable[..., object]) -> None:
    services = _services()
    prepare_database(services)
    try:
        with services.unit_of_work() as session:
            found = user_by_username(session, username)
            change(session, found, role, municipality_by_slug(session, municipality))
            _echo_memberships(session, found)
    except (AccountError, memberships.MembershipError) as exc:
        raise click.ClickException(str(exc)) from exc


@main.group()
def org() -> None:
    """Organisations."""


@org.command("add")
@click.option("--name", required=True)
@click.option("--org-number", required=True, help="NNNNNN-NNNN")
@click.option("--email", default=None)
def org_add(name: str, org_number: str, email: str | None) -> None:
    """Register an organisation."""
    services = _services()
    prepare_database(services)
    try:
        with services.unit_of_work() as session:
            created = add_organisation(session, services.clock, name, org_number, email)
            click.echo(f"registered {created.name} ({created.org_number})")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


BUNDLE_SUFFIXES = (".bpmn", ".dmn", ".json")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _bundles(paths: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """(label, files) per bundle: the files named together form one bundle; a folder gives one per .bpmn in it.

    A .bpmn file brings the forms it names from its folder or the folder's forms/ subfolder, unless
    they are given as well."""
    missing = [raw for raw in paths if not Path(raw).exists()]
    if missing:
        raise click.ClickException("; ".join(f"{raw}: no such file or folder" for raw in missing))
    bundles: list[tuple[str, dict[str, str]]] = []
    named: dict[str, str] = {}
    given: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            diagrams = sorted(path.glob("*.bpmn"))
            if not diagrams:
                raise click.ClickException(f"{raw}: the folder has no .bpmn file")
            for bpmn in diagrams:
                bundles.append((str(bpmn), _guarded(bundle_from_directory, bpmn)))
        elif path.suffix not in BUNDLE_SUFFIXES:
            raise click.ClickException(f"{raw}: only .bpmn, .dmn and .json files belong in a definition")
        elif path.suffix == ".bpmn":
            for name, text in _guarded(bundle_from_directory, path).items():
                named.setdefault(name, text)
            given[path.name] = _read_text(path)
        else:
            given[path.name] = _read_text(path)
    if given:
        label = " ".join(raw for raw in paths if not Path(raw).is_dir())
        bundles.insert(0, (label, {**named, **given}))
    return bundles


def _guarded(read: Any, path: Path) -> dict[str, str]:
    try:
        return dict(read(path))
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot be read ({exc.strerror or exc})") from exc


@main.command()
@click.argument("paths", nargs=-1, required=True)
def validate(paths: tuple[str, ...]) -> None:
    """Check BPMN/DMN/form files; one message per problem, non-zero exit if any.

    The files named together are one bundle (a diagram with its forms); a folder is checked
    diagram by diagram, each with the forms it names."""
    problems = []
    for _label, files in _bundles(paths):
        problems.extend(validate_files(files, operations=registry()))
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("no problems found")


@main.command()
@click.argument("paths", nargs=-1, required=True)
def deploy(paths: tuple[str, ...]) -> None:
    """Validate, then store a new definition version (the files named together are one bundle)."""
    bundles = _bundles(paths)
    services = _services()
    prepare_database(services)
    try:
        for _label, files in bundles:
            with services.unit_of_work() as session:
                row, created = services.engine.deploy(session, files)
                state = "deployed" if created else "unchanged, already deployed as"
                click.echo(f"{state} {row.process_id} version {row.version}")
    except DefinitionInvalid as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)


@main.command()
@click.option("--municipality", default="stenungsund", show_default=True,
              help="A municipality with the agreement cycle.")
@click.option("--amount", "yearly_amount_sek", default=400000, show_default=True, type=int,
              help="The municipality's support per year, SEK.")
@click.option("--start", default="2027-01-01", show_default=True, help="First day of the period, YYYY-MM-DD.")
@click.option("--years", default=5, show_default=True, type=int,
              help="Period in years (at most the municipality's maximum).")
@click.option("--interval", default="yearly", show_default=True,
              type=click.Choice(["yearly", "half_yearly", "quarterly", "lump_sum"]))
@click.option("--late-follow-up", is_flag=True, help="The first follow-up report comes in late: a payment is held.")
@click.option("--renew/--no-renew", default=False, show_default=True, help="Renew the agreement once.")
@click.option("--plot", "plot_path", default=None, type=click.Path(dir_okay=False), help="Write the timeline as SVG.")
@click.option("--lang", default="sv", show_default=True, type=click.Choice(["sv", "en"]))
def simulate(municipality: str, yearly_amount_sek: int, start: str, years: int, interval: str, late_follow_up: bool,
             renew: bool, plot_path: str | None, lang: str) -> None:
    """Run one agreement on a virtual clock in a throwaway database and print its timeline."""
    if logging.getLogger().level > logging.DEBUG:  # keep the table readable unless -v
        for name in ("spiff", "alembic", "app.services"):
            logging.getLogger(name).setLevel(logging.WARNING)
    try:
        options = parse_options({"municipality": municipality, "yearly_amount_sek": str(yearly_amount_sek),
                                 "start": start, "years": str(years), "interval": interval,
                                 "late_follow_up": late_follow_up, "renew": renew})
        result = run_simulation(options, Settings.from_env())
    except InvalidOptions as exc:
        for name, problem in exc.problems.items():
            click.echo(f"--{name.replace('_', '-')}: {problem.message}", err=True)
        sys.exit(2)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(format_table(result, lang))
    click.echo(f"{result.registration_number}: outcome {result.outcome or 'running'}, "
               f"ended {result.ended_on or '-'}, paid {result.total_paid_sek} SEK")
    if result.stopped_on is not None:
        click.echo(f"warning: the agreement was still running on {result.stopped_on}; the simulation stopped there",
                   err=True)
    if plot_path:
        Path(plot_path).write_text(render_svg(result, lang), encoding="utf-8")
        click.echo(f"wrote {plot_path}")


@main.command()
@click.argument("case_id", required=False, type=int)
@click.option("--to", "to_version", type=int, default=None,
              help="The target version number of the process (e.g. 2).")
@click.option("--process", "process_id", default=None, help="With --all-eligible: the process id.")
@click.option("--all-eligible", is_flag=True, help="Move every eligible running case of --process.")
@click.option("--dry-run", is_flag=True, help="Only show whether the case(s) can move and what would change.")
@click.option("--revert", "revert_id", type=int, default=None, help="Undo the migration with this id.")
def migrate(case_id: int | None, to_version: int | None, process_id: str | None, all_eligible: bool,
            dry_run: bool, revert_id: int | None) -> None:
    """Move running cases to a newer version of their process, or undo such a move.

    \b
    iop migrate CASE_ID --to VERSION [--dry-run]
    iop migrate --process PROCESS_ID --to VERSION --all-eligible [--dry-run]
    iop migrate --revert MIGRATION_ID
    """
    services = _services()
    prepare_database(services)
    sys.exit(run_migrate(services, case_id=case_id, to_version=to_version, process_id=process_id,
                         all_eligible=all_eligible, dry_run=dry_run, revert_id=revert_id, echo=click.echo))

