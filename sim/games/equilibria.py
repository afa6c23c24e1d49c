"""Nash equilibria of one bimatrix game of any size, and the best-response checks.

:func:`all_equilibria` is a general solver: every extreme Nash equilibrium of an
``m x n`` game, robust to degenerate games, by vertex enumeration of the two
best-response polytopes (:mod:`sim.games.polytope`). For a nondegenerate game the
extreme equilibria are all equilibria; for a degenerate game they are the extreme
points of the (finitely many, convex) maximal Nash subsets, whose union is the set of
equilibria. Every pair is re-verified as a pair of best responses in the original
payoffs (:func:`best_response_gap`) before it is returned, deduplicated and sorted
into the canonical order (:mod:`sim.games.conventions`, which also defines the
tolerances). A 10x10 game takes about half a second.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sim.games.conventions import (
    DEDUP_TOL,
    PROB_TOL,
    Equilibrium,
    as_games,
    order_keys,
    payoff_scale,
    rounding_slack,
    tolerances,
)
from sim.games.polytope import (
    MAX_SYSTEMS,
    best_response_polytopes,
    completely_labelled_pairs,
    n_systems,
)

__all__ = [
    "all_equilibria",
    "best_response_gap",
    "is_degenerate",
    "is_equilibrium",
    "vertex_equilibria",
]


def best_response_gap(
    A: npt.ArrayLike, B: npt.ArrayLike, row: npt.ArrayLike, col: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Largest gain from a unilateral deviation, for each player (batched).

    Parameters
    ----------
    A, B : array_like, shape (..., m, n)
        Payoffs of the row and column player.
    row : array_like, shape (..., m)
        Row player's mixed strategies.
    col : array_like, shape (..., n)
        Column player's mixed strategies.

    Returns
    -------
    gap_row, gap_col : ndarray, shape (...)
        ``max_i (A y)_i - x A y`` and ``max_j (x B)_j - x B y``, clipped at 0. A profile
        is a Nash equilibrium iff both are 0 (within the tolerance).

    Examples
    --------
    In the stag hunt, (Hold, Attack) leaves the row player 3 to gain and the column
    player 1:

    >>> from sim.games import best_response_gap
    >>> gaps = best_response_gap([[4, 0], [3, 3]], [[4, 3], [0, 3]], [1, 0], [0, 1])
    >>> [float(g) for g in gaps]
    [3.0, 1.0]
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    x = np.asarray(row, dtype=np.float64)
    y = np.asarray(col, dtype=np.float64)
    Ay = np.einsum("...ij,...j->...i", A, y)
    xB = np.einsum("...i,...ij->...j", x, B)
    gap_row = Ay.max(axis=-1) - np.einsum("...i,...i->...", x, Ay)
    gap_col = xB.max(axis=-1) - np.einsum("...j,...j->...", y, xB)
    return np.maximum(gap_row, 0.0), np.maximum(gap_col, 0.0)


def _is_distribution(p: np.ndarray) -> bool:
    return bool(p.ndim == 1 and (p >= -PROB_TOL).all() and abs(p.sum() - 1.0) <= 1e-9)


def is_equilibrium(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    row: npt.ArrayLike,
    col: npt.ArrayLike,
    tol: float | None = None,
) -> bool:
    """Whether ``(row, col)`` is a Nash equilibrium of the game ``(A, B)``.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the row and column player.
    row, col : array_like, shape (m,) and (n,)
        Mixed strategies; they must be probability vectors (else ``False``).
    tol : float, optional
        Absolute payoff tolerance for both players; default ``REL_TOL * max|payoff|``
        per player.

    Returns
    -------
    bool
        True when no player gains more than its tolerance (plus float rounding) by a
        unilateral deviation.

    Examples
    --------
    >>> from sim.games import is_equilibrium
    >>> A, B = [[4, 0], [3, 3]], [[4, 3], [0, 3]]  # stag hunt
    >>> is_equilibrium(A, B, [1, 0], [1, 0]), is_equilibrium(A, B, [1, 0], [0, 1])
    (True, False)
    """
    A, B = as_games(A, B, ndim=2)
    x = np.asarray(row, dtype=np.float64)
    y = np.asarray(col, dtype=np.float64)
    if x.shape != (A.shape[0],) or y.shape != (A.shape[1],):
        return False
    if not (_is_distribution(x) and _is_distribution(y)):
        return False
    tA, tB, sA, sB = tolerances(A, B, tol)
    k = max(A.shape)
    gr, gc = best_response_gap(A, B, x, y)
    return bool(gr <= tA + rounding_slack(sA, k) and gc <= tB + rounding_slack(sB, k))


def _canonical(g: np.ndarray, row: np.ndarray, col: np.ndarray, n_games: int):
    """Sort each game's equilibria into the canonical order and drop near-duplicates."""
    multi = np.flatnonzero(np.bincount(g, minlength=n_games)[g] > 1)
    if multi.size:
        order = multi[np.lexsort(order_keys(row[multi], col[multi]) + [g[multi]])]
        row[multi], col[multi] = row[order], col[order]
        same = (
            (g[multi[1:]] == g[multi[:-1]])
            & (np.abs(row[multi[1:]] - row[multi[:-1]]).max(axis=1) <= DEDUP_TOL)
            & (np.abs(col[multi[1:]] - col[multi[:-1]]).max(axis=1) <= DEDUP_TOL)
        )
        if same.any():
            keep = np.ones(g.size, dtype=bool)
            keep[multi[1:][same]] = False
            g, row, col = g[keep], row[keep], col[keep]
    return g, row, col


def vertex_equilibria(
    A: np.ndarray, B: np.ndarray, tA: np.ndarray, tB: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Extreme equilibria of a stack of games by batched vertex enumeration.

    What :func:`all_equilibria` runs (on a stack of one) and :func:`sim.games.solve_batch`
    runs for games larger than 2x2; exposed for callers with their own tolerances.

    Parameters
    ----------
    A, B : ndarray of float64, shape (N, m, n)
        Finite payoffs.
    tA, tB : ndarray, shape (N,)
        Absolute payoff tolerance of each game's row and column player.

    Returns
    -------
    row (K, m), col (K, n), game (K,)
        The equilibria, sorted by game and then in the canonical order, each verified
        as a pair of best responses in the original payoffs.
    """
    N, m, n = A.shape
    g, row, col = completely_labelled_pairs(A, B, tA, tB)
    # verify in the original payoffs (guards against rounding at the tolerance edge)
    gr, gc = best_response_gap(A[g], B[g], row, col)
    k = max(m, n)
    sA, sB = payoff_scale(A)[g], payoff_scale(B)[g]
    ok = (gr <= tA[g] + rounding_slack(sA, k)) & (gc <= tB[g] + rounding_slack(sB, k))
    g, row, col = _canonical(g[ok], row[ok], col[ok], N)
    return row, col, g


def all_equilibria(
    A: npt.ArrayLike, B: npt.ArrayLike, tol: float | None = None
) -> list[Equilibrium]:
    """Every extreme Nash equilibrium of one bimatrix game.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the row and the column player, ``m, n >= 1``, finite.
    tol : float, optional
        Absolute payoff tolerance for both players; default ``REL_TOL * max|payoff|``
        per player (see :mod:`sim.games.conventions`).

    Returns
    -------
    list of (ndarray (m,), ndarray (n,))
        The extreme equilibria ``(row, col)``: all equilibria of a nondegenerate game,
        the vertices of the equilibrium components of a degenerate one. Deduplicated,
        each verified as a pair of best responses, in the canonical order
        (lexicographically descending in ``(row, col)``; for 2x2 games ascending
        attack probabilities, (Hold, Hold) first).

    Raises
    ------
    ValueError
        For non-finite payoffs, mismatched shapes, or games too large to enumerate
        (more than ``MAX_SYSTEMS`` vertex systems).

    Notes
    -----
    Batched vertex enumeration of the best-response polytopes; cost grows like
    ``C(m + n, m)`` linear systems (a 10x10 game takes about a second). For many games
    of one shape, :func:`sim.games.solve_batch` solves them all at once.

    Examples
    --------
    The stag hunt has two pure equilibria and a mixed one:

    >>> from sim.games import all_equilibria
    >>> for row, col in all_equilibria([[4, 0], [3, 3]], [[4, 3], [0, 3]]):
    ...     print(row.tolist(), col.tolist())
    [1.0, 0.0] [1.0, 0.0]
    [0.75, 0.25] [0.75, 0.25]
    [0.0, 1.0] [0.0, 1.0]

    Any shape works, e.g. rock-paper-scissors (zero-sum, so ``B = -A``):

    >>> import numpy as np
    >>> rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    >>> [(r.round(3).tolist(), c.round(3).tolist()) for r, c in all_equilibria(rps, -rps)]
    [([0.333, 0.333, 0.333], [0.333, 0.333, 0.333])]
    """
    A, B = as_games(A, B, ndim=2)
    m, n = A.shape
    if n_systems(m, n) > MAX_SYSTEMS:
        raise ValueError(f"a {m}x{n} game is too large for exhaustive vertex enumeration")
    tA, tB, _, _ = tolerances(A[None], B[None], tol)
    row, col, _ = vertex_equilibria(A[None], B[None], tA, tB)
    return [(row[i].copy(), col[i].copy()) for i in range(len(row))]


def is_degenerate(A: npt.ArrayLike, B: npt.ArrayLike, tol: float | None = None) -> bool:
    """Whether a game is degenerate (within the tolerance).

    A bimatrix game is nondegenerate iff no point of the best-response polytope ``P``
    has more than ``m`` labels and no point of ``Q`` more than ``n`` (von Stengel 2002),
    i.e. no mixed strategy with support size ``s`` has more than ``s`` pure best
    responses. Checked on the polytopes' vertices.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs.
    tol : float, optional
        Payoff tolerance, as in ``all_equilibria``.

    Returns
    -------
    bool

    Examples
    --------
    >>> from sim.games import is_degenerate
    >>> is_degenerate([[4, 0], [3, 3]], [[4, 3], [0, 3]])  # stag hunt
    False
    >>> is_degenerate([[2, 2], [2, 2]], [[4, 3], [0, 3]])  # row player indifferent
    True
    """
    A, B = as_games(A, B, ndim=2)
    m, n = A.shape
    tA, tB, _, _ = tolerances(A[None], B[None], tol)
    P, Q = best_response_polytopes(A[None], B[None], tA, tB)
    return bool((P.n_labels > m).any() or (Q.n_labels > n).any())
