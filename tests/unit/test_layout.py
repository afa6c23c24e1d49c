"""The layout promises of the README, checked on the code itself.

* no module of ``sim/`` over :data:`MAX_MODULE_LINES` lines and no function over
  :data:`MAX_FUNCTION_LINES` lines (a long function is a set of named phases waiting to
  be written down);
* no private name (``_x``) imported from another module of ``sim/``: a module's private
  helpers are its own, and what another module needs is public API with a docstring;
* the import layers themselves are an import-linter contract in ``pyproject.toml``,
  run by ``make test``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MODULES = sorted((ROOT / "sim").rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_small(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, (
        f"{_name(path)} has {lines} lines (at most {MAX_MODULE_LINES})"
    )


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_functions_are_short(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, from line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{_name(path)}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_private_name_imported_across_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
            if node.module != _name(path):
                bad += [
                    f"{a.name} from {node.module}" for a in node.names if a.name.startswith("_")
                ]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            # module._private through an imported module object
            if (
                node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.value.id in _sim_aliases(tree)
            ):
                bad.append(f"{node.value.id}.{node.attr}")
    assert not bad, (
        f"{_name(path)} imports private names of other modules: {', '.join(sorted(set(bad)))}"
    )


def _sim_aliases(tree: ast.Module) -> set[str]:
    """Local names bound to modules of sim by ``from sim[.x] import module`` or
    ``import sim.x as y``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname for a in node.names if a.name.startswith("sim") and a.asname}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if (ROOT / Path(*full.split("."))).with_suffix(".py").exists() or (
                    ROOT / Path(*full.split("."))
                ).is_dir():
                    names.add(a.asname or a.name)
    return names
