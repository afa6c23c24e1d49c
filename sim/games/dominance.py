"""Risk and payoff dominance between pure equilibria: the comparisons selection rests on.

Risk dominance (Harsanyi and Selten 1988): between two strict equilibria of a 2x2 game
the one with the larger product of the players' deviation losses risk-dominates (it is
the better reply to the most uncertain belief, and the one the tracing procedure
picks). With several pure equilibria the one with the largest product wins (deviation
losses are clipped at 0, so weak equilibria have product 0); products within
``tol_A * max|B| + tol_B * max|A|`` (relative to the players' scales) are ties, which
go to the first in the tie order (fewer players attacking, then lexicographic). For
larger games the deviation loss of a pure profile is the gap to the player's best
alternative pure reply (the product is then a heuristic generalisation:
Harsanyi-Selten need the tracing procedure).

Payoff dominance: an equilibrium Pareto-dominates another when it is weakly better for
both players and strictly better, beyond the tolerance, for at least one.

Both come in a batched form for 2x2 games (arrays of gains, as
:class:`sim.games.twobytwo.Gains2x2` holds them) and a form for one game of any size
with its pure equilibria listed. The two forms use the same expressions, so they agree
to the bit on 2x2 games.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.games.conventions import safe_scale

__all__ = [
    "cell_risk",
    "pareto",
    "payoff_dominant_cell",
    "payoff_pick",
    "risk_dominant_cell",
    "risk_pick",
    "risk_products",
]

Cell = tuple[int, int]


def risk_products(la, lb, sA, sB):
    """Nash product of clipped deviation losses, each relative to the player's scale."""
    return (np.maximum(la, 0.0) / sA) * (np.maximum(lb, 0.0) / sB)


def cell_risk(cell: int, a0, a1, b0, b1, fa, fb):
    """Risk product of pure cell 0..3 ((H,H), (H,A), (A,H), (A,A)) from the 2x2 gains."""
    la, lb = ((a0, b0), (a1, -b0), (-a0, b1), (-a1, -b1))[cell]
    return risk_products(la, lb, fa, fb)


def pareto(Ac, Bc, Ad, Bd, tA, tB):
    """Whether payoffs ``(Ac, Bc)`` Pareto-dominate ``(Ad, Bd)`` beyond the tolerance."""
    return ((Ac >= Ad - tA) & (Bc >= Bd - tB)) & ((Ac > Ad + tA) | (Bc > Bd + tB))


def risk_pick(a0, a1, b0, b1, e00, e01, e10, e11, sA, sB, tA, tB):
    """Risk-dominant pure equilibrium of 2x2 games among ``e..`` (one at least true).

    Vectorised over games; returns boolean attack indicators ``(x, y)`` of the chosen
    cell, ties going to the first cell in the tie order.
    """
    g = (a0, a1, b0, b1, safe_scale(sA), safe_scale(sB))
    u = [cell_risk(c, *g) for c in range(4)]
    e = [e00, e01, e10, e11]
    best = np.max([np.where(ei, ui, -np.inf) for ui, ei in zip(u, e, strict=True)], axis=0)
    tie = tA / g[4] + tB / g[5]
    ok = [ei & (ui >= best - tie) for ui, ei in zip(u, e, strict=True)]
    x = ~ok[0] & ~ok[1]
    y = ~ok[0] & (ok[1] | ~ok[2])
    return x, y


def payoff_pick(cellsA, cellsB, e, tA, tB):
    """For each cell of 2x2 games, whether it is an equilibrium that Pareto-dominates all others."""
    dom = []
    for c in range(4):
        d_c = e[c].copy()
        for d in range(4):
            if d != c:
                d_c &= ~e[d] | pareto(cellsA[c], cellsB[c], cellsA[d], cellsB[d], tA, tB)
        dom.append(d_c)
    return dom


def risk_dominant_cell(
    A: np.ndarray,
    B: np.ndarray,
    pure: Sequence[Cell],
    tA: float,
    tB: float,
    sA: float,
    sB: float,
) -> Cell:
    """The risk-dominant one of a game's pure equilibria (non-empty, in the tie order).

    Parameters
    ----------
    A, B : ndarray, shape (m, n)
        Payoffs.
    pure : sequence of (i, j)
        The pure equilibria, in the tie order (fewer attacks first, then lexicographic).
    tA, tB, sA, sB : float
        The players' tolerances and payoff scales.

    Returns
    -------
    (i, j)
        The first pure equilibrium whose risk product is within the tie tolerance of
        the largest.
    """
    m, n = A.shape
    fa, fb = float(safe_scale(sA)), float(safe_scale(sB))
    u = []
    for i, j in pure:
        la = A[i, j] - np.delete(A[:, j], i).max() if m > 1 else fa
        lb = B[i, j] - np.delete(B[i, :], j).max() if n > 1 else fb
        u.append(float(risk_products(la, lb, fa, fb)))
    best, tie = max(u), tA / fa + tB / fb
    return next(p for p, v in zip(pure, u, strict=True) if v >= best - tie)


def payoff_dominant_cell(
    A: np.ndarray, B: np.ndarray, pure: Sequence[Cell], tA: float, tB: float
) -> Cell | None:
    """The pure equilibrium that Pareto-dominates every other listed one, if any."""
    for c in pure:
        ac, bc = A[c], B[c]
        if all(
            ac >= A[d] - tA and bc >= B[d] - tB and (ac > A[d] + tA or bc > B[d] + tB)
            for d in pure
            if d != c
        ):
            return c
    return None
