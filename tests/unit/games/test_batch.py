"""Tests for sim.games.batch: solve_batch and BatchEquilibria."""

from __future__ import annotations

import dataclasses
import doctest

import numpy as np
import pytest
from hypothesis import given

from sim.games import BatchEquilibria, all_equilibria, batch, is_equilibrium, solve_batch
from tests.unit.games.exact import ATOL, same_set
from tests.unit.games.examples import PD, PROPS, STAG, ZERO, batch_games, games


@PROPS
@given(games(batch=4))
def test_solve_batch_matches_all_equilibria(game):
    A, B = game
    res = solve_batch(A, B)
    assert np.all(np.diff(res.game) >= 0) and res.count.sum() == len(res.game)
    assert np.all(res.count >= 1)
    for g in range(A.shape[0]):
        eqs = res.for_game(g)
        for r, c in eqs:
            assert is_equilibrium(A[g], B[g], r, c)
        assert same_set(eqs, all_equilibria(A[g], B[g]))


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (2, 3), (3, 4)])
@pytest.mark.parametrize("kind", ["int", "float"])
def test_solve_batch_equals_all_equilibria(shape, kind):
    rng = np.random.default_rng(len(kind) + shape[0] * 10 + shape[1])
    A, B = batch_games(rng, 150, shape, kind)
    batch = solve_batch(A, B)
    for g in range(len(A)):
        eqs = batch.for_game(g)
        got = all_equilibria(A[g], B[g])
        assert len(eqs) == len(got)
        for (r, c), (r2, c2) in zip(eqs, got, strict=True):  # same order, too
            np.testing.assert_allclose(r, r2, atol=ATOL)
            np.testing.assert_allclose(c, c2, atol=ATOL)


def test_batch_equilibria_structure():
    A = np.array([STAG[0], PD[0], ZERO[0]], float)
    B = np.array([STAG[1], PD[1], ZERO[1]], float)
    res = solve_batch(A, B)
    assert isinstance(res, BatchEquilibria)
    assert res.row.shape == (8, 2) and res.col.shape == (8, 2)
    np.testing.assert_array_equal(res.count, [3, 1, 4])
    np.testing.assert_array_equal(res.game, [0, 0, 0, 1, 2, 2, 2, 2])
    assert res.n_games == 3
    assert same_set(res.for_game(1), [([0, 1], [0, 1])])
    assert same_set(res.for_game(-1), res.for_game(2))
    with pytest.raises(IndexError):
        res.for_game(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.count = np.zeros(3)  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.row[0, 0] = 0.5
    empty = solve_batch(np.zeros((0, 3, 3)), np.zeros((0, 3, 3)))
    assert empty.row.shape == (0, 3) and empty.count.shape == (0,)


def test_docstring_examples():
    assert doctest.testmod(batch).failed == 0
