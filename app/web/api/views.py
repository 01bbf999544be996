"""JSON shapes of tasks, cases and events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.statuses import CaseStatus
from app.domain.visibility import CaseView, log_secret_views
from app.engine.incidents import incident_message, shown_incident
from app.engine.runtime import CaseEngine
from app.engine.task_notice import stored_notice
from app.models import Case, CaseEvent, DefinitionVersion, OpenTask, User


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _usernames(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def task_json(session: Session, engine: CaseEngine, task: OpenTask, now: datetime,
              names: dict[int, str] | None = None, registration: dict[int, str] | None = None,
              definitions: dict[int, int] | None = None,
              forms: dict[tuple[int, str], Any] | None = None) -> dict[str, Any]:
    """One task; `names`, `registration` and `definitions` (case id → definition version id) save the lookups
    a list has made once for all its tasks."""
    case = None
    if registration is None or task.case_id not in registration:
        case = session.get(Case, task.case_id)
    names = names if names is not None else _usernames(session, {task.assignee_id} if task.assignee_id else set())
    form = None
    if task.form:
        definition_id = definitions.get(task.case_id) if definitions else None
        if definition_id is None:
            definition_id = case.definition_id if case else session.scalar(
                select(Case.definition_id).where(Case.id == task.case_id))
        if definition_id is not None and forms is not None and (definition_id, task.form) in forms:
            form = forms[(definition_id, task.form)]  # a list's tasks share a few forms: looked up once each
        elif definition_id is not None:
            form = engine.definition(session, definition_id).form(task.form)
            if forms is not None:
                forms[(definition_id, task.form)] = form
    return {
        "id": task.id,
        "case_id": task.case_id,
        "registration_number": registration[task.case_id] if registration and task.case_id in registration
        else (case.registration_number if case else None),
        "name": task.name,
        "title": task.title,
        "role": task.role,
        "assignee": names.get(task.assignee_id) if task.assignee_id else None,
        "due": iso(task.due_at),
        "overdue": bool(task.due_at and task.due_at < now),
        "created": iso(task.created_at),
        "form": form,
        "notice": stored_notice(task.meta),  # only the task's own answers carry it
    }


def tasks_json(session: Session, engine: CaseEngine, tasks: list[OpenTask], now: datetime) -> list[dict[str, Any]]:
    """Tasks in three statements whatever their number (names, cases; forms from the definition cache)."""
    names = _usernames(session, {t.assignee_id for t in tasks if t.assignee_id})
    case_ids = {t.case_id for t in tasks}
    rows = session.execute(select(Case.id, Case.registration_number, Case.definition_id)
                           .where(Case.id.in_(case_ids))).all() if case_ids else []
    registration = {r[0]: r[1] for r in rows}
    definitions = {r[0]: r[2] for r in rows}
    return [task_json(session, engine, t, now, names, registration, definitions) for t in tasks]


def inbox_json(session: Session, engine: CaseEngine, rows: Sequence[Sequence[Any]],
               now: datetime) -> list[dict[str, Any]]:
    """A page of the inbox as plain rows (app.queries.inbox.inbox_items), each item the shape of task_json with
    the organisation and the process, for orjson to write (app/web/api/tasks.py): the dates are datetimes (orjson
    writes the ISO 8601 that isoformat gives) and each form is an orjson.Fragment, written once per definition
    version and form and copied into every item that carries it (500 items of 2-3 KB of JSON Schema each). No
    statement beyond the page's own, but one per definition version not yet in the engine's cache."""
    forms: dict[tuple[int, str], orjson.Fragment | None] = {}
    processes: dict[int, str] = {}
    items = []
    # unpacked by position (ITEM_COLUMNS, then the joined columns): reading 500 rows by name took longer than
    # the rest of this function
    for (task_id, case_id, name, title, role, assignee_id, due, created, form_name, registration_number,
         definition_id, organisation_name, assignee) in rows:
        form = None
        if form_name:
            key = (definition_id, form_name)
            if key in forms:
                form = forms[key]
            else:
                schema = engine.definition(session, definition_id).form(form_name)
                form = forms[key] = None if schema is None else orjson.Fragment(orjson.dumps(schema))
        process = processes.get(definition_id)
        if process is None:
            process = processes[definition_id] = engine.definition(session, definition_id).process_id
        items.append({
            "id": task_id,
            "case_id": case_id,
            "registration_number": registration_number,
            "name": name,
            "title": title,
            "role": role,
            "assignee": assignee if assignee_id else None,
            "due": due,
            "overdue": bool(due and due < now),
            "created": created,
            "form": form,
            "organisation": organisation_name,
            "process": process,
        })
    return items


def definition_label(session: Session, definition_id: int) -> dict[str, Any]:
    """process_id, version and name of a definition version, without loading its spec or files.

    Kept in the session's info for the length of one request, so a page of cases costs one query
    per distinct version."""
    labels: dict[int, dict[str, Any]] = session.info.setdefault("definition_labels", {})
    label = labels.get(definition_id)
    if label is None:
        row = session.execute(select(DefinitionVersion.process_id, DefinitionVersion.version, DefinitionVersion.name)
                              .where(DefinitionVersion.id == definition_id)).one()
        label = {"process_id": row.process_id, "version": row.version, "name": row.name}
        labels[definition_id] = label
    return dict(label)


def case_summary(case: Case, session: Session | None = None) -> dict[str, Any]:
    summary = _summary(case)
    if session is not None:
        summary["definition"] = definition_label(session, case.definition_id)
    return summary


def _summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "registration_number": case.registration_number,
        "title": case.title,
        "municipality": case.municipality.slug,
        "organisation": {"name": case.organisation.name, "org_number": case.organisation.org_number},
        "status": case.status,
        "outcome": case.outcome,
        "current_step": case.current_step,
        "next_timer": iso(case.next_timer_at),
        "created": iso(case.created_at),
        "updated": iso(case.updated_at),
        "version": case.version,
    }


def _event_data(event: CaseEvent, data: dict[str, Any], lang: str) -> Any:
    """An event's data as the viewer sees it; an incident's with its plain words in `lang` (stored as a code
    since they are worded)."""
    if event.kind == "incident":
        return {**{k: v for k, v in data.items() if k != "params"}, "message": incident_message(data, lang)}
    return data


def case_detail(session: Session, engine: CaseEngine, case: Case, now: datetime, lang: str,
                viewer: User) -> dict[str, Any]:
    """The case as GET /cases/{id} answers `viewer` (app.domain.visibility: the party sees the events and fields
    its case gives it; a secret value shown is logged in the session, for the caller to commit); `lang` words a
    failed case's incident (Swedish unless ?lang=en)."""
    body = case_summary(case, session)
    view = CaseView(viewer, case, engine.definition(session, case.definition_id))
    open_tasks = list(session.scalars(select(OpenTask).where(OpenTask.case_id == case.id)
                                      .order_by(OpenTask.created_at)))
    # a case's viewer need not be one of its tasks' people: no form, and no notice (the task's own data)
    body["open_tasks"] = [{k: v for k, v in t.items() if k not in ("form", "notice")}
                          for t in tasks_json(session, engine, open_tasks, now)]
    body["feedback"] = case.feedback
    events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id))
    body["history"] = [{"at": iso(e.at), "actor": e.actor_name, "kind": e.kind, "task": e.task_name,
                        "title": e.title, "data": _event_data(e, view.event_data(e), lang)}
                       for e in view.events(events)]
    log_secret_views(session, now, view, "api")
    body["can_withdraw"] = engine.can_receive(session, case, "withdraw") if case.status == CaseStatus.RUNNING else False
    if case.status == CaseStatus.FAILED:  # stopped on an error (app.engine.incidents); the administrators are told
        stored = (case.summary or {}).get("incident")
        body["incident"] = shown_incident(stored, lang) if isinstance(stored, dict) else stored
        body["notice"] = "the case has stopped on an error after this; its administrators have been told"
    return body
