"""The 2x2 closed form: extreme equilibria from the signs of four payoff gains.

In a 2x2 game with attack probabilities ``p`` (row) and ``q`` (column) let
``a0 = A00 - A10``, ``a1 = A01 - A11`` (the row player's gain from Hold over Attack when
the column player holds/attacks) and ``b0 = B00 - B01``, ``b1 = B10 - B11``. Every
extreme equilibrium has ``p in {0, p*, 1}`` and ``q in {0, q*, 1}`` with
``p* = b0 / (b0 - b1)`` (makes the column player indifferent) and
``q* = a0 / (a0 - a1)``, which exist when the two gains have strictly opposite signs.
Each of the (up to) nine candidates is kept when both players best-respond
(:func:`candidate_validity`); all candidates that pass are extreme points.

Which candidates pass, which pure profiles are equilibria and every discrete step of
the selection rules depend only on the *sign classes* of the four gains (below
``-tol``, within ``tol`` of 0, above ``tol``): 81 classes. So both 2x2 hot paths
(:func:`solve_2x2` here and :func:`sim.games.select_2x2`) compute an int8 class code
per game (:func:`gains_2x2`) and read look-up tables built at import from the
definitions (:data:`SIGN_CLASSES`); only ``p*``, ``q*``, the risk products and payoff
comparisons are computed, and only for the games that need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import NamedTuple

import numpy as np

from sim.games.conventions import REL_TOL, check_tol, safe_scale

__all__ = [
    "SIGN_CLASSES",
    "Gains2x2",
    "SignClasses",
    "candidate_validity",
    "gains_2x2",
    "solve_2x2",
]

_HUGE = 1e300  # payoff magnitude above which the gains are taken on rescaled payoffs


def candidate_validity(a0, a1, b0, b1, tA, tB) -> np.ndarray:
    """Which of the nine 2x2 extreme-equilibrium candidates are equilibria.

    Candidates ``(p, q)``, in canonical order ``3 * pi + qi`` with ``p in (0, p*, 1)``
    and ``q in (0, q*, 1)``; ``dA(q)`` is the row player's gain from Hold at ``q``
    (``a0`` at q = 0, ``a1`` at q = 1, 0 at q*), ``dB(p)`` likewise. Returns ``(..., 9)``.
    This is the definition; the hot paths evaluate it once per sign class
    (:data:`SIGN_CLASSES`).
    """
    a0, a1, b0, b1, tA, tB = np.broadcast_arrays(a0, a1, b0, b1, tA, tB)
    qs = ((a0 > tA) & (a1 < -tA)) | ((a0 < -tA) & (a1 > tA))  # q* in (0, 1)
    ps = ((b0 > tB) & (b1 < -tB)) | ((b0 < -tB) & (b1 > tB))  # p* in (0, 1)
    zero = np.zeros_like(a0)
    dA = np.stack([a0, zero, a1], axis=-1)
    dB = np.stack([b0, zero, b1], axis=-1)
    tA, tB = tA[..., None], tB[..., None]
    # row_ok[..., pi, qi]: p-candidate pi is a best reply to q-candidate qi
    row_ok = np.stack([dA >= -tA, (np.abs(dA) <= tA) & ps[..., None], dA <= tA], axis=-2)
    # col_ok[..., pi, qi]: q-candidate qi is a best reply to p-candidate pi
    col_ok = np.stack([dB >= -tB, (np.abs(dB) <= tB) & qs[..., None], dB <= tB], axis=-1)
    return (row_ok & col_ok).reshape(a0.shape + (9,))


@dataclass(frozen=True)
class SignClasses:
    """Look-up tables over the 81 sign classes of ``(a0, a1, b0, b1)``.

    Each gain is classified as below ``-tol``, within ``tol`` of 0, or above ``tol``
    (code ``27 s(a0) + 9 s(a1) + 3 s(b0) + s(b1) + 40``). The extreme-equilibrium
    candidates and the pure equilibria depend on these classes only.

    Attributes
    ----------
    count : ndarray, shape (81,)
        Number of extreme equilibria.
    cand : ndarray, shape (81, 9)
        Their candidate indices (``3 * pi + qi``), padded with 0.
    pure : ndarray of bool, shape (81, 4)
        Pure equilibria, cells (Hold, Hold), (Hold, Attack), (Attack, Hold),
        (Attack, Attack).
    pattern : ndarray, shape (81,)
        Bitmask of the pure equilibria: sum of ``2**cell``.
    completely_mixed : ndarray of bool, shape (81,)
        Whether ``(p*, q*)`` is an equilibrium (the class has no pure equilibrium only
        if it is).
    """

    count: np.ndarray
    cand: np.ndarray
    pure: np.ndarray
    pattern: np.ndarray
    completely_mixed: np.ndarray

    @classmethod
    def build(cls) -> SignClasses:
        """Evaluate :func:`candidate_validity` on one representative of each class."""
        signs = np.array(list(product((-1.0, 0.0, 1.0), repeat=4)))
        a0, a1, b0, b1 = signs.T
        valid = candidate_validity(a0, a1, b0, b1, 0.5, 0.5)
        pure = valid[:, [0, 2, 6, 8]]
        cm = valid[:, 4]
        assert (cm | pure.any(axis=1)).all()  # no pure equilibrium -> completely mixed
        cand = np.zeros((81, 9), dtype=np.intp)
        for code in range(81):
            idx = np.flatnonzero(valid[code])
            cand[code, : idx.size] = idx
        pattern = (pure * (1 << np.arange(4))).sum(axis=1)
        return cls(valid.sum(axis=1), cand, pure, pattern, cm)


SIGN_CLASSES = SignClasses.build()
"""The sign-class tables, built once at import."""

_P_OF = np.array([0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0])  # p of candidate (0.5: p*)
_Q_OF = np.array([0.0, 0.5, 1.0] * 3)


class Gains2x2(NamedTuple):
    """A flat batch of 2x2 games reduced to what the closed forms need.

    A named tuple rather than a dataclass: it is built on every call of the hot path.

    Attributes
    ----------
    A, B : ndarray, shape (N, 4)
        Payoffs, row-major (cells (H,H), (H,A), (A,H), (A,A)); rescaled per game and
        player when payoffs exceed 1e300, so that differences cannot overflow.
    a0, a1, b0, b1 : ndarray, shape (N,)
        The players' gains from Hold over Attack (module docstring).
    tA, tB : ndarray, shape (N,)
        Absolute payoff tolerances.
    sA, sB : ndarray, shape (N,)
        Payoff scales ``max|A|``, ``max|B|``.
    code : ndarray of int8, shape (N,)
        Sign class of each game (:class:`SignClasses`).
    """

    A: np.ndarray
    B: np.ndarray
    a0: np.ndarray
    a1: np.ndarray
    b0: np.ndarray
    b1: np.ndarray
    tA: np.ndarray
    tB: np.ndarray
    sA: np.ndarray
    sB: np.ndarray
    code: np.ndarray


def _max4(M: np.ndarray) -> np.ndarray:
    """Row maxima of an ``(N, 4)`` array (faster than ``max(axis=1)`` for 4 columns)."""
    s = np.maximum(M[:, 0], M[:, 1])
    np.maximum(s, M[:, 2], out=s)
    np.maximum(s, M[:, 3], out=s)
    return s


def _sign_code(a0, a1, b0, b1, tA, tB) -> np.ndarray:
    """Sign class code ``27 s(a0) + 9 s(a1) + 3 s(b0) + s(b1) + 40`` of each game."""
    code = np.full(a0.shape[0], 40, dtype=np.int8)
    ntA, ntB = -tA, -tB
    for x, t, nt, w in ((a0, tA, ntA, 27), (a1, tA, ntA, 9), (b0, tB, ntB, 3), (b1, tB, ntB, 1)):
        s = (x > t).view(np.int8)
        s -= (x < nt).view(np.int8)
        if w != 1:
            s *= np.int8(w)
        code += s
    return code


def gains_2x2(A: np.ndarray, B: np.ndarray, tol: float | None) -> Gains2x2:
    """Shared preamble of the 2x2 closed forms for games ``A, B (N, 4)`` (row-major).

    Parameters
    ----------
    A, B : ndarray of float64, shape (N, 4)
        Payoffs of each game, cells in the order (H,H), (H,A), (A,H), (A,A).
    tol : float or None
        Absolute payoff tolerance; None for ``REL_TOL * max|payoff|`` per player.

    Returns
    -------
    Gains2x2
        Gains, tolerances, scales and sign class codes.

    Raises
    ------
    ValueError
        For non-finite payoffs or a bad ``tol``.
    """
    N = A.shape[0]
    ab = np.abs(A)
    sA = _max4(ab)
    np.abs(B, out=ab)
    sB = _max4(ab)
    top = max(sA.max(), sB.max())
    if not np.isfinite(top):
        raise ValueError("payoffs must be finite")
    if tol is None:
        tA, tB = REL_TOL * sA, REL_TOL * sB
    else:
        tol = check_tol(tol)
        tA, tB = np.full(N, tol), np.full(N, tol)
    if top > _HUGE:  # rescale per game so that payoff differences cannot overflow
        fa, fb = safe_scale(sA), safe_scale(sB)
        A, B = A / fa[:, None], B / fb[:, None]
        tA, tB, sA, sB = tA / fa, tB / fb, sA / fa, sB / fb
    a0 = A[:, 0] - A[:, 2]  # row's gain from Hold over Attack when the column holds
    a1 = A[:, 1] - A[:, 3]  # ... when the column attacks
    b0 = B[:, 0] - B[:, 1]  # column's gain from Hold over Attack when the row holds
    b1 = B[:, 2] - B[:, 3]  # ... when the row attacks
    code = _sign_code(a0, a1, b0, b1, tA, tB)
    return Gains2x2(A, B, a0, a1, b0, b1, tA, tB, sA, sB, code)


def solve_2x2(
    A: np.ndarray, B: np.ndarray, tol: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closed-form extreme equilibria of 2x2 games ``(N, 2, 2)`` (module docstring).

    Parameters
    ----------
    A, B : ndarray of float64, shape (N, 2, 2)
        Payoffs.
    tol : float or None
        Absolute payoff tolerance; None for the relative default.

    Returns
    -------
    row (K, 2), col (K, 2), game (K,)
        The equilibria, sorted by game and within a game in the canonical order (the
        candidates' order), as :func:`sim.games.solve_batch` returns them.
    """
    N = A.shape[0]
    g2 = gains_2x2(A.reshape(N, 4), B.reshape(N, 4), tol)
    a0, a1, b0, b1, code = g2.a0, g2.a1, g2.b0, g2.b1, g2.code
    count = SIGN_CLASSES.count[code]
    total = int(count.sum())
    g = np.repeat(np.arange(N), count)
    start = np.cumsum(count) - count
    c = SIGN_CLASSES.cand[code[g], np.arange(total) - start[g]]
    p, q = _P_OF[c], _Q_OF[c]
    mixed = np.flatnonzero(p == 0.5)
    if mixed.size:
        gm = g[mixed]
        p[mixed] = b0[gm] / (b0[gm] - b1[gm])
    mixed = np.flatnonzero(q == 0.5)
    if mixed.size:
        gm = g[mixed]
        q[mixed] = a0[gm] / (a0[gm] - a1[gm])
    row = np.empty((total, 2))
    col = np.empty((total, 2))
    row[:, 1] = p
    np.subtract(1.0, p, out=row[:, 0])
    col[:, 1] = q
    np.subtract(1.0, q, out=col[:, 0])
    return row, col, g
