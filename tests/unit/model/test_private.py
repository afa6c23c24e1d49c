"""Private information: a hand-solved two-type case, the degenerate prior, and every
Bayesian stage-game equilibrium checked as best responses."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.model.bayes import play_bayes
from sim.scenario import parse_scenario_text

DELTA = 0.9


def _hawk_or_dove(mu, horizon: int = 6, draws: int = 1):
    """A's force jumps from 1 to 4 after the first year (B's stays 1): A wins a war with
    probability 0.5 at t = 0 and 0.8 from t = 1. The region is split evenly; x = 0.5.
    A hawk (war cost 1) attacks as soon as it is strong; a dove (cost 5) never does."""
    data = {
        "title": "hawk or dove",
        "period": "year",
        "horizon": horizon,
        "actors": {
            "a": {
                "discount": DELTA, "war_cost": 3.0, "capacity": 1.0, "ceiling": 4.0,
                "rebuild_rate": 1.0,
                "types": {
                    "hawk": {"prior": mu, "changes": {"actors.a.war_cost": 1.0}},
                    "dove": {"changes": {"actors.a.war_cost": 5.0}},
                },
            },
            "b": {"discount": DELTA, "war_cost": 1.0, "capacity": 1.0},
        },
        "regions": {"stake": {"value": {"a": 1.0, "b": 1.0}}},
        "terms": {"stake": {"a": 0.5}},
        "montecarlo": {"draws": draws, "seed": 0, "sampler": "random"},
    }  # fmt: skip
    return parse_scenario_text(yaml.safe_dump(data, sort_keys=False), "<t>", default_name="t")


def _threshold() -> float:
    """B's belief in a hawk above which it strikes first at t = 0, by hand.

    War values W_B(p) = (1 - p) / (1 - δ) - c_B: striking now (p = 0.5) gives 4. Holding
    against a hawk gives x + δ W_B(0.8) = 0.5 + 0.9 * 1 = 1.4 (the hawk strikes at t = 1);
    against a dove the peace x / (1 - δ) = 5. B strikes iff μ (4 - 1.4) > (1 - μ)(5 - 4).
    """
    strike, vs_hawk, vs_dove = 4.0, 0.5 + DELTA * (0.2 / (1 - DELTA) - 1.0), 0.5 / (1 - DELTA)
    return (vs_dove - strike) / ((vs_dove - strike) + (strike - vs_hawk))


@pytest.mark.parametrize("mu", [0.05, 0.15, 0.25, 0.27, 0.29, 0.35, 0.6, 0.95])
def test_the_two_type_case_solved_by_hand(mu):
    """Below the threshold B signs; the hawk attacks once strong (period 1) and a quiet
    period 1 rules it out; above it, B strikes first at signing: it rejects, and against
    a dove that is a matter of information."""
    mu_star = _threshold()
    assert mu_star == pytest.approx(1 / 3.6)
    res = sim.run(_hawk_or_dove(mu))
    s = res.survival["survival"].to_numpy()
    types = res.summary["types"]
    row = res.draws.iloc[0]
    if mu < mu_star:
        assert res.summary["p_accepted"]["estimate"] == pytest.approx(1.0)
        np.testing.assert_allclose(s[:4], [1.0, 1.0, 1.0 - mu, 1.0 - mu], atol=1e-12)
        assert types["p_holds"]["dove"]["5y"] == pytest.approx(1.0)
        assert types["p_holds"]["hawk"]["5y"] == pytest.approx(0.0)
        assert types["breakdown_by_actor"]["hawk"]["a"] == pytest.approx(1.0)
        assert row["ruled_out_period.hawk"] == 2  # the dove held in period 1
        beliefs = res.beliefs[res.beliefs["state"] == "none"]
        np.testing.assert_allclose(beliefs["belief.hawk"].iloc[:3], [mu, mu, 0.0], atol=1e-12)
    else:
        assert res.summary["p_accepted"]["estimate"] == pytest.approx(0.0)
        assert res.summary["rejected_by"]["b"] == pytest.approx(1.0)
        causes = res.summary["rejection_cause"]
        assert causes["information"] == pytest.approx(1.0 - mu)  # the doves' share
    assert res.draws["type"].isin(["hawk", "dove"]).all()


def test_a_degenerate_prior_is_the_complete_information_model():
    """A prior of 1 on one type gives exactly the run of the file with that type's
    changes written in (same draws, same numbers)."""
    base = yaml.safe_load(
        open(sim.__file__.replace("sim/__init__.py", "scenarios/minsk_2015.yaml"))
    )
    base["actors"]["russia"].pop("types")  # the file's own types, replaced below
    typed = yaml.safe_load(yaml.safe_dump(base))
    typed["actors"]["russia"]["types"] = {
        "maximalist": {"prior": 1.0, "changes": {"regions.independence.value.russia": 4.0}},
        "limited": {"prior": 0.0, "changes": {"regions.independence.value.russia": 0.5}},
    }
    plain = yaml.safe_load(yaml.safe_dump(base))
    plain["regions"]["independence"]["value"]["russia"] = 4.0
    # the plain file's Kyiv value is a fixed number, as the typed file's base is sampled:
    # sample it in both so that the uncertain numbers match one for one
    typed["regions"]["independence"]["value"]["russia"] = plain["regions"]["independence"]["value"][
        "russia"
    ]
    a = sim.run(parse_scenario_text(yaml.safe_dump(typed), "<t>", default_name="t"), draws=300)
    b = sim.run(parse_scenario_text(yaml.safe_dump(plain), "<t>", default_name="t"), draws=300)
    pd.testing.assert_frame_equal(a.survival[b.survival.columns], b.survival)
    pd.testing.assert_frame_equal(a.breakdown, b.breakdown)
    common = [c for c in b.draws.columns if c in a.draws.columns]
    pd.testing.assert_frame_equal(a.draws[common], b.draws[common])
    assert (a.draws["type"] == "maximalist").all()
    assert "survival.limited" not in a.survival  # no draw can be of a type with prior 0
    for key in ("p_holds", "p_holds_if_accepted", "breakdown_by_cause", "breakdown_by_actor"):
        assert a.summary[key] == b.summary[key], key
    assert a.summary["p_accepted"]["estimate"] == b.summary["p_accepted"]["estimate"]


def _random_bayes_game(rng, k: int, n: int):
    ts = list(range(k))
    full = (1 << k) - 1
    mu = rng.dirichlet(np.ones(k), size=n).T[:, :, None]
    war_I = rng.normal(0, 2, (3, k, n, 1))
    war_U = rng.normal(0, 2, (3, k, n, 1))
    hold_I, hold_U = [], []
    for j in ts:
        subs = [s for s in range(1, full + 1) if s >> j & 1]
        hold_I.append({s: rng.normal(0, 2, (n, 1)) for s in subs})
        hold_U.append({s: rng.normal(0, 2, (n, 1)) for s in subs})
    return ts, mu, hold_I, hold_U, war_I, war_U


def _type_gains(c, q, held, ts, hold_I, war_I):
    """Each type's gain from attacking at cell c when the types in ``held`` hold."""
    out = []
    for j in ts:
        H = hold_I[j][held | (1 << j)][c, 0]
        out.append((1 - q) * (war_I[1, j, c, 0] - H) + q * (war_I[0, j, c, 0] - war_I[2, j, c, 0]))
    return out


def _consistent(gains, sigma) -> bool:
    return all((g > 0) == (s == 1) or abs(g) < 1e-8 for g, s in zip(gains, sigma, strict=True))


@pytest.mark.parametrize("rule", ["peaceful", "risk_dominant", "payoff_dominant"])
@pytest.mark.parametrize("k", [2, 3])
def test_every_selected_profile_is_a_bayesian_equilibrium(rule, k):
    """On random Bayesian stage games, wherever the types have a pure best-response
    profile at U's chosen action, the selected one is such a profile (each type's action
    a best response given the continuation its holding makes), and U's action is a best
    response to its belief. Where none exists (the types' responses cycle) the selected
    profile is an epsilon-equilibrium: those cells are counted and must be a minority."""
    rng = np.random.default_rng(k)
    n = 400
    ts, mu, hold_I, hold_U, war_I, war_U = _random_bayes_game(rng, k, n)
    pl = play_bayes(rule, ts, mu, hold_I, hold_U, war_I, war_U)
    q, holders = pl.q[:, 0], pl.holders[:, 0]
    assert np.all((q >= 0) & (q <= 1))
    approximate = 0
    for c in range(n):
        sigma = pl.sigma[:, c, 0]
        held = sum(1 << j for j in ts if sigma[j] == 0)
        assert holders[c] == held
        if not _consistent(_type_gains(c, q[c], held, ts, hold_I, war_I), sigma):
            exists = any(
                _consistent(
                    _type_gains(c, q[c], sum(1 << j for j in ts if p[j] == 0), ts, hold_I, war_I), p
                )
                for p in itertools.product((0, 1), repeat=k)
            )
            assert not exists, c  # a pure profile existed and was not taken
            approximate += 1
            continue
        u_gain = 0.0
        for j in ts:
            HU = hold_U[j][held | (1 << j)][c, 0]
            against = war_U[0, j, c, 0] - war_U[1, j, c, 0] if sigma[j] else war_U[2, j, c, 0] - HU
            u_gain += mu[j, c, 0] * against
        if q[c] == 0.0:
            assert u_gain <= 1e-8
        elif q[c] == 1.0:
            assert u_gain >= -1e-8
    assert approximate < 0.2 * n
    # the selection has something to select: both pure candidates occur in the sample
    assert (q == 0).any() and (q == 1).any()


def test_every_pure_equilibrium_is_found_when_one_exists():
    """Brute force over all pure profiles of small games: whenever a pure Bayesian
    equilibrium exists, the selected profile is pure too."""
    rng = np.random.default_rng(11)
    n, k = 300, 2
    ts, mu, hold_I, hold_U, war_I, war_U = _random_bayes_game(rng, k, n)
    pl = play_bayes("risk_dominant", ts, mu, hold_I, hold_U, war_I, war_U)
    for c in range(n):
        exists = False
        for sigma in itertools.product((0, 1), repeat=k):
            held = sum(1 << j for j in ts if sigma[j] == 0)
            for qq in (0.0, 1.0):
                ok = True
                u_gain = 0.0
                for j in ts:
                    mine = held | (1 << j)
                    H = hold_I[j][mine][c, 0]
                    g = (1 - qq) * (war_I[1, j, c, 0] - H) + qq * (
                        war_I[0, j, c, 0] - war_I[2, j, c, 0]
                    )
                    ok &= (g > 0) == (sigma[j] == 1) or abs(g) < 1e-9
                    HU = hold_U[j][mine][c, 0]
                    u_gain += mu[j, c, 0] * (
                        war_U[0, j, c, 0] - war_U[1, j, c, 0]
                        if sigma[j]
                        else war_U[2, j, c, 0] - HU
                    )
                ok &= u_gain <= 1e-9 if qq == 0.0 else u_gain >= -1e-9
                exists |= ok
        if exists:
            assert pl.q[c, 0] in (0.0, 1.0), c


@pytest.mark.parametrize("horizon", [2, 4, 20])
def test_with_types_the_horizon_changes_nothing_once_power_is_constant(horizon):
    """From t = 1 power is constant; beyond the horizon the stationary game keeps every
    mask's belief, so the first years do not depend on where the horizon is."""
    ref = sim.run(_hawk_or_dove(0.2, horizon=30))
    res = sim.run(_hawk_or_dove(0.2, horizon=horizon))
    np.testing.assert_allclose(
        res.survival["survival"], ref.survival["survival"][: horizon + 1], atol=1e-12
    )
