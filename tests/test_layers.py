"""The dependency direction (docs/architecture.md, "Layers") is enforced: `make lint` runs `lint-imports`
with the contracts of pyproject.toml, which pass on this tree and fail on a copy with one import against them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.slow  # runs lint-imports (which `make lint` runs too) on the tree and on four broken copies


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}  # the copy's packages, not the installed ones
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the packages and pyproject.toml, which keeps every contract as it is."""
    tree = tmp_path_factory.mktemp("layers") / "tree"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "templates", "LC_MESSAGES", "versions")
    for package in ("app", "handlers"):
        shutil.copytree(ROOT / package, tree / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    assert _lint(tree).returncode == 0
    return tree


def test_the_tree_keeps_every_contract() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    # the engine reaching up to the web layer
    ("app/engine/timer_clock.py", "import app.web.i18n", "app.engine is not allowed to import app.web"),
    # the core reaching up to the engine
    ("app/core/calendar.py", "from app.engine import form_paths", "app.core is not allowed to import app.engine"),
    # two page modules importing each other (case_history already imports case_timers)
    ("app/web/pages/case_timers.py", "from app.web.pages import case_history",
     "No cycles are allowed in app.web.pages"),
    # the domain using the web framework
    ("app/domain/orgnumber.py", "import flask", "app.domain is not allowed to import flask"),
])
def test_an_import_against_the_direction_fails_lint(tree: Path, module: str, line: str, broken: str) -> None:
    path = tree / module
    original = path.read_text(encoding="utf-8")
    path.write_text(f"{original}\n{line}\n", encoding="utf-8")
    try:
        result = _lint(tree)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert broken in result.stdout
