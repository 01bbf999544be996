"""`noticeFrom` on a user task: a plain dotted path into the task's data, checked at deploy time (naming the file,
the element and the line), and read without evaluating anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import handlers
from app.core.errors import Problem
from app.engine.definitions import bundle_from_directory
from app.engine.elements import ElementInfo
from app.engine.task_notice import MAX_NOTICE_CHARS, notice_at, notice_path_problem, task_notice
from app.engine.validate import validate_bundle

ROOT = Path(__file__).resolve().parents[2]
BPMN = "stenungsund_agreement.bpmn"
DOCUMENTS = '<spiffworkflow:property name="noticeFrom" value="missing_documents_message" />'


def _stenungsund(old: str, new: str) -> tuple[list[Problem], str]:
    files = bundle_from_directory(ROOT / "processes" / BPMN)
    assert files[BPMN].count(old) == 1, old
    files[BPMN] = files[BPMN].replace(old, new)
    return validate_bundle(files, operations=handlers.registry()), files[BPMN]


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_the_shipped_diagrams_use_it_and_validate() -> None:
    for name in ("kungsbacka_agreement.bpmn", BPMN):
        files = bundle_from_directory(ROOT / "processes" / name)
        assert 'name="noticeFrom"' in files[name]
        assert validate_bundle(files, operations=handlers.registry()) == [], name


@pytest.mark.parametrize("value", ["documents_result['message']", "a..b", "__class__", "budget_check.message()",
                                   "x.__globals__", "1st", "", "a." + ".".join("b" * 8), "budget check"])
def test_a_value_that_is_no_path_of_names_is_refused_with_element_and_line(value: str) -> None:
    wrong = f'<spiffworkflow:property name="noticeFrom" value="{value}" />'
    problems, text = _stenungsund(DOCUMENTS, wrong)
    [problem] = problems
    assert (problem.file, problem.element_id, problem.code) == (BPMN, "documents", "notice_path")
    assert problem.line == _line_of(text, 'userTask id="documents"')
    assert "noticeFrom" in problem.message
    assert str(problem).startswith(f"{BPMN}:{problem.line} [documents 'Lämna in handlingar']: ")


def test_a_secret_field_is_never_a_notice() -> None:
    problems, _ = _stenungsund(DOCUMENTS, DOCUMENTS.replace("missing_documents_message", "statistics_values"))
    assert [(p.code, p.element_id) for p in problems] == [("notice_secret", "documents")]
    assert "secret" in problems[0].message


def test_the_organisations_task_cannot_show_a_field_kept_from_the_party() -> None:
    # the suitability assessment's form is for staff: its feedback text must not reach the organisation's task
    problems, _ = _stenungsund(DOCUMENTS, DOCUMENTS.replace("missing_documents_message", "suitability_feedback.x"))
    assert [(p.code, p.element_id) for p in problems] == [("notice_not_party", "documents")]
    assert "stenungsund_suitability" in problems[0].message
    # an officer's task may show it (staff read staff fields)
    plan = '<spiffworkflow:property name="noticeFrom" value="plan_check.message" />'
    problems, _ = _stenungsund(plan, plan.replace("plan_check.message", "suitability_feedback"))
    assert problems == []


def test_only_a_person_s_task_takes_it() -> None:
    old = '<bpmn:scriptTask id="documents_missing" name="Lista saknade handlingar">'
    new = (old + '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="noticeFrom" '
           'value="missing_documents_message" /></spiffworkflow:properties></bpmn:extensionElements>')
    problems, _ = _stenungsund(old, new)
    assert [(p.code, p.element_id) for p in problems] == [("notice_not_on_task", "documents_missing")]


def test_the_lookup_reads_data_only() -> None:
    data: dict[str, Any] = {"budget_check": {"ok": False, "message": "  Stödcentrum: inget bidrag.  ",
                                             "nested": {"deep": "Djupt."}},
                            "passed": {"ok": True, "message": ""}, "count": 3, "words": ["a"]}
    assert notice_at("budget_check.message", data) == "Stödcentrum: inget bidrag."
    assert notice_at("budget_check.nested.deep", data) == "Djupt."
    for path in ("passed.message", "missing", "budget_check.missing", "count", "words", "budget_check",
                 "count.real", "budget_check.message.upper", "__class__", "budget_check.__class__", ""):
        assert notice_at(path, data) is None, path
    assert notice_at("long", {"long": "x" * (MAX_NOTICE_CHARS + 50)}) == "x" * (MAX_NOTICE_CHARS - 1) + "…"
    assert notice_path_problem("budget_check.message") is None
    assert notice_path_problem("budget_check[0]") is not None


def test_a_task_without_the_property_has_no_notice() -> None:
    info = ElementInfo(id="t", tag="userTask", name="T", line=1, lane=None, role="officer")
    assert task_notice(info, {"message": "x"}) is None and task_notice(None, {}) is None
    info.properties["noticeFrom"] = " message "
    assert task_notice(info, {"message": "Tillbaka."}) == "Tillbaka."
    info.properties["noticeFrom"] = "message()"  # a malformed value a validated diagram cannot hold: nothing
    assert task_notice(info, {"message": "Tillbaka."}) is None
