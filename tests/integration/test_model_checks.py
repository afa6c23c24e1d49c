"""Checks of the model on the shipped scenarios: effects have the right sign, the horizon
is far enough, and breakdowns are put down to the causes the literature would name."""

from __future__ import annotations

import pytest

import sim
from tests.helpers import ROOT

SCENARIOS = ROOT / "scenarios"


def _summary(name: str, draws: int, **overrides):
    return sim.run(SCENARIOS / f"{name}.yaml", draws=draws, overrides=overrides or None).summary


@pytest.mark.slow
def test_a_likelier_turn_to_limited_aims_never_shortens_minsk():
    """Raising the hazard that Russia's leadership turns to limited aims from 0 to 0.1 a
    quarter must not lower P(holds 10 y | accepted). With values renormalised in every
    event state it fell from 80% to 69% (3,000 draws)."""
    never = _summary("minsk_2015", 3000, **{"events.leadership_change.hazard": 0.0})
    often = _summary("minsk_2015", 3000, **{"events.leadership_change.hazard": 0.1})
    assert often["p_holds_if_accepted"]["10y"] >= never["p_holds_if_accepted"]["10y"]


@pytest.mark.slow
def test_the_flagship_horizon_is_far_enough():
    """At the shipped horizon the flagship's acceptance and 10-year figure are within 0.5
    percentage points of a horizon twice as long (the same draws). Beyond the horizon
    events keep their hazards; only power is frozen. At 48 quarters the gap is about
    1 point, which is why the shipped horizon is 80 (benchmarks/horizon.py)."""
    scn = sim.load_scenario(SCENARIOS / "freeze_lines.yaml")
    shipped = _summary("freeze_lines", 2000)
    longer = _summary("freeze_lines", 2000, horizon=160)
    assert scn.horizon <= 80
    for a, b in ((shipped["p_accepted"], longer["p_accepted"]),
                 (shipped["p_holds"]["10y"], longer["p_holds"]["10y"])):  # fmt: skip
        assert abs(a["estimate"] - b["estimate"]) <= 0.005


@pytest.mark.slow
def test_the_flagships_deliberate_breakdowns_are_mostly_shifts_or_commitment():
    """Terms accepted at signing and broken after power or aims moved are `shift` (or
    `commitment` when no split at all could hold), not `terms`."""
    causes = _summary("freeze_lines", 2000)["breakdown_by_cause"]
    deliberate = 1.0 - causes["incident"]
    assert deliberate > 0.2
    assert (causes["shift"] + causes["commitment"]) / deliberate > 0.5
