"""The nashpy reference path: equilibria from an independent library, cross-checked.

:func:`nashpy_equilibria` wraps nashpy's ``support_enumeration`` (which compares payoffs
with exact float equality and can miss equilibria) and adds ``vertex_enumeration`` for
degenerate games or when support enumeration looks incomplete; every profile is
re-verified and rejected profiles are counted in :data:`NASHPY_DIAGNOSTICS`.
:func:`select_2x2_nashpy` loops over games with it: slow, independent, for the tests and
``solver.method: nashpy``.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from sim.games.conventions import DEDUP_TOL, Equilibrium, as_games, canonical_order
from sim.games.equilibria import is_degenerate, is_equilibrium
from sim.games.rules import check_rule
from sim.games.selection import select_from_list

__all__ = ["NASHPY_DIAGNOSTICS", "nashpy_equilibria", "select_2x2_nashpy"]

NASHPY_DIAGNOSTICS: Counter[str] = Counter()
"""Counts kept by the nashpy reference path: ``games``, ``degenerate``,
``vertex_enumeration`` (times it was added), ``vertex_enumeration_failed``,
``dropped_non_equilibria`` (profiles nashpy returned that are not equilibria)."""

_log = logging.getLogger(__name__)


def _positive(M: np.ndarray) -> np.ndarray:
    """Positive affine rescaling to [1, 2] (equilibria unchanged; bounded polytopes)."""
    rng = M.max() - M.min()
    return np.ones_like(M) if rng == 0 else 1.0 + (M - M.min()) / rng


def _add_verified(
    out: list[Equilibrium], A: np.ndarray, B: np.ndarray, profiles: Iterable, tol: float | None
) -> None:
    """Append to ``out`` the profiles that are equilibria and not already in it."""
    for r, c in profiles:
        r, c = np.asarray(r, dtype=np.float64), np.asarray(c, dtype=np.float64)
        if not is_equilibrium(A, B, r, c, tol):
            NASHPY_DIAGNOSTICS["dropped_non_equilibria"] += 1
            _log.warning("dropped a nashpy profile that is not an equilibrium: %s, %s", r, c)
            continue
        if not any(
            np.abs(r - r2).max() <= DEDUP_TOL and np.abs(c - c2).max() <= DEDUP_TOL
            for r2, c2 in out
        ):
            out.append((r, c))


def nashpy_equilibria(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    tol: float | None = None,
    always_vertex: bool = False,
) -> list[Equilibrium]:
    """Equilibria of one game from nashpy, cross-checked (the reference path).

    nashpy's ``support_enumeration`` is run first (its degeneracy warning silenced). If
    the game is degenerate (``is_degenerate``) or support enumeration found an even
    number of verified equilibria (none included; a nondegenerate game has an odd
    number, so it missed some), nashpy's
    ``vertex_enumeration`` (on payoffs rescaled to [1, 2], which keeps its polytopes
    bounded) is added and the union deduplicated. Every profile is verified with
    ``is_equilibrium``; failures are dropped, logged and counted in
    ``NASHPY_DIAGNOSTICS["dropped_non_equilibria"]``.

    For 2x2 games support enumeration is reliable (a mixed equilibrium has full
    support). In larger games it can miss equilibria whose support is smaller than the
    game (its zero-probability rows solve to +-1e-17 and fail exact checks); when it
    misses two at once the count stays odd and nothing flags it, so pass
    ``always_vertex=True`` for a complete reference on such games.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs.
    tol : float, optional
        Payoff tolerance for the verification.
    always_vertex : bool, default False
        Always add nashpy's vertex enumeration.

    Returns
    -------
    list of (ndarray, ndarray)
        Verified equilibria in the canonical order of ``all_equilibria``. nashpy's
        support enumeration may return non-extreme equilibria of degenerate games.

    Examples
    --------
    >>> from sim.games import nashpy_equilibria
    >>> for row, col in nashpy_equilibria([[4, 0], [3, 3]], [[4, 3], [0, 3]]):
    ...     print(row.tolist(), col.tolist())
    [1.0, 0.0] [1.0, 0.0]
    [0.75, 0.25] [0.75, 0.25]
    [0.0, 1.0] [0.0, 1.0]
    """
    import nashpy

    A, B = as_games(A, B, ndim=2)
    NASHPY_DIAGNOSTICS["games"] += 1
    out: list[Equilibrium] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy's "even number ... degenerate" warning
        _add_verified(out, A, B, nashpy.Game(A, B).support_enumeration(), tol)
    degenerate = is_degenerate(A, B, tol)
    NASHPY_DIAGNOSTICS["degenerate"] += degenerate
    # a nondegenerate game has an odd number of equilibria: an even count (0 included)
    # means support enumeration missed some
    if always_vertex or degenerate or len(out) % 2 == 0:
        NASHPY_DIAGNOSTICS["vertex_enumeration"] += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                vertices = nashpy.Game(_positive(A), _positive(B)).vertex_enumeration()
                _add_verified(out, A, B, vertices, tol)
        except Exception as exc:  # scipy's Qhull raises on some degenerate polytopes
            NASHPY_DIAGNOSTICS["vertex_enumeration_failed"] += 1
            _log.warning("nashpy vertex_enumeration failed on %s, %s: %s", A, B, exc)
    return canonical_order(out)


def select_2x2_nashpy(
    A: npt.ArrayLike, B: npt.ArrayLike, rule: str = "peaceful", tol: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``select_2x2`` computed the slow way: nashpy equilibria plus ``select_from_list``.

    Parameters
    ----------
    A, B : array_like, shape (..., 2, 2)
        Payoffs, as in ``select_2x2``.
    rule : {"peaceful", "risk_dominant", "payoff_dominant"}
        Selection rule (nashpy computes Nash equilibria: it has no ``qre``).
    tol : float, optional
        Payoff tolerance.

    Returns
    -------
    x, y : ndarray, shape (...)
        Attack probabilities of the row and the column player.

    Examples
    --------
    >>> from sim.games import select_2x2_nashpy
    >>> [float(v) for v in select_2x2_nashpy([[4, 0], [3, 3]], [[4, 3], [0, 3]], "risk_dominant")]
    [1.0, 1.0]
    """
    check_rule(rule)
    A, B = as_games(A, B)
    if A.shape[-2:] != (2, 2):
        raise ValueError(f"A and B must have shape (..., 2, 2), got {A.shape}")
    shape = A.shape[:-2]
    flatA, flatB = A.reshape(-1, 2, 2), B.reshape(-1, 2, 2)
    x = np.empty(flatA.shape[0])
    y = np.empty(flatA.shape[0])
    for g in range(flatA.shape[0]):
        eqs = nashpy_equilibria(flatA[g], flatB[g], tol)
        r, c = select_from_list(flatA[g], flatB[g], eqs, rule, tol)
        x[g], y[g] = r[1], c[1]
    return x.reshape(shape), y.reshape(shape)
