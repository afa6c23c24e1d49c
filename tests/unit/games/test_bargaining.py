"""Tests for sim.games.bargaining: closed forms, edges, properties, exact-vs-scipy checks."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from sim.games import (
    bargaining,
    fearon_range,
    kalai_smorodinsky,
    nash_bargaining,
    powell_war,
    rubinstein_split,
)

unit = st.floats(0.0, 1.0)
fast = settings(max_examples=100, deadline=None)


def quadratic_frontier(u):
    """u_b = 1 - u_a^2: decreasing and concave on [0, 1]."""
    return 1.0 - u * u


# ======================================================================================
# Fearon
# ======================================================================================
def test_fearon_interior_range():
    low, high = fearon_range(0.6, 0.1, 0.2)
    assert isinstance(low, float) and isinstance(high, float)
    assert_allclose((low, high), (0.5, 0.8), rtol=0, atol=1e-15)


def test_fearon_clips_at_zero_and_one():
    assert fearon_range(0.05, 0.2, 0.3) == pytest.approx((0.0, 0.35))
    assert fearon_range(0.9, 0.1, 0.3) == pytest.approx((0.8, 1.0))
    assert fearon_range(0.5, 2.0, 3.0) == (0.0, 1.0)  # costs above the stake: any split
    assert fearon_range(0.0, 0.4, 0.25) == (0.0, 0.25)
    assert fearon_range(1.0, 0.25, 0.4) == (0.75, 1.0)


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_fearon_zero_costs_is_the_single_point_p(p):
    assert fearon_range(p, 0.0, 0.0) == (p, p)


def test_fearon_is_vectorised_and_broadcasts():
    p = np.array([[0.0], [0.5], [0.95]])
    cost_a = np.array([0.1, 0.6])
    low, high = fearon_range(p, cost_a, 0.1)
    assert low.shape == high.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            assert (low[i, j], high[i, j]) == fearon_range(p[i, 0], cost_a[j], 0.1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1.2, 0.1, 0.1), "p .*must lie in"),
        ((-0.1, 0.1, 0.1), "p .*must lie in"),
        ((float("nan"), 0.1, 0.1), "p .*must lie in"),
        ((0.5, -0.1, 0.1), "cost_a must be a finite, non-negative"),
        ((0.5, 0.1, -1e-9), "cost_b must be a finite, non-negative"),
        ((0.5, math.inf, 0.1), "cost_a"),
        ((np.array([0.2, 1.5]), 0.1, 0.1), "got 1.5"),
    ],
)
def test_fearon_rejects_bad_inputs(args, message):
    with pytest.raises(ValueError, match=message):
        fearon_range(*args)


@fast
@given(p=unit, cost_a=st.floats(1e-6, 3.0), cost_b=st.floats(1e-6, 3.0), x=unit)
def test_fearon_range_contains_p_and_both_prefer_its_interior(p, cost_a, cost_b, x):
    low, high = fearon_range(p, cost_a, cost_b)
    assert 0.0 <= low <= p <= high <= 1.0
    if 0.0 < p < 1.0:
        assert low < p < high
    if low < x < high:  # A's peace share beats its war value, and B's too
        assert x > p - cost_a
        assert 1.0 - x > (1.0 - p) - cost_b


# ======================================================================================
# Rubinstein
# ======================================================================================
@pytest.mark.parametrize("delta", [0.0, 0.3, 0.5, 0.9, 0.99])
def test_rubinstein_equal_discounting_gives_one_over_one_plus_delta(delta):
    share_a, share_b = rubinstein_split(delta, delta)
    assert share_a == pytest.approx(1.0 / (1.0 + delta), rel=1e-14)
    assert share_b == pytest.approx(delta / (1.0 + delta), rel=1e-14)


def test_rubinstein_asymmetric_closed_form():
    assert rubinstein_split(0.9, 0.8) == pytest.approx((0.2 / 0.28, 0.08 / 0.28), rel=1e-14)


@pytest.mark.parametrize("delta_a", [0.0, 0.5, 0.99, 1.0])
def test_rubinstein_impatient_b_gives_a_everything(delta_a):
    assert rubinstein_split(delta_a, 0.0) == (1.0, 0.0)


def test_rubinstein_impatient_a_gets_one_minus_delta_b():
    assert rubinstein_split(0.0, 0.7) == pytest.approx((0.3, 0.7), rel=1e-14)


def test_rubinstein_limits_at_patience_one():
    assert rubinstein_split(1.0, 1.0) == (0.5, 0.5)
    assert rubinstein_split(0.5, 1.0) == (0.0, 1.0)
    assert rubinstein_split(1.0, 0.5) == (1.0, 0.0)
    share_a, _ = rubinstein_split(1 - 1e-12, 1 - 1e-12)
    assert share_a == pytest.approx(0.5, abs=1e-12)
    # unequal approach to 1: shares in proportion (1 - delta_b) : (1 - delta_a)
    share_a, share_b = rubinstein_split(1 - 1e-12, 1 - 2e-12)
    assert share_a == pytest.approx(2 / 3, rel=1e-3)
    assert share_a + share_b == pytest.approx(1.0, abs=1e-15)


def test_rubinstein_is_vectorised():
    share_a, share_b = rubinstein_split(np.array([0.5, 1.0, 0.9]), np.array([[0.5], [1.0]]))
    assert share_a.shape == (2, 3)
    assert share_a[1, 1] == 0.5
    assert share_a[0, 2] == pytest.approx(0.5 / 0.55)
    assert_allclose(share_a + share_b, 1.0, rtol=0, atol=1e-15)


@pytest.mark.parametrize("bad", [(1.01, 0.5), (0.5, -0.01), (float("nan"), 0.5)])
def test_rubinstein_rejects_discount_factors_outside_unit_interval(bad):
    with pytest.raises(ValueError, match="delta_. must lie in"):
        rubinstein_split(*bad)


@fast
@given(delta_a=st.floats(0.0, 0.999), delta_b=st.floats(0.0, 0.999))
def test_rubinstein_offer_leaves_the_responder_indifferent(delta_a, delta_b):
    # stationarity of the SPE: A offers x with 1 - x = delta_b * y_B, where B's own
    # offer y_B leaves A indifferent: 1 - y_B = delta_a * x
    x, rest = rubinstein_split(delta_a, delta_b)
    y_b = 1.0 - delta_a * x
    assert rest == pytest.approx(delta_b * y_b, abs=1e-12)
    assert x + rest == pytest.approx(1.0, abs=1e-14)


# ======================================================================================
# Nash
# ======================================================================================
def test_nash_symmetric_splits_the_surplus_in_half():
    u_a, u_b = nash_bargaining(0.2, 0.3)
    assert (u_a, u_b) == pytest.approx((0.45, 0.55), abs=1e-15)
    assert u_a - 0.2 == pytest.approx(u_b - 0.3, abs=1e-15)


@pytest.mark.parametrize("alpha", [0.0, 0.25, 0.7, 1.0])
def test_nash_asymmetric_linear_pie(alpha):
    u_a, u_b = nash_bargaining(0.2, 0.3, alpha=alpha)
    assert u_a == pytest.approx(0.2 + alpha * 0.5, abs=1e-15)
    assert u_b == pytest.approx(1.0 - u_a, abs=1e-15)


def test_nash_on_concave_frontier_matches_hand_derivation():
    # maximise u (1 - u^2): 1 - 3u^2 = 0
    u_a, u_b = nash_bargaining(0.0, 0.0, frontier=quadratic_frontier)
    assert u_a == pytest.approx(1 / math.sqrt(3), abs=1e-8)
    assert u_b == pytest.approx(2 / 3, abs=1e-8)
    # weights: alpha/u = (1 - alpha) 2u / (1 - u^2)  =>  u^2 = alpha / (2 - alpha)
    u_a, _ = nash_bargaining(0.0, 0.0, alpha=0.3, frontier=quadratic_frontier)
    assert u_a == pytest.approx(math.sqrt(0.3 / 1.7), abs=1e-8)
    # d = (0.2, 0.1): maximise (u - 0.2)(0.9 - u^2): 0.9 + 0.4u - 3u^2 = 0
    u_a, u_b = nash_bargaining(0.2, 0.1, frontier=quadratic_frontier)
    assert u_a == pytest.approx((0.4 + math.sqrt(0.16 + 10.8)) / 6, abs=1e-8)
    assert u_b == pytest.approx(1 - u_a**2, abs=1e-15)


def test_nash_scipy_path_reproduces_the_linear_closed_form():
    for d_a, d_b, alpha in [(0.2, 0.3, 0.5), (0.0, 0.6, 0.8), (0.1, -0.5, 0.5), (-1.0, 0.9, 0.5)]:
        closed = nash_bargaining(d_a, d_b, alpha)
        solved = nash_bargaining(d_a, d_b, alpha, frontier=lambda u: 1.0 - u)
        assert solved == pytest.approx(closed, abs=1e-7)


def test_nash_clips_to_the_pie_when_war_is_worse_than_nothing():
    # unconstrained formula would give u_a = -0.45; shares cannot be negative
    assert nash_bargaining(-1.0, 0.9) == (0.0, 1.0)


def test_nash_single_point_bargaining_set():
    assert nash_bargaining(0.4, 0.6) == pytest.approx((0.4, 0.6), abs=1e-15)
    assert nash_bargaining(0.5, 0.75, frontier=quadratic_frontier) == pytest.approx(
        (0.5, 0.75), abs=1e-12
    )


@pytest.mark.parametrize(
    ("d_a", "d_b", "frontier"),
    [
        (0.6, 0.5, None),
        (1.2, -3.0, None),
        (-3.0, 1.1, None),
        (0.8, 0.5, quadratic_frontier),
        (1.01, 0.0, quadratic_frontier),
    ],
)
def test_nash_empty_bargaining_set_raises(d_a, d_b, frontier):
    with pytest.raises(ValueError, match="bargaining set is empty"):
        nash_bargaining(d_a, d_b, frontier=frontier)


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan")])
def test_nash_rejects_bad_alpha(alpha):
    with pytest.raises(ValueError, match="alpha"):
        nash_bargaining(0.1, 0.1, alpha=alpha)


def test_nash_rejects_non_finite_disagreement_point():
    with pytest.raises(ValueError, match="d_a must be finite"):
        nash_bargaining(-math.inf, 0.1)


frontier_powers = st.floats(1.0, 4.0)


@fast
@given(
    d_a=st.floats(-0.5, 0.9),
    d_b=st.floats(-0.5, 0.9),
    alpha=st.floats(0.05, 0.95),
    k=frontier_powers,
)
def test_nash_is_pareto_efficient_individually_rational_and_optimal(d_a, d_b, alpha, k):
    def g(u):
        return 1.0 - u**k  # decreasing, concave for k >= 1

    assume(g(max(d_a, 0.0)) > d_b + 1e-6)  # a bargaining set with an interior
    u_a, u_b = nash_bargaining(d_a, d_b, alpha, frontier=g)
    assert 0.0 <= u_a <= 1.0
    assert u_b == pytest.approx(g(u_a), abs=1e-12)  # on the frontier: Pareto-efficient
    assert u_a >= d_a - 1e-9 and u_b >= d_b - 1e-9  # individually rational

    def log_product(u):
        return alpha * math.log(u - d_a) + (1 - alpha) * math.log(g(u) - d_b)

    best = log_product(u_a)
    for u in np.linspace(0.0, 1.0, 201):
        if u > d_a and g(u) > d_b:
            assert log_product(u) <= best + 1e-7


@fast
@given(d_a=st.floats(-1.0, 1.0), d_b=st.floats(-1.0, 1.0), alpha=unit)
def test_nash_linear_pie_is_pareto_efficient_and_individually_rational(d_a, d_b, alpha):
    assume(d_a <= 1.0 - d_b)
    u_a, u_b = nash_bargaining(d_a, d_b, alpha)
    assert 0.0 <= u_a <= 1.0
    assert u_a + u_b == pytest.approx(1.0, abs=1e-15)
    assert u_a >= d_a - 1e-12 and u_b >= d_b - 1e-12
    # the clip binds only when the formula leaves the pie
    formula = d_a + alpha * (1.0 - d_a - d_b)
    assert u_a == pytest.approx(min(max(formula, 0.0), 1.0), abs=1e-15)


# ======================================================================================
# Kalai-Smorodinsky
# ======================================================================================
def test_ks_linear_pie_hand_cases():
    assert kalai_smorodinsky(0.2, 0.3) == pytest.approx((0.45, 0.55), abs=1e-15)
    # d_a < 0: ideal point (0.8, 1), t = 1.3 / 2.1
    u_a, u_b = kalai_smorodinsky(-0.5, 0.2)
    assert u_a == pytest.approx(-0.5 + 1.3 * 1.3 / 2.1, abs=1e-14)
    assert u_b == pytest.approx(1.0 - u_a, abs=1e-15)
    assert kalai_smorodinsky(0.4, 0.6) == pytest.approx((0.4, 0.6), abs=1e-15)


def test_ks_on_concave_frontier_matches_hand_derivation():
    # d = 0: ideal (1, 1); u = 1 - u^2 gives the golden ratio conjugate
    golden = (math.sqrt(5) - 1) / 2
    assert kalai_smorodinsky(0.0, 0.0, frontier=quadratic_frontier) == pytest.approx(
        (golden, golden), abs=1e-12
    )
    # d = (0.2, 0.1): ideal (sqrt(0.9), 0.96); solve
    # 0.1 + 0.86 t = 1 - (0.2 + a t)^2, a = sqrt(0.9) - 0.2
    a = math.sqrt(0.9) - 0.2
    b = 0.4 * a + 0.86
    t = (-b + math.sqrt(b * b + 4 * a * a * 0.86)) / (2 * a * a)
    u_a, u_b = kalai_smorodinsky(0.2, 0.1, frontier=quadratic_frontier)
    assert u_a == pytest.approx(0.2 + a * t, abs=1e-12)
    assert u_b == pytest.approx(0.1 + 0.86 * t, abs=1e-12)


def test_ks_scipy_path_reproduces_the_linear_closed_form():
    for d in [(0.2, 0.3), (-0.5, 0.2), (0.1, -0.7), (0.0, 0.0)]:
        assert kalai_smorodinsky(*d, frontier=lambda u: 1.0 - u) == pytest.approx(
            kalai_smorodinsky(*d), abs=1e-12
        )


def test_ks_empty_bargaining_set_raises():
    with pytest.raises(ValueError, match="bargaining set is empty"):
        kalai_smorodinsky(0.7, 0.4)
    with pytest.raises(ValueError, match="bargaining set is empty"):
        kalai_smorodinsky(0.9, 0.3, frontier=quadratic_frontier)


@fast
@given(d_a=unit, d_b=unit)
def test_ks_equals_symmetric_nash_on_linear_pie_with_nonnegative_d(d_a, d_b):
    assume(d_a <= 1.0 - d_b)
    assert kalai_smorodinsky(d_a, d_b) == pytest.approx(nash_bargaining(d_a, d_b), abs=1e-12)


@fast
@given(d_a=st.floats(-0.5, 0.9), d_b=st.floats(-0.5, 0.9), k=frontier_powers)
def test_ks_point_lies_on_the_segment_to_the_ideal_point(d_a, d_b, k):
    def g(u):
        return 1.0 - u**k

    lo = max(d_a, 0.0)
    assume(g(lo) > d_b + 1e-6)
    ideal_a = 1.0 if g(1.0) >= d_b else (1.0 - d_b) ** (1.0 / k)
    ideal_b = g(lo)
    u_a, u_b = kalai_smorodinsky(d_a, d_b, frontier=g)
    assert u_b == pytest.approx(g(u_a), abs=1e-12)  # Pareto-efficient
    span_a, span_b = ideal_a - d_a, ideal_b - d_b
    t_a, t_b = (u_a - d_a) / span_a, (u_b - d_b) / span_b
    assert 0.0 <= t_a <= 1.0 + 1e-9
    assert t_a == pytest.approx(t_b, abs=1e-8)  # same fraction of each ideal gain


# ======================================================================================
# Powell
# ======================================================================================
def test_powell_hand_evaluated_boundary_for_declining_a():
    # delta = 1/2, c_A = 1/4, c_B = 1/2: war iff p_now - p_next / 2 > 3/4 (dyadic: exact)
    args = dict(delta=0.5, cost_a=0.25, cost_b=0.5)
    assert powell_war(1.0, 0.5, **args) is False  # equality: A indifferent, no war
    assert powell_war(1.0, 0.46875, **args) is True  # 0.765625 > 0.75
    assert powell_war(1.0, 0.53125, **args) is False  # 0.734375 < 0.75


def test_powell_hand_evaluated_boundary_for_declining_b():
    # B: (1 - p_now) - (1 - p_next)/2 > (1/2)(1 + 1/2 + 1/8) = 0.8125; p_now = 0
    args = dict(delta=0.5, cost_a=0.25, cost_b=0.5)
    assert powell_war(0.0, 0.625, **args) is False  # equality
    assert powell_war(0.0, 0.6875, **args) is True  # 0.84375
    assert powell_war(0.0, 0.5625, **args) is False  # 0.78125


def test_powell_grid_matches_the_war_value_form_and_scalar_calls():
    p_now, p_next, delta, c_a, c_b = np.meshgrid(
        np.linspace(0, 1, 11),
        np.linspace(0, 1, 11),
        [0.0, 0.5, 0.9, 0.97],
        [0.0, 0.05, 0.3],
        [0.0, 0.1],
        indexing="ij",
    )
    war = powell_war(p_now, p_next, delta, c_a, c_b)
    assert war.dtype == bool and war.shape == p_now.shape
    assert 0 < war.sum() < war.size  # the grid straddles the boundary
    # the model's form: war iff W_A(t) > 1 + delta (1/(1 - delta) - W_B(t+1)), or swapped
    w_a_now = p_now / (1 - delta) - c_a
    w_b_next = (1 - p_next) / (1 - delta) - c_b
    w_b_now = (1 - p_now) / (1 - delta) - c_b
    w_a_next = p_next / (1 - delta) - c_a
    margin_a = w_a_now - (1 + delta * (1 / (1 - delta) - w_b_next))
    margin_b = w_b_now - (1 + delta * (1 / (1 - delta) - w_a_next))
    clear = (np.abs(margin_a) > 1e-9) & (np.abs(margin_b) > 1e-9)
    expected = (margin_a > 0) | (margin_b > 0)
    assert np.array_equal(war[clear], expected[clear])
    for idx in [(10, 0, 2, 0, 0), (0, 10, 3, 1, 1), (5, 5, 1, 2, 0), (9, 2, 2, 1, 1)]:
        assert war[idx] == powell_war(p_now[idx], p_next[idx], delta[idx], c_a[idx], c_b[idx])
    # constant power or no patience: never war
    assert not war[np.isclose(p_now, p_next)].any()
    assert not war[delta == 0].any()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0.5, 0.5, 1.0, 0.1, 0.1), "delta must lie in"),
        ((0.5, 0.5, -0.1, 0.1, 0.1), "delta must lie in"),
        ((1.5, 0.5, 0.9, 0.1, 0.1), "p_now must lie in"),
        ((0.5, -0.5, 0.9, 0.1, 0.1), "p_next must lie in"),
        ((0.5, 0.5, 0.9, -0.1, 0.1), "cost_a"),
    ],
)
def test_powell_rejects_bad_inputs(args, message):
    with pytest.raises(ValueError, match=message):
        powell_war(*args)


def test_docstring_examples():
    assert doctest.testmod(bargaining).failed == 0
