"""Tests for sim.games.frontier: the batched region-split helpers against linprog, scipy
and the one-region closed forms."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import linprog

from sim.games import (
    frontier,
    max_a_given_floor_b,
    max_b_given_floor_a,
    nash_bargaining,
    nash_split_batch,
)


def random_regions(rng, n, n_regions, zeros=0.25, ties=0.2):
    """Region values with some zero entries and some tied ratios (unnormalised)."""
    v_a = rng.uniform(0, 1, (n, n_regions))
    v_b = rng.uniform(0, 1, (n, n_regions))
    v_a[rng.uniform(size=v_a.shape) < zeros] = 0.0
    v_b[rng.uniform(size=v_b.shape) < zeros] = 0.0
    if n_regions > 1:  # region 1 gets the same v_a/v_b ratio as region 0
        tie = rng.uniform(size=n) < ties
        scale = rng.uniform(0.2, 3.0, n)
        v_a[tie, 1] = v_a[tie, 0] * scale[tie]
        v_b[tie, 1] = v_b[tie, 0] * scale[tie]
    return v_a, v_b


def linprog_max_a(v_a, v_b, f_a, f_b, floor_b):
    """max sum h v_a + f_a  s.t.  sum h v_b <= sum v_b + f_b - floor_b, 0 <= h <= 1."""
    res = linprog(
        -v_a,
        A_ub=v_b[None, :],
        b_ub=[v_b.sum() + f_b - floor_b],
        bounds=[(0, 1)] * len(v_a),
        method="highs",
    )
    if res.status == 2:
        return -np.inf
    assert res.status == 0
    return -res.fun + f_a


@pytest.mark.parametrize("n_regions", [1, 2, 3, 6])
def test_max_a_given_floor_b_agrees_with_linprog(n_regions):
    rng = np.random.default_rng(1000 + n_regions)
    n = 150
    v_a, v_b = random_regions(rng, n, n_regions)
    f_a, f_b = rng.normal(0, 0.2, n), rng.normal(0, 0.2, n)
    floor_b = f_b + rng.uniform(-0.3, 1.1, n) * v_b.sum(axis=1)
    got = max_a_given_floor_b(v_a, v_b, f_a, f_b, floor_b)
    got_b = max_b_given_floor_a(v_b, v_a, f_b, f_a, floor_b)  # mirror image
    assert got.shape == (n,)
    n_infeasible = 0
    for i in range(n):
        slack = v_b[i].sum() + f_b[i] - floor_b[i]
        if abs(slack) < 1e-9:
            continue  # on the feasibility edge: rounding decides
        expected = linprog_max_a(v_a[i], v_b[i], f_a[i], f_b[i], floor_b[i])
        if np.isinf(expected):
            n_infeasible += 1
            assert got[i] == -np.inf
        else:
            assert got[i] == pytest.approx(expected, abs=1e-9)
        assert got_b[i] == got[i]
    assert 0 < n_infeasible < n  # both branches exercised


def test_max_a_given_floor_b_hand_cases():
    v_a, v_b = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5])
    floors = np.array([-np.inf, 0.0, 0.2, 0.5, 0.8, 1.0, 1.01, np.inf])
    got = max_a_given_floor_b(v_a, v_b, 0.0, 0.0, floors)
    # B gets region 3 (ratio 0.4) first, then region 2, then region 1
    assert_allclose(got, [1.0, 1.0, 0.92, 0.8, 0.5, 0.0, -np.inf, -np.inf], atol=1e-15)
    # a region only A values is never handed over; one nobody values changes nothing
    v_a, v_b = np.array([0.5, 0.5, 0.0]), np.array([0.0, 1.0, 0.0])
    assert max_a_given_floor_b(v_a, v_b, 0.1, 0.2, 1.2) == pytest.approx(0.6)
    assert max_b_given_floor_a(v_a, v_b, 0.1, 0.2, 0.6) == pytest.approx(1.2)
    assert max_b_given_floor_a(v_a, v_b, 0.1, 0.2, 0.6 + 1e-9) < 1.2
    # a floor met by the other flows alone: nothing is handed over, even for free
    assert max_a_given_floor_b([0.5], [0.0], 0.0, 0.3, 0.3) == 0.5
    assert max_a_given_floor_b([0.5, 0.0], [0.0, 0.0], 0.0, 0.3, [0.3, 0.2]).tolist() == [0.5, 0.5]


def test_max_a_given_floor_b_broadcasts_and_validates():
    v_a = np.array([[0.6, 0.4], [0.1, 0.9]])  # two draws
    got = max_a_given_floor_b(v_a, np.array([0.5, 0.5]), 0.0, 0.0, np.array([[0.5], [0.0]]))
    assert got.shape == (2, 2)
    assert_allclose(got, [[0.6, 0.9], [1.0, 1.0]])
    with pytest.raises(ValueError, match="v_b .*finite and >= 0"):
        max_a_given_floor_b([0.5, 0.5], [-0.1, 1.1], 0, 0, 0.5)
    with pytest.raises(ValueError, match="region axis"):
        max_a_given_floor_b(1.0, 1.0, 0, 0, 0.5)
    with pytest.raises(ValueError, match="NaN"):
        max_a_given_floor_b([1.0], [1.0], 0, 0, np.nan)


def test_nash_split_one_region_reduces_to_the_linear_pie():
    rng = np.random.default_rng(7)
    n = 300
    d_a, d_b = rng.uniform(-0.5, 0.8, n), rng.uniform(-0.5, 0.8, n)
    alpha = rng.uniform(0, 1, n)
    alpha[:5] = [0.0, 1.0, 0.5, 0.0, 1.0]
    u_a, u_b, share_a = nash_split_batch(
        d_a, d_b, np.ones((n, 1)), np.ones((n, 1)), 0.0, 0.0, alpha
    )
    n_empty = 0
    for i in range(n):
        try:
            expected = nash_bargaining(d_a[i], d_b[i], alpha[i])
        except ValueError:
            n_empty += 1
            assert np.isnan(u_a[i]) and np.isnan(u_b[i]) and np.isnan(share_a[i])
            continue
        assert (u_a[i], u_b[i]) == pytest.approx(expected, abs=1e-12)
        assert share_a[i] == pytest.approx(u_a[i], abs=1e-15)
    assert 0 < n_empty < n


def piecewise_linear_frontier(v_a, v_b):
    """u_b(u_a) on the region frontier (f = 0, positive values), by np.interp."""
    order = np.argsort(-v_a / v_b)
    x = np.concatenate([[0.0], np.cumsum(v_a[order])])
    y = v_b.sum() - np.concatenate([[0.0], np.cumsum(v_b[order])])
    return lambda u: float(np.interp(u, x, y))


@pytest.mark.parametrize("n_regions", [2, 3, 5])
def test_nash_split_matches_scipy_on_the_piecewise_linear_frontier(n_regions):
    rng = np.random.default_rng(20 + n_regions)
    n = 40
    v_a = rng.uniform(0.05, 1, (n, n_regions))
    v_b = rng.uniform(0.05, 1, (n, n_regions))
    v_a /= v_a.sum(axis=1, keepdims=True)
    v_b /= v_b.sum(axis=1, keepdims=True)
    d_a, d_b = rng.uniform(-0.2, 0.6, n), rng.uniform(-0.2, 0.6, n)
    alpha = rng.uniform(0.1, 0.9, n)
    u_a, u_b, share_a = nash_split_batch(d_a, d_b, v_a, v_b, 0.0, 0.0, alpha)
    n_solved = 0
    for i in range(n):
        g = piecewise_linear_frontier(v_a[i], v_b[i])
        try:
            expected = nash_bargaining(d_a[i], d_b[i], alpha[i], frontier=g)
        except ValueError:
            assert np.isnan(u_a[i])
            continue
        n_solved += 1
        assert (u_a[i], u_b[i]) == pytest.approx(expected, abs=1e-6)
        assert share_a[i] == pytest.approx(u_a[i], abs=1e-12)
    assert n_solved > n // 2


def test_nash_split_hand_cases():
    v_a, v_b = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.3, 0.5])
    # frontier (0,1) -> (0.5,0.8) -> (0.8,0.5) -> (1,0): the middle segment u_a + u_b = 1.3
    assert_allclose(nash_split_batch(0.0, 0.0, v_a, v_b, 0.0, 0.0), [0.65, 0.65, 0.65])
    # extra flows shift payoffs, not the split
    u_a, u_b, share_a = nash_split_batch(0.3, -0.1, v_a, v_b, 0.3, -0.1)
    assert_allclose([u_a, u_b, share_a], [0.95, 0.55, 0.65])
    # alpha = 1: A's best with B held to d_b = 0.5
    assert_allclose(nash_split_batch(0.0, 0.5, v_a, v_b, 0.0, 0.0, alpha=1.0), [0.8, 0.5, 0.8])


def test_nash_split_degenerate_sets_return_the_pareto_point():
    one = np.array([1.0])
    # d on the frontier of a single region: the set is the point itself
    assert_allclose(nash_split_batch(0.5, 0.5, one, one, 0.0, 0.0), [0.5, 0.5, 0.5])
    # region 1 only A values, region 2 only B: with d_b = 1 B must keep region 2, and
    # the set is the horizontal piece u_b = 1, u_a in [0.2, 0.5]; its Pareto end is 0.5
    v_a, v_b = np.array([0.5, 0.5]), np.array([0.0, 1.0])
    assert_allclose(nash_split_batch(0.2, 1.0, v_a, v_b, 0.0, 0.0), [0.5, 1.0, 0.5])
    # alpha = 0 still hands A the region B does not value
    assert_allclose(nash_split_batch(0.0, 0.0, v_a, v_b, 0.0, 0.0, alpha=0.0), [0.5, 1.0, 0.5])
    # nobody values anything: the only split gives d = f exactly
    zero = np.zeros(2)
    assert_allclose(nash_split_batch(0.1, 0.2, zero, zero, 0.1, 0.2), [0.1, 0.2, 0.0])
    assert np.isnan(nash_split_batch(0.1, 0.2 + 1e-9, zero, zero, 0.1, 0.2)).all()


def test_nash_split_validates():
    one = np.array([1.0])
    with pytest.raises(ValueError, match="alpha"):
        nash_split_batch(0.0, 0.0, one, one, 0.0, 0.0, alpha=1.2)
    with pytest.raises(ValueError, match="d_a must be finite"):
        nash_split_batch(np.nan, 0.0, one, one, 0.0, 0.0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_regions=st.integers(1, 5), alpha=st.floats(0.05, 0.95))
def test_nash_split_is_pareto_efficient_individually_rational_and_optimal(seed, n_regions, alpha):
    rng = np.random.default_rng(seed)
    n = 20
    v_a, v_b = random_regions(rng, n, n_regions)
    f_a, f_b = rng.normal(0, 0.1, n), rng.normal(0, 0.1, n)
    d_a = f_a + rng.uniform(-0.3, 0.7, n) * v_a.sum(axis=1)
    d_b = f_b + rng.uniform(-0.3, 0.7, n) * v_b.sum(axis=1)
    u_a, u_b, share_a = nash_split_batch(d_a, d_b, v_a, v_b, f_a, f_b, alpha)
    ok = ~np.isnan(u_a)
    # NaN exactly where no split gives both their disagreement payoff
    ideal_a = max_a_given_floor_b(v_a, v_b, f_a, f_b, d_b)
    assert np.array_equal(ok, ideal_a >= d_a)
    assert_allclose(share_a[ok], (u_a - f_a)[ok], atol=1e-12)
    assert (share_a[ok] >= -1e-12).all() and (share_a[ok] <= v_a.sum(axis=1)[ok] + 1e-12).all()
    # individually rational and Pareto-efficient
    assert (u_a[ok] >= d_a[ok] - 1e-12).all() and (u_b[ok] >= d_b[ok] - 1e-12).all()
    floor_a, floor_b = np.where(ok, u_a - 1e-12, -np.inf), np.where(ok, u_b - 1e-12, -np.inf)
    # (the 1e-12 slack on one side moves the other by up to the frontier's steepest slope)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope_ab = np.max(np.where(v_b > 0, v_a / v_b, 0.0), axis=1)  # A's gain per unit of B
        slope_ba = np.max(np.where(v_a > 0, v_b / v_a, 0.0), axis=1)
    got_b = max_b_given_floor_a(v_a, v_b, f_a, f_b, floor_a)
    got_a = max_a_given_floor_b(v_a, v_b, f_a, f_b, floor_b)
    assert (np.abs(got_b - u_b)[ok] <= (1e-9 + 2e-12 * slope_ba)[ok]).all()
    assert (np.abs(got_a - u_a)[ok] <= (1e-9 + 2e-12 * slope_ab)[ok]).all()
    # no random split has a larger Nash product
    h = rng.uniform(0, 1, (200, n, n_regions))
    h[:50] = np.round(h[:50])  # vertices too
    x_a = (h * v_a).sum(axis=-1) + f_a
    x_b = ((1 - h) * v_b).sum(axis=-1) + f_b
    gain_a, gain_b = x_a - d_a, x_b - d_b
    rational = (gain_a > 0) & (gain_b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        product = np.where(rational, alpha * np.log(gain_a) + (1 - alpha) * np.log(gain_b), -np.inf)
        best = alpha * np.log(u_a - d_a) + (1 - alpha) * np.log(u_b - d_b)
    beaten = rational & ok & (product > best + 1e-9)
    assert not beaten.any()


def test_docstring_examples():
    assert doctest.testmod(frontier).failed == 0
