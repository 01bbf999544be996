"""The application's collaborators, built once and handed to the web app, CLI and scheduler.

The composition root: ``build_services`` makes the engine and wires what follows its steps (the
listeners of app/engine/events.py: the document register, the agreement projection, the mail). Nothing else registers a
listener, and importing a module registers nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

import handlers
from app.config import Settings
from app.core import calendar
from app.core.clock import Clock, make_clock
from app.core.errors import Conflict
from app.db import make_engine, make_session_factory
from app.domain import delegation
from app.domain import register as document_register
from app.domain.accounts import load_municipalities
from app.domain.agreement_document import templates as agreement_templates
from app.domain.agreements.projection import AgreementProjection
from app.domain.state_aid import decisions as state_aid
from app.engine.definitions import bundle_from_directory
from app.engine.events import CaseSaved, EventBus, TaskCompleted
from app.engine.runtime import CaseEngine
from app.migrate import upgrade
from app.notifications import listeners
from app.notifications.outbox import Outbox

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    db: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    engine: CaseEngine
    outbox: Outbox  # mail: queued by the listeners in the step's transaction, sent after commit

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits on success; a stale case version becomes a Conflict."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except StaleDataError as exc:
            session.rollback()
            raise Conflict("the case was changed by someone else at the same time; reload and try again") \
                from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def build_services(settings: Settings, clock: Clock | None = None, *,
                   service_handlers: Mapping[str, Callable[..., Any]] | None = None) -> Services:
    """Everything the web app, the CLI and the scheduler share. The engine calls the service-task handlers
    of `handlers.registry()` (or `service_handlers`, a test's own table) and knows no others."""
    db = make_engine(settings.database_url, settings.sqlite_synchronous)
    the_clock = clock or make_clock(settings.clock, settings.timezone, db)  # manual: stored in the database
    calendar.use_zone(the_clock.tz)  # IOP_TIMEZONE: the default zone of every calendar function (app/core/calendar.py)
    outbox = Outbox(the_clock, smtp_url=lambda: settings.smtp_url)  # read per delivery: IOP_SMTP_URL
    events = wire_listeners(EventBus(), outbox)
    return Services(
        settings=settings,
        db=db,
        session_factory=make_session_factory(db),
        clock=the_clock,
        engine=CaseEngine(the_clock, handlers=handlers.registry() if service_handlers is None else service_handlers,
                          events=events),
        outbox=outbox,
    )


def wire_listeners(events: EventBus, outbox: Outbox) -> EventBus:
    """What follows a step, in this order: the document register (a completed task that names `registerAs`),
    the agreement tables (which announce AgreementChanged), decisions under delegation, state aid granted, then
    mail (which tells the organisation the state aid recorded before it); each mail to the party is registered
    as it is queued."""
    events.listen(TaskCompleted, document_register.task_completed)
    events.listen(CaseSaved, AgreementProjection(events))
    events.listen(TaskCompleted, delegation.record_decision)
    events.listen(TaskCompleted, state_aid.record)
    listeners.register(events, outbox)
    outbox.listen(document_register.mail_queued)
    return events


def deploy_processes(services: Services, directory: Path | None = None) -> list[str]:
    """Deploy every diagram in processes/ whose content is new; return what was deployed."""
    folder = directory or services.settings.processes_path
    deployed = []
    with services.unit_of_work() as session:
        for path in sorted(folder.glob("*.bpmn")):
            row, created = services.engine.deploy(session, bundle_from_directory(path))
            if created:
                deployed.append(f"{row.process_id} v{row.version}")
    return deployed


def prepare_database(services: Services) -> None:
    """Migrate, load the municipalities from config/ (settings only where none are stored) and deploy processes/
    with the agreement templates of processes/templates/: what `iop serve` does first."""
    upgrade(services.db)
    services.clock.now()  # a stored manual clock writes its row now, outside the transactions below
    with services.unit_of_work() as session:
        load_municipalities(session, services.settings.config_path / "municipalities")
    for line in deploy_processes(services) + deploy_agreement_templates(services):
        log.info("deployed %s", line)


def deploy_agreement_templates(services: Services, directory: Path | None = None) -> list[str]:
    """Deploy every municipality's agreement template in processes/templates/ whose text is new."""
    folder = directory or services.settings.processes_path / "templates"
    with services.unit_of_work() as session:
        return agreement_templates.deploy_directory(session, services.clock, folder)
