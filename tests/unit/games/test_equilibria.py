"""Tests for sim.games.equilibria: all_equilibria, is_equilibrium, best_response_gap,
is_degenerate.

Layers: hand-derived answers for textbook games; hypothesis properties (everything
returned is a Nash equilibrium); equality with exact rational enumerations
(``tests/unit/games/exact.py``) on generic, degenerate and rectangular games.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given

from sim.games import (
    all_equilibria,
    best_response_gap,
    equilibria,
    is_degenerate,
    is_equilibrium,
    nashpy_equilibria,
    solve_batch,
)
from tests.unit.games.exact import (
    as_float_set,
    contains,
    exact_support_enumeration,
    exact_vertex_enumeration,
    generic_int_games,
    same_set,
)
from tests.unit.games.examples import PROPS, STAG, TEXTBOOK, ZERO, games, profiles_2x2

# ------------------------------------------------------------- textbook games


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_textbook_equilibria(name):
    (A, B), expected, _ = TEXTBOOK[name]
    want = profiles_2x2(expected)
    got = all_equilibria(A, B)
    assert same_set(got, want)
    # canonical order: ascending attack probabilities (Hold, Hold) first
    np.testing.assert_allclose([(r[1], c[1]) for r, c in got], expected, atol=1e-12)
    assert same_set(solve_batch(np.array([A]), np.array([B])).for_game(0), want)
    assert same_set(nashpy_equilibria(A, B), want)


def test_degenerate_larger_games_by_hand():
    # all-zero 3x3: every pure profile is an extreme equilibrium
    Z = np.zeros((3, 3))
    eqs = all_equilibria(Z, Z)
    assert len(eqs) == 9 and all(is_equilibrium(Z, Z, r, c) for r, c in eqs)
    assert same_set(eqs, [(np.eye(3)[i], np.eye(3)[j]) for i in range(3) for j in range(3)])
    # duplicate rows and columns: strategy 1 copies strategy 0 for both players
    A = np.array([[3, 3, 0], [3, 3, 0], [0, 0, 2]], float)
    eqs = all_equilibria(A, A)
    want, _ = exact_vertex_enumeration(A, A)
    assert same_set(eqs, want)
    # pure (0,0), (0,1), (1,0), (1,1), (2,2) and the mixed ones
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2)]:
        assert contains(eqs, (np.eye(3)[i], np.eye(3)[j]))
    # a player indifferent everywhere: column player's payoffs constant
    A = np.array([[1, 0, 2], [0, 1, 2], [2, 2, 0]], float)
    B = np.full((3, 3), 7.0)
    eqs = all_equilibria(A, B)
    want, degenerate = exact_vertex_enumeration(A, B)
    assert degenerate and is_degenerate(A, B)
    assert same_set(eqs, want)
    # 1xn, mx1 and 1x1 games
    assert same_set(
        all_equilibria([[1, 2, 2]], [[0, 5, 5]]), [([1.0], [0, 1, 0]), ([1.0], [0, 0, 1])]
    )
    assert same_set(
        all_equilibria([[1], [3], [3]], [[0], [0], [0]]), [([0, 1, 0], [1.0]), ([0, 0, 1], [1.0])]
    )
    assert same_set(all_equilibria([[5]], [[-1]]), [([1.0], [1.0])])


def test_zero_rows_and_columns_4x4():
    A = np.array([[0, 0, 0, 0], [1, 2, 0, 1], [0, 0, 0, 0], [2, 1, 1, 0]], float)
    B = np.array([[0, 1, 0, 2], [0, 2, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]], float)
    eqs = all_equilibria(A, B)
    want, degenerate = exact_vertex_enumeration(A, B)
    assert degenerate
    assert same_set(eqs, want)
    assert same_set(solve_batch(A[None], B[None]).for_game(0), want)


# ------------------------------------------------------------ hypothesis properties


@PROPS
@given(games())
def test_all_equilibria_are_equilibria(game):
    A, B = game
    eqs = all_equilibria(A, B)
    assert eqs, "every finite game has an equilibrium"
    for r, c in eqs:
        assert r.shape == (A.shape[0],) and c.shape == (A.shape[1],)
        assert is_equilibrium(A, B, r, c)
        gr, gc = best_response_gap(A, B, r, c)
        assert gr <= 1e-9 * max(np.abs(A).max(), 1e-300) * 1.001 + 1e-300
        assert gc <= 1e-9 * max(np.abs(B).max(), 1e-300) * 1.001 + 1e-300
    # deduplicated
    flat = as_float_set(eqs)
    assert all(np.abs(flat[i] - flat[j]).max() > 1e-9 for i in range(len(flat)) for j in range(i))


# ------------------------------------------------------------ exact references


@pytest.mark.parametrize("k,n", [(2, 150), (3, 60), (4, 12)])
def test_generic_integer_games_equal_exact_support_enumeration(k, n):
    rng = np.random.default_rng(100 + k)
    gs = generic_int_games(rng, k, n)
    A = np.array([g[0] for g in gs])
    B = np.array([g[1] for g in gs])
    batch = solve_batch(A, B)
    for i, (a, b) in enumerate(gs):
        exact = exact_support_enumeration(a, b)
        assert len(exact) % 2 == 1  # nondegenerate games have an odd number
        assert same_set(all_equilibria(a, b), exact)
        assert same_set(batch.for_game(i), exact)


@pytest.mark.parametrize(
    "shape,n", [((2, 2), 150), ((3, 3), 60), ((2, 3), 40), ((4, 2), 30), ((4, 4), 10)]
)
def test_degenerate_integer_games_equal_exact_vertex_enumeration(shape, n):
    rng = np.random.default_rng(sum(shape))
    A = rng.integers(-1, 2, (n, *shape)).astype(float)
    B = rng.integers(-1, 2, (n, *shape)).astype(float)
    batch = solve_batch(A, B)
    n_degenerate = 0
    for i in range(n):
        exact, degenerate = exact_vertex_enumeration(A[i], B[i])
        n_degenerate += degenerate
        assert is_degenerate(A[i], B[i]) == degenerate
        assert same_set(all_equilibria(A[i], B[i]), exact)
        assert same_set(batch.for_game(i), exact)
    assert n_degenerate > n // 4  # the sample really exercises degenerate games


def test_rectangular_generic_games_equal_exact():
    rng = np.random.default_rng(7)
    for m, k in [(2, 3), (3, 2), (2, 4), (4, 3)]:
        gs = generic_int_games(rng, k, 8, m=m)
        batch = solve_batch(np.array([g[0] for g in gs]), np.array([g[1] for g in gs]))
        for i, (a, b) in enumerate(gs):
            exact = exact_support_enumeration(a, b)
            assert same_set(all_equilibria(a, b), exact)
            assert same_set(batch.for_game(i), exact)


# ----------------------------------------------------------- API and structure


def test_is_equilibrium_and_gap():
    A, B = np.array(STAG[0], float), np.array(STAG[1], float)
    assert is_equilibrium(A, B, [1, 0], [1, 0])
    assert not is_equilibrium(A, B, [1, 0], [0, 1])
    assert not is_equilibrium(A, B, [0.5, 0.6], [1, 0])  # not a distribution
    rows = np.array([[1, 0], [0, 1], [1, 0]], float)
    cols = np.array([[1, 0], [0, 1], [0, 1]], float)
    gr, gc = best_response_gap(np.stack([A] * 3), np.stack([B] * 3), rows, cols)
    np.testing.assert_allclose(gr, [0, 0, 3])
    np.testing.assert_allclose(gc, [0, 0, 1])  # column would rather attack: 4 - 3
    # an explicit tolerance loosens the test
    assert is_equilibrium(A, B, [1, 0], [0, 1], tol=3.0)


def test_input_validation():
    with pytest.raises(ValueError, match="finite"):
        all_equilibria([[np.inf, 0], [0, 0]], ZERO[1])
    with pytest.raises(ValueError, match="shape"):
        all_equilibria(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="tol"):
        all_equilibria(STAG[0], STAG[1], tol=-1.0)


def test_docstring_examples():
    assert doctest.testmod(equilibria).failed == 0
