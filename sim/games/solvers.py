"""Nash equilibria of bimatrix games and equilibrium selection for the stage game.

Conventions
-----------
A game is a pair of payoff matrices ``A`` (row player) and ``B`` (column player) of
shape ``(m, n)``. A strategy profile is a pair ``(row, col)`` of probability vectors.
In the model's 2x2 stage games strategy 0 is *Hold* and strategy 1 is *Attack*; the
row player is actor A and the column player is actor B.

Algorithms
----------
``all_equilibria`` (one game, any ``m, n >= 1``) enumerates the vertices of the two
best-response polytopes (Avis, Rosenberg, Savani and von Stengel 2010)::

    P = {x >= 0 : B' x <= 1}  (labels: x_i = 0 -> i,  (B'^T x)_j = 1 -> m + j)
    Q = {y >= 0 : A' y <= 1}  (labels: (A' y)_i = 1 -> i,  y_j = 0 -> m + j)

where ``A' = 1 + (A - min A) / range(A)`` (likewise ``B'``) are positive affine
rescalings, which leave the equilibria unchanged. A vertex is found by choosing a
support ``F`` and an equally large set ``J`` of binding best-response constraints and
solving the square system ``A'[J, F] y_F = 1`` (closed-form Cramer's rule up to 3x3,
``np.linalg.solve`` above; systems with a numerically vanishing determinant are skipped:
every vertex has a nonsingular defining system). All ``C(m + n, m) - 1`` systems of all
games in a batch are solved at once, with the games on the last (contiguous) axis so
that every step is an elementwise operation on ``(systems, games)`` arrays; labels and
strategies are built only for the feasible vertices. A vertex's labels are *all*
constraints that bind within the tolerance, not only the chosen ones, so degenerate
vertices (more binding constraints than the dimension) are labelled correctly and
deduplicated by their label sets (a vertex with exactly ``dim`` labels has a unique
defining system). The extreme Nash equilibria are exactly the completely labelled
vertex pairs ``(x, y) != (0, 0)``. For a nondegenerate game these are all equilibria;
for a degenerate game they are the extreme points of the (finitely many, convex)
maximal Nash subsets, whose union is the set of equilibria. Every pair is re-verified
as a pair of best responses in the original payoffs before it is returned. Cost:
``C(m + n, m)`` small systems per polytope (a 10x10 game takes about half a second;
``MAX_SYSTEMS`` bounds it).

``solve_batch`` (arrays of games ``(n, m, k)``) uses a closed form for 2x2 games and the
batched vertex enumeration above otherwise. In a 2x2 game with attack probabilities
``p`` (row) and ``q`` (column) let ``a0 = A00 - A10``, ``a1 = A01 - A11`` (the row
player's gain from Hold over Attack when the column player holds/attacks) and
``b0 = B00 - B01``, ``b1 = B10 - B11``. Every extreme equilibrium has
``p in {0, p*, 1}`` and ``q in {0, q*, 1}`` with ``p* = b0 / (b0 - b1)`` (makes the column
player indifferent) and ``q* = a0 / (a0 - a1)``, which exist when the two gains have
strictly opposite signs. Each of the (up to) nine candidates is kept when both players
best-respond (``_candidate_validity``); all candidates that pass are extreme points.
Which candidates pass, which pure profiles are equilibria and every discrete step of
the selection rules depend only on the sign classes of the four gains (below ``-tol``,
within ``tol`` of 0, above ``tol``): 81 classes, so both 2x2 hot paths compute an int8
class code per game and read look-up tables built at import from the definitions
(``_Tables2x2``); only ``p*``, ``q*``, the risk products and payoff comparisons are
computed, and only for the games that need them.

Tolerance
---------
Payoffs are compared with a scale-aware tolerance, per game and per player:
``tol_A = 1e-9 * max|A|`` and ``tol_B = 1e-9 * max|B|`` (``REL_TOL``). Two payoffs of a
player that differ by at most that player's tolerance are treated as equal (a tie), and
a profile is an equilibrium when no player gains more than its tolerance by deviating.
Being relative, the tolerance makes every result invariant to multiplying a game by
1e12 or 1e-12; being per player, it is invariant to rescaling one player's payoffs,
which leaves the equilibria unchanged too. (A floor such as ``max(1, max|A|)`` would
turn every game with payoffs of order 1e-12 into an all-ties game, so none is used;
an all-zero player has tolerance 0 and every comparison is an exact tie.) Passing
``tol=`` gives both players that absolute tolerance instead. Probabilities below
``PROB_TOL`` count as zero (pure-strategy detection, polytope labels). Equilibria that
differ by at most ``DEDUP_TOL`` in every probability are one equilibrium.

Selection rules and the tie rule
--------------------------------
``select_2x2`` (vectorised closed form, the simulator's hot path) and
``select_from_list`` (the same rules on an explicit list of equilibria) implement:

``peaceful``
    (Hold, Hold) whenever it is a (weak) pure equilibrium: if neither side gains by
    attacking first, the ceasefire is self-enforcing and the analyst assumes the
    parties coordinate on it (the focal point of an agreement). Otherwise
    ``risk_dominant``.
``risk_dominant``
    Harsanyi and Selten (1988): between two strict equilibria of a 2x2 game the one
    with the larger product of the players' deviation losses risk-dominates (it is the
    better reply to the most uncertain belief, and the one the tracing procedure picks).
    With several pure equilibria the one with the largest product wins (deviation
    losses are clipped at 0, so weak equilibria have product 0); products within
    ``tol_A * max|B| + tol_B * max|A|`` (relative to the players' scales) are ties.
    A unique pure equilibrium is selected; with no pure equilibrium the unique (in a
    2x2 game completely mixed) equilibrium. For larger games the deviation loss of a
    pure profile is the gap to the player's best alternative pure reply (the product is
    then a heuristic generalisation: Harsanyi-Selten need the tracing procedure).
``payoff_dominant``
    The pure equilibrium that Pareto-dominates every other pure equilibrium (weakly in
    both payoffs, strictly, beyond the tolerance, in at least one): collective
    rationality, Harsanyi and Selten's first criterion. If there is none,
    ``risk_dominant``; with no pure equilibrium, the mixed one.
``mixed``
    The completely mixed equilibrium (both players randomise, e.g. the stag hunt's,
    chicken's or matching pennies' mixed equilibrium): the symmetric-ignorance
    benchmark of players who cannot coordinate on either pure equilibrium. Only
    extreme equilibria count (a continuum of equilibria whose endpoints are partly
    pure is represented by those endpoints). If there is none, ``risk_dominant``.

Tie rule (degenerate games). A player indifferent between strategies is taken to play
the lowest index, Hold: ties go toward peace. Concretely, equal risk products go to
the equilibrium with more players on strategy 0, then to the lexicographically smaller
attack probabilities, i.e. the priority (Hold, Hold) > (Hold, Attack) >
(Attack, Hold) > (Attack, Attack); and when several non-pure extreme equilibria are
candidates (continuum endpoints, or several mixed equilibria of a larger game), pure
profiles are preferred, then the profile that comes first in ``all_equilibria``'s
order: lexicographically largest ``(row, col)`` probability vectors, which for 2x2 games
is lexicographically smallest attack probabilities ``(x, y)``.

Reference path
--------------
``nashpy_equilibria`` wraps nashpy's ``support_enumeration`` (which compares payoffs with
exact float equality and can miss equilibria) and adds ``vertex_enumeration`` for
degenerate games or when support enumeration looks incomplete; every profile is
re-verified and rejected profiles are counted in ``NASHPY_DIAGNOSTICS``.
``select_2x2_nashpy`` loops over games with it: slow, independent, for tests and
``solver.method: nashpy``.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product
from math import comb

import numpy as np
import numpy.typing as npt

from sim.names import SELECTION_RULES

__all__ = [
    "DEDUP_TOL",
    "NASHPY_DIAGNOSTICS",
    "PROB_TOL",
    "REL_TOL",
    "RULES",
    "BatchEquilibria",
    "all_equilibria",
    "best_response_gap",
    "is_degenerate",
    "is_equilibrium",
    "nashpy_equilibria",
    "select_2x2",
    "select_2x2_nashpy",
    "select_from_list",
    "solve_batch",
]

REL_TOL = 1e-9
"""Relative payoff tolerance: ``tol = REL_TOL * max|payoff|`` per game and player."""
PROB_TOL = 1e-10
"""Probabilities at or below this are zero (labels, pure-strategy detection)."""
DEDUP_TOL = 1e-9
"""Profiles closer than this in every probability are the same equilibrium."""
RULES = SELECTION_RULES
"""Names of the equilibrium selection rules."""
MAX_SYSTEMS = 5_000_000
"""Largest number of linear systems ``all_equilibria`` will enumerate per polytope."""

NASHPY_DIAGNOSTICS: Counter[str] = Counter()
"""Counts kept by the nashpy reference path: ``games``, ``degenerate``,
``vertex_enumeration`` (times it was added), ``vertex_enumeration_failed``,
``dropped_non_equilibria`` (profiles nashpy returned that are not equilibria)."""

_DET_TOL = 1e-12  # |det| below this times the Hadamard bound: singular system
_HUGE = 1e300  # payoff magnitude above which select_2x2 rescales to avoid overflow
_log = logging.getLogger(__name__)

Equilibrium = tuple[np.ndarray, np.ndarray]


# --------------------------------------------------------------------------- helpers


def _check_rule(rule: str) -> str:
    if rule not in RULES:
        raise ValueError(f"unknown selection rule {rule!r}; expected one of {RULES}")
    return rule


def _as_games(A: npt.ArrayLike, B: npt.ArrayLike, ndim: int | None = None):
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


def _scale(M: np.ndarray) -> np.ndarray:
    """Largest absolute payoff of each game (reduced over the last two axes)."""
    return np.abs(M).max(axis=(-2, -1))


def _tolerances(A: np.ndarray, B: np.ndarray, tol: float | None):
    """Per-game, per-player tolerances and payoff scales ``(tA, tB, sA, sB)``."""
    sA, sB = _scale(A), _scale(B)
    if tol is None:
        return REL_TOL * sA, REL_TOL * sB, sA, sB
    tol = float(tol)
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0, got {tol}")
    return np.full_like(sA, tol), np.full_like(sB, tol), sA, sB


def _slack(scale: np.ndarray | float, k: int) -> np.ndarray | float:
    """Floating-point rounding allowance on top of a payoff tolerance."""
    return 64.0 * np.finfo(np.float64).eps * k * scale


def _order_keys(row: np.ndarray, col: np.ndarray) -> list[np.ndarray]:
    """Sort keys (for ``np.lexsort``, primary key last) of the canonical order.

    Lexicographically descending in ``(row, col)`` probabilities, rounded to ``DEDUP_TOL``:
    in a 2x2 game, ascending attack probabilities with (Hold, Hold) first.
    """
    z = np.concatenate([row, col], axis=-1)
    z = np.round(z, 9)
    return [-z[..., i] for i in range(z.shape[-1] - 1, -1, -1)]


def _unit(k: int, i: int) -> np.ndarray:
    e = np.zeros(k)
    e[i] = 1.0
    return e


# ------------------------------------------------------------------ verification


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
    """
    A, B = _as_games(A, B, ndim=2)
    x = np.asarray(row, dtype=np.float64)
    y = np.asarray(col, dtype=np.float64)
    if x.shape != (A.shape[0],) or y.shape != (A.shape[1],):
        return False
    if not (_is_distribution(x) and _is_distribution(y)):
        return False
    tA, tB, sA, sB = _tolerances(A, B, tol)
    k = max(A.shape)
    gr, gc = best_response_gap(A, B, x, y)
    return bool(gr <= tA + _slack(sA, k) and gc <= tB + _slack(sB, k))


# ------------------------------------------------------- batched vertex enumeration


@lru_cache(maxsize=64)
def _candidate_systems(
    c: int, d: int
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]:
    """Square systems ``M[J, F] z_F = 1`` of a polytope ``{z >= 0 : M z <= 1}``, by size.

    Returns, per size ``s``, index arrays ``J (nS, s)`` (constraints chosen binding),
    ``F (nS, s)`` (support), ``Jc (nS, c - s)`` (the other constraints) and the
    boolean ``outside (nS, d)`` (variables not in F, hence 0).
    """
    groups = []
    for s in range(1, min(c, d) + 1):
        J = np.array(list(combinations(range(c), s)), dtype=np.intp)
        F = np.array(list(combinations(range(d), s)), dtype=np.intp)
        JJ, FF = np.repeat(J, len(F), axis=0), np.tile(F, (len(J), 1))
        rows = np.arange(len(FF))[:, None]
        outside = np.ones((len(FF), d), dtype=bool)
        outside[rows, FF] = False
        others = np.ones((len(JJ), c), dtype=bool)
        others[rows, JJ] = False
        Jc = np.nonzero(others)[1].reshape(len(JJ), c - s)
        groups.append((JJ, FF, Jc, outside))
    return tuple(groups)


def _solve_ones(S: list[list[np.ndarray]]) -> tuple[list[np.ndarray], np.ndarray]:
    """Solve ``S z = 1`` for many square systems given entry-wise, ``S[a][b]`` arrays.

    Closed-form Cramer's rule for sizes 1 to 3 (elementwise over all systems at once,
    much faster than a LAPACK call per tiny system), ``np.linalg.solve`` above. Entries
    are in [1, 2]; a system is singular when ``|det|`` is below ``_DET_TOL`` times the
    Hadamard bound ``(2 sqrt(s))^s`` of such matrices. Returns ``z`` as a list of ``s``
    arrays and the mask of nonsingular systems.
    """
    s = len(S)
    bound = _DET_TOL * (2.0 * np.sqrt(s)) ** s
    if s == 1:
        return [1.0 / S[0][0]], np.ones(S[0][0].shape, dtype=bool)
    if s == 2:
        (a, b), (c, d) = S
        det = a * d - b * c
        ok = np.abs(det) > bound
        inv = 1.0 / np.where(ok, det, 1.0)
        return [(d - b) * inv, (a - c) * inv], ok
    if s == 3:
        (a, b, c), (d, e, f), (g, h, i) = S
        c0, c1, c2 = e * i - f * h, f * g - d * i, d * h - e * g
        det = a * c0 + b * c1 + c * c2
        ok = np.abs(det) > bound
        inv = 1.0 / np.where(ok, det, 1.0)
        # z = (r1 x r2 + r2 x r0 + r0 x r1) / det for rows r0, r1, r2
        z0 = (c0 + (h * c - i * b) + (b * f - c * e)) * inv
        z1 = (c1 + (i * a - g * c) + (c * d - a * f)) * inv
        z2 = (c2 + (g * b - h * a) + (a * e - b * d)) * inv
        return [z0, z1, z2], ok
    M = np.stack([np.stack(row, axis=-1) for row in S], axis=-2)
    det = np.linalg.det(M)
    ok = np.abs(det) > bound
    safe = np.where(ok[..., None, None], M, np.eye(s))
    z = np.linalg.solve(safe, np.ones(M.shape[:-1] + (1,)))[..., 0]
    return [z[..., b] for b in range(s)], ok


def _normalise(M: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positive affine rescaling of games ``M (m, n, N)`` to [1, 2], and tolerances.

    Games are on the last axis. A player whose payoffs all lie within its tolerance is
    made exactly indifferent.
    """
    lo = M.min(axis=(0, 1))
    rng = M.max(axis=(0, 1)) - lo
    flat = rng <= t
    safe = np.where(flat, 1.0, rng)
    Mn = 1.0 + (M - lo) / safe
    Mn[:, :, flat] = 1.0
    return Mn, np.where(flat, 0.5, t / safe)


def _polytope_vertices(
    M: np.ndarray, eps: np.ndarray, con_bit: np.ndarray, var_bit: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nonzero vertices of ``{z >= 0 : M z <= 1}`` for games ``M (c, d, N)`` (games last).

    Every candidate system of every game is solved and checked elementwise on
    ``(nS, N)`` arrays; labels and strategies are built only for the feasible ones.
    Labels are bitmasks: binding constraint ``j`` sets bit ``con_bit[j]``, ``z_f = 0``
    sets bit ``var_bit[f]``.

    Returns
    -------
    game (K,), z (K, d), labels (K,) uint64, n_labels (K,)
        Feasible vertices sorted by game; ``z`` normalised to a probability vector with
        entries at most ``PROB_TOL`` set to 0. Degenerate vertices (more than ``d``
        labels) may appear once per defining system.
    """
    c, d, N = M.shape
    one = np.uint64(1)
    con_w = one << con_bit.astype(np.uint64)
    var_w = one << var_bit.astype(np.uint64)
    out = []
    for J, F, Jc, outside in _candidate_systems(c, d):
        nS, s = J.shape
        z, ok = _solve_ones([[M[J[:, a], F[:, b]] for b in range(s)] for a in range(s)])
        tot = z[0].copy()
        for b in range(1, s):
            tot += z[b]
        ptol = PROB_TOL * tot
        valid = ok
        for b in range(s):
            valid &= z[b] >= -ptol
        e = eps * tot
        slack = []  # (M z)_j - 1 for the constraints not chosen binding
        for r in range(c - s):
            Mz = M[Jc[:, r], F[:, 0]] * z[0]
            for b in range(1, s):
                Mz += M[Jc[:, r], F[:, b]] * z[b]
            Mz -= 1.0
            valid &= Mz <= e
            slack.append(Mz)
        g, k = np.nonzero(valid.T)  # game-major
        tot, e = tot[k, g], e[k, g]
        lab = con_w[J[k]].sum(axis=1, dtype=np.uint64)
        lab |= (outside[k] * var_w).sum(axis=1, dtype=np.uint64)
        n_lab = np.full(g.size, d, dtype=np.int64)
        zk = np.zeros((g.size, d))
        rows = np.arange(g.size)
        for b in range(s):
            p = z[b][k, g] / tot
            zero = p <= PROB_TOL
            lab |= np.where(zero, var_w[F[k, b]], np.uint64(0))
            n_lab += zero
            zk[rows, F[k, b]] = np.where(zero, 0.0, p)
        for r in range(c - s):
            tight = np.abs(slack[r][k, g]) <= e
            lab |= np.where(tight, con_w[Jc[k, r]], np.uint64(0))
            n_lab += tight
        out.append((g, zk, lab, n_lab))
    g = np.concatenate([o[0] for o in out])
    order = np.argsort(g, kind="stable")
    z = np.concatenate([o[1] for o in out])[order]
    z /= z.sum(axis=1, keepdims=True)
    lab = np.concatenate([o[2] for o in out])[order]
    n_lab = np.concatenate([o[3] for o in out])[order]
    return g[order], z, lab, n_lab


def _unique_vertices(game: np.ndarray, lab: np.ndarray, n_lab: np.ndarray, dim: int):
    """Mask keeping one copy of each vertex.

    A vertex with exactly ``dim`` labels has a unique defining system, so only
    degenerate vertices can repeat; a vertex is determined by its label set.
    """
    keep = np.ones(game.size, dtype=bool)
    deg = np.flatnonzero(n_lab > dim)
    if deg.size > 1:
        deg = deg[np.lexsort((lab[deg], game[deg]))]
        dup = (game[deg[1:]] == game[deg[:-1]]) & (lab[deg[1:]] == lab[deg[:-1]])
        keep[deg[1:][dup]] = False
    return keep


def _ragged_pairs(gx: np.ndarray, gy: np.ndarray, n_games: int):
    """All index pairs ``(i, j)`` with ``gx[i] == gy[j]``; both inputs sorted ascending."""
    cy = np.bincount(gy, minlength=n_games)
    start_y = np.cumsum(cy) - cy
    rep = cy[gx]
    i = np.repeat(np.arange(gx.size), rep)
    block = np.repeat(np.cumsum(rep) - rep, rep)
    j = np.repeat(start_y[gx], rep) + (np.arange(i.size) - block)
    return i, j


def _polytopes(A: np.ndarray, B: np.ndarray, tA: np.ndarray, tB: np.ndarray):
    """Vertices of both best-response polytopes of games ``A, B (N, m, n)``.

    P (row strategies x): ``x >= 0`` (labels 0..m-1), ``B'^T x <= 1`` (labels m..m+n-1);
    Q (column strategies y): ``A' y <= 1`` (labels 0..m-1), ``y >= 0`` (labels m..).
    """
    _, m, n = A.shape
    An, eA = _normalise(np.ascontiguousarray(A.transpose(1, 2, 0)), tA)
    Bn, eB = _normalise(np.ascontiguousarray(B.transpose(1, 2, 0)), tB)
    P = _polytope_vertices(Bn.transpose(1, 0, 2), eB, m + np.arange(n), np.arange(m))
    Q = _polytope_vertices(An, eA, np.arange(m), m + np.arange(n))
    return P, Q


def _vertex_equilibria(A: np.ndarray, B: np.ndarray, tA: np.ndarray, tB: np.ndarray):
    """Extreme equilibria of a stack of games ``(N, m, n)`` by batched vertex enumeration.

    Returns ``row (K, m)``, ``col (K, n)``, ``game (K,)`` sorted by game and then in the
    canonical order.
    """
    N, m, n = A.shape
    if m + n > 63:
        raise ValueError(f"games with m + n > 63 are too large to enumerate, got {(m, n)}")
    (gx, x, lx, nx), (gy, y, ly, ny) = _polytopes(A, B, tA, tB)
    kx = _unique_vertices(gx, lx, nx, m)
    ky = _unique_vertices(gy, ly, ny, n)
    gx, x, lx = gx[kx], x[kx], lx[kx]
    gy, y, ly = gy[ky], y[ky], ly[ky]

    i, j = _ragged_pairs(gx, gy, N)
    keep = (lx[i] | ly[j]) == np.uint64((1 << (m + n)) - 1)
    i, j = i[keep], j[keep]
    g, row, col = gx[i], x[i], y[j]

    # verify in the original payoffs (guards against rounding at the tolerance edge)
    gr, gc = best_response_gap(A[g], B[g], row, col)
    k = max(m, n)
    sA, sB = _scale(A)[g], _scale(B)[g]
    ok = (gr <= tA[g] + _slack(sA, k)) & (gc <= tB[g] + _slack(sB, k))
    g, row, col = g[ok], row[ok], col[ok]

    # canonical order within games with several equilibria, then drop near-duplicates
    multi = np.flatnonzero(np.bincount(g, minlength=N)[g] > 1)
    if multi.size:
        order = multi[np.lexsort(_order_keys(row[multi], col[multi]) + [g[multi]])]
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
    return row, col, g


def _n_systems(m: int, n: int) -> int:
    return comb(m + n, m) - 1


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
        per player (see the module docstring).

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
    ``C(m + n, m)`` linear systems (a 10x10 game takes about a second).
    """
    A, B = _as_games(A, B, ndim=2)
    m, n = A.shape
    if _n_systems(m, n) > MAX_SYSTEMS:
        raise ValueError(f"a {m}x{n} game is too large for exhaustive vertex enumeration")
    tA, tB, _, _ = _tolerances(A[None], B[None], tol)
    row, col, _ = _vertex_equilibria(A[None], B[None], tA, tB)
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
    """
    A, B = _as_games(A, B, ndim=2)
    m, n = A.shape
    tA, tB, _, _ = _tolerances(A[None], B[None], tol)
    (_, _, _, nx), (_, _, _, ny) = _polytopes(A[None], B[None], tA, tB)
    return bool((nx > m).any() or (ny > n).any())


# ----------------------------------------------------------------- batch solving


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


def _candidate_validity(a0, a1, b0, b1, tA, tB) -> np.ndarray:
    """Which of the nine 2x2 extreme-equilibrium candidates are equilibria.

    Candidates ``(p, q)``, in canonical order ``3 * pi + qi`` with ``p in (0, p*, 1)``
    and ``q in (0, q*, 1)``; ``dA(q)`` is the row player's gain from Hold at ``q``
    (``a0`` at q = 0, ``a1`` at q = 1, 0 at q*), ``dB(p)`` likewise. Returns ``(..., 9)``.
    This is the definition; the hot paths evaluate it once per sign class (``_T2``).
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


_MIXED, _RESOLVE = 4, 5


def _selection_kind(e: np.ndarray, cm: bool, rule: str) -> int:
    """What a rule does in one sign class: a pure cell 0..3, _MIXED or _RESOLVE."""
    n_pure = int(e.sum())
    if (rule == "mixed" and cm) or n_pure == 0:
        return _MIXED
    if rule == "peaceful" and e[0]:
        return 0
    if n_pure == 1:
        return int(np.argmax(e))
    return _RESOLVE  # several pure equilibria: compare risk products / payoffs


@dataclass(frozen=True)
class _Tables2x2:
    """Look-up tables over the 81 sign classes of ``(a0, a1, b0, b1)``.

    Each gain is classified as below ``-tol``, within ``tol`` of 0, or above ``tol``
    (code ``27 s(a0) + 9 s(a1) + 3 s(b0) + s(b1) + 40``). The extreme-equilibrium
    candidates, the pure equilibria and the discrete part of every selection rule
    depend on these classes only.
    """

    count: np.ndarray  # (81,) number of extreme equilibria
    cand: np.ndarray  # (81, 9) their candidate indices, padded
    pure: np.ndarray  # (81, 4) pure equilibria (H,H), (H,A), (A,H), (A,A)
    pattern: np.ndarray  # (81,) bitmask of the pure equilibria: sum 2**cell
    kind: dict[str, np.ndarray]  # rule -> (81,) pure cell 0..3, _MIXED or _RESOLVE

    @classmethod
    def build(cls) -> _Tables2x2:
        signs = np.array(list(product((-1.0, 0.0, 1.0), repeat=4)))
        valid = _candidate_validity(*signs.T, 0.5, 0.5)
        pure = valid[:, [0, 2, 6, 8]]
        cm = valid[:, 4]
        assert (cm | pure.any(axis=1)).all()  # no pure equilibrium -> completely mixed
        cand = np.zeros((81, 9), dtype=np.intp)
        for code in range(81):
            idx = np.flatnonzero(valid[code])
            cand[code, : idx.size] = idx
        kind = {
            rule: np.array(
                [_selection_kind(pure[c], cm[c], rule) for c in range(81)], dtype=np.intp
            )
            for rule in RULES
        }
        pattern = (pure * (1 << np.arange(4))).sum(axis=1)
        return cls(valid.sum(axis=1), cand, pure, pattern, kind)


_T2 = _Tables2x2.build()
_X_OF_KIND = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0])  # row attacks in pure cell / kind
_Y_OF_KIND = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
_P_OF = np.array([0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0])  # p of candidate (0.5: p*)
_Q_OF = np.array([0.0, 0.5, 1.0] * 3)


def _gains_2x2(A: np.ndarray, B: np.ndarray, tol: float | None):
    """Shared preamble of the 2x2 closed forms for games ``A, B (N, 4)`` (row-major).

    Returns the gains ``a0, a1, b0, b1``, tolerances, scales and the sign class code,
    after rescaling games whose payoffs are so large that differences could overflow.
    """
    N = A.shape[0]
    ab = np.abs(A)
    sA = np.maximum(ab[:, 0], ab[:, 1])
    np.maximum(sA, ab[:, 2], out=sA)
    np.maximum(sA, ab[:, 3], out=sA)
    np.abs(B, out=ab)
    sB = np.maximum(ab[:, 0], ab[:, 1])
    np.maximum(sB, ab[:, 2], out=sB)
    np.maximum(sB, ab[:, 3], out=sB)
    top = max(sA.max(), sB.max())
    if not np.isfinite(top):
        raise ValueError("payoffs must be finite")
    if tol is None:
        tA, tB = REL_TOL * sA, REL_TOL * sB
    else:
        tol = float(tol)
        if not (np.isfinite(tol) and tol >= 0):
            raise ValueError(f"tol must be a finite number >= 0, got {tol}")
        tA, tB = np.full(N, tol), np.full(N, tol)
    if top > _HUGE:  # rescale per game so that payoff differences cannot overflow
        fa, fb = _safe_scale(sA), _safe_scale(sB)
        A, B = A / fa[:, None], B / fb[:, None]
        tA, tB, sA, sB = tA / fa, tB / fb, sA / fa, sB / fb
    a0 = A[:, 0] - A[:, 2]  # row's gain from Hold over Attack when the column holds
    a1 = A[:, 1] - A[:, 3]  # ... when the column attacks
    b0 = B[:, 0] - B[:, 1]  # column's gain from Hold over Attack when the row holds
    b1 = B[:, 2] - B[:, 3]  # ... when the row attacks
    code = np.full(N, 40, dtype=np.int8)
    ntA, ntB = -tA, -tB
    for x, t, nt, w in ((a0, tA, ntA, 27), (a1, tA, ntA, 9), (b0, tB, ntB, 3), (b1, tB, ntB, 1)):
        s = (x > t).view(np.int8)
        s -= (x < nt).view(np.int8)
        if w != 1:
            s *= np.int8(w)
        code += s
    return A, B, a0, a1, b0, b1, tA, tB, sA, sB, code


def _solve_2x2(A: np.ndarray, B: np.ndarray, tol: float | None):
    """Closed-form extreme equilibria of 2x2 games ``(N, 2, 2)`` (module docstring)."""
    N = A.shape[0]
    A, B, a0, a1, b0, b1, tA, tB, _, _, code = _gains_2x2(A.reshape(N, 4), B.reshape(N, 4), tol)
    count = _T2.count[code]
    total = int(count.sum())
    g = np.repeat(np.arange(N), count)
    start = np.cumsum(count) - count
    c = _T2.cand[code[g], np.arange(total) - start[g]]
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
    """
    A, B = _as_games(A, B, ndim=3)
    N, m, k = A.shape
    if (m, k) == (2, 2):
        row, col, game = _solve_2x2(A, B, tol)
    else:
        if _n_systems(m, k) > MAX_SYSTEMS:
            raise ValueError(f"{m}x{k} games are too large for exhaustive vertex enumeration")
        tA, tB, _, _ = _tolerances(A, B, tol)
        chunk = max(1, 2_000_000 // (_n_systems(m, k) * max(m, k)))
        parts = [
            _vertex_equilibria(
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
    game = game.astype(np.int64, copy=False)
    count = np.bincount(game, minlength=N).astype(np.int64, copy=False)
    return BatchEquilibria(row=row, col=col, game=game, count=count)


# --------------------------------------------------------------------- selection


def _risk_products(la, lb, sA, sB):
    """Nash product of clipped deviation losses, each relative to the player's scale."""
    return (np.maximum(la, 0.0) / sA) * (np.maximum(lb, 0.0) / sB)


def _safe_scale(s):
    return np.where(s > 0, s, 1.0)


_PAT_DIAG = 0b1001  # pure equilibria (Hold, Hold) and (Attack, Attack): coordination
_PAT_ANTI = 0b0110  # (Hold, Attack) and (Attack, Hold): chicken


def _cell_risk(cell, a0, a1, b0, b1, fa, fb):
    """Risk product of pure cell 0..3 ((H,H), (H,A), (A,H), (A,A)) from the gains."""
    la, lb = ((a0, b0), (a1, -b0), (-a0, b1), (-a1, -b1))[cell]
    return _risk_products(la, lb, fa, fb)


def _pareto(Ac, Bc, Ad, Bd, tA, tB):
    """Whether payoffs ``(Ac, Bc)`` Pareto-dominate ``(Ad, Bd)`` beyond the tolerance."""
    return ((Ac >= Ad - tA) & (Bc >= Bd - tB)) & ((Ac > Ad + tA) | (Bc > Bd + tB))


def _risk_pick(a0, a1, b0, b1, e00, e01, e10, e11, sA, sB, tA, tB):
    """Risk-dominant pure equilibrium among ``e..`` (at least one true), vectorised.

    Returns boolean attack indicators ``(x, y)``.
    """
    g = (a0, a1, b0, b1, _safe_scale(sA), _safe_scale(sB))
    u = [_cell_risk(c, *g) for c in range(4)]
    e = [e00, e01, e10, e11]
    best = np.max([np.where(ei, ui, -np.inf) for ui, ei in zip(u, e, strict=True)], axis=0)
    tie = tA / g[4] + tB / g[5]
    ok = [ei & (ui >= best - tie) for ui, ei in zip(u, e, strict=True)]
    x = ~ok[0] & ~ok[1]
    y = ~ok[0] & (ok[1] | ~ok[2])
    return x, y


def _payoff_pick(cellsA, cellsB, e, tA, tB):
    """For each cell, whether it is an equilibrium that Pareto-dominates all others."""
    dom = []
    for c in range(4):
        d_c = e[c].copy()
        for d in range(4):
            if d != c:
                d_c &= ~e[d] | _pareto(cellsA[c], cellsB[c], cellsA[d], cellsB[d], tA, tB)
        dom.append(d_c)
    return dom


def select_2x2(
    A: npt.ArrayLike, B: npt.ArrayLike, rule: str = "peaceful", tol: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Selected equilibrium of many 2x2 Hold/Attack games, vectorised closed form.

    Parameters
    ----------
    A, B : array_like, shape (..., 2, 2)
        Row (actor A) and column (actor B) payoffs; index 0 is Hold, 1 is Attack. Any
        leading batch shape, e.g. ``(draws, states)``.
    rule : {"peaceful", "risk_dominant", "payoff_dominant", "mixed"}
        Selection rule; see the module docstring for definitions and the tie rule.
    tol : float, optional
        Absolute payoff tolerance; default ``REL_TOL * max|payoff|`` per game and player.

    Returns
    -------
    x, y : ndarray, shape (...)
        Probability that the row player (x) and the column player (y) attack in the
        selected equilibrium: exactly 0.0 or 1.0 for pure selections, never NaN.

    Raises
    ------
    ValueError
        For an unknown rule, wrong shapes or non-finite payoffs.
    """
    _check_rule(rule)
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    if A.shape != B.shape or A.shape[-2:] != (2, 2):
        raise ValueError(f"A and B must both have shape (..., 2, 2), got {A.shape}, {B.shape}")
    shape = A.shape[:-2]
    N = int(np.prod(shape))
    if N == 0:
        return np.zeros(shape), np.zeros(shape)
    A, B, a0, a1, b0, b1, tA, tB, sA, sB, code = _gains_2x2(A.reshape(N, 4), B.reshape(N, 4), tol)
    kind = _T2.kind[rule][code]
    x = _X_OF_KIND[kind]
    y = _Y_OF_KIND[kind]
    idx = np.flatnonzero(kind == _MIXED)
    if idx.size:  # p*, q*: make the other player indifferent (denominators are nonzero)
        b0i, a0i = b0[idx], a0[idx]
        x[idx] = b0i / (b0i - b1[idx])
        y[idx] = a0i / (a0i - a1[idx])
    idx = np.flatnonzero(kind == _RESOLVE)
    if idx.size:  # several pure equilibria: compare risk products (and payoffs)
        pattern = _T2.pattern[code[idx]]
        fa, fb = _safe_scale(sA), _safe_scale(sB)
        # two strict-or-weak equilibria on a diagonal: the common cases, done directly
        # (same expressions as the general path and select_from_list: same bits)
        for pat, (c1, c2) in ((_PAT_DIAG, (0, 3)), (_PAT_ANTI, (1, 2))):
            sub = idx[pattern == pat]
            if not sub.size:
                continue
            g = (a0[sub], a1[sub], b0[sub], b1[sub], fa[sub], fb[sub])
            tie = tA[sub] / g[4] + tB[sub] / g[5]
            first = _cell_risk(c1, *g) >= _cell_risk(c2, *g) - tie
            if rule == "payoff_dominant":
                Ai, Bi, t = A[sub], B[sub], (tA[sub], tB[sub])
                one = _pareto(Ai[:, c1], Bi[:, c1], Ai[:, c2], Bi[:, c2], *t)
                two = _pareto(Ai[:, c2], Bi[:, c2], Ai[:, c1], Bi[:, c1], *t)
                first = np.where(one | two, one, first)
            x[sub] = _X_OF_KIND[np.where(first, c1, c2)]
            y[sub] = _Y_OF_KIND[np.where(first, c1, c2)]
        idx = idx[(pattern != _PAT_DIAG) & (pattern != _PAT_ANTI)]
    if idx.size:  # degenerate games with adjacent, three or four pure equilibria
        e = _T2.pure[code[idx]].T
        t = (tA[idx], tB[idx])
        xs, ys = _risk_pick(a0[idx], a1[idx], b0[idx], b1[idx], *e, sA[idx], sB[idx], *t)
        if rule == "payoff_dominant":
            Ai, Bi = A[idx], B[idx]
            dom = _payoff_pick(list(Ai.T), list(Bi.T), list(e), *t)
            has = dom[0] | dom[1] | dom[2] | dom[3]
            xs = np.where(has, dom[2] | dom[3], xs)
            ys = np.where(has, dom[1] | dom[3], ys)
        x[idx] = xs
        y[idx] = ys
    return x.reshape(shape), y.reshape(shape)


def _pure_index(p: np.ndarray) -> int | None:
    """Index of the pure strategy ``p`` is (within ``PROB_TOL``), else None."""
    i = int(np.argmax(p))
    return i if p[i] >= 1.0 - PROB_TOL else None


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
    rule : {"peaceful", "risk_dominant", "payoff_dominant", "mixed"}
        Selection rule (module docstring). For 2x2 games it agrees with ``select_2x2``.
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
    """
    _check_rule(rule)
    A, B = _as_games(A, B, ndim=2)
    m, n = A.shape
    if len(equilibria) == 0:
        raise ValueError("empty list of equilibria: every finite game has one")
    eqs = [
        (np.asarray(r, dtype=np.float64), np.asarray(c, dtype=np.float64)) for r, c in equilibria
    ]
    keys = [tuple(k.item() for k in _order_keys(r, c))[::-1] for r, c in eqs]
    eqs = [eqs[i] for i in sorted(range(len(eqs)), key=keys.__getitem__)]
    tA, tB, sA, sB = (float(v[0]) for v in _tolerances(A[None], B[None], tol))
    pure = sorted(
        {
            (i, j)
            for i, j in ((_pure_index(r), _pure_index(c)) for r, c in eqs)
            if i is not None and j is not None
        },
        key=lambda ij: ((ij[0] > 0) + (ij[1] > 0), ij),
    )

    def as_profile(ij: tuple[int, int]) -> Equilibrium:
        return _unit(m, ij[0]), _unit(n, ij[1])

    def risk() -> Equilibrium:
        if not pure:
            return eqs[0]
        fa, fb = float(_safe_scale(sA)), float(_safe_scale(sB))
        u = []
        for i, j in pure:
            la = A[i, j] - np.delete(A[:, j], i).max() if m > 1 else fa
            lb = B[i, j] - np.delete(B[i, :], j).max() if n > 1 else fb
            u.append(float(_risk_products(la, lb, fa, fb)))
        best, tie = max(u), tA / fa + tB / fb
        return as_profile(next(p for p, v in zip(pure, u, strict=True) if v >= best - tie))

    if rule == "peaceful":
        return as_profile((0, 0)) if (0, 0) in pure else risk()
    if rule == "risk_dominant":
        return risk()
    if rule == "payoff_dominant":
        if not pure:
            return eqs[0]
        for c in pure:
            ac, bc = A[c], B[c]
            if all(
                ac >= A[d] - tA and bc >= B[d] - tB and (ac > A[d] + tA or bc > B[d] + tB)
                for d in pure
                if d != c
            ):
                return as_profile(c)
        return risk()
    # rule == "mixed"
    for r, c in eqs:
        if (r > PROB_TOL).all() and (c > PROB_TOL).all():
            return r, c
    return risk()


# ---------------------------------------------------------------- nashpy reference


def _positive(M: np.ndarray) -> np.ndarray:
    """Positive affine rescaling to [1, 2] (equilibria unchanged; bounded polytopes)."""
    rng = M.max() - M.min()
    return np.ones_like(M) if rng == 0 else 1.0 + (M - M.min()) / rng


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
    """
    import nashpy

    A, B = _as_games(A, B, ndim=2)
    NASHPY_DIAGNOSTICS["games"] += 1
    out: list[Equilibrium] = []

    def add(profiles) -> None:
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

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy's "even number ... degenerate" warning
        add(nashpy.Game(A, B).support_enumeration())
    degenerate = is_degenerate(A, B, tol)
    NASHPY_DIAGNOSTICS["degenerate"] += degenerate
    # a nondegenerate game has an odd number of equilibria: an even count (0 included)
    # means support enumeration missed some
    if always_vertex or degenerate or len(out) % 2 == 0:
        NASHPY_DIAGNOSTICS["vertex_enumeration"] += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                add(nashpy.Game(_positive(A), _positive(B)).vertex_enumeration())
        except Exception as exc:  # scipy's Qhull raises on some degenerate polytopes
            NASHPY_DIAGNOSTICS["vertex_enumeration_failed"] += 1
            _log.warning("nashpy vertex_enumeration failed on %s, %s: %s", A, B, exc)
    keys = [tuple(k.item() for k in _order_keys(r, c))[::-1] for r, c in out]
    return [out[i] for i in sorted(range(len(out)), key=keys.__getitem__)]


def select_2x2_nashpy(
    A: npt.ArrayLike, B: npt.ArrayLike, rule: str = "peaceful", tol: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``select_2x2`` computed the slow way: nashpy equilibria plus ``select_from_list``.

    Parameters
    ----------
    A, B : array_like, shape (..., 2, 2)
        Payoffs, as in ``select_2x2``.
    rule : {"peaceful", "risk_dominant", "payoff_dominant", "mixed"}
        Selection rule.
    tol : float, optional
        Payoff tolerance.

    Returns
    -------
    x, y : ndarray, shape (...)
        Attack probabilities of the row and the column player.
    """
    _check_rule(rule)
    A, B = _as_games(A, B)
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
