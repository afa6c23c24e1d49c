"""Tests for sim.games.polytope: the batched vertices of the best-response polytopes."""

from __future__ import annotations

import numpy as np
import pytest

from sim.games.polytope import (
    MAX_SYSTEMS,
    best_response_polytopes,
    completely_labelled_pairs,
    n_systems,
)
from tests.unit.games.examples import ROW_INDIFF, STAG


def test_n_systems():
    assert [n_systems(m, n) for m, n in [(1, 1), (2, 2), (3, 3), (2, 4)]] == [1, 5, 19, 14]
    assert n_systems(12, 12) < MAX_SYSTEMS < n_systems(13, 13)


def test_stag_hunt_vertices_and_labels():
    A, B = np.array([STAG[0]], float), np.array([STAG[1]], float)
    t = np.array([4e-9])
    P, Q = best_response_polytopes(A, B, t, np.array([4e-9]))
    for V in (P, Q):
        assert (V.game == 0).all()
        np.testing.assert_allclose(V.z.sum(axis=1), 1.0)
        assert (V.n_labels == 2).all()  # nondegenerate: exactly dim labels per vertex
        assert len(set(V.labels.tolist())) == len(V.labels)
    # both pure strategies and the mixed 3:1 point are vertices of P
    assert {tuple(np.round(z, 12)) for z in P.z} == {(1.0, 0.0), (0.75, 0.25), (0.0, 1.0)}
    g, row, col = completely_labelled_pairs(A, B, t, t)
    assert g.tolist() == [0, 0, 0]
    assert sorted(zip(row[:, 1].round(12), col[:, 1].round(12), strict=True)) == [
        (0.0, 0.0),
        (0.25, 0.25),
        (1.0, 1.0),
    ]


def test_degenerate_game_has_a_vertex_with_extra_labels():
    A, B = np.array([ROW_INDIFF[0]], float), np.array([ROW_INDIFF[1]], float)
    P, Q = best_response_polytopes(A, B, np.array([2e-9]), np.array([4e-9]))
    assert (Q.n_labels > 2).any() or (P.n_labels > 2).any()


def test_games_on_the_last_axis_are_independent():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(20, 3, 3)), rng.normal(size=(20, 3, 3))
    t = np.full(20, 1e-9)
    g, row, col = completely_labelled_pairs(A, B, t, t)
    for i in (0, 7, 19):
        gi, ri, ci = completely_labelled_pairs(A[i : i + 1], B[i : i + 1], t[:1], t[:1])
        np.testing.assert_allclose(row[g == i], ri)
        np.testing.assert_allclose(col[g == i], ci)


def test_too_many_labels_are_refused():
    A = np.zeros((1, 32, 32))
    with pytest.raises(ValueError, match="m \\+ n > 63"):
        completely_labelled_pairs(A, A, np.zeros(1), np.zeros(1))
