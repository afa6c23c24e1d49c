"""Vertices of the best-response polytopes of many bimatrix games at once.

The machinery under :func:`sim.games.all_equilibria` and :func:`sim.games.solve_batch`
for games larger than 2x2 (Avis, Rosenberg, Savani and von Stengel 2010)::

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
vertex pairs ``(x, y) != (0, 0)`` (:func:`completely_labelled_pairs`). Cost:
``C(m + n, m)`` small systems per polytope (:func:`n_systems`; ``MAX_SYSTEMS`` bounds
it).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from math import comb
from typing import NamedTuple

import numpy as np

from sim.games.conventions import PROB_TOL

__all__ = [
    "MAX_SYSTEMS",
    "Vertices",
    "best_response_polytopes",
    "completely_labelled_pairs",
    "n_systems",
]

MAX_SYSTEMS = 5_000_000
"""Largest number of linear systems ``all_equilibria`` will enumerate per polytope."""

_DET_TOL = 1e-12  # |det| below this times the Hadamard bound: singular system


class Vertices(NamedTuple):
    """Feasible vertices of one polytope of every game of a batch, sorted by game.

    Attributes
    ----------
    game : ndarray of int, shape (K,)
        Game each vertex belongs to, ascending.
    z : ndarray, shape (K, d)
        The vertex normalised to a probability vector, entries at most ``PROB_TOL``
        set to 0.
    labels : ndarray of uint64, shape (K,)
        Bitmask of its labels (binding constraints and zero variables).
    n_labels : ndarray of int, shape (K,)
        Number of labels; more than ``d`` marks a degenerate vertex, which may appear
        once per defining system.
    """

    game: np.ndarray
    z: np.ndarray
    labels: np.ndarray
    n_labels: np.ndarray


def n_systems(m: int, n: int) -> int:
    """Number of square systems per polytope of an ``m x n`` game: ``C(m + n, m) - 1``."""
    return comb(m + n, m) - 1


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


def _feasible(M, eps, J, F, Jc):
    """Solve one size class of systems for every game; keep the feasible solutions.

    Returns ``z`` (``s`` arrays ``(nS, N)``), its sum ``tot``, the slacks ``(M z)_j - 1``
    of the constraints not chosen binding, their tolerance ``e`` and the ``valid`` mask,
    all on ``(nS, N)`` arrays.
    """
    c = M.shape[0]
    s = J.shape[1]
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
    return z, tot, slack, e, valid


def _polytope_vertices(
    M: np.ndarray, eps: np.ndarray, con_bit: np.ndarray, var_bit: np.ndarray
) -> Vertices:
    """Nonzero vertices of ``{z >= 0 : M z <= 1}`` for games ``M (c, d, N)`` (games last).

    Every candidate system of every game is solved and checked elementwise on
    ``(nS, N)`` arrays; labels and strategies are built only for the feasible ones.
    Labels are bitmasks: binding constraint ``j`` sets bit ``con_bit[j]``, ``z_f = 0``
    sets bit ``var_bit[f]``.
    """
    c, d, N = M.shape
    one = np.uint64(1)
    con_w = one << con_bit.astype(np.uint64)
    var_w = one << var_bit.astype(np.uint64)
    out = []
    for J, F, Jc, outside in _candidate_systems(c, d):
        s = J.shape[1]
        z, tot, slack, e, valid = _feasible(M, eps, J, F, Jc)
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
    return Vertices(g[order], z, lab, n_lab)


def best_response_polytopes(
    A: np.ndarray, B: np.ndarray, tA: np.ndarray, tB: np.ndarray
) -> tuple[Vertices, Vertices]:
    """Vertices of both best-response polytopes of games ``A, B (N, m, n)``.

    Parameters
    ----------
    A, B : ndarray, shape (N, m, n)
        Payoffs (finite, checked by the caller).
    tA, tB : ndarray, shape (N,)
        Absolute payoff tolerances of each game's players.

    Returns
    -------
    P, Q : Vertices
        P (row strategies x): ``x >= 0`` (labels 0..m-1), ``B'^T x <= 1`` (labels
        m..m+n-1); Q (column strategies y): ``A' y <= 1`` (labels 0..m-1), ``y >= 0``
        (labels m..). A game is degenerate iff some vertex of P has more than ``m``
        labels or some vertex of Q more than ``n``.
    """
    _, m, n = A.shape
    An, eA = _normalise(np.ascontiguousarray(A.transpose(1, 2, 0)), tA)
    Bn, eB = _normalise(np.ascontiguousarray(B.transpose(1, 2, 0)), tB)
    P = _polytope_vertices(Bn.transpose(1, 0, 2), eB, m + np.arange(n), np.arange(m))
    Q = _polytope_vertices(An, eA, np.arange(m), m + np.arange(n))
    return P, Q


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


def completely_labelled_pairs(
    A: np.ndarray, B: np.ndarray, tA: np.ndarray, tB: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Completely labelled vertex pairs of games ``(N, m, n)``: candidate equilibria.

    Parameters
    ----------
    A, B : ndarray, shape (N, m, n)
        Payoffs, ``m + n <= 63`` (labels are bits of a uint64).
    tA, tB : ndarray, shape (N,)
        Absolute payoff tolerances.

    Returns
    -------
    game (K,), row (K, m), col (K, n)
        One pair per distinct vertex pair, sorted by game; not yet verified in the
        original payoffs nor sorted into the canonical order (see
        :func:`sim.games.equilibria.vertex_equilibria`).
    """
    N, m, n = A.shape
    if m + n > 63:
        raise ValueError(f"games with m + n > 63 are too large to enumerate, got {(m, n)}")
    (gx, x, lx, nx), (gy, y, ly, ny) = best_response_polytopes(A, B, tA, tB)
    kx = _unique_vertices(gx, lx, nx, m)
    ky = _unique_vertices(gy, ly, ny, n)
    gx, x, lx = gx[kx], x[kx], lx[kx]
    gy, y, ly = gy[ky], y[ky], ly[ky]

    i, j = _ragged_pairs(gx, gy, N)
    keep = (lx[i] | ly[j]) == np.uint64((1 << (m + n)) - 1)
    i, j = i[keep], j[keep]
    return gx[i], x[i], y[j]
