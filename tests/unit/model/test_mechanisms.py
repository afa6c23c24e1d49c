"""Mechanisms of an agreement, dated events, and events that change capacities and terms:
each reduced to a case solved by hand (Fearon and Powell's one-region game)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import sim
from sim.model import Inputs, Params
from sim.scenario import ScenarioError, parse_scenario_text
from tests.helpers import one_region


def _scn(data: dict):
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), "<t>", default_name="t")


def _powell(**kw) -> dict:
    """A's chance of winning 0.5 now and 0.8 from t = 1 (delta 0.9, costs 1, half each):
    A attacks as soon as it is strong (7 > 5), so B rejects (war now gives it 4)."""
    return yaml.safe_load(one_region(p_now=0.5, p_next=0.8, cost_a=1.0, cost_b=1.0,
                                     horizon=8, **kw))  # fmt: skip


def _run(data: dict, draws: int = 1):
    return sim.run(_scn(data), draws=draws, seed=0)


def _accepted(data: dict) -> float:
    return _run(data).summary["p_accepted"]["estimate"]


@pytest.mark.parametrize("kind, side", [("guarantee", "b"), ("restraint", "a"),
                                        ("peacekeepers", None)])  # fmt: skip
def test_a_cost_on_attacking_a_holder_removes_the_commitment_problem_at_the_hand_threshold(
    kind, side
):
    """Strong A gets 7 - g from attacking a B that holds, 5 from the terms kept: with
    g >= 2 (ties to Hold) A holds, so B signs (5 > 4); with less, B rejects."""
    for cost, accepted in ((1.99, 0.0), (2.0, 1.0), (4.0, 1.0)):
        data = _powell()
        mech = {"kind": kind, "cost": cost, **({"side": side} if side else {})}
        data["mechanisms"] = {"m": mech}
        assert _accepted(data) == accepted, (kind, cost)
    assert _accepted(_powell()) == 0.0


def test_credibility_scales_the_cost():
    data = _powell()
    data["mechanisms"] = {"g": {"kind": "guarantee", "side": "b", "cost": 4.0,
                                "credibility": 0.49}}  # fmt: skip
    assert _accepted(data) == 0.0  # 0.49 * 4 < 2
    data["mechanisms"]["g"]["credibility"] = 0.5
    assert _accepted(data) == 1.0


def test_a_guarantee_for_the_other_side_does_not_bind_the_protected_side():
    """A guarantee protecting A puts its cost on B: A's commitment problem stays."""
    data = _powell()
    data["mechanisms"] = {"g": {"kind": "guarantee", "side": "a", "cost": 10.0}}
    assert _accepted(data) == 0.0


def test_a_dated_lapse_is_anticipated():
    """The guarantee ends at year 3: A attacks then, so B, whose hold value at signing is
    0.5 + 0.45 + 0.405 + 0.729 * 1 = 2.08 < 4, rejects at once."""
    data = _powell()
    data["mechanisms"] = {"g": {"kind": "guarantee", "side": "b", "cost": 4.0}}
    data["events"] = {"lapse": {"at_years": 3, "ends": ["g"]}}
    assert _accepted(data) == 0.0
    data["events"]["lapse"]["at_years"] = 30  # beyond the horizon of 8: never reached
    assert _accepted(data) == 1.0


def test_a_disabled_mechanism_keeps_the_draws_and_does_nothing():
    data = _powell(draws=50)
    data["war"]["first_strike"] = "uniform(0, 0.3)"
    data["mechanisms"] = {"g": {"kind": "guarantee", "side": "b", "cost": "uniform(0, 4)",
                                "enabled": False}}  # fmt: skip
    off = sim.run(_scn(data), draws=50, seed=3)
    plain = _powell(draws=50)
    plain["war"]["first_strike"] = "uniform(0, 0.3)"
    ref = sim.run(_scn(plain), draws=50, seed=3)
    assert off.draws["war.first_strike"].equals(ref.draws["war.first_strike"])
    assert off.survival["survival"].equals(ref.survival["survival"])


def _random_pair(seed: int):
    """A small scenario with uncertain numbers, and the same with a guarantee of B."""
    data = yaml.safe_load(one_region(p_now=0.5, p_next=0.7, horizon=12, draws=300,
                                     first_strike=0.0))  # fmt: skip
    data["actors"]["a"].update(war_cost="uniform(0.2, 3)", ceiling="uniform(0.8, 4)",
                               rebuild_rate="uniform(0.1, 1)")  # fmt: skip
    data["actors"]["b"].update(war_cost="uniform(0.2, 3)")
    data["war"].update(first_strike="uniform(0, 0.4)", incident_hazard="uniform(0, 0.05)")
    data["terms"]["stake"] = {"a": "uniform(0.1, 0.9)"}
    with_g = yaml.safe_load(yaml.safe_dump(data))
    with_g["mechanisms"] = {"g": {"kind": "guarantee", "side": "b", "cost": "uniform(0, 3)"}}
    off = yaml.safe_load(yaml.safe_dump(with_g))
    off["mechanisms"]["g"]["enabled"] = False
    return sim.run(_scn(with_g), draws=300, seed=seed), sim.run(_scn(off), draws=300, seed=seed)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_guarantees_cost_on_a_never_lowers_the_chance_that_it_holds(seed):
    on, off = _random_pair(seed)
    s_on, s_off = on.survival["survival"].to_numpy(), off.survival["survival"].to_numpy()
    assert np.all(s_on >= s_off - 1e-12)
    assert np.any(s_on > s_off + 1e-3)  # and it does something here
    # per draw it holds among the draws signed either way; a draw can be lost to it at
    # signing: a side that means to break the terms later, and would then pay the cost,
    # may prefer not to sign (fighting on now costs it no guarantee): a screening effect
    both = on.draws["accepted"] & off.draws["accepted"]
    for k in ("1y", "5y", "10y"):
        col = f"p_holds_{k}"
        assert on.draws.loc[both, col].ge(off.draws.loc[both, col] - 1e-12).all(), k


def test_a_dated_event_fires_at_its_date_in_every_draw():
    data = _powell(draws=200)
    data["period"] = "quarter"
    data["horizon"] = 40
    data["events"] = {"e": {"at_years": 2.0, "changes": {"war.first_strike": 0.1}},
                      "f": {"at_years": 3.0, "hazard": 0.2}}  # fmt: skip
    d = sim.run(_scn(data), draws=200, seed=1).draws
    assert (d["event_period.e"] == 8).all()
    assert (d["event_period.f"] <= 12).all() and (d["event_period.f"] < 12).mean() > 0.5


def test_a_jump_in_capacity_at_a_date_is_foreseen_by_hand():
    """A's force jumps from 1 to 4 at year 3 (an event changing its capacity): A would
    attack from then on (7 > 5), so B strikes first in year 2 (4 against 0.5 + 0.9 * 1
    = 1.4) and holds before (0.5 + 0.9 * 4 = 4.1 > 4). Signed, broken by B in year 2."""
    data = yaml.safe_load(one_region(p_now=0.5, cost_a=1.0, cost_b=1.0, horizon=8))
    data["events"] = {"surge": {"at_years": 3, "changes": {"actors.a.capacity": 4.0,
                                                           "actors.a.ceiling": 4.0}}}  # fmt: skip
    r = _run(data)
    d = r.draws.iloc[0]
    assert bool(d["accepted"]) and d["break_period"] == 2 and d["breaker"] == "b"
    assert r.survival["survival"].tolist()[:4] == [1.0, 1.0, 1.0, 0.0]


@pytest.mark.parametrize("date, accepted", [(1, 1.0), (2, 1.0), (3, 0.0)])
def test_a_region_handed_over_at_a_date(date, accepted):
    """A keeps 0.9 of the stake, then hands 0.4 to B at the date. B signs iff
    sum_{t<d} 0.1 * 0.9**t + 0.9**d * 5 >= 4 (war now): 4.6, 4.24, 3.92 for d = 1, 2, 3."""
    data = yaml.safe_load(one_region(p_now=0.5, cost_a=1.0, cost_b=1.0, share_a=0.9,
                                     horizon=8))  # fmt: skip
    data["events"] = {"handover": {"at_years": date, "changes": {"terms.stake.a": 0.5}}}
    assert _accepted(data) == accepted
    scn = _scn(data)
    m = Inputs(Params.from_samples(scn, scn.numbers(), 1), scn.actor_ids)
    assert np.allclose(m.x[0], [[0.9, 0.5]]) and np.allclose(m.x[1], [[0.1, 0.5]])


def test_peacekeepers_cut_the_first_strike_bonus_and_incidents():
    data = yaml.safe_load(one_region(first_strike=0.4, incident="0.1"))
    data["mechanisms"] = {"dmz": {"kind": "peacekeepers", "first_strike_cut": 0.75,
                                  "incident_cut": 0.5},
                          "jmc": {"kind": "monitoring", "incident_cut": 0.2}}  # fmt: skip
    scn = _scn(data)
    m = Inputs(Params.from_samples(scn, scn.numbers(), 1), scn.actor_ids)
    assert np.allclose(np.expm1(m.log_fs), 0.1)
    assert np.allclose(m.lam, 0.1 * 0.5 * 0.8)


def test_support_scales_capacity_and_ceiling_until_it_ends():
    data = yaml.safe_load(one_region(p_now=0.5))
    data["mechanisms"] = {"aid": {"kind": "support", "side": "b", "capacity": 0.5,
                                  "ceiling": 1.0}}  # fmt: skip
    data["events"] = {"cut": {"hazard": 0.1, "ends": ["aid"]}}
    scn = _scn(data)
    m = Inputs(Params.from_samples(scn, scn.numbers(), 1), scn.actor_ids)
    assert np.allclose(m.k0[1], [[1.5, 1.0]]) and np.allclose(m.ceiling[1], [[2.0, 1.0]])


def test_the_later_of_two_events_that_set_the_same_key_wins():
    data = yaml.safe_load(one_region())
    data["events"] = {"e": {"hazard": 0.1, "changes": {"war.first_strike": 0.1}},
                      "f": {"hazard": 0.1, "changes": {"war.first_strike": 0.2}}}  # fmt: skip
    scn = _scn(data)
    m = Inputs(Params.from_samples(scn, scn.numbers(), 1), scn.actor_ids)
    # states: none, e, f, e+f
    assert np.allclose(np.expm1(m.log_fs), [[0.0, 0.1, 0.2, 0.2]])


def _weak_or_strong(reveal: float | None) -> dict:
    """A is weak (force 1/4: wins with chance 0.2) with prior 0.2, else as strong as B
    (0.5). Neither type ever attacks (war gives it 1 or 4, the terms 5). B would attack a
    weak A it knew (7 > 5), not a strong one (4), and with belief 0.2 it holds
    (0.2 * 7 + 0.8 * 4 = 4.6 < 5): pooling, which monitoring may break."""
    data = yaml.safe_load(one_region(p_now=0.5, cost_a=1.0, cost_b=1.0, horizon=6))
    data["actors"]["a"]["types"] = {
        "weak": {"prior": 0.2, "changes": {"actors.a.capacity": 0.25, "actors.a.ceiling": 0.25}},
        "strong": {},
    }
    if reveal is not None:
        data["mechanisms"] = {"obs": {"kind": "monitoring", "reveal": reveal}}
    return data


@pytest.mark.parametrize("reveal", [0.0, 0.5, 1.0])
def test_monitoring_reveals_a_weak_type_by_hand(reveal):
    """Revealed at the end of a period with chance r, a weak A is attacked in the next:
    S_weak(t) = (1 - r)**(t - 1) from t = 1; the strong type is never attacked."""
    r = _run(_weak_or_strong(reveal))
    t = np.arange(7)
    want = np.where(t == 0, 1.0, (1 - reveal) ** np.maximum(t - 1, 0))
    assert np.allclose(r.survival["survival.weak"], want)
    assert np.allclose(r.survival["survival.strong"], 1.0)
    if reveal == 0.0:
        assert r.survival.equals(_run(_weak_or_strong(None)).survival)


@pytest.mark.parametrize(
    "mech, events, says",
    [
        ({"g": {"kind": "guarantee", "cost": 1}}, {}, "a guarantee needs side"),
        ({"g": {"kind": "guarantee", "side": "c", "cost": 1}}, {}, "unknown actor"),
        ({"g": {"kind": "guarantee", "side": "a"}}, {}, "a guarantee needs cost"),
        ({"g": {"kind": "monitoring", "cost": 1}}, {}, "does not use cost"),
        ({"g": {"kind": "monitoring", "reveal": 0.5}}, {}, "reveal needs private information"),
        ({"g": {"kind": "support", "side": "a", "capacity": 0.5, "enabled": "no"}}, {},
         "valid boolean"),
        ({}, {"e": {"hazard": 0.1, "ends": ["nope"]}}, "unknown mechanism"),
        ({}, {"e": {"changes": {"war.first_strike": 0.1}}}, "a hazard (per period), a date"),
        ({}, {"e": {"hazard": 0.1, "changes": {"terms.stake.a": 0.2, "terms.stake.b": 0.8}}},
         "give one actor's share of stake only"),
        ({"g": {"kind": "monitoring", "incident_cut": 0.5}},
         {"e": {"hazard": 0.1, "changes": {"mechanisms.g.cost": 1}}}, "has no cost"),
    ],
)  # fmt: skip
def test_bad_mechanisms_and_events_are_refused_with_the_key(mech, events, says):
    data = yaml.safe_load(one_region())
    if mech:
        data["mechanisms"] = mech
    if events:
        data["events"] = events
    with pytest.raises(ScenarioError) as exc:
        _scn(data)
    assert says in str(exc.value)
