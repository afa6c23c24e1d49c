"""Only sim.plots imports matplotlib; the computation, persistence and CLI never load it."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.helpers import ROOT


def test_only_plots_imports_matplotlib():
    for path in sorted((ROOT / "sim").rglob("*.py")):
        if "plots" in path.relative_to(ROOT / "sim").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "matplotlib" for n in names), (
                f"{path.name} imports matplotlib"
            )


def test_computation_does_not_load_matplotlib():
    code = (
        "import sys, sim.analysis, sim.io, sim.montecarlo, sim.cli, sim.api; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
