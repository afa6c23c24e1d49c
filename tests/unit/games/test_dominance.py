"""Tests for sim.games.dominance: risk and payoff dominance, batched and per game."""

from __future__ import annotations

import numpy as np

from sim.games.dominance import pareto, payoff_dominant_cell, risk_dominant_cell, risk_pick
from sim.games.twobytwo import SIGN_CLASSES, gains_2x2
from tests.unit.games.examples import BOS, STAG, STAG_STRONG

CELLS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def _cell(A, B, pure):
    A, B = np.array(A, float), np.array(B, float)
    sA, sB = np.abs(A).max(), np.abs(B).max()
    return risk_dominant_cell(A, B, pure, 1e-9 * sA, 1e-9 * sB, sA, sB)


def test_risk_dominance_by_hand():
    assert _cell(*STAG, [(0, 0), (1, 1)]) == (1, 1)  # products 1 * 1 against 3 * 3
    assert _cell(*STAG_STRONG, [(0, 0), (1, 1)]) == (1, 1)
    assert _cell(*BOS, [(0, 0), (1, 1)]) == (0, 0)  # 6 against 6: a tie goes to Hold
    assert _cell(*STAG, [(1, 1)]) == (1, 1)


def test_payoff_dominance_by_hand():
    A, B = np.array(STAG_STRONG[0], float), np.array(STAG_STRONG[1], float)
    assert payoff_dominant_cell(A, B, [(0, 0), (1, 1)], 1e-8, 1e-8) == (0, 0)
    A, B = np.array(BOS[0], float), np.array(BOS[1], float)
    assert payoff_dominant_cell(A, B, [(0, 0), (1, 1)], 1e-8, 1e-8) is None
    assert bool(pareto(2.0, 2.0, 1.0, 2.0, 0.0, 0.0))
    assert not bool(pareto(2.0, 2.0, 2.0, 2.0, 0.0, 0.0))  # equal: no strict gain
    assert not bool(pareto(2.0, 2.0, 2.0 - 1e-9, 2.0, 1e-8, 1e-8))  # within the tolerance


def test_batched_and_per_game_risk_dominance_agree():
    """risk_pick (2x2 batches) and risk_dominant_cell (one game) on degenerate games."""
    rng = np.random.default_rng(8)
    A = rng.integers(-1, 2, (3000, 4)).astype(float)
    B = rng.integers(-1, 2, (3000, 4)).astype(float)
    g = gains_2x2(A, B, None)
    pure = SIGN_CLASSES.pure[g.code]
    some = np.flatnonzero(pure.any(axis=1))
    e = pure[some].T
    x, y = risk_pick(
        g.a0[some], g.a1[some], g.b0[some], g.b1[some], *e, g.sA[some], g.sB[some],
        g.tA[some], g.tB[some],
    )  # fmt: skip
    for k, i in enumerate(some):
        cells = [c for c, p in zip(CELLS, pure[i], strict=True) if p]
        want = risk_dominant_cell(
            A[i].reshape(2, 2), B[i].reshape(2, 2), cells, g.tA[i], g.tB[i], g.sA[i], g.sB[i]
        )
        assert (int(x[k]), int(y[k])) == want
