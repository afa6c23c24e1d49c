"""Powell's condition when the split itself moves power, against a brute-force search."""

from __future__ import annotations

import numpy as np
import yaml
from scipy.special import expit

from sim.model import Inputs, Params, commitment_flags
from sim.model.causes import Frontier
from sim.model.splits import SplitWars
from sim.montecarlo import RunOptions, sample_beliefs
from sim.scenario import parse_scenario_text
from tests.helpers import one_region

DRAWS = 300


def _inputs(effect: str):
    """One region valued alike; whoever holds it is stronger in war (power effect) and
    rebuilds toward a higher ceiling; beliefs drawn so that some draws sit near the line."""
    data = yaml.safe_load(one_region(share_a=0.5, horizon=4, draws=DRAWS))
    data["actors"]["a"].update(
        capacity="uniform(0.5, 2.0)",
        ceiling="uniform(0.5, 2.5)",
        rebuild_rate="uniform(0.1, 0.6)",
        war_cost="uniform(0.05, 1.5)",
    )
    data["actors"]["b"].update(war_cost="uniform(0.05, 1.5)")
    data["regions"]["stake"]["effects"] = {"power": effect, "ceiling": "uniform(0, 0.5)"}
    data["war"]["first_strike"] = "uniform(0, 0.3)"
    data["war"]["incident_hazard"] = "uniform(0, 0.05)"
    scn = parse_scenario_text(yaml.safe_dump(data), "<t>", default_name="t")
    opts = RunOptions(draws=DRAWS, seed=3, sampler="random", chunk_size=DRAWS, workers=1,
                      method="batched", selection="peaceful")  # fmt: skip
    return Inputs(
        Params.from_samples(scn, sample_beliefs(scn, opts, 0, DRAWS), DRAWS), scn.actor_ids
    )


def _brute_force(m: Inputs, t: int, side: int, grid: int = 4001) -> np.ndarray:
    """Is there no share h of the region for ``side`` that keeps both from attacking?

    Every split on a fine grid, each with the other side's war values next period at the
    power that split gives each holder (capacity moving one period toward the split's
    ceiling, the split's war bonus), written out from the model's definitions."""
    other = 1 - side
    h = np.linspace(0.0, 1.0, grid)[None, :]  # side's share of the region
    held = {side: h, other: 1.0 - h}
    d, lam = m.delta[other][:, 0, None], m.lam[:, 0, None]
    d_me = m.delta[side][:, 0, None]
    strength = {}
    for i in (0, 1):
        k_t = np.exp(m.log_capacity(i, t)[:, 0, None])
        kmax = m.ceiling[i][:, 0, None] * (1.0 + held[i] * m.eff[i]["ceiling"][:, 0])
        g = np.clip(m.rate[i][:, 0, None] + held[i] * m.eff[i]["growth"][:, 0], 0, 1)
        k_next = k_t + g * (kmax - k_t)
        strength[i] = np.log(k_next) + np.log(1.0 + held[i] * m.eff[i]["power"][:, 0])
    diff = strength[0] - strength[1]
    gamma, log_fs = m.gamma[:, 0, None], m.log_fs[:, 0, None]

    def war(i, p):
        return (
            p * m.Ubar[i][0][:, 0, None]
            + (1 - p) * m.Ubar[i][1][:, 0, None]
            - m.cost[i][:, 0, None]
        )

    p_first_other = expit(gamma * (diff + (log_fs if other == 0 else -log_fs)))
    p_neutral = expit(gamma * diff)
    wf_other, winc_other, winc_me = (
        war(other, p_first_other),
        war(other, p_neutral),
        war(side, p_neutral),
    )
    floor = wf_other * (1 - d * (1 - lam)) - d * lam * winc_other
    flow_other = held[other] * m.v[other][:, 0, 0, None] + m.flow[other][:, 0, None]
    flow_me = held[side] * m.v[side][:, 0, 0, None] + m.flow[side][:, 0, None]
    ok = flow_other >= floor
    cont = (flow_me + d_me * lam * winc_me) / (1 - d_me * (1 - lam))
    most = (
        m.v[side][:, 0, 0, None]
        + m.flow[side][:, 0, None]
        + d_me * ((1 - lam) * cont + lam * winc_me)
    )
    best = np.where(ok, most, -np.inf).max(axis=1)
    d_now = (m.log_capacity(0, t)[:, 0] + m.log_bonus[0][:, 0]) - (
        m.log_capacity(1, t)[:, 0] + m.log_bonus[1][:, 0]
    )
    p_now = expit(gamma[:, 0] * (d_now + (log_fs[:, 0] if side == 0 else -log_fs[:, 0])))
    w_now = war(side, p_now[:, None])[:, 0]
    return w_now > best + 1e-9 * np.maximum(1, np.abs(best))


def _model_flags(m: Inputs, t: int):
    w_now = [m.war_values(m.win_probs(t)[1])[0], m.war_values(m.win_probs(t)[2])[1]]
    frontiers = (Frontier(m.v[0], m.v[1]), Frontier(m.v[1], m.v[0]))
    # next-period war values at the terms, in the (only) state: t+1's first-strike and
    # neutral wars at the capacities the terms give
    pN1, pA1, pB1 = m.win_probs(t + 1)
    wf_a, wf_b = m.war_values(pA1)[0], m.war_values(pB1)[1]
    winc = m.war_values(pN1)
    return commitment_flags(
        frontiers, w_now[0], w_now[1], wf_a, wf_b, winc[0], winc[1], m.flow[0], m.flow[1],
        m.delta[0], m.delta[1], m.lam, splits=SplitWars(m, t),
    )  # fmt: skip


def test_the_search_over_splits_equals_brute_force_in_one_region():
    """In one region every split lies on the frontier, so the test with power moving
    with the split must agree with trying every split on a fine grid (up to the grid)."""
    m = _inputs("uniform(0, 0.8)")
    for t in (0, 2):
        ca, cb = _model_flags(m, t)
        for side, flags in ((0, ca[:, 0]), (1, cb[:, 0])):
            want = _brute_force(m, t, side)
            assert (flags != want).sum() <= 2, (t, side, np.flatnonzero(flags != want))
            assert want.any() and not want.all()  # the draws cover both answers


def test_power_moving_with_the_split_can_create_a_commitment_problem():
    """With the war bonus of the region ignored in the counterfactual, some draws look as
    if a bargain existed; counting it (the bonus goes to whoever the split gives the
    region) removes that bargain in some draws and creates none that the brute force
    does not see."""
    m = _inputs("uniform(0.4, 0.8)")
    ca, cb = _model_flags(m, 0)
    frontiers = (Frontier(m.v[0], m.v[1]), Frontier(m.v[1], m.v[0]))
    pN1, pA1, pB1 = m.win_probs(1)
    plain = commitment_flags(
        frontiers, m.war_values(m.win_probs(0)[1])[0], m.war_values(m.win_probs(0)[2])[1],
        m.war_values(pA1)[0], m.war_values(pB1)[1], m.war_values(pN1)[0], m.war_values(pN1)[1],
        m.flow[0], m.flow[1], m.delta[0], m.delta[1], m.lam,
    )  # fmt: skip
    moved = (ca != plain[0]) | (cb != plain[1])
    assert moved.any()
