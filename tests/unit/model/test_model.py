"""The game model: reductions to Fearon and Powell, attribution, solver paths agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.games.bargaining import fearon_range, powell_war
from sim.scenario import parse_scenario_text
from tests.helpers import FREEZE, one_region

DELTA, COST_A, COST_B, P_NOW = 0.9, 0.5, 0.5, 0.6


def _run(text: str, **kw):
    return sim.run(parse_scenario_text(text, "<test>", default_name="t"), **kw)


@pytest.mark.parametrize("p_next", np.round(np.linspace(0.04, 0.96, 47), 4))
def test_commitment_cause_is_exactly_powells_condition(p_next):
    """One region valued alike, common δ, no incidents, power shifting p -> p' in one
    step: the model says `commitment` exactly when Powell (2006) says war."""
    text = one_region(
        p_now=P_NOW, p_next=float(p_next), delta=DELTA, cost_a=COST_A, cost_b=COST_B, share_a=0.6
    )
    res = _run(text, draws=1)
    row = res.draws.iloc[0]
    war = bool(powell_war(P_NOW, float(p_next), DELTA, COST_A, COST_B))
    said = [c for c in (row["cause"], row["rejection_cause"]) if not pd.isna(c)]
    assert ("commitment" in said) == war, (p_next, said, war)
    if war:
        assert not row["accepted"]  # a commitment problem at t = 0 means the terms are refused
        assert res.summary["rejection_cause"]["commitment"] == 1.0
    else:
        # Some bargain exists, but the fixed terms may still fail. They lie inside the
        # Fearon range at signing (p = 0.6), so a failure is `shift`: the side that the
        # shift favours would break them after it (and the other foresees that).
        low, high = fearon_range(float(p_next), (1 - DELTA) * COST_A, (1 - DELTA) * COST_B)
        if low <= 0.6 <= high:  # terms inside the Fearon range at every period
            assert row["accepted"] and pd.isna(row["cause"]) and pd.isna(row["rejection_cause"])
            assert res.summary["p_holds_end"]["estimate"] == pytest.approx(1.0)
        else:
            assert row["rejection_cause"] == "shift" and pd.isna(row["cause"])
            assert row["rejected_by"] == ("a" if p_next < 0.6 else "b")


def test_powell_grid_covers_both_sides():
    """The grid above reaches war by A's decline and by B's decline, and peace between."""
    grid = np.round(np.linspace(0.04, 0.96, 47), 4)
    war = [bool(powell_war(P_NOW, float(q), DELTA, COST_A, COST_B)) for q in grid]
    assert war[0] and war[-1] and not all(war)


@pytest.mark.parametrize("share_a", [0.2, 0.45, 0.62, 0.9])
def test_fearon_range_and_terms_in_one_dimension(share_a):
    """Per-draw Fearon range equals fearon_range with per-period costs (1-δ)c; terms
    outside it are refused (cause `terms`), inside accepted."""
    text = one_region(p_now=0.5, delta=DELTA, cost_a=COST_A, cost_b=COST_B, share_a=share_a)
    res = _run(text, draws=1)
    row = res.draws.iloc[0]
    low, high = fearon_range(0.5, (1 - DELTA) * COST_A, (1 - DELTA) * COST_B)
    assert row["fearon_low"] == pytest.approx(low)
    assert row["fearon_high"] == pytest.approx(high)
    assert row["nash_share_a"] == pytest.approx(0.5)  # symmetric disagreement point
    assert row["terms_share_a"] == pytest.approx(share_a)
    inside = low <= share_a <= high
    assert bool(row["accepted"]) == inside
    if not inside:
        assert row["rejection_cause"] == "terms" and pd.isna(row["cause"])
        assert row["rejected_by"] == ("a" if share_a < low else "b")
    else:
        assert pd.isna(row["rejected_by"]) and pd.isna(row["rejection_cause"])


def test_incidents_only_give_geometric_survival():
    text = one_region(share_a=0.5, incident="0.1", horizon=12, cost_a=5, cost_b=5)
    res = _run(text, draws=1)
    s = res.survival["survival"].to_numpy()
    assert np.allclose(s, 0.9 ** np.arange(13), atol=1e-12)
    assert res.summary["breakdown_by_cause"]["incident"] == pytest.approx(1.0)
    assert res.summary["breakdown_by_actor"]["incident"] == pytest.approx(1.0)


def test_stag_hunt_selection_changes_the_outcome():
    """A large first-strike bonus makes (Attack, Attack) an equilibrium beside (Hold,
    Hold): `peaceful` keeps the peace, `risk_dominant` may not, and a breakdown under a
    non-peaceful rule with (Hold, Hold) an equilibrium is `preemption`."""
    base = dict(
        p_now=0.5, delta=0.9, cost_a=1.6, cost_b=1.6, share_a=0.5, first_strike=0.8, horizon=4
    )
    peaceful = _run(one_region(**base, selection="peaceful"), draws=1).draws.iloc[0]
    assert peaceful["accepted"] and pd.isna(peaceful["cause"])
    risky = _run(one_region(**base, selection="risk_dominant"), draws=1)
    row = risky.draws.iloc[0]
    assert not row["accepted"]
    assert row["rejection_cause"] == "preemption" and pd.isna(row["cause"])
    assert row["rejected_by"] == "both"


@pytest.mark.parametrize("selection", ["peaceful", "risk_dominant", "payoff_dominant"])
def test_nashpy_reference_path_agrees_with_batched(selection):
    """`solver.method: nashpy` (every stage game by nashpy) gives the same draws."""
    over = {"horizon": 6}
    a = sim.run(FREEZE, draws=4, seed=3, overrides=over, selection=selection)
    b = sim.run(FREEZE, draws=4, seed=3, overrides=over, selection=selection, method="nashpy")
    pd.testing.assert_frame_equal(a.draws, b.draws, check_exact=False, rtol=1e-9)
    np.testing.assert_allclose(
        a.survival["survival"], b.survival["survival"], rtol=1e-9, atol=1e-12
    )


def test_events_are_anticipated_and_change_the_path():
    """An event that surely happens (hazard 1) and gives A overwhelming power makes A
    attack one period later; players see it coming, so the value at t=0 already falls."""
    text = one_region(p_now=0.5, share_a=0.5, horizon=6, cost_a=0.5, cost_b=0.5)
    text += "events:\n  surge:\n    hazard: 1.0\n    changes:\n      actors.a.ceiling: 1000.0\n"
    res = _run(text, draws=1)
    row = res.draws.iloc[0]
    assert row["event_period.surge"] == 1
    # B foresees A's surge and is the declining side: a commitment problem at t = 0
    assert row["rejection_cause"] == "commitment"
    assert not row["accepted"]


def test_survival_is_a_probability_and_monotone():
    res = sim.run(FREEZE, draws=300, seed=5, overrides={"horizon": 16})
    s = res.survival
    assert ((s["survival"] >= 0) & (s["survival"] <= 1)).all()
    assert (np.diff(s["survival"]) <= 1e-15).all()
    assert (s["ci_low"] <= s["survival"] + 1e-15).all() and (
        s["survival"] <= s["ci_high"] + 1e-15
    ).all()
    assert s["survival"].iloc[0] == pytest.approx(res.summary["p_accepted"]["estimate"])
    # breakdown shares are shares
    assert sum(res.summary["breakdown_by_actor"].values()) == pytest.approx(1.0)
    assert sum(res.summary["breakdown_by_cause"].values()) == pytest.approx(1.0)
    # the expected breakdowns add up to the fall of the survival curve
    fall = s["survival"].iloc[0] - s["survival"].iloc[-1]
    assert res.summary["p_breaks_within_horizon"] == pytest.approx(fall, rel=1e-9, abs=1e-12)


def test_frontier_matches_the_bargaining_reference():
    """The model's pre-sorted frontier gives the same answer as the reference
    fractional knapsack in sim.bargaining (exact, on random instances with ties/zeros)."""
    from sim.games import max_a_given_floor_b
    from sim.model import Frontier

    rng = np.random.default_rng(7)
    v_a = rng.choice([0.0, 0.5, 1.0, 2.0, rng.random()], size=(400, 3, 5))
    v_b = rng.choice([0.0, 0.5, 1.0, 3.0], size=(400, 3, 5))
    v_a[..., 0] += 0.1
    v_b[..., 1] += 0.1
    v_a /= v_a.sum(-1, keepdims=True)
    v_b /= v_b.sum(-1, keepdims=True)
    f_a, f_b = rng.normal(0, 0.1, (400, 3)), rng.normal(0, 0.1, (400, 3))
    floor = rng.uniform(-0.3, 1.3, (400, 3))
    got = Frontier(v_a, v_b).most(f_a, f_b, floor)
    sub = np.array([0, 5, 17, 1199])
    np.testing.assert_array_equal(
        Frontier(v_a, v_b).most(f_a.ravel()[sub], f_b.ravel()[sub], floor.ravel()[sub], sub),
        got.ravel()[sub],
    )
    want = max_a_given_floor_b(v_a, v_b, f_a, f_b, floor)
    assert np.array_equal(np.isinf(got), np.isinf(want))
    np.testing.assert_allclose(got[np.isfinite(want)], want[np.isfinite(want)], atol=1e-12)


def test_missing_ceiling_is_the_sampled_capacity_not_a_second_draw():
    import yaml

    data = yaml.safe_load(one_region(share_a=0.5, horizon=3))
    del data["actors"]["b"]["ceiling"]
    data["actors"]["b"]["capacity"] = "uniform(0.5, 2.0)"
    data["actors"]["b"]["rebuild_rate"] = 0.5
    scn = parse_scenario_text(yaml.safe_dump(data), "<t>", default_name="t")
    assert "actors.b.ceiling" not in scn.numbers()
    res = sim.run(scn, draws=64, seed=1)
    assert "actors.b.ceiling" not in res.draws.columns
    # with ceiling = capacity, B's power never moves (A's is fixed too): A's win
    # probability is the same at every period for every draw
    p = res.power[res.power["state"] == "none"]
    np.testing.assert_allclose(p["q05"], p["q05"].iloc[0], rtol=1e-12)
    np.testing.assert_allclose(p["q95"], p["q95"].iloc[0], rtol=1e-12)
    assert p["q05"].iloc[0] < p["q95"].iloc[0]  # it does vary across draws


def test_a_defenders_advantage_is_a_negative_first_strike():
    """first_strike in (-1, 0): attacking first weakens the attacker, so terms that
    would be attacked without it hold."""
    base = dict(p_now=0.5, delta=0.9, cost_a=0.2, cost_b=0.2, share_a=0.49, horizon=4)
    attacked = _run(one_region(**base, first_strike=0.1), draws=1).draws.iloc[0]
    defended = _run(one_region(**base, first_strike=-0.3), draws=1).draws.iloc[0]
    assert not attacked["accepted"] and attacked["rejected_by"] == "a"
    assert defended["accepted"] and pd.isna(defended["cause"])


def test_terms_worse_than_fighting_on_are_rejected_for_the_terms():
    """Refusing terms below the Fearon range is about the terms, whatever the
    first-strike advantage (the war is already on at t = 0)."""
    for fs in (0.2, -0.3):
        row = _run(
            one_region(p_now=0.5, cost_a=0.2, cost_b=0.2, share_a=0.45, horizon=4, first_strike=fs),
            draws=1,
        ).draws.iloc[0]
        assert not row["accepted"] and row["rejected_by"] == "a"
        assert row["rejection_cause"] == "terms"


def test_no_first_strike_advantage_means_no_preemption():
    """Without a first-strike bonus nobody fears being attacked first: (Attack, Attack)
    is never strict, so no breakdown or rejection may be put down to preemption, even
    when events make a side's future worse (that is a matter of terms)."""
    res = sim.run(FREEZE, draws=500, seed=1, overrides={"war.first_strike": 0.0})
    assert "preemption" not in set(res.draws["cause"].dropna())
    assert "preemption" not in set(res.draws["rejection_cause"].dropna())
    assert res.summary["breakdown_by_cause"]["preemption"] == 0.0
    assert res.summary["rejection_cause"]["preemption"] == 0.0
    assert (res.draws["rejection_cause"] == "terms").sum() > 0


def _effects_scenario(effect, change=None) -> str:
    import yaml

    data = yaml.safe_load(one_region(share_a=1.0, horizon=6, p_now=0.5))
    data["actors"]["a"]["rebuild_rate"] = 0.5
    data["actors"]["a"]["ceiling"] = 1.0
    data["regions"]["stake"]["effects"] = {"ceiling": effect}
    if change is not None:
        data["events"] = {"e": {"hazard": 1.0, "changes": change}}
    return yaml.safe_dump(data)


def test_region_effects_can_differ_by_holder():
    """`effects.ceiling: {a: x}` raises A's ceiling when A holds the region; an effect
    given only for B does nothing while A holds it; a single number is for any holder."""

    def final_p(effect, change=None):
        res = _run(_effects_scenario(effect, change), draws=1)
        p = res.power[res.power["state"] == ("none" if change is None else "e")]
        return float(p["median"].iloc[-1])

    base = final_p(0.0)
    assert base == pytest.approx(0.5)
    k = 2.0 - 0.5**6  # A's capacity at T = 6 rebuilding at 0.5 from 1 toward a doubled ceiling
    assert final_p({"a": 1.0}) == pytest.approx(k / (k + 1))
    assert final_p({"b": 1.0}) == pytest.approx(base)  # B's effect, but A holds the region
    assert final_p(1.0) == pytest.approx(k / (k + 1))
    # an event can change one holder's effect
    assert final_p({"b": 1.0}, {"regions.stake.effects.ceiling.a": 1.0}) == pytest.approx(
        k / (k + 1)
    )
    scn = parse_scenario_text(_effects_scenario({"a": "uniform(0, 1)"}), "<t>", default_name="t")
    assert set(scn.uncertain()) == {"regions.stake.effects.ceiling.a"}
    assert scn.numbers()["regions.stake.effects.ceiling.b"] == 0.0


@pytest.mark.parametrize(
    "effect,message",
    [
        ({"c": 0.1}, "regions.stake.effects.ceiling.c: unknown actor"),
        ({"a": -2.0}, "a: must be > -1"),
        ({"a": "uniform(0, 1"}, "regions.stake.effects.ceiling"),
    ],
)
def test_per_holder_effects_are_checked(effect, message):
    from sim.scenario import ScenarioError

    with pytest.raises(ScenarioError) as err:
        parse_scenario_text(_effects_scenario(effect), "f.yaml", default_name="t")
    assert message in str(err.value)


def test_distribution_mapping_is_not_a_per_holder_mapping():
    scn = parse_scenario_text(
        _effects_scenario({"dist": "uniform", "low": 0.0, "high": 0.5}), "<t>", default_name="t"
    )
    assert set(scn.uncertain()) == {"regions.stake.effects.ceiling"}
