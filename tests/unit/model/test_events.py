"""Events keep their hazards in war, in peace and beyond the horizon (closed forms)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import sim
from sim.model import Inputs, Params
from sim.montecarlo import RunOptions, sample_beliefs
from sim.scenario import parse_scenario_text
from tests.helpers import one_region

DELTA, H, LAM = 0.9, 0.2, 0.05


def _inputs(text: str) -> tuple[Inputs, object]:
    scn = parse_scenario_text(text, "<t>", default_name="t")
    opts = RunOptions(draws=1, seed=0, sampler="random", chunk_size=1, workers=1, method="batched",
                      selection="peaceful")  # fmt: skip
    return Inputs(Params.from_samples(scn, sample_beliefs(scn, opts, 0, 1), 1), scn.actor_ids), scn


def _sanctions(incident: float = LAM) -> str:
    """One region, A holds 0.6; an event (hazard H) makes a war cost A 0.5 a period."""
    text = one_region(share_a=0.6, delta=DELTA, incident=str(incident), horizon=3)
    return (
        text
        + f"events:\n  sanctions:\n    hazard: {H}\n    changes:\n      actors.a.war_flow: -0.5\n"
    )


def test_war_values_follow_the_event_chain():
    m, _ = _inputs(_sanctions())
    p = np.full((1, 2), 0.7)
    wa, _ = m.war_values(p)
    cost = 0.5
    after = [(1 - 0.5) / (1 - DELTA), -0.5 / (1 - DELTA)]  # A wins / B wins, sanctions on
    before = [
        (u + DELTA * H * a) / (1 - DELTA * (1 - H)) for u, a in zip((1.0, 0.0), after, strict=True)
    ]
    np.testing.assert_allclose(wa[0, 1], 0.7 * after[0] + 0.3 * after[1] - cost, rtol=1e-12)
    np.testing.assert_allclose(wa[0, 0], 0.7 * before[0] + 0.3 * before[1] - cost, rtol=1e-12)


def test_terms_kept_forever_follow_the_event_chain():
    m, _ = _inputs(_sanctions())
    p = np.full((1, 2), 0.5)
    w = m.war_values(p)
    perp = m.perpetual(0, w)
    x, W0, W1 = 0.6, w[0][0, 0], w[0][0, 1]
    want1 = (x + DELTA * LAM * W1) / (1 - DELTA * (1 - LAM))
    want0 = (x + DELTA * ((1 - LAM) * H * want1 + LAM * ((1 - H) * W0 + H * W1))) / (
        1 - DELTA * (1 - LAM) * (1 - H)
    )
    np.testing.assert_allclose(perp[0], [want0, want1], rtol=1e-12)


def test_without_events_the_values_are_the_familiar_ones():
    m, _ = _inputs(one_region(share_a=0.6, delta=DELTA, incident=str(LAM)))
    w = m.war_values(np.array([[0.4]]))
    np.testing.assert_allclose(w[0], 0.4 / (1 - DELTA) - 0.5, rtol=1e-13)
    np.testing.assert_allclose(
        m.perpetual(0, w), (0.6 + DELTA * LAM * w[0]) / (1 - DELTA * (1 - LAM)), rtol=1e-13
    )


def _turns_hostile(horizon: int) -> str:
    """Power never moves; an event (hazard 0.25) ruins A's peace (flow -3), so A attacks
    once it has happened. Everything is decided by events, none by the horizon."""
    data = yaml.safe_load(
        one_region(share_a=0.5, p_now=0.5, horizon=horizon, cost_a=1.0, cost_b=1.0)
    )
    data["events"] = {"ruin": {"hazard": 0.25, "changes": {"actors.a.flow": -3.0}}}
    return yaml.safe_dump(data)


@pytest.mark.parametrize("horizon", [1, 2, 5, 30])
def test_beyond_the_horizon_events_keep_their_hazards(horizon):
    """With power constant, the answer cannot depend on where the horizon is: the
    continuation beyond it is the stationary game over event states, not a world where
    events stop (which made the ceasefire look safer the shorter the horizon)."""
    ref = sim.run(parse_scenario_text(_turns_hostile(40), "<t>", default_name="t"), draws=1)
    res = sim.run(parse_scenario_text(_turns_hostile(horizon), "<t>", default_name="t"), draws=1)
    assert res.draws.iloc[0]["accepted"] == ref.draws.iloc[0]["accepted"]
    np.testing.assert_allclose(
        res.survival["survival"], ref.survival["survival"][: horizon + 1], rtol=1e-12, atol=1e-15
    )
    assert ref.summary["p_holds_end"]["estimate"] < 0.05  # the event does end the ceasefire


def test_events_are_anticipated_and_change_the_path():
    """An event that surely happens (hazard 1) and gives A overwhelming power: B
    foresees A's surge and is the declining side, a commitment problem at t = 0."""
    text = one_region(p_now=0.5, share_a=0.5, horizon=6, cost_a=0.5, cost_b=0.5)
    text += "events:\n  surge:\n    hazard: 1.0\n    changes:\n      actors.a.ceiling: 1000.0\n"
    res = sim.run(parse_scenario_text(text, "<t>", default_name="t"), draws=1)
    row = res.draws.iloc[0]
    assert row["event_period.surge"] == 1
    assert row["rejection_cause"] == "commitment"
    assert not row["accepted"]
