"""Exact references for the equilibrium tests: rational enumerations and set comparisons.

Payoffs are converted to ``fractions.Fraction`` exactly (floats included), so these
enumerations are ground truth for the float solvers of :mod:`sim.games`.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np

ATOL = 1e-9


def _solve_exact(M: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """Gaussian elimination in Fractions; None if M is singular."""
    n = len(M)
    aug = [list(row) + [rhs] for row, rhs in zip(M, b, strict=True)]
    for col in range(n):
        piv = next((r for r in range(col, n) if aug[r][col] != 0), None)
        if piv is None:
            return None
        aug[col], aug[piv] = aug[piv], aug[col]
        for r in range(n):
            if r != col and aug[r][col] != 0:
                f = aug[r][col] / aug[col][col]
                aug[r] = [a - f * p for a, p in zip(aug[r], aug[col], strict=True)]
    return [aug[i][n] / aug[i][i] for i in range(n)]


def _fr(M) -> list[list[Fraction]]:
    return [[Fraction(float(v)) for v in row] for row in np.asarray(M)]


def exact_support_enumeration(A, B) -> list[tuple[tuple, tuple]]:
    """All equilibria of a NONDEGENERATE game: supports of equal size, exact arithmetic.

    For supports Ir, J (|Ir| = |J| = s) solve ``sum_j A[i][j] y_j = v`` (i in Ir),
    ``sum y = 1`` and the same for x with B; keep positive solutions whose supports are
    best responses. Payoffs are converted to Fractions exactly (floats included).
    """
    A, B = _fr(A), _fr(B)
    m, n = len(A), len(A[0])
    out = []
    for s in range(1, min(m, n) + 1):
        for Ir in combinations(range(m), s):
            for J in combinations(range(n), s):
                # unknowns: y_J and v
                My = [[A[i][j] for j in J] + [Fraction(-1)] for i in Ir]
                My.append([Fraction(1)] * s + [Fraction(0)])
                sy = _solve_exact(My, [Fraction(0)] * s + [Fraction(1)])
                Mx = [[B[i][j] for i in Ir] + [Fraction(-1)] for j in J]
                Mx.append([Fraction(1)] * s + [Fraction(0)])
                sx = _solve_exact(Mx, [Fraction(0)] * s + [Fraction(1)])
                if sy is None or sx is None:
                    continue
                if any(p <= 0 for p in sy[:s]) or any(p <= 0 for p in sx[:s]):
                    continue
                y = [Fraction(0)] * n
                x = [Fraction(0)] * m
                for j, p in zip(J, sy[:s], strict=False):
                    y[j] = p
                for i, p in zip(Ir, sx[:s], strict=False):
                    x[i] = p
                v, u = sy[s], sx[s]
                if all(sum(A[i][j] * y[j] for j in range(n)) <= v for i in range(m)) and all(
                    sum(B[i][j] * x[i] for i in range(m)) <= u for j in range(n)
                ):
                    out.append((tuple(x), tuple(y)))
    return sorted(set(out))


def _exact_vertices(M: list[list[Fraction]], n_vars: int):
    """Nonzero vertices of {z >= 0 : M z <= 1} (M entries > 0), with tight/zero sets."""
    c = len(M)
    verts = {}
    for s in range(1, min(c, n_vars) + 1):
        for J in combinations(range(c), s):
            for F in combinations(range(n_vars), s):
                sol = _solve_exact([[M[j][f] for f in F] for j in J], [Fraction(1)] * s)
                if sol is None or any(v < 0 for v in sol):
                    continue
                z = [Fraction(0)] * n_vars
                for f, v in zip(F, sol, strict=True):
                    z[f] = v
                Mz = [sum(M[j][k] * z[k] for k in range(n_vars)) for j in range(c)]
                if any(v > 1 for v in Mz):
                    continue
                tight = frozenset(j for j in range(c) if Mz[j] == 1)
                zero = frozenset(k for k in range(n_vars) if z[k] == 0)
                verts[tuple(z)] = (tight, zero)
    return verts


def exact_vertex_enumeration(A, B):
    """Extreme equilibria of any (possibly degenerate) game, exactly, and degeneracy."""
    A, B = _fr(A), _fr(B)
    m, n = len(A), len(A[0])
    lo_a = min(min(r) for r in A)
    lo_b = min(min(r) for r in B)
    Ap = [[v - lo_a + 1 for v in r] for r in A]
    Bp = [[v - lo_b + 1 for v in r] for r in B]
    BT = [[Bp[i][j] for i in range(m)] for j in range(n)]
    P = _exact_vertices(BT, m)  # x: tight j -> label m + j, zero i -> label i
    Q = _exact_vertices(Ap, n)  # y: tight i -> label i, zero j -> label m + j
    full = set(range(m + n))
    degenerate = False
    out = set()
    lab_p = {}
    for x, (tight, zero) in P.items():
        lab_p[x] = set(zero) | {m + j for j in tight}
        degenerate |= len(lab_p[x]) > m
    for y, (tight, zero) in Q.items():
        ly = set(tight) | {m + j for j in zero}
        degenerate |= len(ly) > n
        for x, lx in lab_p.items():
            if lx | ly == full:
                sx, sy = sum(x), sum(y)
                out.add((tuple(v / sx for v in x), tuple(v / sy for v in y)))
    return sorted(out), degenerate


def as_float_set(eqs) -> list[np.ndarray]:
    return [np.concatenate([np.asarray(r, float), np.asarray(c, float)]) for r, c in eqs]


def same_set(got, want, atol=ATOL) -> bool:
    """Whether two lists of equilibria are the same set (within atol)."""
    g, w = as_float_set(got), as_float_set(want)
    if len(g) != len(w):
        return False
    return all(any(np.abs(a - b).max() <= atol for b in w) for a in g) and all(
        any(np.abs(a - b).max() <= atol for b in g) for a in w
    )


def contains(eqs, profile, atol=ATOL) -> bool:
    p = np.concatenate([np.asarray(profile[0], float), np.asarray(profile[1], float)])
    return any(np.abs(p - q).max() <= atol for q in as_float_set(eqs))


def generic_int_games(rng, k, n, lo=-50, hi=51, m=None):
    """Random integer games that are nondegenerate (checked exactly)."""
    m = k if m is None else m
    out = []
    while len(out) < n:
        A = rng.integers(lo, hi, (m, k)).astype(float)
        B = rng.integers(lo, hi, (m, k)).astype(float)
        if not exact_vertex_enumeration(A, B)[1]:
            out.append((A, B))
    return out
