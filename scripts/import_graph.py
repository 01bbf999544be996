"""Print the imports between layers, the import cycles and the imports inside functions.

    .venv/bin/python scripts/import_graph.py            # the summary and every finding
    .venv/bin/python scripts/import_graph.py --edges    # also every layer -> layer edge with its imports

The layers are read from the "layers" contract of [tool.importlinter] in pyproject.toml, so this prints the
same direction `lint-imports` (in `make lint`) enforces. An import against the direction is one that goes from
a lower layer to a higher one. A cycle is a set of modules that reach each other through imports (inside
functions included: an import moved into a function still ties the two modules together). Imports under
`if TYPE_CHECKING:` are left out (they never run).
"""

from __future__ import annotations

import argparse
import ast
import functools
import sys
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from app.engine.validation.structure import strongly_connected

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SKIPPED = ("app/migrations",)  # Alembic's scripts: Alembic loads them from files, nothing imports them


def source_files(packages: list[str]) -> dict[str, Path]:
    return {module_name(p): p for package in packages for p in sorted((ROOT / package).rglob("*.py"))
            if not any(p.relative_to(ROOT).as_posix().startswith(s + "/") for s in SKIPPED)}


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path, known: set[str]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def target(candidate: str) -> str | None:
        while candidate and candidate not in known:  # `from app.models import Case`: the module app.models
            candidate = candidate.rpartition(".")[0]
        return candidate or None

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (hit := target(alias.name)) and hit != name:
                    found.append(Import(name, hit, node.lineno, in_function))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node)
            for alias in node.names:
                hit = target(f"{base}.{alias.name}") if base else None
                if hit and hit != name:
                    found.append(Import(name, hit, node.lineno, in_function))
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


def read_layers(pyproject: Path) -> list[list[str]]:
    """The layers contract, top first; each layer a list of module names (siblings split on | or :)."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    return [[m.strip() for m in layer.replace(":", "|").split("|")] for layer in contract["layers"]]


@functools.cache
def root_packages(pyproject: Path) -> list[str]:
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return list(config["root_packages"])


def _top(module: str, pyproject: Path) -> str:
    """The part of the code a module belongs to: app's children one by one, any other root package whole."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == root_packages(pyproject)[0] else parts[0]


def layer_of(module: str, layers: list[list[str]]) -> int | None:
    for index, layer in enumerate(layers):
        if any(module == m or module.startswith(m + ".") for m in layer):
            return index
    return None


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (the validator's Tarjan)."""
    components = strongly_connected(sorted(edges), {node: sorted(targets) for node, targets in edges.items()})
    return sorted(sorted(component) for component in components if len(component) > 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edges", action="store_true", help="print every layer -> layer edge with its imports")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)

    layers = read_layers(args.pyproject)
    files = source_files(root_packages(args.pyproject))
    known = set(files)
    everything = sorted({imp for name, path in files.items() for imp in imports_of(name, path, known)},
                        key=lambda i: (i.importer, i.line, i.imported))

    against = [i for i in everything if (a := layer_of(i.importer, layers)) is not None
               and (b := layer_of(i.imported, layers)) is not None and b < a]
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in everything:
        graph[imp.importer].add(imp.imported)
    found_cycles = cycles(graph)
    packages: dict[str, set[str]] = defaultdict(set)  # app.engine.runtime -> app.engine, handlers.x -> handlers
    for imp in everything:
        high, low = _top(imp.importer, args.pyproject), _top(imp.imported, args.pyproject)
        if high != low:
            packages[high].add(low)
    package_cycles = cycles(packages)
    in_functions = [i for i in everything if i.in_function]

    print("layers (top first):")
    for number, layer in enumerate(layers):
        print(f"  {number}. {' | '.join(layer)}")
    if args.edges:
        between: dict[tuple[str, str], list[Import]] = defaultdict(list)
        for imp in everything:
            a, b = layer_of(imp.importer, layers), layer_of(imp.imported, layers)
            if a is not None and b is not None and a != b:
                between[(" | ".join(layers[a]), " | ".join(layers[b]))].append(imp)
        print("\nedges between layers:")
        for (high, low), imps in sorted(between.items()):
            print(f"  {high} -> {low}: {len(imps)}")
    print(f"\nimports against the direction: {len(against)}")
    for imp in against:
        print(f"  {imp.importer}:{imp.line} -> {imp.imported}")
    print(f"cycles between modules: {len(found_cycles)}")
    for component in found_cycles:
        print(f"  {' <-> '.join(component)}")
    print(f"cycles between the top-level packages and modules (app.engine, app.web, handlers, ...): "
          f"{len(package_cycles)}")
    for component in package_cycles:
        print(f"  {' <-> '.join(component)}")
    print(f"imports inside functions: {len(in_functions)}")
    for imp in in_functions:
        print(f"  {imp.importer}:{imp.line} -> {imp.imported}")
    unplaced = sorted(m for m in known if layer_of(m, layers) is None and "." in m)
    if unplaced:
        print(f"modules in no layer: {', '.join(unplaced)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
