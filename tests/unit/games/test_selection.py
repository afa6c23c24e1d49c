"""Tests for sim.games.selection: select_2x2 (the hot path) and select_from_list.

Hand-derived selections for textbook games; hypothesis properties (the selection is one
of the game's extreme equilibria); agreement of the fast closed form with the list path
on thousands of games, model-like families included.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.games import (
    RULES,
    all_equilibria,
    is_equilibrium,
    select_2x2,
    select_2x2_nashpy,
    select_from_list,
    selection,
    solve_batch,
)
from tests.unit.games.exact import contains
from tests.unit.games.examples import (
    BOS,
    CHICKEN,
    PROPS,
    STAG,
    STAG_STRONG,
    TEXTBOOK,
    ZERO,
    games,
    random_2x2,
)

# ------------------------------------------------------------- textbook games


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_textbook_selection(name, rule):
    (A, B), _, selections = TEXTBOOK[name]
    want = selections[rule]
    x, y = select_2x2(A, B, rule)
    assert (float(x), float(y)) == pytest.approx(want, abs=1e-12)
    r, c = select_from_list(A, B, all_equilibria(A, B), rule)
    assert (r[1], c[1]) == pytest.approx(want, abs=1e-12)
    xn, yn = select_2x2_nashpy(A, B, rule)
    assert (float(xn), float(yn)) == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize("rule", RULES)
def test_without_a_pure_equilibrium_the_mixed_one_is_the_indifference_point(rule):
    A, B = [[2.0, -1.0], [-1.0, 1.0]], [[-1.0, 1.0], [3.0, -1.0]]  # an uneven matching pennies
    x, y = select_2x2(A, B, rule)
    row, col = np.array([1 - x, x]), np.array([1 - y, y])
    Ay, xB = np.asarray(A, float) @ col, row @ np.asarray(B, float)
    assert Ay[0] == pytest.approx(Ay[1]) and xB[0] == pytest.approx(xB[1])


# ------------------------------------------------------------ hypothesis properties


@PROPS
@given(games(shapes=((2, 2),), batch=4), st.sampled_from(RULES))
def test_select_2x2_returns_equilibria(game, rule):
    A, B = game
    x, y = select_2x2(A, B, rule)
    assert x.shape == y.shape == (4,)
    assert np.all((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1))
    for g in range(4):
        row, col = np.array([1 - x[g], x[g]]), np.array([1 - y[g], y[g]])
        assert is_equilibrium(A[g], B[g], row, col)
        eqs = all_equilibria(A[g], B[g])
        # the selection is one of the game's extreme equilibria ...
        assert contains(eqs, (row, col))
        # ... and the same one select_from_list picks from the list
        r, c = select_from_list(A[g], B[g], eqs, rule)
        assert is_equilibrium(A[g], B[g], r, c)
        assert (x[g], y[g]) == pytest.approx((r[1], c[1]), abs=1e-9)


@PROPS
@given(games(), st.sampled_from(RULES))
def test_select_from_list_returns_listed_equilibrium(game, rule):
    A, B = game
    eqs = all_equilibria(A, B)
    r, c = select_from_list(A, B, eqs, rule)
    assert is_equilibrium(A, B, r, c)
    assert contains(eqs, (r, c))


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, (5, 2, 2), elements=st.floats(-1e300, 1e300)),
    arrays(np.float64, (5, 2, 2), elements=st.floats(-1e300, 1e300)),
    st.sampled_from(RULES),
)
def test_select_2x2_extreme_magnitudes_never_nan(A, B, rule):
    # the pytest config turns RuntimeWarnings from sim.* (overflow, 0/0) into errors
    x, y = select_2x2(A, B, rule)
    assert np.isfinite(x).all() and np.isfinite(y).all()
    for g in range(5):
        assert is_equilibrium(A[g], B[g], [1 - x[g], x[g]], [1 - y[g], y[g]])


@pytest.mark.xfail(
    strict=True,
    reason="known, pre-existing: a payoff tie within REL_TOL can put a vertex 5e-10 from a "
    "pure profile, beyond PROB_TOL, so the list path sees fewer pure equilibria than the "
    "closed form (found by test_select_2x2_returns_equilibria; behaviour kept in the split)",
)
def test_tolerance_edge_where_the_two_paths_disagree():
    A, B = np.array([[1e-9, 1e-9], [2.0, 0.0]]), np.zeros((2, 2))
    x, y = select_2x2(A, B, "peaceful")
    r, c = select_from_list(A, B, all_equilibria(A, B), "peaceful")
    assert (float(x), float(y)) == pytest.approx((r[1], c[1]), abs=1e-9)


# ------------------------------------------------------- fast path vs list path


def test_select_2x2_agrees_with_select_from_list_on_thousands():
    rng = np.random.default_rng(12)
    A, B = random_2x2(rng, 3000)
    A3 = rng.integers(0, 2, (600, 2, 2)).astype(float)  # very degenerate
    B3 = rng.integers(0, 2, (600, 2, 2)).astype(float)
    A, B = np.concatenate([A, A3]), np.concatenate([B, B3])
    batch = solve_batch(A, B)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        for g in range(len(A)):
            r, c = select_from_list(A[g], B[g], batch.for_game(g), rule)
            assert abs(x[g] - r[1]) <= 1e-9 and abs(y[g] - c[1]) <= 1e-9, (rule, A[g], B[g])
            if r[1] in (0.0, 1.0) and c[1] in (0.0, 1.0):
                assert x[g] in (0.0, 1.0) and y[g] in (0.0, 1.0)  # exact pure values


@pytest.mark.parametrize(
    "base", [STAG, CHICKEN, BOS, STAG_STRONG], ids=["stag", "chicken", "bos", "stag_strong"]
)
def test_select_2x2_on_model_like_families(base):
    """Perturbed stag hunts / chicken games (the simulator's typical stage games).

    Most have two pure equilibria, the case select_2x2 resolves on its direct
    coordination/chicken path; ties are produced by rounding the perturbations.
    """
    rng = np.random.default_rng(41)
    A0, B0 = np.array(base[0], float), np.array(base[1], float)
    noise = rng.normal(scale=1.0, size=(2, 700, 2, 2))
    A = A0 + noise[0]
    B = B0 + noise[1]
    A[:250], B[:250] = np.round(A[:250]), np.round(B[:250])  # integer ties
    batch = solve_batch(A, B)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        for g in range(len(A)):
            r, c = select_from_list(A[g], B[g], batch.for_game(g), rule)
            assert (x[g], y[g]) == (r[1], c[1]) or (
                abs(x[g] - r[1]) <= 1e-12 and abs(y[g] - c[1]) <= 1e-12
            ), (rule, A[g].tolist(), B[g].tolist())


# ----------------------------------------------------------- API and structure


def test_select_2x2_batch_shapes_and_exact_values():
    rng = np.random.default_rng(31)
    A = rng.integers(-3, 4, (7, 5, 2, 2)).astype(float)
    B = rng.integers(-3, 4, (7, 5, 2, 2)).astype(float)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        assert x.shape == y.shape == (7, 5) and x.dtype == np.float64
        flat = select_2x2(A.reshape(-1, 2, 2), B.reshape(-1, 2, 2), rule)
        np.testing.assert_array_equal(x.ravel(), flat[0])
        np.testing.assert_array_equal(y.ravel(), flat[1])
        for idx in [(0, 0), (3, 4), (6, 2)]:
            xi, yi = select_2x2(A[idx], B[idx], rule)
            assert xi.shape == () and (float(xi), float(yi)) == (x[idx], y[idx])
    x, y = select_2x2(np.zeros((0, 2, 2)), np.zeros((0, 2, 2)))
    assert x.shape == y.shape == (0,)


def test_input_validation():
    with pytest.raises(ValueError, match="rule"):
        select_2x2(STAG[0], STAG[1], "nice")
    with pytest.raises(ValueError, match="finite"):
        select_2x2([[np.nan, 0], [0, 0]], ZERO[1])
    with pytest.raises(ValueError, match="shape"):
        select_2x2(np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="empty"):
        select_from_list(STAG[0], STAG[1], [], "peaceful")
    with pytest.raises(ValueError, match="precision"):
        select_2x2(STAG[0], STAG[1], "qre")


def test_docstring_examples():
    assert doctest.testmod(selection).failed == 0
