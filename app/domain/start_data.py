"""What a caller may send as a new case's start data: the fields of the process's start form, nothing else.

The start form is, in this order:
1. the form declared on the process's start event (`formJsonSchemaFilename` / `formKey`, as on a user task);
2. the form of the first user task that opens for the starter's role when the case starts (what the portal's
   start page leads the organisation to: Falun's checklist, Stenungsund's interest registration).
A role with no such task (an officer starting a case for an organisation whose first task is the
organisation's) has no start form and may send no start data.

Start data pre-fills that form; it does not complete it, so required fields are not demanded here, but every
field sent must be one of the form's, with a value the form accepts (type, enum, pattern, lengths). Text
fields without a maxLength are capped at MAX_TEXT characters and lists without maxItems at MAX_ITEMS items.
Files cannot be sent at start (they are uploaded to the case once it exists). Anything staff decide later
(payment interval, amounts, parties, dates) is in no organisation's start form and is refused with 422.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from jsonschema import Draft202012Validator
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy.orm import Session

from app.core.errors import InvalidData, NotFound
from app.engine.definitions import ProcessDefinition
from app.engine.forms import validate_form
from app.engine.runtime import CaseEngine
from app.engine.task_meta import task_role
from app.engine.timer_clock import engine_clock
from app.engine.workflow_tasks import ready_human_tasks

log = logging.getLogger(__name__)

MAX_TEXT = 20_000
MAX_ITEMS = 200


def start_form_name(engine: CaseEngine, definition: ProcessDefinition, role: str) -> str | None:
    """The name of the start form for a starter with `role`, or None; found once per version and role."""
    if role not in definition.start_forms:
        definition.start_forms[role] = _declared(definition) or _first_task_form(engine, definition, role)
    return definition.start_forms[role]


def _declared(definition: ProcessDefinition) -> str | None:
    start = getattr(definition.spec, "start", None)
    for event in getattr(start, "outputs", None) or []:
        name = definition.form_name_for(getattr(event, "bpmn_id", None) or "")
        if name:
            return name
    return None


def _first_task_form(engine: CaseEngine, definition: ProcessDefinition, role: str) -> str | None:
    """Run a throwaway copy of the process, without data, to the first wait and look at what opened."""
    try:
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=engine.script_engine)
        with engine_clock(engine.clock):
            workflow.do_engine_steps()
        ready = ready_human_tasks(workflow)
    except Exception as exc:  # noqa: BLE001 - a diagram that cannot reach a task without data has no start form
        log.info("%s: no start form found (%s)", definition.process_id, exc)
        return None
    for task in ready:
        if task_role(definition.element(task.task_spec.bpmn_id)) == role:
            return definition.form_name_for(task.task_spec.bpmn_id)
    return None


def _field_list(names: list[str]) -> str:
    return ", ".join(names)


def check(session: Session, engine: CaseEngine, role: str, process_id: str, data: Any,
          lang: str = "sv") -> dict[str, Any] | None:
    """The start data to give the new case, or InvalidData naming every field that may not be sent."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InvalidData("data must be an object", {"data": "must be an object"})
    if not data:
        return {}
    try:
        version = engine.latest_version(session, process_id)
    except NotFound as exc:
        raise InvalidData(str(exc), {"process": str(exc)}) from exc
    definition = engine.definition(session, version.id)
    form_name = start_form_name(engine, definition, role)
    schema = definition.form(form_name) if form_name else None
    props: dict[str, Any] = dict((schema or {}).get("properties") or {})
    unknown = sorted(key for key in data if key not in props)
    if unknown:
        if schema is None:
            message = (f"{process_id} takes no start data from your role; not accepted: {_field_list(unknown)}")
            reason = "not accepted at start: this process has no start form for your role"
        else:
            message = (f"only the fields of the start form ({form_name}) can be sent when a case starts; "
                       f"not part of it: {_field_list(unknown)}")
            reason = f"not a field of the start form {form_name}"
        raise InvalidData(message, dict.fromkeys(unknown, reason))
    files = sorted(key for key, value in data.items()
                   if props[key].get("x-widget") == "attachment" and value not in (None, []))
    if files:
        raise InvalidData(f"files cannot be sent when a case starts; upload them to the case afterwards: "
                          f"{_field_list(files)}", dict.fromkeys(files, "upload files once the case exists"))
    assert schema is not None
    prefill = _prefill_schema(schema, props)
    try:
        return validate_form(prefill, Draft202012Validator(prefill), copy.deepcopy(data), lang)
    except InvalidData as exc:
        raise InvalidData(f"the start data does not fit the start form ({form_name}): "
                          f"{_field_list(sorted(exc.fields))}", exc.fields) from exc


def _prefill_schema(schema: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """The form's fields one by one, without what ties them together (required, conditions), with caps."""
    capped: dict[str, Any] = {}
    for key, prop in props.items():
        prop = dict(prop) if isinstance(prop, dict) else {}
        kinds = prop.get("type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if "string" in kinds and "maxLength" not in prop:
            prop["maxLength"] = MAX_TEXT
        if "array" in kinds and "maxItems" not in prop:
            prop["maxItems"] = MAX_ITEMS
        capped[key] = prop
    prefill: dict[str, Any] = {"type": "object", "properties": capped}
    for shared in ("$defs", "definitions"):
        if shared in schema:
            prefill[shared] = schema[shared]
    return prefill
