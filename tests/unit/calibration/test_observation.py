"""The probability of an observation from a chunk's arrays: each form by hand, the table
against scipy's multinomial, and the mixture over types."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from scipy.stats import multinomial

from sim.calibration.observation import (
    Observation,
    log_probability,
    table_counts,
    table_log_probability,
    type_shares,
)
from sim.model import ChunkOutput, Params, solve_chunk
from sim.montecarlo import RunOptions, sample_beliefs
from sim.scenario import parse_scenario_text
from tests.unit.calibration.helpers import incident_case, scenario
from tests.unit.model.test_private import _hawk_or_dove

T = 4


def _output(survival, a, b, both, incident) -> ChunkOutput:
    """A ChunkOutput with the given survival and breakdowns (the rest zeros)."""
    n = len(survival)
    z = np.zeros(n)
    return ChunkOutput(
        accepted=survival[:, 0], rejected_by=z.astype(np.int8), reject_cause=z.astype(np.int8),
        survival=np.asarray(survival, float), p_a_only=np.asarray(a, float),
        p_b_only=np.asarray(b, float), p_both=np.asarray(both, float),
        p_incident=np.asarray(incident, float), cause=np.zeros((n, T), np.int8), p0=z,
        fearon_low=z, fearon_high=z, nash_share_a=z, terms_share_a=z,
        event_period=np.zeros((n, 0)),
    )  # fmt: skip


def _two_draws() -> ChunkOutput:
    """Draw 0: agreed (0.8), A breaks in period 1 with 0.5, incidents 0.1 a period. Draw 1:
    refused."""
    a = np.array([[0.0, 0.5, 0.0, 0.0], [0.0] * 4])
    inc = np.array([[0.1] * 4, [0.0] * 4])
    h = a + inc
    s0 = np.array([0.8, 0.0])
    surv = np.empty((2, T + 1))
    surv[:, 0] = s0
    surv[:, 1:] = s0[:, None] * np.cumprod(1 - h, axis=1)
    return _output(surv, a, np.zeros((2, T)), np.zeros((2, T)), inc)


def _obs(horizon: int = T, **block) -> Observation:
    return Observation.of(scenario(incident_case(horizon=horizon, observed=block)))


def test_each_observation_by_hand():
    out = _two_draws()
    S = out.survival[0]  # 0.8, 0.72, 0.288, 0.2592, 0.23328
    cases = [
        ({"accepted": True}, [0.8, 0.0]),
        ({"accepted": False}, [0.2, 1.0]),
        ({"held_at_least_years": 2}, [S[2], 0.0]),
        ({"broke_after_years": 1.5}, [S[1] - S[2], 0.0]),
        ({"broke_after_years": 1.0, "broken_by": "a"}, [S[1] * 0.5, 0.0]),
        ({"broke_after_years": 1.0, "broken_by": "incident"}, [S[1] * 0.1, 0.0]),
        ({"broke_after_years": 0.0, "broken_by": "b"}, [0.0, 0.0]),
        ({"broke_after_years": 0, "broke_before_years": 3}, [S[0] - S[3], 0.0]),
        ({"broke_after_years": 0, "broke_before_years": 3, "broken_by": "incident"},
         [0.1 * (S[0] + S[1] + S[2]), 0.0]),
    ]  # fmt: skip
    for block, expected in cases:
        got = np.exp(log_probability(_obs(**block), out))
        assert got == pytest.approx(expected, abs=1e-12), block
    assert S[2] == pytest.approx(0.8 * 0.9 * 0.4)


def test_a_table_is_the_multinomial_of_the_agreed_draws():
    out = _two_draws()
    obs = _obs(survival={1: 0.75, 2: 0.5, 4: 0.25}, cases=8)
    assert table_counts(obs) == pytest.approx([2, 2, 2, 2])
    S = out.survival[0] / out.survival[0, 0]
    q = [1 - S[1], S[1] - S[2], S[2] - S[4], S[4]]
    want = multinomial.logpmf([2, 2, 2, 2], n=8, p=q)
    got = log_probability(obs, out)
    assert got[0] == pytest.approx(want, rel=1e-12)
    assert got[1] == -np.inf  # never agreed: the class's ceasefires were
    assert table_log_probability(obs, out.survival)[0] == pytest.approx(want, rel=1e-12)


def test_observations_of_a_solved_chunk_match_the_runs_figures():
    """On the incident-only case, S(t) = (1 - λ)^t and P(held 5 years) is its value."""
    scn = scenario(incident_case(horizon=6))
    opts = RunOptions(draws=50, seed=3, sampler="lhs", chunk_size=50, workers=1,
                      method="batched", selection="peaceful")  # fmt: skip
    samples = sample_beliefs(scn, opts, 0, 50)
    out = solve_chunk(scn, Params.from_samples(scn, samples, 50), np.zeros((50, 0)))
    lam = samples["war.incident_hazard"]
    held = _obs(6, held_at_least_years=5)
    assert np.exp(log_probability(held, out)) == pytest.approx((1 - lam) ** 5, rel=1e-9)
    broke = _obs(6, broke_after_years=2, broken_by="incident")
    want = (1 - lam) ** 2 * lam
    assert np.exp(log_probability(broke, out)) == pytest.approx(want, rel=1e-9)


@pytest.mark.parametrize("mu", [0.1, 0.25])
def test_with_types_the_probability_is_the_mixture_and_names_the_type(mu):
    """The hawk attacks at t = 1 once strong; the dove never does (tests/unit/model)."""
    scn = _hawk_or_dove(mu, horizon=4)
    data = yaml.safe_load(yaml.safe_dump(scn.model_dump(mode="json")))
    data["observed"] = {"broke_after_years": 1, "broken_by": "a"}
    scn = parse_scenario_text(yaml.safe_dump(data), "<t>", default_name="t")
    opts = RunOptions(draws=1, seed=0, sampler="random", chunk_size=1, workers=1,
                      method="batched", selection="peaceful")  # fmt: skip
    out = solve_chunk(scn, Params.from_samples(scn, sample_beliefs(scn, opts, 0, 1), 1),
                      np.zeros((1, 0)))  # fmt: skip
    obs = Observation.of(scn)
    logp = log_probability(obs, out)
    ty = out.types
    per_type = ty.survival[0, :, 1] * ty.p_a_only[0, :, 1]
    assert np.exp(logp[0]) == pytest.approx(float(ty.prior[0] @ per_type), rel=1e-12)
    assert np.exp(logp[0]) > 0
    shares = type_shares(obs, out, logp)
    assert shares[0].sum() == pytest.approx(1.0)
    assert shares[0, list(ty.ids).index("hawk")] == pytest.approx(1.0)  # only a hawk does it
    held = Observation.of(parse_scenario_text(yaml.safe_dump({**data, "observed": {
        "held_at_least_years": 3}}), "<t>", default_name="t"))  # fmt: skip
    dove = type_shares(held, out, log_probability(held, out))[0, list(ty.ids).index("dove")]
    assert dove == pytest.approx(1.0)  # three quiet years: a dove
