"""Which BPMN parser reads a bundle. One place to extend the dialects the engine understands.

SpiffWorkflow's own `SpiffBpmnParser` reads both dialects: its spec classes are the ones our
serializer stores, and its service tasks call our handlers. Two additions make Camunda Modeler's
files run as drawn (app.engine.camunda_dialect): every document is normalised before it is parsed
(`${...}` conditions and bare ISO timer values become our safe expressions; what cannot be run is
collected in `dialect_problems`), and a service task without a spiffworkflow operator is read
from its `camunda:topic`/`class`/`delegateExpression`/`expression`.

SpiffWorkflow's `CamundaParser` is not used: its specs need a serializer configuration without
service tasks, it drops camunda:assignee, candidateGroups and dueDate, and its form model is not
our JSON Schema forms.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import ServiceTask

from app.core.errors import Problem
from app.engine.camunda_dialect import normalise
from app.engine.camunda_services import CamundaAwareServiceTaskParser


class IopBpmnParser(SpiffBpmnParser):  # type: ignore[misc]
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (CamundaAwareServiceTaskParser, ServiceTask),
    }

    def __init__(self, operations: Collection[str]) -> None:
        super().__init__()
        self.dialect_problems: list[Problem] = []
        self.operations = operations  # handler names a Camunda service task may resolve to

    def add_bpmn_xml(self, bpmn: Any, filename: str | None = None) -> None:
        root = bpmn.getroot() if hasattr(bpmn, "getroot") else bpmn
        self.dialect_problems.extend(normalise(root, filename))
        super().add_bpmn_xml(bpmn, filename)


def make_parser(operations: Collection[str]) -> IopBpmnParser:
    return IopBpmnParser(operations)
