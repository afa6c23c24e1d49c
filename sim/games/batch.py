"""All extreme equilibria of arrays of games: :func:`solve_batch` and its result.

2x2 games use the closed form of :mod:`sim.games.twobytwo`; larger (or rectangular)
games the batched vertex enumeration of :mod:`sim.games.equilibria`, in chunks of games
so that memory stays bounded. Either way every game gets the same set of equilibria,
in the same order, as :func:`sim.games.all_equilibria` gives it alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.games.conventions import Equilibrium, as_games, tolerances
from sim.games.equilibria import vertex_equilibria
from sim.games.polytope import MAX_SYSTEMS, n_systems
from sim.games.twobytwo import solve_2x2

__all__ = ["BatchEquilibria", "solve_batch"]

_CHUNK_ENTRIES = 2_000_000  # systems x strategies per chunk of games (memory bound)


@dataclass(frozen=True)
class BatchEquilibria:
    """All extreme equilibria of a batch of games, in flat ("long") form.

    Equilibrium ``e`` of the batch is ``(row[e], col[e])`` and belongs to game
    ``game[e]``. Entries are sorted by game (ascending) and, within a game, in the
    canonical order of ``all_equilibria``; game ``i`` owns the contiguous slice of
    ``count[i]`` entries starting at ``count[:i].sum()``. Arrays are read-only.

    Attributes
    ----------
    row : ndarray, shape (M, m)
        Row player's mixed strategy of each equilibrium.
    col : ndarray, shape (M, k)
        Column player's mixed strategy of each equilibrium.
    game : ndarray of int, shape (M,)
        Index of the game each equilibrium belongs to, ascending.
    count : ndarray of int, shape (n_games,)
        Number of extreme equilibria of each game (at least 1).
    """

    row: np.ndarray
    col: np.ndarray
    game: np.ndarray
    count: np.ndarray

    def __post_init__(self) -> None:
        for name in ("row", "col", "game", "count"):
            arr = np.array(getattr(self, name))
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def n_games(self) -> int:
        """Number of games in the batch."""
        return int(self.count.size)

    def for_game(self, i: int) -> list[Equilibrium]:
        """Equilibria ``[(row, col), ...]`` of game ``i``, as ``all_equilibria`` lists them."""
        if not -self.n_games <= i < self.n_games:
            raise IndexError(f"game {i} out of range for {self.n_games} games")
        i %= self.n_games
        start = int(np.searchsorted(self.game, i, side="left"))
        stop = start + int(self.count[i])
        return [(self.row[e].copy(), self.col[e].copy()) for e in range(start, stop)]


def _solve_larger(A: np.ndarray, B: np.ndarray, tol: float | None):
    """Vertex enumeration of games ``(N, m, k)`` larger than 2x2, in chunks of games."""
    N, m, k = A.shape
    if n_systems(m, k) > MAX_SYSTEMS:
        raise ValueError(f"{m}x{k} games are too large for exhaustive vertex enumeration")
    tA, tB, _, _ = tolerances(A, B, tol)
    chunk = max(1, _CHUNK_ENTRIES // (n_systems(m, k) * max(m, k)))
    parts = [
        vertex_equilibria(
            A[lo : lo + chunk], B[lo : lo + chunk], tA[lo : lo + chunk], tB[lo : lo + chunk]
        )
        for lo in range(0, N, chunk)
    ]
    row = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, m))
    col = np.concatenate([p[1] for p in parts]) if parts else np.zeros((0, k))
    game = (
        np.concatenate([p[2] + lo for p, lo in zip(parts, range(0, N, chunk), strict=True)])
        if parts
        else np.zeros(0, dtype=np.int64)
    )
    return row, col, game


def solve_batch(A: npt.ArrayLike, B: npt.ArrayLike, tol: float | None = None) -> BatchEquilibria:
    """All extreme Nash equilibria of every game in a batch, vectorised over games.

    Parameters
    ----------
    A, B : array_like, shape (n_games, m, k)
        Payoffs of the row and column player of each game (square or rectangular).
    tol : float, optional
        Absolute payoff tolerance; default ``REL_TOL * max|payoff|`` per game and player.

    Returns
    -------
    BatchEquilibria
        Per game, the same set (and order) as ``all_equilibria``. 2x2 games use the
        closed form, larger ones batched vertex enumeration in chunks of games.

    Examples
    --------
    A stag hunt and a prisoner's dilemma in one call:

    >>> from sim.games import solve_batch
    >>> A = [[[4, 0], [3, 3]], [[3, 0], [5, 1]]]
    >>> B = [[[4, 3], [0, 3]], [[3, 5], [0, 1]]]
    >>> res = solve_batch(A, B)
    >>> res.count.tolist()
    [3, 1]
    >>> [(row.tolist(), col.tolist()) for row, col in res.for_game(1)]
    [([0.0, 1.0], [0.0, 1.0])]
    >>> res.row[:, 1].tolist()  # the row player's attack probability, game by game
    [0.0, 0.25, 1.0, 1.0]
    """
    A, B = as_games(A, B, ndim=3)
    N, m, k = A.shape
    if (m, k) == (2, 2):
        row, col, game = solve_2x2(A, B, tol)
    else:
        row, col, game = _solve_larger(A, B, tol)
    game = game.astype(np.int64, copy=False)
    count = np.bincount(game, minlength=N).astype(np.int64, copy=False)
    return BatchEquilibria(row=row, col=col, game=game, count=count)
