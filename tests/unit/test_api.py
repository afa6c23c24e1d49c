"""The facade sim.api: the public functions, and the figures it wires into Results."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import sim
from sim import analysis, api, io, montecarlo, scenario
from sim.errors import ResultError
from tests.helpers import FREEZE, ROOT

FIGURES = ("survival", "breakdown", "sensitivity", "power")
QUICK = {"horizon": 4}


@pytest.fixture(scope="module")
def quick():
    return sim.run(FREEZE, draws=30, seed=2, overrides=QUICK)


@pytest.mark.parametrize(
    "name,lower",
    [
        ("run", montecarlo.run),
        ("sweep", analysis.sweep),
        ("terms", analysis.terms),
        ("compare", analysis.compare),
        ("load_result", io.load_result),
        ("load_scenario", scenario.load_scenario),
    ],
)
def test_the_facade_has_the_signature_of_what_it_calls(name, lower):
    """sim.<name> is the facade's, and takes exactly the parameters of the lower layer."""
    assert getattr(sim, name) is getattr(api, name)
    ours, theirs = inspect.signature(getattr(api, name)), inspect.signature(lower)
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]
    assert getattr(api, name).__doc__


def test_sim_run_save_writes_the_four_figures(quick, tmp_path):
    """`sim.run(...).save(path)` draws the standard figures (the layer below cannot)."""
    assert quick.figures is api.standard_figures
    path = quick.save(tmp_path / "run")
    for name in FIGURES:
        assert (path / f"{name}.png").stat().st_size > 1000, name
    assert {f"{n}.png" for n in FIGURES} <= set(sim.load_result(path).manifest["files"])
    lean = quick.save(tmp_path / "lean", plots=False)
    assert not list(lean.glob("*.png"))


def test_sim_load_result_can_be_saved_again_with_figures(quick, tmp_path):
    again = sim.load_result(quick.save(tmp_path / "run", plots=False))
    assert again.figures is api.standard_figures
    path = again.save(tmp_path / "again", fmt="svg")
    extra = ["beliefs"] if again.beliefs is not None else []  # a run with types
    assert sorted(p.name for p in path.glob("*.svg")) == sorted(
        f"{n}.svg" for n in [*FIGURES, *extra]
    )


def test_results_of_the_lower_layers_refuse_plots(quick, tmp_path):
    lower = montecarlo.run(FREEZE, draws=10, seed=2, overrides=QUICK)
    assert lower.figures is None
    with pytest.raises(ResultError, match="no figure function"):
        lower.save(tmp_path / "run")
    assert not (tmp_path / "run").exists()
    path = lower.save(tmp_path / "run", figures=api.standard_figures, fmt="svg")
    assert (path / "survival.svg").is_file()
    loaded = io.load_result(path)
    assert loaded.figures is None
    with pytest.raises(ResultError, match="no figure function"):
        loaded.save(tmp_path / "other")


def test_sweep_and_compare_go_through_the_facade(quick, tmp_path):
    table = sim.sweep(FREEZE, vary={"war.first_strike": "0.1,0.2"}, draws=10, overrides=QUICK)
    assert table["war.first_strike"].tolist() == [0.1, 0.2]
    path = quick.save(tmp_path / "run", plots=False)
    side = sim.compare([quick, path], labels=["memory", "disk"], formatted=False)
    assert list(side.index) == ["memory", "disk"]
    assert side.loc["memory", "p_accepted"] == side.loc["disk", "p_accepted"]
    readable = sim.compare([quick, path], labels=["memory", "disk"])
    assert list(readable.columns) == ["memory", "disk"]
    assert readable.loc["accepted", "memory"] == readable.loc["accepted", "disk"]
    assert sim.load_scenario(FREEZE, {"horizon": 4}).horizon == 4


def test_terms_and_its_figure_go_through_the_facade(tmp_path):
    table = sim.terms(FREEZE, "crimea", draws=6, overrides=QUICK)
    assert table["crimea"].tolist() == ["russia", "ukraine"] and table["own_terms"].tolist()[0]
    out = analysis.write_terms(table, tmp_path / "t", fmt="svg", figure=api.terms_figure)
    assert (out / "terms.svg").read_text().lstrip().startswith("<?xml")


def test_sweep_figure_draws_a_sweep_table(tmp_path):
    table = sim.sweep(FREEZE, vary={"war.first_strike": "0.1,0.2"}, draws=10, overrides=QUICK)
    out = analysis.write_sweep(table, tmp_path / "sw", fmt="svg", figure=api.sweep_figure)
    assert (out / "sweep.svg").read_text().lstrip().startswith("<?xml")


def test_importing_sim_and_the_facade_loads_nothing_heavy():
    code = (
        "import sys, sim, sim.api; sim.run; "
        "print(sorted(m for m in ('matplotlib', 'pandas', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"
