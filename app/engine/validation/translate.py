"""SpiffWorkflow 3.2.0's parser messages, in words a process owner understands.

SpiffWorkflow stops at its first complaint and words it for programmers ("Non-default exclusive
outgoing sequence flow without condition"); most of these cases are found earlier, with all their
siblings, by app.engine.validation.structure. What still reaches us is translated here; a message
we do not know is kept, after a plain lead-in, so nothing is lost.
"""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^Non-default exclusive outgoing sequence flow without condition"),
     "the flow leaves a gateway without a condition and is not its default flow: give it a condition or make it "
     "the default", "gateway_flow_condition"),
    (re.compile(r"^Exactly one start event is required in a SubWorkflow Task; found (\d+)"),
     r"a subprocess needs exactly one start event; this one has \1", "subprocess_start"),
    (re.compile(r"^A SubWorkflow Must contain an End event"),
     "the subprocess has no end event", "subprocess_end"),
    (re.compile(r"^No \"calledElement\" attribute for Call Activity"),
     "the call activity does not say which process it calls (the attribute calledElement)", "call_no_process"),
    (re.compile(r"^A Service Task must have an operator"),
     "the service task names no operation for the engine to call (spiffworkflow:serviceTaskOperator, or "
     "camunda:topic in Camunda Modeler)", "service_no_operation"),
    (re.compile(r"^Invalid Script Task\.\s+No Script Provided"),
     "the script task has no script", "script_missing"),
    (re.compile(r"^There is no support implemented for this task type"),
     "the engine cannot run this kind of element", "unsupported_element"),
    (re.compile(r"^Process (\S+) is not executable"),
     r"the process '\1' is not marked as executable (isExecutable=\"true\")", "not_executable"),
    (re.compile(r"^No start event found"),
     "the process has no start event", "no_start_event"),
    (re.compile(r"^Duplicate process ID: (\S+)"),
     r"the process id '\1' is used twice in the bundle", "duplicate_process"),
    (re.compile(r"^The process '([^']*)' was not found"),
     r"the process '\1' is not in the bundle", "call_unknown_process"),
    (re.compile(r"^Could not find messageRef from message event definition: (\S+)"),
     r"the message event refers to the message '\1', which the file does not define (bpmn:message)",
     "message_unknown"),
    (re.compile(r"^(Message|Signal|Error|Escalation|Correlation|Data Store) identifier is missing"),
     r"a bpmn:\1 element has no id", "missing_id"),
    (re.compile(r"^Data Store with name (\S+) has no implementation"),
     r"data stores are not supported ('\1'); keep data in the case", "unsupported_element"),
    (re.compile(r"^(Unknown Time Specification|Time Specification Error)"),
     "the timer says neither timeDate, timeDuration nor timeCycle", "timer_invalid"),
    (re.compile(r"^Conditional event definition with missing condition"),
     "the conditional event has no condition", "unsupported_element"),
    (re.compile(r"^Cannot resolve (dataInputAssociation|dataOutputAssociation) (\S+)"),
     r"the data association '\2' names a data object that does not exist", "data_unknown"),
    (re.compile(r"^No DMN Diagram available with id \"None\""),
     "the business rule task names no decision (spiffworkflow:calledDecisionId)", "decision_missing"),
    (re.compile(r"^No DMN Diagram available with id \"([^\"]*)\", Available DMN ids are: \.?$"),
     r"the business rule task calls the decision '\1', but the bundle has no .dmn file", "decision_unknown"),
    (re.compile(r"^No DMN Diagram available with id \"([^\"]*)\", Available DMN ids are: (.*?)\.?$"),
     r"the business rule task calls the decision '\1', which no .dmn file in the bundle defines "
     r"(decisions in the bundle: \2)", "decision_unknown"),
    (re.compile(r"^(Sequential ordering for ad hoc subprocesses not supported|"
                r"Ad hoc subprocesses may not contain start or end events)"),
     "ad-hoc subprocesses are not supported", "unsupported_element"),
]


def translate(raw: str) -> tuple[str, str]:
    """(plain message, code) for a SpiffWorkflow parser message."""
    first = raw.strip().split("\n")[0]
    for pattern, plain, code in _RULES:
        found = pattern.match(first)
        if found:
            return found.expand(plain), code
    return f"the engine cannot read this element: {first}", "engine_refused"
