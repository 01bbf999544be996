"""The Camunda dialect piece by piece: expressions, timers, forms, roles, handlers, and the problems
`parse_bundle` reports for what cannot run as drawn."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.core.errors import DefinitionInvalid
from app.engine.camunda_expressions import DialectError, translate_condition, translate_timer
from app.engine.definitions import ProcessDefinition, bundle_from_directory, parse_bundle
from app.engine.task_meta import task_assignee_username, task_due, task_role
from handlers import registry

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.17.0">
"""


def _doc(task: str = "", *, lanes: str = "", after: str = "", condition: str = "${ok}") -> str:
    """start → t (the given user task, or a plain one) → gateway (condition / default) → end."""
    task = task or '<bpmn:userTask id="t" name="T" camunda:candidateGroups="officer"><bpmn:extensionElements>' \
        '<camunda:formData><camunda:formField id="ok" label="OK?" type="boolean" /></camunda:formData>' \
        '</bpmn:extensionElements></bpmn:userTask>'
    return HEAD + f"""<bpmn:process id="p" name="P" isExecutable="true">
    {lanes}
    <bpmn:startEvent id="s" />
    {task}
    {after}
    <bpmn:exclusiveGateway id="g" default="f_no" />
    <bpmn:endEvent id="e_yes" />
    <bpmn:endEvent id="e_no" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <bpmn:sequenceFlow id="f2" sourceRef="{'x' if after else 't'}" targetRef="g" />
    <bpmn:sequenceFlow id="f_yes" sourceRef="g" targetRef="e_yes">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="g" targetRef="e_no" />
    {'<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="x" />' if after else ''}
  </bpmn:process>
</bpmn:definitions>
"""


def _parse(text: str, **files: str) -> ProcessDefinition:
    return parse_bundle({"p.bpmn": text, **files}, operations=registry())


def _problems(text: str, **files: str) -> list[str]:
    with pytest.raises(DefinitionInvalid) as err:
        _parse(text, **files)
    return err.value.problems


# ------------------------------------------------------------------------------ expressions
@pytest.mark.parametrize(("juel", "ours"), [
    ("${amount > 1000}", "amount > 1000"),
    ("#{a && !b}", "a and not b"),
    ("${plan_check.ok || amount <= 100000}", 'plan_check["ok"] or amount <= 100000'),
    ("${status eq 'open' and owner == null}", "status == 'open' and owner == None"),
    ("${approved == true}", "approved == True"),
    ("${a.b.c != 2.5}", 'a["b"]["c"] != 2.5'),
    ("amount > 1000", "amount > 1000"),  # our own language stays as written
])
def test_conditions_translate(juel: str, ours: str) -> None:
    assert translate_condition(juel) == ours


@pytest.mark.parametrize(("juel", "why"), [
    ("${execution.getVariable('x')}", "method calls"),
    ("${isValid(x)}", "function calls"),
    ("${a ? b : c}", "cannot translate"),
    ("${empty list}", "'empty' is not supported"),
    ("Amount: ${amount}", "whole expression"),
    ("${__class__}", "not allowed"),
])
def test_untranslatable_conditions_are_refused(juel: str, why: str) -> None:
    with pytest.raises(DialectError, match=why):
        translate_condition(juel)


@pytest.mark.parametrize(("text", "element", "ours"), [
    ("P9M", "timeDuration", "'P9M'"),
    ("pt2h", "timeDuration", "'PT2H'"),
    ("2027-01-01T09:00", "timeDate", "'2027-01-01T09:00'"),
    ("2027-01-01", "timeDate", "'2027-01-01'"),
    ("P14D", "timeDate", "'P14D'"),
    ("R3/P1Y", "timeCycle", "'R3/P1Y'"),
    ("R/2027-01-01T09:00/P1M", "timeCycle", "'R/2027-01-01T09:00/P1M'"),
    ("${end_date}", "timeDate", "end_date"),
    ("${agreement.end}", "timeDate", 'agreement["end"]'),
    ('"P9M"', "timeDuration", '"P9M"'),  # SpiffWorkflow dialect, unchanged
    ('at_local(end_date, "00:00")', "timeDate", 'at_local(end_date, "00:00")'),
])
def test_timer_values_translate(text: str, element: str, ours: str) -> None:
    assert translate_timer(text, element) == ours


@pytest.mark.parametrize(("text", "element", "why"), [
    ("${dateTime().plusMonths(1)}", "timeDate", "only \\${variable} references"),
    ("${months * 2}", "timeDuration", "only \\${variable} references"),
    ("2027-01-01", "timeDuration", "not a value for timeDuration"),
    ("P1Y", "timeCycle", "not a value for timeCycle"),
    ("0 0 9 * * ?", "timeCycle", "cron"),
])
def test_unusable_timer_values_are_refused(text: str, element: str, why: str) -> None:
    with pytest.raises(DialectError, match=why):
        translate_timer(text, element)


# ------------------------------------------------------------------------------ whole diagrams
def test_problems_name_file_line_and_element() -> None:
    task = """<bpmn:userTask id="t" name="T" camunda:candidateGroups="kommunfullmäktige" camunda:candidateUsers="bo"
      camunda:assignee="${owner.name()}" camunda:dueDate="next week"><bpmn:extensionElements><camunda:formData>
        <camunda:formField id="amount" label="Belopp" type="double" />
        <camunda:formField id="ok" label="OK" type="boolean"><camunda:validation>
          <camunda:constraint name="minlength" config="3" /></camunda:validation></camunda:formField>
      </camunda:formData></bpmn:extensionElements></bpmn:userTask>"""
    after = """<bpmn:serviceTask id="x" camunda:type="external" camunda:topic="send_invoice" />
      <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${dateTime().plusMonths(1)}</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"""
    with pytest.raises(DefinitionInvalid) as err:
        _parse(_doc(task, after=after, condition="${a ? b : c}"))
    problems = err.value.problems
    text = "\n".join(problems)
    assert {d.element_id for d in err.value.details} == {"t", "wait", "f_yes"}
    assert {d.code for d in err.value.details} >= {"camunda_role", "camunda_assignee", "camunda_due_date",
                                                   "camunda_form", "camunda_timer", "camunda_condition"}
    assert all(p.startswith("p.bpmn:") for p in problems)
    assert "[t 'T']: camunda:candidateGroups names 'kommunfullmäktige', which is no role" in text
    assert "[t 'T']: camunda:candidateUsers is not supported" in text
    assert "[t 'T']: camunda:assignee: method calls" in text
    assert "[t 'T']: camunda:dueDate: 'next week' is no ISO 8601 date" in text
    assert "[t 'T']: the form field 'amount' has the type 'double'" in text
    assert "[t 'T']: the constraint 'minlength' is not supported on the boolean field 'ok'" in text
    assert "[wait]: the timer value cannot be used" in text
    assert "[f_yes]: the condition cannot be translated" in text


@pytest.mark.parametrize("attributes", ['camunda:type="external" camunda:topic="send_invoice"',
                                        'camunda:class="se.kommun.SendInvoiceDelegate"',
                                        'camunda:delegateExpression="${sendInvoice}"'])
def test_a_handler_nobody_provides_is_a_problem_naming_the_task(attributes: str) -> None:
    after = f'<bpmn:serviceTask id="x" name="Skicka faktura" {attributes} />'
    [problem] = _problems(_doc(after=after))
    assert problem.startswith("p.bpmn:") and "[x 'Skicka faktura']: no handler in handlers/ provides" in problem


def test_a_valid_camunda_diagram_parses_and_translates() -> None:
    after = """<bpmn:serviceTask id="x" camunda:class="se.stenungsund.iop.StenungsundCheckPlanDelegate">
      <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="args"><camunda:map>
        <camunda:entry key="years">${years}</camunda:entry>
        <camunda:entry key="parties"><camunda:list>
          <camunda:value>${party}</camunda:value></camunda:list></camunda:entry>
      </camunda:map></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>"""
    definition = _parse(_doc(after=after, condition="${ok &amp;&amp; !(x_result.ok == false)}"))
    service = definition.spec.task_specs["x"]
    assert service.operation_name == "stenungsund_check_plan"
    assert service.operation_params == {"args": {"value": "{'years': years, 'parties': [party]}", "type": "any"}}
    assert service.result_variable == "x_result"
    gateway = definition.spec.task_specs["g"]
    [condition] = [c for c, _ in gateway.cond_task_specs if c is not None]
    assert condition.args[0] == 'ok and not (x_result["ok"] == False)'


def test_candidate_groups_override_the_lane_and_formkey_names_a_bundle_form() -> None:
    lanes = """<bpmn:laneSet id="ls"><bpmn:lane id="l_org" name="Organisation">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>t</bpmn:flowNodeRef><bpmn:flowNodeRef>x</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>"""
    task = '<bpmn:userTask id="t" name="T" camunda:candidateGroups="Jurist" ' \
        'camunda:formKey="embedded:app:forms/t.json" />'
    after = '<bpmn:userTask id="x" name="X" camunda:formKey="x" />'
    form = json.dumps({"type": "object", "properties": {"ok": {"type": "boolean"}}})
    definition = _parse(_doc(task, lanes=lanes, after=after), **{"t.json": form, "x.json": form})
    assert task_role(definition.element("t")) == "lawyer"  # candidateGroups wins over the lane
    assert task_role(definition.element("x")) == "organisation"  # the lane still counts
    assert definition.form_name_for("t") == "t" and definition.form("t") is not None
    problems = _problems(_doc(task, lanes=lanes, after=after), **{"t.json": form})
    [problem] = problems  # only the form file that is missing; the validation words the message
    assert problem.startswith("p.bpmn:11 [x") and "'x'" in problem and "not in the bundle" in problem


def test_several_roles_in_candidate_groups_are_refused() -> None:
    task = '<bpmn:userTask id="t" name="T" camunda:candidateGroups="officer, lawyer" camunda:formKey="x" />'
    text = "\n".join(_problems(_doc(task), **{"x.json": "{}"}))
    assert "[t 'T']: camunda:candidateGroups maps to several roles (officer, lawyer)" in text


def test_generated_forms_validate_like_form_files() -> None:
    task = """<bpmn:userTask id="t" name="Ansökan" camunda:candidateGroups="organisation"><bpmn:extensionElements>
      <camunda:formData>
        <camunda:formField id="title" label="Titel" type="string"><camunda:validation>
          <camunda:constraint name="required" /><camunda:constraint name="minlength" config="3" />
          <camunda:constraint name="maxlength" config="10" /></camunda:validation></camunda:formField>
        <camunda:formField id="ok" label="OK?" type="boolean" defaultValue="false" />
        <camunda:formField id="when" label="När" type="date" />
      </camunda:formData></bpmn:extensionElements></bpmn:userTask>"""
    definition = _parse(_doc(task))
    name = definition.form_name_for("t")
    assert name == "t.formData"
    schema = definition.form(name)
    assert schema == {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Ansökan", "type": "object",
        "properties": {"title": {"type": "string", "title": "Titel", "minLength": 3, "maxLength": 10},
                       "ok": {"type": "boolean", "title": "OK?", "default": False},
                       "when": {"type": "string", "format": "date", "title": "När"}},
        "required": ["title"],
    }
    from app.core.errors import InvalidData
    from app.engine.forms import validate_form

    with pytest.raises(InvalidData) as err:
        validate_form(schema, definition.validator(name), {"title": "ab", "ok": "yes", "when": "2027-02-30"}, "en")
    assert set(err.value.fields) == {"title", "ok", "when"}
    assert validate_form(schema, definition.validator(name), {"title": "abc", "ok": True}, "en") == \
        {"title": "abc", "ok": True}


def test_generated_forms_get_the_checks_of_form_files() -> None:
    task = """<bpmn:userTask id="t" name="T" camunda:candidateGroups="officer"><bpmn:extensionElements>
      <camunda:formData><camunda:formField id="a" label="A" type="string"><camunda:properties>
        <camunda:property id="x-widget" value="slider" /></camunda:properties></camunda:formField>
      </camunda:formData></bpmn:extensionElements></bpmn:userTask>"""
    [problem] = _problems(_doc(task))
    assert problem.startswith("p.bpmn:8 [t") and "camunda:formData" in problem and "'x-widget'" in problem


def test_bundle_from_directory_finds_the_form_file_a_form_key_names(tmp_path: Path) -> None:
    task = '<bpmn:userTask id="t" name="T" camunda:candidateGroups="officer" camunda:formKey="app:forms/t.json" />'
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "t.json").write_text('{"type": "object", "properties": {}}', encoding="utf-8")
    (tmp_path / "p.bpmn").write_text(_doc(task), encoding="utf-8")
    files = bundle_from_directory(tmp_path / "p.bpmn")
    assert sorted(files) == ["p.bpmn", "t.json"]
    assert parse_bundle(files, operations=registry()).form("t") == {"type": "object", "properties": {}}


def test_spiff_dialect_documents_are_untouched() -> None:
    """The demo diagrams parse as before: no dialect problems, no generated forms."""
    for path in sorted((Path(__file__).parents[2] / "processes").glob("*.bpmn")):
        definition = parse_bundle(bundle_from_directory(path), operations=registry())
        assert definition.forms and all(not n.endswith(".formData") for n in definition.forms)


# ------------------------------------------------------------------------------ task meta
def _element(**attrs: str) -> object:
    extra = " ".join(f'camunda:{k}="{v}"' for k, v in attrs.items())
    task = f'<bpmn:userTask id="t" name="T" camunda:candidateGroups="officer" camunda:formKey="x" {extra} />'
    return _parse(_doc(task), **{"x.json": "{}"}).element("t")


@pytest.mark.parametrize(("due", "data", "expected"), [
    ("2026-12-31", {}, "2026-12-31T23:59:59+01:00"),
    ("2027-06-01T12:00", {}, "2027-06-01T12:00:00+02:00"),
    ("2027-06-01T12:00Z", {}, "2027-06-01T14:00:00+02:00"),
    ("P1M", {}, "2026-12-23T23:59:59+01:00"),
    ("PT4H", {}, "2026-11-23T13:00:00+01:00"),
    ("${deadline}", {"deadline": "2027-01-15"}, "2027-01-15T23:59:59+01:00"),
    ("${plan.review_within}", {"plan": {"review_within": "P10D"}}, "2026-12-03T23:59:59+01:00"),
    ("${deadline}", {}, None),
    ("${deadline}", {"deadline": "soon"}, None),
])
def test_due_dates(due: str, data: dict[str, object], expected: str | None) -> None:
    moment = task_due(_element(dueDate=due), data, NOW, STOCKHOLM)  # type: ignore[arg-type]
    assert (moment.astimezone(STOCKHOLM).isoformat() if moment else None) == expected


def test_assignees() -> None:
    assert task_assignee_username(_element(assignee="lena"), {}) == "lena"  # type: ignore[arg-type]
    dynamic = _element(assignee="${reviewer}")
    assert task_assignee_username(dynamic, {"reviewer": "olle"}) == "olle"  # type: ignore[arg-type]
    assert task_assignee_username(dynamic, {}) is None  # type: ignore[arg-type]
    assert task_assignee_username(_element(), {"reviewer": "olle"}) is None  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ service calls
SERVICE = HEAD + """<bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:serviceTask id="x" camunda:type="external" camunda:topic="greet">
      <bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="{name}">{value}</camunda:inputParameter>
        <camunda:outputParameter name="greeting">${{result}}</camunda:outputParameter>
      </camunda:inputOutput></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="x" />
    <bpmn:sequenceFlow id="f2" sourceRef="x" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def _call(name: str, value: str, data: dict[str, object]) -> object:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    from app.core.clock import ManualClock
    from app.engine.runtime import CaseEngine

    engine = CaseEngine(ManualClock(NOW), handlers={"greet": lambda step, **kw: json.dumps(kw)})
    definition = parse_bundle({"p.bpmn": SERVICE.format(name=name, value=value)}, operations={"greet"})
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=engine.script_engine)
    for task in workflow.get_tasks():
        task.data.update(data)
    engine._run(workflow, None)  # type: ignore[arg-type]
    assert workflow.is_completed()
    return workflow.data["greeting"]


def test_map_and_list_parameters_reach_the_handler() -> None:
    value = ('<camunda:map><camunda:entry key="town">Falun</camunda:entry>'
             '<camunda:entry key="years">${years}</camunda:entry>'
             '<camunda:entry key="tags"><camunda:list><camunda:value>a</camunda:value>'
             '<camunda:value>${tag}</camunda:value></camunda:list></camunda:entry></camunda:map>')
    assert _call("args", value, {"years": 3, "tag": "b"}) == {"args": {"town": "Falun", "years": 3, "tags": ["a", "b"]}}


def test_text_parameters_reach_the_handler_as_written() -> None:
    assert _call("town", "Falun", {}) == {"town": "Falun"}
