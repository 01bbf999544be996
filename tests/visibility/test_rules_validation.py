"""A process owner sets who sees a field in the form file and in Camunda forms; validation refuses an unknown
value, naming the file, the element (the field, or the Camunda user task) and the line."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

import handlers
from app.core.errors import Problem
from app.engine.camunda_forms import form_from_form_data
from app.engine.definitions import bundle_from_directory
from app.engine.validate import validate_bundle
from app.engine.validation.documents import XML_PARSER_OPTIONS

ROOT = Path(__file__).resolve().parents[2]
GRANT = ROOT / "tests" / "engine" / "fixtures" / "camunda" / "grant_application.bpmn"
LEGAL_FORM = "falun_legal_assessment.json"


def _falun(change: tuple[str, str]) -> tuple[list[Problem], str]:
    files = bundle_from_directory(ROOT / "processes" / "falun_initiative.bpmn")
    old, new = change
    assert files[LEGAL_FORM].count(old) == 1
    files[LEGAL_FORM] = files[LEGAL_FORM].replace(old, new)
    return validate_bundle(files, operations=handlers.registry()), files[LEGAL_FORM]


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def test_the_shipped_processes_validate() -> None:
    for name in ("falun_initiative.bpmn", "stenungsund_agreement.bpmn"):
        assert validate_bundle(bundle_from_directory(ROOT / "processes" / name), operations=handlers.registry()) == []


def test_an_unknown_visibility_is_refused_with_field_and_line() -> None:
    problems, text = _falun(('"x-party-when": "case_closed"\n    }\n  },', '"x-visibility": "public"\n    }\n  },'))
    [problem] = problems
    assert (problem.file, problem.element_id, problem.code) == (LEGAL_FORM, "motivation", "form_visibility")
    assert problem.line == _line_of(text, '"x-visibility": "public"')
    assert "'public'" in problem.message and "party" in problem.message and "staff" in problem.message
    assert str(problem).startswith(f"{LEGAL_FORM}:{problem.line} [motivation]: ")


def test_unknown_roles_moments_and_secrets_without_ground_are_refused() -> None:
    for wrong, needle in (('"x-visibility": "roles:lawyer,mayor"', "mayor"),
                          ('"x-party-when": "tomorrow"', "tomorrow"),
                          ('"x-secret": {"roles": ["officer"]}', "legal ground")):
        problems, text = _falun(('"x-party-when": "case_closed"\n    }\n  },', wrong + "\n    }\n  },"))
        [problem] = problems
        assert problem.element_id == "motivation" and needle in problem.message, problem
        assert problem.line == _line_of(text, wrong)


def test_a_task_cannot_feed_back_a_field_the_organisation_may_not_see() -> None:
    files = bundle_from_directory(ROOT / "processes" / "falun_initiative.bpmn")
    form = "falun_final_review.json"
    files[form] = files[form].replace('"x-visibility": "party"', '"x-visibility": "staff"')
    [problem] = validate_bundle(files, operations=handlers.registry())
    assert (problem.element_id, problem.code) == ("final_review", "feedback_not_party")
    assert problem.file == "falun_initiative.bpmn" and problem.line


def _camunda(field_xml: str) -> tuple[list[Problem], str]:
    text = GRANT.read_text(encoding="utf-8")
    anchor = '<camunda:formField id="project_title" label="Projektets namn" type="string">'
    text = text.replace(anchor, anchor + field_xml, 1)
    return validate_bundle({GRANT.name: text}, operations=handlers.registry()), text


def test_a_camunda_form_field_with_an_unknown_visibility_is_refused_on_its_task_and_line() -> None:
    prop = '<camunda:property id="visibility" value="everyone" />'
    problems, text = _camunda(f"<camunda:properties>\n{prop}\n</camunda:properties>")
    [problem] = problems
    assert (problem.file, problem.element_id) == (GRANT.name, "apply")
    assert problem.line == _line_of(text, prop) and "'everyone'" in problem.message


def test_camunda_properties_become_the_same_rules() -> None:
    text = GRANT.read_text(encoding="utf-8").replace(
        '<camunda:formField id="project_title" label="Projektets namn" type="string">',
        '<camunda:formField id="project_title" label="Projektets namn" type="string"><camunda:properties>'
        '<camunda:property id="visibility" value="roles:officer,lawyer" />'
        '<camunda:property id="secret" value="OSL 26 kap. 1 §" />'
        '<camunda:property id="secretRoles" value="officer" /></camunda:properties>', 1)
    assert validate_bundle({GRANT.name: text}, operations=handlers.registry()) == []
    root = etree.fromstring(text.encode(), parser=etree.XMLParser(**XML_PARSER_OPTIONS))
    task = root.find(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}userTask")
    prop = form_from_form_data(task).schema["properties"]["project_title"]
    assert prop["x-visibility"] == "roles:officer,lawyer"
    assert prop["x-secret"] == {"ground": "OSL 26 kap. 1 §", "roles": ["officer"]}
