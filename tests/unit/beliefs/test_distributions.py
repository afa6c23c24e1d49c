"""Tests for sim.beliefs.distributions: construction, canonical text, ppf, bounds, means."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from sim.beliefs import (
    U_CLIP,
    Beta,
    Choice,
    Distribution,
    DistributionError,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
)
from tests.unit.beliefs.helpers import (
    FAST,
    U_GRID,
    distributions,
)


def test_canonical_text() -> None:
    assert Uniform(0, 1).to_shorthand() == "uniform(0, 1)"
    assert Normal(0, 1, high=2.5).to_shorthand() == "normal(0, 1, high=2.5)"
    assert Beta(2, 3, low=1e-20).to_shorthand() == "beta(2, 3, low=1e-20)"
    assert Beta(2, 3).to_dict() == {"dist": "beta", "a": 2.0, "b": 3.0}
    assert Choice([1, 2]).to_shorthand() == "choice([1, 2])"
    assert Choice([1, 2], [1, 3]).to_dict() == {
        "dist": "choice",
        "values": [1.0, 2.0],
        "weights": [1.0, 3.0],
    }


def test_direct_construction_validates() -> None:
    with pytest.raises(DistributionError, match="low .* must be < high"):
        Uniform(1, 0)
    with pytest.raises(DistributionError, match="boolean"):
        Uniform(False, 1)
    with pytest.raises(DistributionError, match="must be finite"):
        Normal(0, math.inf)
    with pytest.raises(AttributeError):
        Uniform(0, 1).low = 3  # type: ignore[misc]


# ------------------------------------------------------------------------------- ppf

SCIPY_CASES = [
    (Uniform(-1, 3), stats.uniform(loc=-1, scale=4)),
    (Triangular(0, 0.3, 2), stats.triang(0.15, loc=0, scale=2)),
    (Triangular(0, 0, 1), stats.triang(0.0, loc=0, scale=1)),
    (Triangular(0, 1, 1), stats.triang(1.0, loc=0, scale=1)),
    (Normal(2, 0.5), stats.norm(2, 0.5)),
    (Normal(2, 0.5, low=1.5, high=3), stats.truncnorm(-1, 2, loc=2, scale=0.5)),
    (Normal(0, 1, low=0), stats.truncnorm(0, np.inf, loc=0, scale=1)),
    (Normal(0, 1, high=-1), stats.truncnorm(-np.inf, -1, loc=0, scale=1)),
    (Normal(0, 1, low=4), stats.truncnorm(4, np.inf, loc=0, scale=1)),
    (LogNormal(-1, 0.5), stats.lognorm(s=0.5, scale=math.exp(-1))),
    (Beta(2, 3), stats.beta(2, 3)),
    (Beta(0.5, 0.5, low=10, high=20), stats.beta(0.5, 0.5, loc=10, scale=10)),
]


@pytest.mark.parametrize(("dist", "ref"), SCIPY_CASES, ids=lambda x: str(x)[:40])
def test_ppf_matches_scipy(dist: Distribution, ref) -> None:
    u = U_GRID[1:-1]
    np.testing.assert_allclose(dist.ppf(u), ref.ppf(u), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dist.mean(), ref.mean(), rtol=1e-9)
    lo, hi = dist.bounds()
    ref_lo, ref_hi = ref.support()
    assert (lo, hi) == (ref_lo, ref_hi)


def test_choice_ppf_matches_scipy() -> None:
    d = Choice([3.0, 0.5, 1.5], [0.5, 0.2, 0.3])
    ref = stats.rv_discrete(values=([0.5, 1.5, 3.0], [0.2, 0.3, 0.5]))
    u = np.array([0.01, 0.1, 0.19, 0.21, 0.4, 0.49, 0.51, 0.9, 0.999])
    np.testing.assert_array_equal(d.ppf(u), ref.ppf(u))
    assert d.mean() == pytest.approx(ref.mean())
    assert d.bounds() == (0.5, 3.0)


def test_ppf_at_boundaries() -> None:
    assert Uniform(1, 2).ppf(np.array([0.0, 1.0])).tolist() == [1.0, 2.0]
    assert Beta(2, 2, low=1, high=2).ppf(np.array([0.0, 1.0])).tolist() == [1.0, 2.0]
    assert Normal(0, 1, low=-1, high=1).ppf(np.array([0.0, 1.0])).tolist() == [-1.0, 1.0]
    z = stats.norm.ppf(1 - U_CLIP)
    np.testing.assert_allclose(Normal(0, 1).ppf(np.array([0.0, 1.0])), [-z, z], rtol=1e-6)
    np.testing.assert_allclose(Normal(0, 1, low=0).ppf(np.array([0.0])), [0.0])


@FAST
@given(distributions(), st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_ppf_monotone_finite_and_inside_bounds(d: Distribution, us: list[float]) -> None:
    u = np.sort(np.concatenate([np.asarray(us), U_GRID]))
    x = d.ppf(u)
    assert x.dtype == np.float64 and x.shape == u.shape
    assert np.all(np.isfinite(x))
    assert np.all(x[1:] >= x[:-1])
    lo, hi = d.bounds()
    assert np.all((x >= lo) & (x <= hi))
    assert math.isfinite(d.mean())


@pytest.mark.parametrize(
    "dist",
    [
        Beta(2, 4),  # scipy's betaincinv gives nan at u = 1e-300
        Beta(0.019, 6.6),  # betaincinv underflow is not monotone
        Beta(2.2250738585e-313, 1.1e-308),
        Beta(1e4, 1e4),
        Normal(
            4.936378801564253e16,
            4.936378801564245e16,
            low=4.793373099328027e16,
            high=4.627553475744887e17,
        ),  # scipy's truncnorm.ppf gives nan at 1 - 1e-16
        Normal(9876822514186252.0, 2751594917664238.0, low=-1.0),  # loc + scale * a cancels
        Normal(0, 5.6e-216, low=0, high=1),  # standardised high overflows
        Triangular(-1.3407807929942597e154, 0, 0),  # u * width * (mode - low) overflows
        Choice([6.7e305, -1.79e308], [1, 1]),
    ],
    ids=str,
)
def test_ppf_edge_cases_found_by_fuzzing(dist: Distribution) -> None:
    rng = np.random.default_rng(0)
    u = np.sort(
        np.concatenate(
            [
                U_GRID,
                [1e-300, 1e-16, 1 - 1e-16],
                rng.random(2000),
                10 ** -rng.uniform(0, 15, 200),
                1 - 10 ** -rng.uniform(0, 15, 200),
            ]
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = dist.ppf(u)
    lo, hi = dist.bounds()
    assert np.all(np.isfinite(x)) and np.all(x[1:] >= x[:-1])
    assert np.all((x >= lo) & (x <= hi))
    assert lo <= dist.mean() <= hi


def test_ppf_keeps_shape_and_rejects_bad_u() -> None:
    d = Normal(0, 1)
    assert d.ppf(np.full((3, 4), 0.5)).shape == (3, 4)
    assert d.ppf(0.5).shape == ()
    for bad in ([-0.1], [1.1], [np.nan]):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            d.ppf(np.array(bad))


def test_truncated_normal_stays_inside() -> None:
    rng = np.random.default_rng(0)
    u = np.concatenate([rng.random(10_000), U_GRID])
    for d in (Normal(0, 1, low=-0.5, high=0.5), Normal(0, 1, low=4.5), Normal(5, 2, high=-3)):
        x = d.ppf(u)
        lo, hi = d.bounds()
        assert np.all((x >= lo) & (x <= hi)) and np.all(np.isfinite(x))


def test_truncation_mass_threshold() -> None:
    Normal(0, 1, low=4.7)  # ~1.3e-6 of the mass: allowed
    with pytest.raises(DistributionError, match="holds only"):
        Normal(0, 1, low=4.8)
    with pytest.raises(DistributionError, match="holds only"):
        Normal(0, 1, low=0.1, high=0.1 + 1e-7)


@pytest.mark.parametrize(
    ("values", "weights"),
    [
        ([1, 2, 3], None),
        ([1, 2, 3], [1, 2, 7]),
        ([5, 1, 9, 2], [0, 0.5, 0.25, 0.25]),
        ([1, 2, 3], [1, 1, 0]),
        ([0.3, 0.3, 0.9], [1, 1, 2]),
    ],
)
def test_choice_frequencies_match_weights(values: list, weights: list | None) -> None:
    d = Choice(values, weights)
    n = 100_000
    x = d.ppf((np.arange(n) + 0.5) / n)
    w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)
    p = w / w.sum()
    for v in set(values):
        expected = p[np.asarray(values) == v].sum()
        assert abs(np.mean(x == v) - expected) <= 2 / n
    x = d.ppf(np.random.default_rng(1).random(n))
    for v in set(values):
        expected = p[np.asarray(values) == v].sum()
        assert abs(np.mean(x == v) - expected) < 0.01


def test_choice_never_returns_zero_weight_values() -> None:
    d = Choice([1, 2, 3], [1, 1, 0])
    assert d.ppf(np.array([0.0, 0.4999, 0.5, 0.9999, 1.0])).tolist() == [1, 1, 2, 2, 2]
    assert d.bounds() == (1.0, 2.0)
    d = Choice([9, 1], [0, 1])
    assert d.ppf(np.array([0.0, 1.0])).tolist() == [1, 1]


def test_means() -> None:
    assert Uniform(0, 2).mean() == 1
    assert Triangular(0, 1, 2).mean() == pytest.approx(1)
    assert LogNormal(0, 1).mean() == pytest.approx(math.exp(0.5))
    assert Beta(2, 2, low=10, high=20).mean() == pytest.approx(15)
    assert Choice([0, 10], [3, 1]).mean() == pytest.approx(2.5)
    assert Normal(1, 2).mean() == 1
