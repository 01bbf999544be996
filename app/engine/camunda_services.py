"""Camunda service tasks as calls of our handlers (handlers/), and their SpiffWorkflow parser.

Which handler: `camunda:topic` (external tasks, `camunda:type="external"`), else a connector's
`camunda:connectorId`, else `camunda:class`, `camunda:delegateExpression` or `camunda:expression`.
For a Java-style name the candidates are the whole text, its last dotted part and that part in
snake_case (`se.kommun.CheckPlanDelegate` → `CheckPlanDelegate`, `check_plan_delegate`, and the
same without a Delegate/Handler/Task suffix); the first registered one is called.

Parameters: every `camunda:inputParameter` is one keyword argument of the handler. Its value is
text (a literal, or a `${...}` expression), a `camunda:map` (a dict) or a `camunda:list`; scripts
are refused. The result (the handler's JSON) is stored under `camunda:resultVariable`, or the name
of a `camunda:outputParameter` whose value is `${result}`, or `<task id>_result`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser

from app.engine.camunda_expressions import DialectError, is_wrapped, mentions_juel, translate_expression

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_C = f"{{{CAMUNDA_NS}}}"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_SUFFIXES = ("Delegate", "Handler", "Task", "Service")


@dataclass
class ServiceCall:
    candidates: list[str]
    params: dict[str, str] = field(default_factory=dict)  # name -> our expression
    result_variable: str | None = None


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _names_from(text: str) -> list[str]:
    value = text.strip()
    parts = [value.rsplit(".", 1)[-1]]
    if is_wrapped(value):  # ${bean} or ${bean.method(execution)}: the bean, then the method
        value = value[2:-1].split("(", 1)[0].strip()
        parts = [value.split(".", 1)[0], value.rsplit(".", 1)[-1]]
    found = [value]
    for part in parts:
        found.append(part)
        found.extend(part[: -len(s)] for s in _SUFFIXES if part.endswith(s) and part != s)
    found.extend(_snake(n) for n in list(found[1:]))
    unique: list[str] = []
    for name in found:
        if name and name not in unique:
            unique.append(name)
    return unique


def is_camunda_service(node: etree._Element) -> bool:
    if any(key.startswith(_C) for key in node.attrib):
        return True
    return bool(node.xpath("./bpmn:extensionElements/camunda:connector",
                           namespaces={"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}))


def _value(node: etree._Element) -> str:
    """An input value (text, map, list) as our expression."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{_C}map":
            entries = [f"{(entry.get('key') or '')!r}: {_value(entry)}" for entry in child if entry.tag == f"{_C}entry"]
            return "{" + ", ".join(entries) + "}"
        if child.tag == f"{_C}list":
            return "[" + ", ".join(_value(item) for item in child if isinstance(item.tag, str)) + "]"
        if child.tag == f"{_C}script":
            raise DialectError("script input parameters are not supported; use a ${...} expression")
    text = node.text or ""
    if mentions_juel(text):
        return translate_expression(text)
    return repr(text.strip())


def service_call(node: etree._Element) -> ServiceCall:
    """What a Camunda service task calls; raise DialectError if it names nothing we can call."""
    ns = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
    call: ServiceCall | None = None
    topic = node.get(f"{_C}topic")
    connector = node.xpath("./bpmn:extensionElements/camunda:connector/camunda:connectorId/text()", namespaces=ns)
    if topic:
        call = ServiceCall(candidates=[topic.strip()])
    elif node.get(f"{_C}type") == "external":
        raise DialectError("the external service task has no camunda:topic")
    elif connector:
        call = ServiceCall(candidates=[str(connector[0]).strip()])
    else:
        for attribute in ("class", "delegateExpression", "expression"):
            text = node.get(f"{_C}{attribute}")
            if text:
                call = ServiceCall(candidates=_names_from(text))
                break
    if call is None or not call.candidates or not call.candidates[0]:
        raise DialectError("the service task names no handler (camunda:topic, camunda:class, "
                           "camunda:delegateExpression or camunda:expression)")
    call.result_variable = node.get(f"{_C}resultVariable") or None
    for param in node.xpath("./bpmn:extensionElements/camunda:inputOutput/camunda:inputParameter", namespaces=ns):
        name = param.get("name") or ""
        if not name.isidentifier():
            raise DialectError(f"the input parameter {name!r} is not a valid argument name")
        call.params[name] = _value(param)
    for output in node.xpath("./bpmn:extensionElements/camunda:inputOutput/camunda:outputParameter", namespaces=ns):
        text = (output.text or "").strip()
        if text not in ("", "${result}", "#{result}") or len(output):
            raise DialectError(f"the output parameter {output.get('name')!r} must be ${{result}}: the handler's "
                               "result is the only value a service task returns here")
        if call.result_variable is None:
            call.result_variable = output.get("name")
    if call.result_variable is None:
        call.result_variable = f"{node.get('id')}_result"
    return call


def resolve(call: ServiceCall, known: Collection[str]) -> str | None:
    """The first candidate that names a registered handler."""
    return next((name for name in call.candidates if name in known), None)


class CamundaAwareServiceTaskParser(ServiceTaskParser):  # type: ignore[misc]
    """SpiffWorkflow's service task parser; a task without a spiffworkflow operator is read as Camunda."""

    def create_task(self) -> object:
        if "serviceTaskOperator" in self.parse_extensions() or not is_camunda_service(self.node):
            return super().create_task()
        try:
            call = service_call(self.node)
        except DialectError as exc:
            raise ValidationException(str(exc), node=self.node, file_name=self.filename) from exc
        name = resolve(call, self.process_parser.parser.operations) or call.candidates[0]
        return self.spec_class(
            self.spec, self.bpmn_id, operation_name=name,
            operation_params={k: {"value": v, "type": "any"} for k, v in call.params.items()},
            result_variable=call.result_variable, **self.bpmn_attributes)
