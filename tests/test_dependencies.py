"""Every package the code imports is declared in pyproject.toml, and every declared one is pinned in
requirements.lock with hashes: a fresh machine installs what the tests passed with."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"app", "handlers", "tests", "bench", "scripts"} | {
    path.stem for folder in ("scripts", "bench") for path in (ROOT / folder).glob("*.py")
}


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    return runtime, dev


def _imported_modules(folders: list[str]) -> dict[str, str]:
    """Top-level module name -> one file that imports it."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _undeclared(folders: list[str], allowed: set[str]) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, where in sorted(_imported_modules(folders).items()):
        if module in sys.stdlib_module_names or module in LOCAL or module == "__future__":
            continue
        owners = {_name(d) for d in distributions.get(module, [])}
        if not owners:
            problems.append(f"{module} (imported in {where}) is not installed")
        elif not owners & allowed:
            problems.append(f"{module} (imported in {where}) comes from {sorted(owners)}, not declared")
    return problems


def test_the_application_imports_only_declared_runtime_packages() -> None:
    runtime, _ = _declared()
    assert _undeclared(["app", "handlers"], runtime) == []


def test_tests_benchmarks_and_scripts_import_only_declared_packages() -> None:
    runtime, dev = _declared()
    assert _undeclared(["tests", "bench", "scripts"], runtime | dev) == []


def test_every_declared_package_is_pinned_with_hashes() -> None:
    runtime, dev = _declared()
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {_name(m.group(1)): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}
    assert sorted((runtime | dev) - set(pinned)) == []
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1]):
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, block.split("\n", 1)[0]
