"""No shipped diagram names a municipality: every expression a diagram evaluates (service parameters, conditions,
scripts, timers) is free of municipality slugs, so one diagram can serve every municipality; the handlers take
the municipality from the case, and deploying a diagram that passes `municipality=` is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

from lxml import etree

from app.config import Settings
from app.engine.definitions import XML_PARSER_OPTIONS, bundle_from_directory
from app.engine.validate import validate_bundle
from handlers import registry

ROOT = Path(__file__).resolve().parents[2]
EXPRESSION_TAGS = ("conditionExpression", "script", "preScript", "postScript", "timeDate", "timeDuration",
                   "timeCycle")


def _slugs() -> list[str]:
    return sorted(json.loads(path.read_text(encoding="utf-8"))["slug"]
                  for path in (Settings.config_path / "municipalities").glob("*.json"))


def _expressions(path: Path) -> list[str]:
    found = []
    for element in etree.fromstring(path.read_bytes(), parser=etree.XMLParser(**XML_PARSER_OPTIONS)).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "parameter" and element.get("value"):
            found.append(element.get("value") or "")
        elif tag in EXPRESSION_TAGS and element.text:
            found.append(element.text)
    return found


def test_no_shipped_diagram_names_a_municipality_in_its_expressions() -> None:
    slugs = _slugs()
    assert {"stenungsund", "falun"} <= set(slugs)
    diagrams = sorted((ROOT / "processes").glob("*.bpmn"))
    assert diagrams and any(_expressions(path) for path in diagrams)
    named = re.compile(r"(?i)\bmunicipality\s*=(?!=)|[\"'](" + "|".join(map(re.escape, slugs)) + r")[\"']")
    offenders = [(path.name, expression) for path in diagrams for expression in _expressions(path)
                 if named.search(expression)]
    assert offenders == []


def test_deploying_a_diagram_that_passes_a_municipality_is_refused() -> None:
    files = bundle_from_directory(ROOT / "processes" / "stenungsund_agreement.bpmn")
    operations = set(registry())
    assert validate_bundle(files, operations=operations) == []
    name = "stenungsund_agreement.bpmn"
    naming = "value='dict(municipality=\"stenungsund\", start=period_start"
    changed = dict(files, **{name: files[name].replace("value='dict(start=period_start", naming, 1)})
    assert changed[name] != files[name]
    problems = validate_bundle(changed, operations=operations)
    assert [(p.code, p.element_id) for p in problems] == [("service_names_municipality", "plan_agreement")]
