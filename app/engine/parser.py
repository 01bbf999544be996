"""Which BPMN parser reads a bundle. One place to extend the dialects the engine understands."""

from __future__ import annotations

from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser


def make_parser() -> SpiffBpmnParser:
    return SpiffBpmnParser()
