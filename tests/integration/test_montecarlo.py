"""The Monte Carlo layer: one seed fixes everything, confidence bands, samplers.

Saving and loading results is tested in tests/unit/io, `sim run` in test_cli_run.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import sim
from sim.names import CAUSES
from sim.scenario import parse_scenario_text
from tests.helpers import FREEZE, one_region

SHORT = {"horizon": 12}


@pytest.fixture(scope="module")
def reference():
    return sim.run(FREEZE, draws=300, seed=11, overrides=SHORT, chunk_size=300)


@pytest.mark.parametrize("chunk_size,workers", [(64, 1), (97, 1), (128, 2), (1000, 2)])
def test_same_seed_same_numbers_whatever_chunks_and_workers(reference, chunk_size, workers):
    other = sim.run(
        FREEZE, draws=300, seed=11, overrides=SHORT, chunk_size=chunk_size, workers=workers
    )
    pd.testing.assert_frame_equal(reference.draws, other.draws, check_exact=True)
    assert json.dumps(reference.summary, sort_keys=True) == json.dumps(
        other.summary, sort_keys=True
    )
    pd.testing.assert_frame_equal(reference.survival, other.survival, check_exact=True)
    pd.testing.assert_frame_equal(reference.breakdown, other.breakdown, check_exact=True)


@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_draw_rows_do_not_depend_on_the_total(sampler):
    """Draw i of a 300-draw random/sobol run equals draw i of a 200-draw run (LHS is
    stratified over the block, so it differs by design)."""
    a = sim.run(FREEZE, draws=300, seed=2, sampler=sampler, overrides=SHORT)
    b = sim.run(FREEZE, draws=200, seed=2, sampler=sampler, overrides=SHORT)
    same = a.draws.iloc[:200].reset_index(drop=True).equals(b.draws)
    assert same == (sampler != "lhs")


def test_different_seeds_differ(reference):
    other = sim.run(FREEZE, draws=300, seed=12, overrides=SHORT)
    assert not reference.draws["actors.russia.discount"].equals(
        other.draws["actors.russia.discount"]
    )


def test_draws_table_columns(reference):
    d = reference.draws
    for col in [
        "draw",
        "accepted",
        "rejected_by",
        "rejection_cause",
        "break_period",
        "breaker",
        "cause",
        "fearon_low",
        "fearon_high",
        "nash_share_a",
        "terms_share_a",
        "win_prob_a_t0",
        "p_holds_1y",
        "actors.russia.discount",
        "events.support_fades.hazard",
    ]:
        assert col in d.columns, col
    assert len(d) == 300 and (d["draw"] == np.arange(300)).all()
    broke = d["break_period"].notna()
    assert (d.loc[broke, "accepted"]).all()
    assert set(d.loc[broke, "cause"]) <= set(CAUSES)
    assert set(d.loc[broke, "breaker"]) <= {"russia", "ukraine", "both", "incident"}
    assert set(d.loc[~d["accepted"], "rejected_by"]) <= {"russia", "ukraine", "both"}
    assert d.loc[d["accepted"], "rejected_by"].isna().all()
    assert d.loc[~broke, ["breaker", "cause"]].isna().all().all()


def test_summary_keys(reference):
    s = reference.summary
    for key in [
        "p_accepted",
        "p_holds",
        "median_duration_periods",
        "breakdown_by_actor",
        "breakdown_by_cause",
        "rejected_by",
    ]:
        assert key in s
    assert set(s["p_holds"]) == {"1y", "2y"}  # horizon 12 quarters = 3 years
    for v in s["p_holds"].values():
        assert 0 <= v["ci_low"] <= v["estimate"] <= v["ci_high"] <= 1


def _incident_text(lo: float, hi: float, sampler: str, draws: int) -> str:
    return one_region(
        share_a=0.5,
        incident=f"uniform({lo}, {hi})",
        horizon=10,
        cost_a=5,
        cost_b=5,
        draws=draws,
        sampler=sampler,
    )


def _true_survival(lo: float, hi: float, t: int) -> float:
    # E[(1 - λ)^t] for λ ~ uniform(lo, hi)
    return ((1 - lo) ** (t + 1) - (1 - hi) ** (t + 1)) / ((t + 1) * (hi - lo))


def test_confidence_band_covers_the_closed_form_at_the_nominal_rate():
    """Only an uncertain incident hazard λ ~ U(0.02, 0.3): S(t) = E[(1-λ)^t] in closed
    form. Over 120 seeds the 95% band at t = 5 covers it about 95% of the time."""
    scn = parse_scenario_text(_incident_text(0.02, 0.3, "random", 100), "<t>", default_name="t")
    truth = _true_survival(0.02, 0.3, 5)
    hits = 0
    for seed in range(120):
        s = sim.run(scn, seed=seed).survival.iloc[5]
        hits += s["ci_low"] <= truth <= s["ci_high"]
    # binomial(120, 0.95): mean 114, sd 2.4; a too-narrow band would give far fewer
    assert 105 <= hits <= 120


def test_lhs_and_sobol_converge_faster_than_random():
    truth = _true_survival(0.02, 0.3, 10)
    err = {}
    for sampler in ("random", "lhs", "sobol"):
        scn = parse_scenario_text(_incident_text(0.02, 0.3, sampler, 256), "<t>", default_name="t")
        est = [sim.run(scn, seed=seed).survival["survival"].iloc[10] for seed in range(20)]
        err[sampler] = float(np.sqrt(np.mean((np.array(est) - truth) ** 2)))
    assert err["lhs"] < err["random"] / 5
    assert err["sobol"] < err["random"] / 5


def test_overrides_on_an_overridden_scenario_add_up():
    scn = sim.load_scenario(FREEZE, overrides={"horizon": 8})
    res = sim.run(scn, draws=10, overrides={"war.first_strike": 0.0})
    assert res.scenario.horizon == 8 and res.scenario.war.first_strike == 0.0
    assert res.summary["horizon_periods"] == 8


def test_power_table_says_how_many_draws_it_rests_on():
    from sim import plots

    res = sim.run(FREEZE, draws=1200, seed=1, overrides={"horizon": 4}, chunk_size=500)
    assert (res.power["draws"] == 1000).all()  # the first 1000 draws, across chunks
    ax = plots.plot_power(res)
    assert "first 1,000 of 1,200 draws" in ax.get_title()
    small = sim.run(FREEZE, draws=50, seed=1, overrides={"horizon": 4})
    assert (small.power["draws"] == 50).all()
    assert "first" not in plots.plot_power(small).get_title()
