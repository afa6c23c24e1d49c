"""What every solver of :mod:`sim.games` agrees on: games, tolerances, the canonical order.

Games
-----
A game is a pair of payoff matrices ``A`` (row player) and ``B`` (column player) of
shape ``(m, n)``; a batch of games has shape ``(..., m, n)``. A strategy profile is a
pair ``(row, col)`` of probability vectors (:data:`Equilibrium`). In the model's 2x2
stage games strategy 0 is *Hold* and strategy 1 is *Attack*; the row player is actor A
and the column player is actor B.

Tolerance
---------
Payoffs are compared with a scale-aware tolerance, per game and per player:
``tol_A = 1e-9 * max|A|`` and ``tol_B = 1e-9 * max|B|`` (:data:`REL_TOL`). Two payoffs of
a player that differ by at most that player's tolerance are treated as equal (a tie),
and a profile is an equilibrium when no player gains more than its tolerance by
deviating. Being relative, the tolerance makes every result invariant to multiplying a
game by 1e12 or 1e-12; being per player, it is invariant to rescaling one player's
payoffs, which leaves the equilibria unchanged too. (A floor such as
``max(1, max|A|)`` would turn every game with payoffs of order 1e-12 into an all-ties
game, so none is used; an all-zero player has tolerance 0 and every comparison is an
exact tie.) Passing ``tol=`` gives both players that absolute tolerance instead.
Probabilities below :data:`PROB_TOL` count as zero (pure-strategy detection, polytope
labels). Equilibria that differ by at most :data:`DEDUP_TOL` in every probability are
one equilibrium.

Canonical order
---------------
Every list of equilibria is in one order: lexicographically descending in the
``(row, col)`` probabilities (rounded to 9 digits, the resolution of ``DEDUP_TOL``).
For 2x2 games that is ascending attack probabilities, (Hold, Hold) first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "DEDUP_TOL",
    "PROB_TOL",
    "REL_TOL",
    "Equilibrium",
    "as_games",
    "canonical_order",
    "check_tol",
    "order_keys",
    "payoff_scale",
    "rounding_slack",
    "safe_scale",
    "tolerances",
]

REL_TOL = 1e-9
"""Relative payoff tolerance: ``tol = REL_TOL * max|payoff|`` per game and player."""
PROB_TOL = 1e-10
"""Probabilities at or below this are zero (labels, pure-strategy detection)."""
DEDUP_TOL = 1e-9
"""Profiles closer than this in every probability are the same equilibrium."""

Equilibrium = tuple[np.ndarray, np.ndarray]
"""A strategy profile ``(row, col)``: the two players' mixed strategies."""


def as_games(
    A: npt.ArrayLike, B: npt.ArrayLike, ndim: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Payoff arrays as float64, checked: same shape, ``ndim`` axes, finite.

    Parameters
    ----------
    A, B : array_like, shape (..., m, n)
        Payoffs of the row and the column player.
    ndim : int, optional
        Required number of axes (2: one game, 3: a flat batch); default any >= 2.

    Returns
    -------
    A, B : ndarray of float64

    Raises
    ------
    ValueError
        For mismatched or wrong shapes, a player without strategies, or non-finite
        payoffs.
    """
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if A.shape != B.shape:
        raise ValueError(f"A and B must have the same shape, got {A.shape} and {B.shape}")
    if A.ndim < 2 or (ndim is not None and A.ndim != ndim):
        want = "(m, n)" if ndim == 2 else "(n_games, m, n)" if ndim == 3 else "(..., m, n)"
        raise ValueError(f"payoff arrays must have shape {want}, got {A.shape}")
    if A.shape[-1] < 1 or A.shape[-2] < 1:
        raise ValueError(f"each player needs at least one strategy, got {A.shape[-2:]}")
    if not (np.isfinite(A).all() and np.isfinite(B).all()):
        raise ValueError("payoffs must be finite")
    return A, B


def payoff_scale(M: np.ndarray) -> np.ndarray:
    """Largest absolute payoff of each game (reduced over the last two axes)."""
    return np.abs(M).max(axis=(-2, -1))


def check_tol(tol: float) -> float:
    """An explicit absolute tolerance, checked to be a finite number >= 0."""
    tol = float(tol)
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol}")
    return tol


def tolerances(
    A: np.ndarray, B: np.ndarray, tol: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per-game, per-player tolerances and payoff scales ``(tA, tB, sA, sB)``.

    Parameters
    ----------
    A, B : ndarray, shape (..., m, n)
        Payoffs.
    tol : float or None
        Absolute tolerance for both players; None for ``REL_TOL`` times each player's
        scale.

    Returns
    -------
    tA, tB, sA, sB : ndarray, shape (...)
    """
    sA, sB = payoff_scale(A), payoff_scale(B)
    if tol is None:
        return REL_TOL * sA, REL_TOL * sB, sA, sB
    tol = check_tol(tol)
    return np.full_like(sA, tol), np.full_like(sB, tol), sA, sB


def rounding_slack(scale: np.ndarray | float, k: int) -> np.ndarray | float:
    """Floating-point rounding allowance on top of a payoff tolerance.

    ``64 eps k scale`` for sums of ``k`` products of payoffs of size ``scale``.
    """
    return 64.0 * np.finfo(np.float64).eps * k * scale


def safe_scale(s: np.ndarray | float) -> np.ndarray:
    """Payoff scales with 0 replaced by 1, safe to divide by."""
    return np.where(s > 0, s, 1.0)


def order_keys(row: np.ndarray, col: np.ndarray) -> list[np.ndarray]:
    """Sort keys of the canonical order, for ``np.lexsort`` (primary key last).

    Parameters
    ----------
    row, col : ndarray, shape (..., m) and (..., n)
        Profiles (batched on the leading axes).

    Returns
    -------
    list of ndarray, shape (...)
        Negated probabilities rounded to 9 digits, last column first.
    """
    z = np.concatenate([row, col], axis=-1)
    z = np.round(z, 9)
    return [-z[..., i] for i in range(z.shape[-1] - 1, -1, -1)]


def canonical_order(equilibria: Sequence[Equilibrium]) -> list[Equilibrium]:
    """The equilibria of one game sorted into the canonical order (module docstring)."""
    keys = [tuple(k.item() for k in order_keys(r, c))[::-1] for r, c in equilibria]
    return [equilibria[i] for i in sorted(range(len(equilibria)), key=keys.__getitem__)]
