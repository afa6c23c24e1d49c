"""Budgets: what a run costs is estimated from sizes alone, and a run over budget is
refused with advice that names the right option (campaign case 5)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import yaml

import sim
from sim.errors import BudgetError
from sim.montecarlo import RunOptions, default_chunk, solve_draws
from sim.montecarlo import budget as budget_mod
from sim.montecarlo.budget import check_budget, estimate, human_bytes, human_seconds
from sim.montecarlo.summary import POWER_POINTS, power_periods
from sim.scenario import ScenarioError, load_scenario, parse_scenario_text
from tests.helpers import FREEZE


def _opts(scn, draws=20_000, chunk=None, workers=1):
    return RunOptions(
        draws=draws,
        seed=0,
        sampler="lhs",
        chunk_size=chunk or default_chunk(scn),
        workers=workers,
        method="batched",
        selection="peaceful",
    )


@pytest.fixture(scope="module")
def largest():
    """Five events and a horizon of 10,000: the largest model the format allows."""
    data = yaml.safe_load(FREEZE.read_text(encoding="utf-8"))
    data["horizon"] = 10_000
    for i in range(5 - len(data["events"])):
        data["events"][f"extra_{i}"] = {"hazard": 0.01}
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), "largest.yaml")


@pytest.mark.parametrize("chunk", [None, 1, 64, 151])
def test_the_power_table_of_the_largest_model_is_bounded_whatever_the_chunk(largest, chunk):
    """It was about 5.5 GB (1000 draws x 32 states x 10,001 periods, twice); now the
    chunks keep only the periods power.csv reports."""
    est = estimate(largest, _opts(largest, chunk=chunk), streamed=True)
    assert est.parts["power table"] == 8 * 32 * (POWER_POINTS + 1) * 1000  # about 100 MB
    assert est.parts["power table"] < 120e6


def test_a_chunk_keeps_the_power_paths_at_the_reported_periods_only():
    scn = load_scenario(FREEZE, {"horizon": 1000})
    part = solve_draws((scn, _opts(scn, draws=3), 0, 3))
    assert part.power.shape == (3, 2 ** len(scn.events), len(power_periods(1000)))
    assert len(power_periods(1000)) == POWER_POINTS + 1
    assert list(power_periods(10)) == list(range(11))  # short horizons: every period
    res = sim.run(scn, draws=3, seed=1)
    assert sorted(res.power["period"].unique()) == list(power_periods(1000))


def test_the_estimate_adds_up_and_reads_well():
    scn = load_scenario(FREEZE)
    est = estimate(scn, _opts(scn), streamed=True)
    assert est.peak_bytes == sum(est.parts.values()) and est.chunks >= 1
    assert set(est.parts) == {"program", "chunks", "power table", "draws table", "chunk list"}
    many = _opts(scn, draws=10**6)
    kept, streamed = estimate(scn, many, streamed=False), estimate(scn, many, streamed=True)
    assert kept.parts["draws table"] > 10 * streamed.parts["draws table"]  # sim.run keeps it
    assert estimate(scn, _opts(scn, workers=2), streamed=True).seconds < est.seconds
    assert "of memory" in est.text() and est.text().startswith("about ")
    assert human_bytes(1.5e9) == "1.5 GB" and human_bytes(350e6) == "350 MB"
    assert human_seconds(30) == "30 s" and human_seconds(7200) == "2.0 hours"


@pytest.mark.parametrize(
    "case,advice",
    [
        ("tiny chunks", "raise --chunk-size"),
        ("many draws kept in memory", "stream the draws to disk"),
        ("huge chunks", "lower --chunk-size"),
    ],
)
def test_over_the_memory_budget_the_advice_names_the_largest_part(monkeypatch, case, advice):
    monkeypatch.setattr(budget_mod, "memory_budget", lambda: 400_000_000)
    scn = load_scenario(FREEZE)
    if case == "tiny chunks":
        opts, streamed = _opts(scn, draws=10**7, chunk=1), True
    elif case == "many draws kept in memory":
        opts, streamed = _opts(scn, draws=10**7), False
    else:
        opts, streamed = _opts(scn, draws=10**5, chunk=10**5), True
    with pytest.raises(BudgetError, match="more than the 400 MB") as info:
        check_budget(scn, opts, streamed=streamed)
    assert advice in str(info.value)


def test_sim_run_refuses_over_budget_before_building_anything(monkeypatch):
    monkeypatch.setattr(budget_mod, "memory_budget", lambda: 10_000_000)
    t0 = time.monotonic()
    with pytest.raises(BudgetError, match="this run would need about"):
        sim.run(FREEZE, draws=10**8, chunk_size=1)
    assert time.monotonic() - t0 < 5


def test_the_memory_budget_is_a_share_of_the_machine():
    assert 0 < budget_mod.memory_budget() < 10**15


def test_a_sweep_of_100000_values_is_refused_before_the_duplicate_check():
    t0 = time.monotonic()
    with pytest.raises(ScenarioError, match="100,000 values; a sweep has at most 2,500"):
        sim.sweep(FREEZE, vary={"war.first_strike": list(np.linspace(0, 0.3, 100_000))}, draws=10)
    with pytest.raises(ScenarioError, match="at most 2,500"):
        sim.sweep(FREEZE, vary={"war.first_strike": "0:0.3:1000000000000"}, draws=10)
    with pytest.raises(ScenarioError, match="at most 2,500"):
        sim.sweep(FREEZE, vary=["war.first_strike=" + ",".join(["0.1"] * 3000)], draws=10)
    assert time.monotonic() - t0 < 5


def test_a_value_listed_twice_is_still_found_in_linear_time():
    values = [i / 2500 for i in range(2499)] + [0.0]
    t0 = time.monotonic()
    with pytest.raises(ScenarioError, match="listed twice"):
        sim.sweep(FREEZE, vary={"war.first_strike": values}, draws=10)
    assert time.monotonic() - t0 < 2
