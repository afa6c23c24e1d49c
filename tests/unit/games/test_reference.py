"""Tests for sim.games.reference: the nashpy path, and nashpy as a cross-check.

nashpy's vertex enumeration is a reference; its support enumeration only a counted,
non-authoritative comparison (it misses equilibria, which the adapter recovers).
"""

from __future__ import annotations

import doctest
import warnings

import nashpy
import numpy as np
import pytest

from sim.games import (
    NASHPY_DIAGNOSTICS,
    RULES,
    all_equilibria,
    is_equilibrium,
    nashpy_equilibria,
    reference,
    select_2x2,
    select_2x2_nashpy,
    select_from_list,
    solve_batch,
)
from tests.unit.games.exact import contains, exact_support_enumeration, same_set
from tests.unit.games.examples import STAG, batch_games


@pytest.mark.parametrize("shape,n", [((2, 2), 100), ((3, 3), 100), ((2, 4), 30), ((4, 4), 8)])
def test_nashpy_vertex_enumeration_agrees(shape, n):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    A, B = rng.normal(size=(n, *shape)), rng.normal(size=(n, *shape))
    batch = solve_batch(A, B)
    for g in range(n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vertex = list(nashpy.Game(A[g], B[g]).vertex_enumeration())
        assert same_set(batch.for_game(g), vertex, atol=1e-7)


def test_nashpy_support_enumeration_is_not_ground_truth(record_property):
    """nashpy's support enumeration misses equilibria; ours are exact.

    It checks supports with exact float comparisons, so on random 3x3 games it drops
    some equilibria whose support is smaller than the game (here in about 15% of games
    with normal payoffs; often quoted as about 1%). Where it disagrees with us, it
    must only be missing equilibria, and each one we have and it lacks must be a
    verified best-response pair that the exact rational enumeration also finds.
    """
    rng = np.random.default_rng(2024)
    n_games = 250
    A = rng.normal(size=(n_games, 3, 3))
    B = rng.normal(size=(n_games, 3, 3))
    batch = solve_batch(A, B)
    disagreements = 0
    for g in range(n_games):
        ours = batch.for_game(g)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            support = list(nashpy.Game(A[g], B[g]).support_enumeration())
        for eq in support:  # nashpy never finds one we lack
            assert contains(ours, eq, atol=1e-7)
        if same_set(ours, support, atol=1e-7):
            continue
        disagreements += 1
        exact = exact_support_enumeration(A[g], B[g])
        assert same_set(ours, exact)
        for r, c in ours:
            if not contains(support, (r, c), atol=1e-7):
                assert is_equilibrium(A[g], B[g], r, c)
                assert contains(exact, (r, c))
        # the adapter with vertex enumeration recovers the full set
        assert same_set(nashpy_equilibria(A[g], B[g], always_vertex=True), ours, atol=1e-7)
    record_property("nashpy_support_enumeration_disagreements", disagreements)
    print(f"nashpy support enumeration incomplete on {disagreements}/{n_games} games")


def test_nashpy_support_enumeration_misses_are_caught_by_adapter():
    """A game where nashpy's support enumeration misses an equilibrium."""
    rng = np.random.default_rng(2024)
    for _ in range(3000):
        A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            support = list(nashpy.Game(A, B).support_enumeration())
        if len(support) % 2 == 0:
            break
    else:
        pytest.skip("no support-enumeration miss found in this sample")
    ours = all_equilibria(A, B)
    assert len(ours) > len(support)
    assert same_set(nashpy_equilibria(A, B), ours)


def test_nashpy_adapter_drops_and_counts_non_equilibria(monkeypatch):
    A, B = np.array(STAG[0], float), np.array(STAG[1], float)
    bogus = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))  # (Hold, Attack): not an eq

    def fake_support_enumeration(self, *args, **kwargs):
        yield bogus
        yield np.array([1.0, 0.0]), np.array([1.0, 0.0])
        yield np.array([0.0, 1.0]), np.array([0.0, 1.0])

    monkeypatch.setattr(nashpy.Game, "support_enumeration", fake_support_enumeration)
    before = NASHPY_DIAGNOSTICS["dropped_non_equilibria"]
    eqs = nashpy_equilibria(A, B)
    assert NASHPY_DIAGNOSTICS["dropped_non_equilibria"] == before + 1
    assert not contains(eqs, bogus)
    # two verified equilibria (an even count) made the adapter add vertex enumeration,
    # which recovers the mixed equilibrium the fake support enumeration "missed"
    assert same_set(eqs, all_equilibria(A, B))


def test_select_2x2_agrees_with_nashpy_reference():
    """Fast closed form vs the independent nashpy path, every rule, 2300 games."""
    rng = np.random.default_rng(11)
    A1, B1 = batch_games(rng, 2000, (2, 2), "float")
    A2, B2 = batch_games(rng, 300, (2, 2), "int")  # mostly degenerate: slower in nashpy
    A, B = np.concatenate([A1, A2]), np.concatenate([B1, B2])
    eq_lists = [nashpy_equilibria(A[g], B[g]) for g in range(len(A))]
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        ref = np.array(
            [
                [s[0][1], s[1][1]]
                for s in (select_from_list(A[g], B[g], eq_lists[g], rule) for g in range(len(A)))
            ]
        )
        np.testing.assert_allclose(x, ref[:, 0], atol=1e-9, err_msg=rule)
        np.testing.assert_allclose(y, ref[:, 1], atol=1e-9, err_msg=rule)
    # and the public reference function, on a subsample, with a leading batch shape
    idx = np.r_[0:20, 2000:2020]
    xs, ys = select_2x2_nashpy(
        A[idx].reshape(4, 10, 2, 2), B[idx].reshape(4, 10, 2, 2), "risk_dominant"
    )
    x, y = select_2x2(A[idx], B[idx], "risk_dominant")
    np.testing.assert_allclose(xs.ravel(), x, atol=1e-9)
    np.testing.assert_allclose(ys.ravel(), y, atol=1e-9)


def test_docstring_examples():
    assert doctest.testmod(reference).failed == 0
