"""Tests for sim.games.twobytwo: the 2x2 closed form against the general vertex enumeration."""

from __future__ import annotations

import numpy as np

from sim.games import all_equilibria, solve_batch
from sim.games.equilibria import vertex_equilibria
from sim.games.twobytwo import SIGN_CLASSES, candidate_validity, gains_2x2, solve_2x2
from tests.unit.games.exact import ATOL, same_set
from tests.unit.games.examples import random_2x2


def test_solve_batch_2x2_closed_form_equals_vertex_enumeration():
    """The 2x2 closed form and the general vertex enumeration are independent codes."""
    rng = np.random.default_rng(13)
    A, B = random_2x2(rng, 6000)
    A3 = rng.integers(0, 2, (1000, 2, 2)).astype(float)
    B3 = rng.integers(0, 2, (1000, 2, 2)).astype(float)
    A, B = np.concatenate([A, A3]), np.concatenate([B, B3])
    batch = solve_batch(A, B)
    tA, tB = 1e-9 * np.abs(A).max(axis=(1, 2)), 1e-9 * np.abs(B).max(axis=(1, 2))
    row, col, game = vertex_equilibria(A, B, tA, tB)  # what all_equilibria runs
    np.testing.assert_array_equal(batch.game, game)  # same counts per game ...
    np.testing.assert_allclose(batch.row, row, atol=ATOL)  # ... same canonical order
    np.testing.assert_allclose(batch.col, col, atol=ATOL)
    for g in range(0, len(A), 97):  # the public single-game function, on a subsample
        assert same_set(batch.for_game(g), all_equilibria(A[g], B[g]))


def test_sign_class_tables_are_the_definition():
    """The 81-class tables give what candidate_validity says game by game."""
    rng = np.random.default_rng(14)
    A = rng.integers(-2, 3, (5000, 4)).astype(float)
    B = rng.integers(-2, 3, (5000, 4)).astype(float)
    A[:2500] += rng.normal(scale=1e-10, size=(2500, 4))  # ties within the tolerance
    g = gains_2x2(A, B, None)
    valid = candidate_validity(g.a0, g.a1, g.b0, g.b1, g.tA, g.tB)
    np.testing.assert_array_equal(SIGN_CLASSES.count[g.code], valid.sum(axis=1))
    np.testing.assert_array_equal(SIGN_CLASSES.pure[g.code], valid[:, [0, 2, 6, 8]])
    np.testing.assert_array_equal(SIGN_CLASSES.completely_mixed[g.code], valid[:, 4])
    assert len(np.unique(g.code)) == 81  # every class occurs


def test_gains_of_huge_payoffs_do_not_overflow():
    A = np.array([[1e308, -1e308, -1e308, 1e308]])
    g = gains_2x2(A, A.copy(), None)
    assert np.isfinite([g.a0, g.a1, g.b0, g.b1]).all()
    assert g.sA[0] == 1.0 and g.tA[0] == 1e-9
    row, col, game = solve_2x2(A.reshape(1, 2, 2), A.reshape(1, 2, 2), None)
    assert game.tolist() == [0, 0, 0] and np.isfinite(row).all() and np.isfinite(col).all()
