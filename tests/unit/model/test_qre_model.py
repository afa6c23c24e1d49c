"""Stage games played as a logit quantal response (``solver.selection: qre``)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import sim
from sim.scenario import ScenarioError, parse_scenario_text

PPY = {"year": 1, "quarter": 4, "month": 12}


def _scenario(period: str, first_strike: float, precision="3.0", capacity="1.2", draws=1):
    """One region split evenly; A a little stronger; the same situation in any period
    length (discount and costs converted to the period, power constant)."""
    ppy = PPY[period]
    data = {
        "title": "qre",
        "period": period,
        "horizon": 12 * ppy,
        "actors": {
            "a": {"discount": 0.92 ** (1 / ppy), "war_cost": 2.0 * ppy, "capacity": capacity},
            "b": {"discount": 0.92 ** (1 / ppy), "war_cost": 2.0 * ppy, "capacity": 1.0},
        },
        "regions": {"stake": {"value": {"a": 1.0, "b": 1.0}}},
        "terms": {"stake": {"a": 0.5}},
        "war": {"decisiveness": 2.0, "first_strike": first_strike},
        "solver": {"selection": "qre", "qre_precision": precision},
        "montecarlo": {"draws": draws, "seed": 4, "sampler": "random"},
    }
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), "<t>", default_name="t")


def _holds(scn, label="5y"):
    return sim.run(scn).summary["p_holds"][label]["estimate"]


def test_qre_is_continuous_at_no_first_strike_and_falls_as_the_bonus_grows():
    """The old `mixed` rule jumped from no attack at first_strike 0 to attack with
    probability 0.998 at 0.001. The quantal response moves smoothly through 0, and a
    larger first-strike bonus never makes the ceasefire last longer."""
    bonus = [-0.02, -0.01, 0.0, 0.001, 0.005, 0.01, 0.02, 0.04, 0.06]
    holds = [_holds(_scenario("quarter", fs, precision="10.0")) for fs in bonus]
    assert all(b >= a - 1e-12 for a, b in zip(holds[1:], holds[:-1], strict=True))
    assert abs(holds[3] - holds[2]) < 2e-3  # 0 -> 0.001
    assert holds[0] > holds[-1] + 0.005  # the bonus does matter


def test_the_yearly_hazard_does_not_depend_on_the_period_length():
    """The same uncertain situation written in quarters and in months: the same share
    of draws still holds after 1 and 5 years (the precision is per stake-year, and the
    choice of a year spreads over its periods)."""
    quarters = _scenario("quarter", 0.02, "uniform(1, 6)", "uniform(1.0, 1.4)", draws=400)
    months = _scenario("month", 0.02, "uniform(1, 6)", "uniform(1.0, 1.4)", draws=400)
    rq, rm = sim.run(quarters), sim.run(months)
    for label in ("1y", "5y"):
        q, m = rq.summary["p_holds"][label], rm.summary["p_holds"][label]
        half = q["ci_high"] - q["estimate"]
        assert abs(q["estimate"] - m["estimate"]) < max(half, 0.005), (label, q, m)
    assert 0.05 < rq.summary["p_holds"]["1y"]["estimate"] < 0.95  # an informative case


def test_a_quantal_response_breaks_with_a_probability_not_a_coin_flip():
    res = sim.run(_scenario("quarter", 0.02, precision="3.0"))
    s = res.survival["survival"].to_numpy()
    assert 0.0 < s[4] < 1.0 and np.all(np.diff(s) <= 0)
    assert res.summary["median_duration_years"] is not None


def test_the_precision_may_be_a_sampled_belief():
    scn = _scenario("quarter", 0.02, precision="uniform(1, 20)", draws=50)
    assert "solver.qre_precision" in scn.uncertain()
    res = sim.run(scn)
    assert res.draws["solver.qre_precision"].between(1, 20).all()
    low = res.draws["solver.qre_precision"] < 10
    # noisier choice (lower precision) breaks this ceasefire sooner on average
    assert res.draws.loc[low, "p_holds_5y"].mean() < res.draws.loc[~low, "p_holds_5y"].mean()


@pytest.mark.parametrize(
    "solver, message",
    [
        ({"selection": "mixed"}, "'mixed' rule was removed.*use 'qre'"),
        ({"selection": "qre"}, "needs solver.qre_precision"),
        ({"selection": "qre", "qre_precision": 5, "method": "nashpy"}, "nashpy computes Nash"),
        ({"selection": "peaceful", "qre_precision": 5}, "used only with selection: qre"),
        ({"selection": "qre", "qre_precision": -1}, "solver.qre_precision"),
    ],
)
def test_the_solver_settings_are_checked(solver, message):
    data = yaml.safe_load(yaml.safe_dump(_scenario("year", 0.0).model_dump(mode="json")))
    data["solver"] = solver
    with pytest.raises(ScenarioError, match=message):
        parse_scenario_text(yaml.safe_dump(data), "f.yaml", default_name="t")


def test_the_api_refuses_the_removed_rule():
    with pytest.raises(ValueError, match="use 'qre'"):
        sim.run(_scenario("year", 0.0), selection="mixed")
