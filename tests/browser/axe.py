"""axe-core in the browser tests: WCAG 2.1 A/AA checks on the page as it is shown, plus a screenshot.

axe-core comes from npm (package.json devDependency, installed by scripts/setup_frontend.sh). The
script is evaluated through Playwright (the DevTools protocol), so the app's Content-Security-Policy,
which allows no inline or injected scripts, does not need loosening for the tests.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("IOP_SHOTS_DIR", "/tmp/shots"))  # screenshots and findings of every checked page
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")

_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), impact: n.impact,
                              summary: n.failureSummary || ''}))
  }));
}"""


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def run_axe(page: Any) -> list[dict[str, Any]]:
    """All WCAG 2.0/2.1 A and AA violations on the current page (axe loaded once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source() + "\n;undefined")
    violations: list[dict[str, Any]] = page.evaluate(_RUN, TAGS)
    return violations


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The critical and serious ones: those a person using assistive technology is stopped by."""
    return [v for v in violations if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"- {v['id']} ({node.get('impact') or v['impact']}) at {node['target']}: {v['help']}")
    return "\n".join(lines)


def shot_path(name: str) -> Path:
    return SHOTS / f"walk-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')}.png"


def assert_accessible(page: Any, name: str) -> list[dict[str, Any]]:
    """Screenshot the page to $IOP_SHOTS_DIR (default /tmp/shots)/walk-<name>.png; fail on any critical or
    serious axe finding.

    Returns every violation (minor and moderate ones included) for the caller to look at; all of them
    are also written next to the screenshot as walk-<name>.json."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = shot_path(name)
    page.screenshot(path=str(target), full_page=True)
    violations = run_axe(page)
    target.with_suffix(".json").write_text(
        json.dumps({"url": page.url, "violations": violations}, ensure_ascii=False, indent=1), encoding="utf-8")
    stopping = blocking(violations)
    assert not stopping, f"axe: {name} ({page.url}) has critical or serious findings:\n{describe(stopping)}"
    return violations
