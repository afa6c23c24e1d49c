"""Equilibrium selection: the rules of :mod:`sim.games.rules` applied to games.

Two engines apply the same rule functions:

``select_2x2``
    The simulator's hot path, vectorised over any batch of 2x2 Hold/Attack games. Each
    rule is evaluated once per sign class at import (:mod:`sim.games.twobytwo`), giving
    a table from the 81 classes to a pure cell, the mixed equilibrium, or a comparison
    of risk products (and payoffs) among several pure equilibria; per call, only the
    games that need ``p*``, ``q*`` or a comparison compute them.
``select_from_list``
    One game of any size with an explicit list of its extreme equilibria (from
    ``all_equilibria`` or the nashpy reference path); for 2x2 games it agrees with
    ``select_2x2`` to the bit, which the tests check on thousands of games.

The rules, the tie rule and how to add a rule are described in :mod:`sim.games.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.games.conventions import (
    PROB_TOL,
    Equilibrium,
    as_games,
    canonical_order,
    safe_scale,
    tolerances,
)
from sim.games.dominance import (
    cell_risk,
    pareto,
    payoff_dominant_cell,
    payoff_pick,
    risk_dominant_cell,
    risk_pick,
)
from sim.games.qre import qre_2x2
from sim.games.rules import RULES, Pick, Resolve, Situation, check_rule, rule_named
from sim.games.twobytwo import SIGN_CLASSES, Gains2x2, gains_2x2

__all__ = ["QRE", "select_2x2", "select_from_list"]

#: The name of the quantal response rule (not a choice among Nash equilibria).
QRE = "qre"

# ------------------------------------------------------------- the batched 2x2 engine

# table codes: pure cells 0..3 ((H,H), (H,A), (A,H), (A,A)), then the resolve steps
_MIXED, _RISK, _PAYOFF = 4, 5, 6
_CODE_OF_STEP = {
    Resolve.FIRST_LISTED: _MIXED,  # no pure equilibrium: the unique, completely mixed one
    Resolve.RISK_DOMINANT: _RISK,
    Resolve.PAYOFF_DOMINANT: _PAYOFF,
}
_X_OF_KIND = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0])  # row attacks in cell / kind
_Y_OF_KIND = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0])
_CELLS = ((0, 0), (0, 1), (1, 0), (1, 1))
_PAT_DIAG = 0b1001  # pure equilibria (Hold, Hold) and (Attack, Attack): coordination
_PAT_ANTI = 0b0110  # (Hold, Attack) and (Attack, Hold): chicken


def _table_code(pick: Pick) -> int:
    if isinstance(pick, Resolve):
        return _CODE_OF_STEP[pick]
    i, j = pick
    return 2 * i + j


def _kind_table(rule: str) -> np.ndarray:
    """The rule evaluated on each of the 81 sign classes of 2x2 games."""
    decide = rule_named(rule)
    kinds = []
    for code in range(81):
        pure = tuple(cell for cell, e in zip(_CELLS, SIGN_CLASSES.pure[code], strict=True) if e)
        s = Situation(pure=pure, completely_mixed=bool(SIGN_CLASSES.completely_mixed[code]))
        kinds.append(_table_code(decide(s)))
    return np.array(kinds, dtype=np.intp)


_KIND = {rule: _kind_table(rule) for rule in RULES}


def _resolve_pair(g: Gains2x2, sub: np.ndarray, payoff: np.ndarray | None, c1: int, c2: int):
    """Choose between the two pure equilibria ``c1, c2`` of games ``sub``: cell per game.

    ``payoff`` marks the games that compare payoffs first (None: none of them).
    """
    fa, fb = safe_scale(g.sA[sub]), safe_scale(g.sB[sub])
    gains = (g.a0[sub], g.a1[sub], g.b0[sub], g.b1[sub], fa, fb)
    tie = g.tA[sub] / fa + g.tB[sub] / fb
    first = cell_risk(c1, *gains) >= cell_risk(c2, *gains) - tie
    if payoff is not None and payoff.any():
        Ai, Bi, t = g.A[sub], g.B[sub], (g.tA[sub], g.tB[sub])
        one = pareto(Ai[:, c1], Bi[:, c1], Ai[:, c2], Bi[:, c2], *t)
        two = pareto(Ai[:, c2], Bi[:, c2], Ai[:, c1], Bi[:, c1], *t)
        first = np.where(payoff & (one | two), one, first)
    return np.where(first, c1, c2)


def _resolve_general(g: Gains2x2, idx: np.ndarray, payoff: np.ndarray | None):
    """Adjacent, three or four pure equilibria (degenerate games): attack indicators."""
    e = SIGN_CLASSES.pure[g.code[idx]].T
    e00, e01, e10, e11 = e
    t = (g.tA[idx], g.tB[idx])
    gains = (g.a0[idx], g.a1[idx], g.b0[idx], g.b1[idx])
    xs, ys = risk_pick(*gains, e00, e01, e10, e11, g.sA[idx], g.sB[idx], *t)
    if payoff is not None and payoff.any():
        Ai, Bi = g.A[idx], g.B[idx]
        dom = payoff_pick(list(Ai.T), list(Bi.T), list(e), *t)
        has = payoff & (dom[0] | dom[1] | dom[2] | dom[3])
        xs = np.where(has, dom[2] | dom[3], xs)
        ys = np.where(has, dom[1] | dom[3], ys)
    return xs, ys


def _resolve(g: Gains2x2, kind: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
    """Fill ``x, y`` of the games with several pure equilibria (kinds _RISK, _PAYOFF)."""
    idx = np.flatnonzero(kind >= _RISK)
    if not idx.size:
        return
    is_payoff = kind[idx] == _PAYOFF
    payoff = is_payoff if is_payoff.any() else None  # None: no payoff comparisons at all
    pattern = SIGN_CLASSES.pattern[g.code[idx]]
    # two equilibria on a diagonal: the common cases, done directly
    # (same expressions as the general path and select_from_list: same bits)
    for pat, (c1, c2) in ((_PAT_DIAG, (0, 3)), (_PAT_ANTI, (1, 2))):
        on = pattern == pat
        sub = idx[on]
        if sub.size:
            cell = _resolve_pair(g, sub, None if payoff is None else payoff[on], c1, c2)
            x[sub] = _X_OF_KIND[cell]
            y[sub] = _Y_OF_KIND[cell]
    rest = (pattern != _PAT_DIAG) & (pattern != _PAT_ANTI)
    if rest.any():
        x[idx[rest]], y[idx[rest]] = _resolve_general(
            g, idx[rest], None if payoff is None else payoff[rest]
        )


def select_2x2(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    rule: str = "peaceful",
    tol: float | None = None,
    *,
    precision: npt.ArrayLike | None = None,
    per_year: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """How many 2x2 Hold/Attack games are played, vectorised closed form.

    Parameters
    ----------
    A, B : array_like, shape (..., 2, 2)
        Row (actor A) and column (actor B) payoffs; index 0 is Hold, 1 is Attack. Any
        leading batch shape, e.g. ``(draws, states)``.
    rule : {"peaceful", "risk_dominant", "payoff_dominant", "qre"}
        A Nash selection rule (see :mod:`sim.games.rules` for definitions and the tie
        rule), or ``qre``: the logit quantal response equilibrium (:func:`qre_2x2`).
    tol : float, optional
        Absolute payoff tolerance; default ``REL_TOL * max|payoff|`` per game and player.
    precision, per_year
        For ``qre`` only: the logit precision (broadcastable to the batch shape) and the
        decisions per unit of time (:func:`sim.games.qre.qre_2x2`).

    Returns
    -------
    x, y : ndarray, shape (...)
        Probability that the row player (x) and the column player (y) attack in the
        selected equilibrium: exactly 0.0 or 1.0 for pure selections, never NaN.

    Raises
    ------
    ValueError
        For an unknown rule, wrong shapes or non-finite payoffs.

    Examples
    --------
    The stag hunt under each rule (attack probabilities of the row and the column
    player):

    >>> from sim.games import RULES, select_2x2
    >>> A, B = [[4, 0], [3, 3]], [[4, 3], [0, 3]]
    >>> for rule in RULES:
    ...     x, y = select_2x2(A, B, rule)
    ...     print(rule, float(x), float(y))
    peaceful 0.0 0.0
    risk_dominant 1.0 1.0
    payoff_dominant 0.0 0.0
    """
    if rule == QRE:
        if precision is None:
            raise ValueError("the qre rule needs a precision")
        return qre_2x2(A, B, precision, per_year)
    check_rule(rule)
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if A.shape != B.shape or A.shape[-2:] != (2, 2):
        raise ValueError(f"A and B must both have shape (..., 2, 2), got {A.shape}, {B.shape}")
    shape = A.shape[:-2]
    N = int(np.prod(shape))
    if N == 0:
        return np.zeros(shape), np.zeros(shape)
    g = gains_2x2(A.reshape(N, 4), B.reshape(N, 4), tol)
    kind = _KIND[rule][g.code]
    x = _X_OF_KIND[kind]
    y = _Y_OF_KIND[kind]
    idx = np.flatnonzero(kind == _MIXED)
    if idx.size:  # p*, q*: make the other player indifferent (denominators are nonzero)
        b0i, a0i = g.b0[idx], g.a0[idx]
        x[idx] = b0i / (b0i - g.b1[idx])
        y[idx] = a0i / (a0i - g.a1[idx])
    _resolve(g, kind, x, y)
    return x.reshape(shape), y.reshape(shape)


# --------------------------------------------------------------- the list engine


def _pure_index(p: np.ndarray) -> int | None:
    """Index of the pure strategy ``p`` is (within ``PROB_TOL``), else None."""
    i = int(np.argmax(p))
    return i if p[i] >= 1.0 - PROB_TOL else None


def _unit(k: int, i: int) -> np.ndarray:
    e = np.zeros(k)
    e[i] = 1.0
    return e


@dataclass(frozen=True)
class _Listed:
    """One game with its equilibria in the canonical order, ready for a rule."""

    A: np.ndarray
    B: np.ndarray
    eqs: list[Equilibrium]
    situation: Situation
    tol: tuple[float, float, float, float]  # tA, tB, sA, sB

    @classmethod
    def of(
        cls, A: np.ndarray, B: np.ndarray, equilibria: Sequence[Equilibrium], tol: float | None
    ) -> _Listed:
        eqs = canonical_order(
            [
                (np.asarray(r, dtype=np.float64), np.asarray(c, dtype=np.float64))
                for r, c in equilibria
            ]
        )
        tA, tB, sA, sB = (float(v[0]) for v in tolerances(A[None], B[None], tol))
        pure = sorted(
            {
                (i, j)
                for i, j in ((_pure_index(r), _pure_index(c)) for r, c in eqs)
                if i is not None and j is not None
            },
            key=lambda ij: ((ij[0] > 0) + (ij[1] > 0), ij),
        )
        mixed = any((r > PROB_TOL).all() and (c > PROB_TOL).all() for r, c in eqs)
        return cls(A, B, eqs, Situation(tuple(pure), mixed), (tA, tB, sA, sB))

    def profile(self, ij: tuple[int, int]) -> Equilibrium:
        m, n = self.A.shape
        return _unit(m, ij[0]), _unit(n, ij[1])

    def apply(self, pick: Pick) -> Equilibrium:
        """The equilibrium a rule's answer designates."""
        pure = self.situation.pure
        tA, tB, sA, sB = self.tol
        if pick is Resolve.FIRST_LISTED:
            return self.eqs[0]
        if pick is Resolve.PAYOFF_DOMINANT:
            best = payoff_dominant_cell(self.A, self.B, pure, tA, tB)
            pick = Resolve.RISK_DOMINANT if best is None else best
        if pick is Resolve.RISK_DOMINANT:
            pick = risk_dominant_cell(self.A, self.B, pure, tA, tB, sA, sB)
        assert isinstance(pick, tuple)
        return self.profile(pick)


def select_from_list(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    equilibria: Sequence[Equilibrium],
    rule: str,
    tol: float | None = None,
) -> Equilibrium:
    """Apply a selection rule to an explicit list of equilibria of one game.

    Parameters
    ----------
    A, B : array_like, shape (m, n)
        Payoffs of the game.
    equilibria : sequence of (row, col)
        Its (extreme) equilibria, e.g. from ``all_equilibria`` or ``nashpy_equilibria``;
        pure equilibria are recognised within ``PROB_TOL``.
    rule : {"peaceful", "risk_dominant", "payoff_dominant"}
        Selection rule (:mod:`sim.games.rules`). For 2x2 games it agrees with
        ``select_2x2``.
    tol : float, optional
        Absolute payoff tolerance; default ``REL_TOL * max|payoff|`` per player.

    Returns
    -------
    row, col : ndarray
        The selected equilibrium; pure selections are exact unit vectors.

    Raises
    ------
    ValueError
        For an unknown rule or an empty list (every finite game has an equilibrium).

    Examples
    --------
    A 3x3 coordination game (both players get ``A``) has seven extreme equilibria;
    ``peaceful`` picks coordination on strategy 0, ``risk_dominant`` on strategy 2:

    >>> import numpy as np
    >>> from sim.games import all_equilibria, select_from_list
    >>> A = np.diag([2.0, 1.0, 3.0])
    >>> eqs = all_equilibria(A, A)
    >>> len(eqs)
    7
    >>> for rule in ("peaceful", "risk_dominant"):
    ...     row, col = select_from_list(A, A, eqs, rule)
    ...     print(rule, row.tolist(), col.tolist())
    peaceful [1.0, 0.0, 0.0] [1.0, 0.0, 0.0]
    risk_dominant [0.0, 0.0, 1.0] [0.0, 0.0, 1.0]
    """
    decide = rule_named(rule)
    A, B = as_games(A, B, ndim=2)
    if len(equilibria) == 0:
        raise ValueError("empty list of equilibria: every finite game has one")
    listed = _Listed.of(A, B, equilibria, tol)
    return listed.apply(decide(listed.situation))
