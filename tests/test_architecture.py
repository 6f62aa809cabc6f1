"""The import graph of zhrepair's own modules: no cycles, and the library never imports its CLI.

Every import counts, at any depth (function-level and lazy ones too):

- ``import zhrepair.x`` imports ``zhrepair.x``;
- ``from P import name`` imports ``P.name`` when that is a module, else ``P``;
- ``from .pkg import name`` imports ``pkg`` too (and ``pkg.name`` if it is a module) unless
  ``pkg`` is a package the importing module is inside (it is already being imported: a
  package's ``__init__`` importing its submodules and a submodule importing a sibling is fine).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src"
TOP = "zhrepair"
CLI = "zhrepair.cli"
#: Modules that are command lines themselves (``python -m zhrepair``, ``python -m zhrepair.spark``):
#: they may use the CLI's shared pieces; the library they run never does.
CLI_ENTRY_POINTS = {"zhrepair.__main__", "zhrepair.spark.job", "zhrepair.spark.__main__"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / TOP).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _resolve(module: str, level: int, target: str | None) -> str:
    """The absolute name of a relative import's base in *module*."""
    if level == 0:
        return target or ""
    package = module if module in PACKAGES else module.rpartition(".")[0]
    base = package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _is_ancestor(package: str, module: str) -> bool:
    return module == package or module.startswith(package + ".")


def imports_of(module: str, path: Path) -> set[str]:
    """zhrepair modules that *module* imports, by the rules in this file's docstring."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node.level, node.module)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & MODULES.keys()
            found |= submodules
            others = [a for a in node.names if f"{base}.{a.name}" not in MODULES]
            if others or not _is_ancestor(base, module):
                found.add(base)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {name: imports_of(name, path) for name, path in MODULES.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of *graph* as ``[a, b, ..., a]``, or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_sees_the_packages():
    assert {"zhrepair", "zhrepair.cli", "zhrepair.batch", "zhrepair.importers", "zhrepair.lexicon"} <= MODULES.keys()
    assert "zhrepair.importers" in GRAPH["zhrepair"]  # zhrepair.load_lexicon
    assert "zhrepair.lexicon" in GRAPH["zhrepair.importers.formats"]


def test_no_import_cycles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_the_library_never_imports_the_cli():
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if not _is_ancestor(CLI, name) and name not in CLI_ENTRY_POINTS
        for target in targets
        if _is_ancestor(CLI, target)
    )
    assert not offenders, "\n".join(offenders)


# -- the rules themselves, on made-up modules -----------------------------------------------
@pytest.mark.parametrize(
    "module, source, expected",
    [
        ("zhrepair.batch.loop", "from .. import default_repairer", {"zhrepair"}),
        ("zhrepair.batch.loop", "from .records import Item", {"zhrepair.batch.records"}),
        ("zhrepair.batch", "from . import loop", {"zhrepair.batch.loop"}),
        ("zhrepair.batch.pool", "from zhrepair.batch import loop", {"zhrepair.batch.loop"}),
        ("zhrepair.batch.pool", "from zhrepair.batch import Options", {"zhrepair.batch"}),
        ("zhrepair.cli.lexicon", "from ..importers import formats", {"zhrepair.importers", "zhrepair.importers.formats"}),
        ("zhrepair.repairer", "def f():\n    import zhrepair.cli.common", {"zhrepair.cli.common"}),
        ("zhrepair.lexicon", "import os\nfrom typing import Any", set()),
    ],
)
def test_import_rules(tmp_path, module, source, expected):
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert imports_of(module, path) == expected


def test_find_cycle_reports_the_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
