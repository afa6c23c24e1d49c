"""Start-up: what `sim validate`, `sim schema` and making a belief import (and do not).

Each check runs in a fresh interpreter, so the modules it finds were imported by the
command itself. The wall-clock targets are measured by benchmarks/run.py, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from scipy import special

from sim.beliefs import distributions
from tests.helpers import FREEZE, ROOT

HEAVY = ("scipy", "pandas", "matplotlib", "pyarrow", "sim.model", "sim.montecarlo")


def fresh(code: str, env: dict | None = None) -> list[str]:
    """Run ``code`` in a new interpreter; return the top-level modules it ended with."""
    script = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    res = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_the_check_quantiles_are_scipys_to_the_bit():
    """A normal's and a lognormal's construction check uses stored standard-normal
    quantiles instead of scipy: they must be scipy's own, or a check near the overflow
    limit could decide otherwise than the ppf it stands for."""
    u = np.clip(distributions.CHECK_U, distributions.U_CLIP, 1.0 - distributions.U_CLIP)
    assert distributions.CHECK_Z.tobytes() == special.ndtri(u).tobytes()
    for d in (distributions.Normal(0.3, 2.5), distributions.LogNormal(1.3, 0.5)):
        assert d._ends().tobytes() == d.ppf(distributions.CHECK_U).tobytes()
    # at the edge of float64 the check still refuses what overflows
    for text in ("normal(0, 1e308)", "lognormal(700, 2)"):
        with np.testing.assert_raises(ValueError):
            __import__("sim.beliefs", fromlist=["parse"]).parse(text)


def test_making_beliefs_imports_no_scipy():
    mods = fresh(
        "from sim.beliefs import parse\n"
        "for t in ('uniform(0, 1)', 'normal(0, 1)', 'lognormal(1.3, 0.5)', 'choice([1, 2])'):\n"
        "    parse(t)"
    )
    assert "scipy" not in mods


def test_validate_imports_only_the_scenario_layer():
    mods = fresh(
        "import sys\nfrom sim.cli import main\n"
        f"sys.argv = ['sim', 'validate', {str(FREEZE)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code"
    )
    assert "sim.scenario" in mods
    assert not [m for m in mods if m.split(".")[0] in HEAVY or m in HEAVY]


def test_schema_is_cached_and_the_cache_prints_the_same(tmp_path):
    run = (
        "import sys\nfrom sim.cli import main\nsys.argv = ['sim', 'schema']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code == 0, e.code"
    )
    env = {"SIM_CACHE_DIR": str(tmp_path)}
    first = fresh(run, env)
    cached = list(tmp_path.glob("schema-*.json"))
    assert len(cached) == 1 and "sim.scenario" in first
    second = fresh(run, env)
    # the second call reads the cache: no numpy, pydantic or scenario layer
    assert not [
        m for m in second if m.split(".")[0] in ("numpy", "pydantic") or m == "sim.scenario"
    ]
    from sim.scenario import json_schema

    assert json.loads(cached[0].read_text()) == json_schema()


def test_a_changed_source_changes_the_schema_key(tmp_path, monkeypatch):
    from sim.cli import scenarios

    key = scenarios.schema_key()
    fake = tmp_path / "sim" / "scenario"
    fake.mkdir(parents=True)
    (fake / "x.py").write_text("A = 1\n")
    monkeypatch.setattr(scenarios, "SCHEMA_SOURCES", ("sim/scenario",))
    monkeypatch.setattr(scenarios, "__file__", str(tmp_path / "sim" / "cli" / "scenarios.py"))
    one = scenarios.schema_key()
    (fake / "x.py").write_text("A = 2\n")
    assert scenarios.schema_key() != one != key


def test_an_unwritable_cache_still_prints_the_schema(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    res = subprocess.run(
        [sys.executable, "-m", "sim", "schema"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "SIM_CACHE_DIR": str(blocker / "sub")},
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["title"]
