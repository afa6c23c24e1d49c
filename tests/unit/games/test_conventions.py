"""Tests for sim.games.conventions: scale-aware tolerances and the canonical order."""

from __future__ import annotations

import numpy as np
import pytest

from sim.games import RULES, all_equilibria, select_2x2, solve_batch
from sim.games.conventions import as_games, canonical_order, check_tol, order_keys, tolerances
from tests.unit.games.exact import same_set
from tests.unit.games.examples import batch_games, random_2x2


@pytest.mark.parametrize("factor", [1e12, 1e-12])
def test_scale_invariance(factor):
    rng = np.random.default_rng(21)
    A, B = random_2x2(rng, 2000)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        xs, ys = select_2x2(A * factor, B * factor, rule)
        xm, ym = select_2x2(A * factor, B / factor, rule)  # players on different scales
        np.testing.assert_allclose(xs, x, atol=1e-12)
        np.testing.assert_allclose(ys, y, atol=1e-12)
        np.testing.assert_allclose(xm, x, atol=1e-12)
        np.testing.assert_allclose(ym, y, atol=1e-12)
    for g in range(0, 2000, 40):
        assert same_set(all_equilibria(A[g] * factor, B[g] * factor), all_equilibria(A[g], B[g]))
    A3, B3 = batch_games(rng, 100, (3, 3), "int")
    b1, b2 = solve_batch(A3, B3), solve_batch(A3 * factor, B3 * factor)
    np.testing.assert_array_equal(b1.count, b2.count)
    np.testing.assert_allclose(b1.row, b2.row, atol=1e-12)
    np.testing.assert_allclose(b1.col, b2.col, atol=1e-12)


def test_tiny_differences_on_huge_payoffs_are_ties():
    # differences far below 1e-9 of the payoff magnitude are ties (rounding noise)
    A = np.array([[1e12, 1e12 + 1e-3], [1e12, 1e12]])
    B = np.array([[5.0, 5.0], [5.0, 5.0]])
    assert len(all_equilibria(A, B)) == 4
    x, y = select_2x2(A, B, "risk_dominant")
    assert (float(x), float(y)) == (0.0, 0.0)


def test_canonical_order_and_order_keys():
    eqs = [
        (np.array([0.0, 1.0]), np.array([0.0, 1.0])),
        (np.array([1.0, 0.0]), np.array([0.25, 0.75])),
        (np.array([0.75, 0.25]), np.array([0.75, 0.25])),
        (np.array([1.0, 0.0]), np.array([1.0, 0.0])),
    ]
    got = [(r[1], c[1]) for r, c in canonical_order(eqs)]
    assert got == [(0.0, 0.0), (0.0, 0.75), (0.25, 0.25), (1.0, 1.0)]  # attack probabilities
    rows = np.array([r for r, _ in eqs])
    cols = np.array([c for _, c in eqs])
    order = np.lexsort(order_keys(rows, cols))
    assert [(rows[i, 1], cols[i, 1]) for i in order] == got


def test_tolerances_and_checks():
    A = np.array([[[2.0, -4.0], [0.0, 1.0]]])
    B = np.zeros((1, 2, 2))
    tA, tB, sA, sB = tolerances(A, B, None)
    assert (tA[0], tB[0], sA[0], sB[0]) == (4e-9, 0.0, 4.0, 0.0)
    tA, tB, _, _ = tolerances(A, B, 0.5)
    assert (tA[0], tB[0]) == (0.5, 0.5)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="tol must be a finite number >= 0"):
            check_tol(bad)
    with pytest.raises(ValueError, match="at least one strategy"):
        as_games(np.zeros((2, 0)), np.zeros((2, 0)))
    with pytest.raises(ValueError, match=r"\(n_games, m, n\)"):
        as_games(np.zeros((2, 2)), np.zeros((2, 2)), ndim=3)
