"""The validation corpus: each diagram in corpus/ breaks one rule; each gives exactly these messages.

A case is `corpus/<case>.bpmn` with the forms it names from `corpus/forms/`. The messages are the
complete list `iop validate` prints and POST /api/v1/validate answers, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import DefinitionInvalid
from app.engine.definitions import bundle_from_directory, parse_bundle
from app.engine.validate import validate_bundle

CORPUS = Path(__file__).parent / "corpus"
OPERATIONS = {"sum_amounts", "agreement_plan"}

EXPECTED: dict[str, list[tuple[str, str]]] = {
    'call_recursive': [
        ('call_recursive',
         "call_recursive.bpmn:20 [call_b 'Steg B']: the call activity calls 'steg_b', which "
         "leads back to itself (steg_b → case → steg_b): the calls would never end"),
        ('call_recursive',
         "call_recursive.bpmn:28 [call_back 'Tillbaka']: the call activity calls 'case', "
         "which leads back to itself (case → steg_b → case): the calls would never end"),
    ],
    'call_unknown_process': [
        ('call_unknown_process',
         "call_unknown_process.bpmn:20 [pay 'Utbetalning']: the call activity calls the "
         "process 'payments': no process with the id 'payments' is in the bundle; upload the "
         "called diagram together with this one"),
    ],
    'flow_dangling_ref': [
        ('flow_dangling_ref',
         "flow_dangling_ref.bpmn:21 [f2]: the sequence flow ends at 'ending', which is no "
         "element of the diagram"),
    ],
    'form_invalid_json': [
        ('form_json',
         'invalid_json.json:4: the form is not valid JSON: Expecting property name enclosed '
         'in double quotes (column 37)'),
    ],
    'form_invalid_schema': [
        ('form_schema',
         "invalid_schema.json:4: the form is not a valid JSON Schema: 'money' is not valid "
         "under any of the given schemas (at properties/belopp/type)"),
    ],
    'form_redos_pattern': [
        ('form_regex',
         'redos_pattern.json:4: the pattern "^([a-zA-Z]+ ?)+$" at properties/namn repeats a '
         'repetition (like (a+)+); such patterns can take exponential time on some input. '
         'Write it without the nested repetition'),
    ],
    'form_remote_ref': [
        ('form_remote_ref',
         "remote_ref.json:4: the form refers to 'https://example.org/schemas/address.json' at "
         "properties/adress: a form may only refer to its own definitions ('#/...'); nothing "
         "is fetched over the network"),
    ],
    'form_unknown_widget': [
        ('form_unknown_key',
         'unknown_widget.json:4: the key \'x-widget\' at properties/belopp has the value '
         '"slider"; the form renderer knows attachment, textarea'),
    ],
    'form_unknown_x_key': [
        ('form_unknown_key',
         "unknown_x_key.json:4: the form uses the key 'x-currency' at properties/belopp, "
         "which the form renderer does not know (known: x-comment-for, x-enum-titles, x-i18n, "
         "x-keys-from, x-not-before, x-order, x-party-when, x-prefill, x-secret, x-show, x-visibility, "
         "x-widget)"),
    ],
    'gateway_default_not_outgoing': [
        ('gateway_default',
         "gateway_default_not_outgoing.bpmn:21 [gw 'Beviljas?']: the default flow 'f1' is not "
         "one of the gateway's outgoing flows"),
    ],
    'gateway_flow_without_condition': [
        ('gateway_flow_condition',
         "gateway_flow_without_condition.bpmn:29 [f4]: the flow from the gateway 'Beviljas?' "
         "to 'Avslag' has no condition and is not the gateway's default flow: give it a "
         "condition or make it the default"),
    ],
    'gateway_no_conditions': [
        ('gateway_no_conditions',
         "gateway_no_conditions.bpmn:21 [gw 'Beviljas?']: the gateway has 2 outgoing flows "
         "but neither conditions nor a default flow, so the engine cannot choose a way: give "
         "the flows conditions and mark one as the default"),
    ],
    'lane_without_role': [
        ('lane_without_role',
         "lane_without_role.bpmn:5 [lane_1 'Kundtjänst']: the lane 'Kundtjänst' maps to no "
         "role, so no one could work on 'Ansök': name the lane after a role ('Organisation', "
         "'City lawyer', 'Department officer', 'Committee/board', 'Finance', 'Process owner', "
         "'Administrator'; Swedish names such as 'Handläggare' work too)"),
    ],
    'loop_standard_unbounded': [
        ('loop_without_wait',
         "loop_standard_unbounded.bpmn:20 [retry 'Försök igen']: the task repeats itself without "
         "waiting for a person, a timer or a message; give the loop a loopMaximum of at most 200 "
         "rounds (the engine stalls silently after some 250)"),
    ],
    'loop_without_wait': [
        ('loop_without_wait',
         "loop_without_wait.bpmn:21 [count 'Räkna upp']: the flow runs in a circle through "
         "'Räkna upp', 'Igen?' without waiting for a person, a timer or a message: the engine "
         "would go round without pause and stop silently after some 250 rounds (SpiffWorkflow "
         "stops searching a case's tasks at depth 1000). Put a user task, a timer or a "
         "message event into the loop"),
    ],
    'nesting_too_deep': [
        ('nesting_too_deep',
         "nesting_too_deep.bpmn:3 [case 'Ärende']: subprocesses and call activities are "
         "nested 11 levels deep in this process; the engine allows at most 10"),
    ],
    'not_bpmn': [
        ('not_bpmn',
         'not_bpmn.bpmn:2: the file is not a BPMN 2.0 diagram: its root element is <diagram>, '
         'not <bpmn:definitions> in the namespace http://www.omg.org/spec/BPMN/20100524/MODEL'),
    ],
    'schema_duplicate_id': [
        ('bpmn_schema',
         "schema_duplicate_id.bpmn:19 [apply 'Igen']: the id 'apply' is used by more than one "
         "element; every element needs its own id"),
    ],
    'schema_missing_attribute': [
        ('bpmn_schema',
         "schema_missing_attribute.bpmn:21 [f2]: <bpmn:sequenceFlow> lacks the required "
         "attribute 'targetRef'"),
    ],
    'schema_unknown_element': [
        ('bpmn_schema',
         "schema_unknown_element.bpmn:19 [approve 'Godkänn']: <bpmn:approvalTask> is not an "
         "element of BPMN 2.0"),
    ],
    'service_no_operation': [
        ('service_no_operation',
         "service_no_operation.bpmn:20 [pay 'Betala ut']: the service task names no operation "
         "for the engine to call (spiffworkflow:serviceTaskOperator, or camunda:topic in "
         "Camunda Modeler)"),
    ],
    'service_names_municipality': [
        ('service_names_municipality',
         "service_names_municipality.bpmn:20 [pay 'Betala ut']: the parameter 'args' names a "
         "municipality (municipality=...): the handlers take it from the case, so one diagram "
         "serves every municipality"),
    ],
    'service_unknown_operation': [
        ('unknown_operation',
         "service_unknown_operation.bpmn:20 [pay 'Betala ut']: no handler in handlers/ "
         "provides the operation 'send_money'; the handlers provide: agreement_plan, "
         "sum_amounts"),
    ],
    'timer_bad_cycle': [
        ('timer_invalid',
         'timer_bad_cycle.bpmn:20 [wait \'Vänta\']: the timer expression \'"R/P0D"\' cannot '
         'be used: with sample data it gives \'R/P0D\', which is not a cycle such as '
         '"R5/2027-01-31/P1M" (the period of a cycle cannot be zero)'),
    ],
    'timer_forbidden': [
        ('timer_invalid',
         'timer_forbidden.bpmn:20 [wait \'Vänta\']: the timer expression "getattr(start_date, '
         '\'year\')" is refused: Line 1: getattr() is not available in diagram expressions.'),
    ],
    'timer_not_a_date': [
        ('timer_invalid',
         'timer_not_a_date.bpmn:20 [wait \'Vänta\']: the timer expression \'"snart"\' cannot '
         'be used: with sample data it gives \'snart\', which is not a date (Invalid '
         'isoformat string: \'snart\')'),
    ],
    'timer_number_duration': [
        ('timer_invalid',
         'timer_number_duration.bpmn:20 [wait \'Vänta\']: the timer expression \'days * 2\' '
         'cannot be used: with sample data it gives \'2\', which is not a duration such as '
         '"P14D" (\'2\' is not an ISO 8601 duration such as P9M, P30D or PT2H)'),
    ],
    'timer_syntax_error': [
        ('timer_invalid',
         "timer_syntax_error.bpmn:20 [wait 'Vänta']: the timer expression "
         "'add_days(start_date, 14' is refused: Line 1: SyntaxError: '(' was never closed at "
         "statement: 'add_days(start_date, 14'"),
    ],
    'unsupported_compensation': [
        ('unsupported_element',
         "unsupported_compensation.bpmn:21 [undo 'Ångra']: compensation events are not "
         "supported; draw the undoing steps as ordinary tasks"),
    ],
    'unsupported_complex_gateway': [
        ('unsupported_element',
         "unsupported_complex_gateway.bpmn:20 [cx 'Komplex']: complex gateways are not "
         "supported; use an exclusive or inclusive gateway with conditions"),
    ],
    'unsupported_conditional_event': [
        ('unsupported_element',
         "unsupported_conditional_event.bpmn:21 [until 'När beloppet är satt']: conditional "
         "events are not supported: nothing re-checks the condition while a case waits; use a "
         "message or a timer instead"),
    ],
    'unsupported_link_event': [
        ('unsupported_element',
         "unsupported_link_event.bpmn:21 [jump 'Till slutet']: link events are not supported; "
         "draw the sequence flow instead"),
    ],
    'unsupported_transaction': [
        ('unsupported_element',
         "unsupported_transaction.bpmn:20 [tx 'Betalning']: transactions are not supported "
         "(they need compensation, which the engine lacks); use an ordinary subprocess"),
    ],
    'user_task_form_not_in_bundle': [
        ('form_not_in_bundle',
         "user_task_form_not_in_bundle.bpmn:12 [apply 'Ansök']: the user task refers to the "
         "form 'ansokan.json', which is not in the bundle"),
    ],
    'user_task_without_form': [
        ('form_missing',
         "user_task_without_form.bpmn:12 [apply 'Ansök']: the user task has no form: give it "
         "the property formJsonSchemaFilename naming a JSON Schema file of the bundle"),
    ],
    'user_task_without_lane': [
        ('task_without_lane',
         "user_task_without_lane.bpmn:5 [apply 'Ansök']: the user task lies in no lane, so no "
         "role can work on it: put it in a lane named after a role ('Organisation', 'City "
         "lawyer', 'Department officer', 'Committee/board', 'Finance', 'Process owner', "
         "'Administrator')"),
    ],
    'xml_not_well_formed': [
        ('xml_syntax',
         'xml_not_well_formed.bpmn:22: the file is not well-formed XML: Opening and ending '
         'tag mismatch: endEvent line 19 and process, line 22, column 18'),
    ],
}


def _problems(case: str) -> list[tuple[str, str]]:
    files = bundle_from_directory(CORPUS / f"{case}.bpmn")
    return [(p.code, str(p)) for p in validate_bundle(files, operations=OPERATIONS)]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_case_gives_exactly_its_messages(case: str) -> None:
    assert _problems(case) == EXPECTED[case]


def test_every_corpus_file_is_in_the_table() -> None:
    cases = {p.stem for p in CORPUS.glob("*.bpmn")}
    assert cases == set(EXPECTED) | {"valid"}


def test_the_valid_case_deploys() -> None:
    definition = parse_bundle(bundle_from_directory(CORPUS / "valid.bpmn"), operations=OPERATIONS)
    assert definition.process_id == "case"
    assert definition.forms["ok"]["properties"]["motivering"]["title"] == "Motivering"


def test_details_carry_file_line_element_id_and_name() -> None:
    with pytest.raises(DefinitionInvalid) as refused:
        parse_bundle(bundle_from_directory(CORPUS / "gateway_no_conditions.bpmn"), operations=OPERATIONS)
    (detail,) = refused.value.details
    assert (detail.file, detail.line, detail.element_id, detail.element_name, detail.code) == (
        "gateway_no_conditions.bpmn", 21, "gw", "Beviljas?", "gateway_no_conditions")
    assert refused.value.problems == [str(detail)]
    assert detail.as_dict()["message"].startswith("the gateway has 2 outgoing flows")
