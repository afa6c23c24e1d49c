"""Tests for sim.solvers: equilibria, batch solving, selection rules, nashpy reference.

Layers: hand-derived answers for textbook games; hypothesis properties (everything
returned is a Nash equilibrium); equality with exact rational enumerations written
here with ``fractions.Fraction``; cross-checks with nashpy (vertex enumeration as a
reference, support enumeration only as a counted, non-authoritative comparison);
agreement of the fast closed form with the slow paths on thousands of games.
"""

from __future__ import annotations

import dataclasses
import warnings
from fractions import Fraction
from itertools import combinations

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.games import solvers
from sim.games.solvers import (
    RULES,
    BatchEquilibria,
    all_equilibria,
    best_response_gap,
    is_degenerate,
    is_equilibrium,
    nashpy_equilibria,
    select_2x2,
    select_2x2_nashpy,
    select_from_list,
    solve_batch,
)

ATOL = 1e-9
PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- exact reference


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


def _as_float_set(eqs) -> list[np.ndarray]:
    return [np.concatenate([np.asarray(r, float), np.asarray(c, float)]) for r, c in eqs]


def same_set(got, want, atol=ATOL) -> bool:
    """Whether two lists of equilibria are the same set (within atol)."""
    g, w = _as_float_set(got), _as_float_set(want)
    if len(g) != len(w):
        return False
    return all(any(np.abs(a - b).max() <= atol for b in w) for a in g) and all(
        any(np.abs(a - b).max() <= atol for b in g) for a in w
    )


def contains(eqs, profile, atol=ATOL) -> bool:
    p = np.concatenate([np.asarray(profile[0], float), np.asarray(profile[1], float)])
    return any(np.abs(p - q).max() <= atol for q in _as_float_set(eqs))


def _batch_games(rng, n, shape, kind):
    if kind == "int":
        return (
            rng.integers(-2, 3, (n, *shape)).astype(float),
            rng.integers(-2, 3, (n, *shape)).astype(float),
        )
    return rng.normal(size=(n, *shape)), rng.normal(size=(n, *shape))


# ------------------------------------------------------------- textbook games

# (A, B, expected all_equilibria as (x, y) attack probs for 2x2, expected selections)
# Expected values derived by hand from the rule definitions (see module docstring).
# Stag hunt: a0 = 1, a1 = -3, b0 = 1, b1 = -3. Risk products: (H,H) 1*1, (A,A) 3*3.
# Mixed: q* = a0/(a0-a1) = 1/4, p* = b0/(b0-b1) = 1/4.
STAG = ([[4, 0], [3, 3]], [[4, 3], [0, 3]])
# Chicken: a0 = -1, a1 = 9 (same for B); pure (H,A) and (A,H), products 9 and 9: tie ->
# the row player holds. Mixed 1/10.
CHICKEN = ([[0, -1], [1, -10]], [[0, 1], [-1, -10]])
# Asymmetric chicken: row gains 3 by attacking a holder: a0 = -3, a1 = 1; b0 = -1, b1 = 4.
# (H,A): 1 * 1 = 1; (A,H): 3 * 4 = 12 -> (A,H). p* = -1/-5 = 0.2, q* = -3/-4 = 0.75.
CHICKEN_ASYM = ([[0, -1], [3, -2]], [[0, 1], [-1, -5]])
PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
# Battle of the sexes: a0 = 3, a1 = -2, b0 = 2, b1 = -3. Products 6 and 6: tie -> (H,H).
# Payoffs (3,2) vs (2,3): no Pareto dominance. Mixed: p* = 2/5, q* = 3/5.
BOS = ([[3, 0], [0, 2]], [[2, 0], [0, 3]])
ZERO = ([[0, 0], [0, 0]], [[0, 0], [0, 0]])
# Row indifferent everywhere; column is a stag-hunt player (b0 = 1, b1 = -3): extreme
# equilibria (0,0), (1/4,0), (1/4,1), (1,1); pure products all 0 -> tie -> (H,H).
ROW_INDIFF = ([[2, 2], [2, 2]], [[4, 3], [0, 3]])
# Deterrence: Hold strictly dominant for B, A attacks only if B attacks -> unique (H,H).
DETER = ([[2, 0], [1, 1]], [[2, 1], [1, 0]])
# Payoff dominance beats risk dominance: stag hunt where (A,A) is risk dominant
# (products 1*1 vs 5*5); (H,H) pays (9,9) > (5,5).
STAG_STRONG = ([[9, 0], [8, 5]], [[9, 8], [0, 5]])
# Weak (H,H): column indifferent when row holds (b0 = 0): a0 = 1, a1 = -2, b0 = 0,
# b1 = -1. Pure equilibria (H,H) (weak) and (A,A) (strict); q* = 1/3 exists, p* does
# not, so the extreme equilibria are (0,0), (0,1/3) (end of the segment {0}x[0,1/3])
# and (1,1). Products: (H,H) 1*0 = 0, (A,A) 2*1 = 2 -> risk picks (A,A); peaceful
# (H,H); Pareto: (H,H) pays (3,1), (A,A) (2,1) -> (H,H). No completely mixed
# extreme equilibrium -> mixed falls back to risk: (A,A).
WEAK_PEACE = ([[3, 0], [2, 2]], [[1, 1], [0, 1]])

TEXTBOOK = {
    "stag_hunt": (
        STAG,
        [(0, 0), (0.25, 0.25), (1, 1)],
        {
            "peaceful": (0, 0),
            "risk_dominant": (1, 1),
            "payoff_dominant": (0, 0),
            "mixed": (0.25, 0.25),
        },
    ),
    "chicken": (
        CHICKEN,
        [(0, 1), (0.1, 0.1), (1, 0)],
        {
            "peaceful": (0, 1),
            "risk_dominant": (0, 1),
            "payoff_dominant": (0, 1),
            "mixed": (0.1, 0.1),
        },
    ),
    "chicken_asym": (
        CHICKEN_ASYM,
        [(0, 1), (0.2, 0.75), (1, 0)],
        {
            "peaceful": (1, 0),
            "risk_dominant": (1, 0),
            "payoff_dominant": (1, 0),
            "mixed": (0.2, 0.75),
        },
    ),
    "prisoners_dilemma": (PD, [(1, 1)], dict.fromkeys(RULES, (1, 1))),
    "matching_pennies": (PENNIES, [(0.5, 0.5)], dict.fromkeys(RULES, (0.5, 0.5))),
    "battle_of_sexes": (
        BOS,
        [(0, 0), (0.4, 0.6), (1, 1)],
        {
            "peaceful": (0, 0),
            "risk_dominant": (0, 0),
            "payoff_dominant": (0, 0),
            "mixed": (0.4, 0.6),
        },
    ),
    "all_zero": (ZERO, [(0, 0), (0, 1), (1, 0), (1, 1)], dict.fromkeys(RULES, (0, 0))),
    "row_indifferent": (
        ROW_INDIFF,
        [(0, 0), (0.25, 0), (0.25, 1), (1, 1)],
        dict.fromkeys(RULES, (0, 0)),
    ),
    "deterrence": (DETER, [(0, 0)], dict.fromkeys(RULES, (0, 0))),
    "stag_strong": (
        STAG_STRONG,
        [(0, 0), (1 / 6, 1 / 6), (1, 1)],
        {
            "peaceful": (0, 0),
            "risk_dominant": (1, 1),
            "payoff_dominant": (0, 0),
            "mixed": (1 / 6, 1 / 6),
        },
    ),
    "weak_peace": (
        WEAK_PEACE,
        [(0, 0), (0, 1 / 3), (1, 1)],
        {"peaceful": (0, 0), "risk_dominant": (1, 1), "payoff_dominant": (0, 0), "mixed": (1, 1)},
    ),
}


def _profiles_2x2(xy):
    return [(np.array([1 - x, x]), np.array([1 - y, y])) for x, y in xy]


@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_textbook_equilibria(name):
    (A, B), expected, _ = TEXTBOOK[name]
    want = _profiles_2x2(expected)
    got = all_equilibria(A, B)
    assert same_set(got, want)
    # canonical order: ascending attack probabilities (Hold, Hold) first
    np.testing.assert_allclose([(r[1], c[1]) for r, c in got], expected, atol=1e-12)
    assert same_set(solve_batch(np.array([A]), np.array([B])).for_game(0), want)
    assert same_set(nashpy_equilibria(A, B), want)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("name", sorted(TEXTBOOK))
def test_textbook_selection(name, rule):
    (A, B), _, selections = TEXTBOOK[name]
    want = selections[rule]
    x, y = select_2x2(A, B, rule)
    assert (float(x), float(y)) == pytest.approx(want, abs=1e-12)
    r, c = select_from_list(A, B, all_equilibria(A, B), rule)
    assert (r[1], c[1]) == pytest.approx(want, abs=1e-12)
    xn, yn = select_2x2_nashpy(A, B, rule)
    assert (float(xn), float(yn)) == pytest.approx(want, abs=1e-12)


def test_stag_hunt_mixed_is_indifference_point():
    (A, B), _, _ = TEXTBOOK["stag_hunt"]
    x, y = select_2x2(A, B, "mixed")
    row, col = np.array([1 - x, x]), np.array([1 - y, y])
    Ay, xB = np.asarray(A, float) @ col, row @ np.asarray(B, float)
    assert Ay[0] == pytest.approx(Ay[1]) and xB[0] == pytest.approx(xB[1])


def test_degenerate_larger_games_by_hand():
    # all-zero 3x3: every pure profile is an extreme equilibrium
    Z = np.zeros((3, 3))
    eqs = all_equilibria(Z, Z)
    assert len(eqs) == 9 and all(is_equilibrium(Z, Z, r, c) for r, c in eqs)
    assert same_set(eqs, [(np.eye(3)[i], np.eye(3)[j]) for i in range(3) for j in range(3)])
    # duplicate rows and columns: strategy 1 copies strategy 0 for both players
    A = np.array([[3, 3, 0], [3, 3, 0], [0, 0, 2]], float)
    eqs = all_equilibria(A, A)
    want, _ = exact_vertex_enumeration(A, A)
    assert same_set(eqs, want)
    # pure (0,0), (0,1), (1,0), (1,1), (2,2) and the mixed ones
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2)]:
        assert contains(eqs, (np.eye(3)[i], np.eye(3)[j]))
    # a player indifferent everywhere: column player's payoffs constant
    A = np.array([[1, 0, 2], [0, 1, 2], [2, 2, 0]], float)
    B = np.full((3, 3), 7.0)
    eqs = all_equilibria(A, B)
    want, degenerate = exact_vertex_enumeration(A, B)
    assert degenerate and is_degenerate(A, B)
    assert same_set(eqs, want)
    # 1xn, mx1 and 1x1 games
    assert same_set(
        all_equilibria([[1, 2, 2]], [[0, 5, 5]]), [([1.0], [0, 1, 0]), ([1.0], [0, 0, 1])]
    )
    assert same_set(
        all_equilibria([[1], [3], [3]], [[0], [0], [0]]), [([0, 1, 0], [1.0]), ([0, 0, 1], [1.0])]
    )
    assert same_set(all_equilibria([[5]], [[-1]]), [([1.0], [1.0])])


def test_zero_rows_and_columns_4x4():
    A = np.array([[0, 0, 0, 0], [1, 2, 0, 1], [0, 0, 0, 0], [2, 1, 1, 0]], float)
    B = np.array([[0, 1, 0, 2], [0, 2, 0, 1], [0, 0, 0, 0], [0, 1, 0, 1]], float)
    eqs = all_equilibria(A, B)
    want, degenerate = exact_vertex_enumeration(A, B)
    assert degenerate
    assert same_set(eqs, want)
    assert same_set(solve_batch(A[None], B[None]).for_game(0), want)


# ------------------------------------------------------------ hypothesis properties

SHAPES = [(2, 2), (3, 3), (4, 4), (2, 3), (3, 2), (1, 3), (3, 1), (2, 4), (4, 3)]
INT_ELEMENTS = st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0])
FLOAT_ELEMENTS = st.floats(-5, 5, allow_nan=False, allow_infinity=False)


@st.composite
def games(draw, shapes=tuple(SHAPES), batch: int | None = None):
    shape = draw(st.sampled_from(shapes))
    if batch is not None:
        shape = (batch, *shape)
    elements = draw(st.sampled_from([INT_ELEMENTS, FLOAT_ELEMENTS]))
    A = draw(arrays(np.float64, shape, elements=elements))
    B = draw(arrays(np.float64, shape, elements=elements))
    return A, B


@PROPS
@given(games())
def test_all_equilibria_are_equilibria(game):
    A, B = game
    eqs = all_equilibria(A, B)
    assert eqs, "every finite game has an equilibrium"
    for r, c in eqs:
        assert r.shape == (A.shape[0],) and c.shape == (A.shape[1],)
        assert is_equilibrium(A, B, r, c)
        gr, gc = best_response_gap(A, B, r, c)
        assert gr <= 1e-9 * max(np.abs(A).max(), 1e-300) * 1.001 + 1e-300
        assert gc <= 1e-9 * max(np.abs(B).max(), 1e-300) * 1.001 + 1e-300
    # deduplicated
    flat = _as_float_set(eqs)
    assert all(np.abs(flat[i] - flat[j]).max() > 1e-9 for i in range(len(flat)) for j in range(i))


@PROPS
@given(games(batch=4))
def test_solve_batch_matches_all_equilibria(game):
    A, B = game
    res = solve_batch(A, B)
    assert np.all(np.diff(res.game) >= 0) and res.count.sum() == len(res.game)
    assert np.all(res.count >= 1)
    for g in range(A.shape[0]):
        eqs = res.for_game(g)
        for r, c in eqs:
            assert is_equilibrium(A[g], B[g], r, c)
        assert same_set(eqs, all_equilibria(A[g], B[g]))


@PROPS
@given(games(shapes=((2, 2),), batch=4), st.sampled_from(RULES))
def test_select_2x2_returns_equilibria(game, rule):
    A, B = game
    x, y = select_2x2(A, B, rule)
    assert x.shape == y.shape == (4,)
    assert np.all((x >= 0) & (x <= 1) & (y >= 0) & (y <= 1))
    for g in range(4):
        row, col = np.array([1 - x[g], x[g]]), np.array([1 - y[g], y[g]])
        assert is_equilibrium(A[g], B[g], row, col)
        eqs = all_equilibria(A[g], B[g])
        # the selection is one of the game's extreme equilibria ...
        assert contains(eqs, (row, col))
        # ... and the same one select_from_list picks from the list
        r, c = select_from_list(A[g], B[g], eqs, rule)
        assert is_equilibrium(A[g], B[g], r, c)
        assert (x[g], y[g]) == pytest.approx((r[1], c[1]), abs=1e-9)


@PROPS
@given(games(), st.sampled_from(RULES))
def test_select_from_list_returns_listed_equilibrium(game, rule):
    A, B = game
    eqs = all_equilibria(A, B)
    r, c = select_from_list(A, B, eqs, rule)
    assert is_equilibrium(A, B, r, c)
    assert contains(eqs, (r, c))


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, (5, 2, 2), elements=st.floats(-1e300, 1e300)),
    arrays(np.float64, (5, 2, 2), elements=st.floats(-1e300, 1e300)),
    st.sampled_from(RULES),
)
def test_select_2x2_extreme_magnitudes_never_nan(A, B, rule):
    # the pytest config turns RuntimeWarnings from sim.* (overflow, 0/0) into errors
    x, y = select_2x2(A, B, rule)
    assert np.isfinite(x).all() and np.isfinite(y).all()
    for g in range(5):
        assert is_equilibrium(A[g], B[g], [1 - x[g], x[g]], [1 - y[g], y[g]])


# ------------------------------------------------------------ exact references


def _generic_int_games(rng, k, n, lo=-50, hi=51, m=None):
    """Random integer games that are nondegenerate (checked exactly)."""
    m = k if m is None else m
    out = []
    while len(out) < n:
        A = rng.integers(lo, hi, (m, k)).astype(float)
        B = rng.integers(lo, hi, (m, k)).astype(float)
        if not exact_vertex_enumeration(A, B)[1]:
            out.append((A, B))
    return out


@pytest.mark.parametrize("k,n", [(2, 150), (3, 60), (4, 12)])
def test_generic_integer_games_equal_exact_support_enumeration(k, n):
    rng = np.random.default_rng(100 + k)
    gs = _generic_int_games(rng, k, n)
    A = np.array([g[0] for g in gs])
    B = np.array([g[1] for g in gs])
    batch = solve_batch(A, B)
    for i, (a, b) in enumerate(gs):
        exact = exact_support_enumeration(a, b)
        assert len(exact) % 2 == 1  # nondegenerate games have an odd number
        assert same_set(all_equilibria(a, b), exact)
        assert same_set(batch.for_game(i), exact)


@pytest.mark.parametrize(
    "shape,n", [((2, 2), 150), ((3, 3), 60), ((2, 3), 40), ((4, 2), 30), ((4, 4), 10)]
)
def test_degenerate_integer_games_equal_exact_vertex_enumeration(shape, n):
    rng = np.random.default_rng(sum(shape))
    A = rng.integers(-1, 2, (n, *shape)).astype(float)
    B = rng.integers(-1, 2, (n, *shape)).astype(float)
    batch = solve_batch(A, B)
    n_degenerate = 0
    for i in range(n):
        exact, degenerate = exact_vertex_enumeration(A[i], B[i])
        n_degenerate += degenerate
        assert is_degenerate(A[i], B[i]) == degenerate
        assert same_set(all_equilibria(A[i], B[i]), exact)
        assert same_set(batch.for_game(i), exact)
    assert n_degenerate > n // 4  # the sample really exercises degenerate games


def test_rectangular_generic_games_equal_exact():
    rng = np.random.default_rng(7)
    for m, k in [(2, 3), (3, 2), (2, 4), (4, 3)]:
        gs = _generic_int_games(rng, k, 8, m=m)
        batch = solve_batch(np.array([g[0] for g in gs]), np.array([g[1] for g in gs]))
        for i, (a, b) in enumerate(gs):
            exact = exact_support_enumeration(a, b)
            assert same_set(all_equilibria(a, b), exact)
            assert same_set(batch.for_game(i), exact)


# ------------------------------------------------------------------ nashpy cross-checks


@pytest.mark.parametrize("shape,n", [((2, 2), 100), ((3, 3), 100), ((2, 4), 30), ((4, 4), 8)])
def test_nashpy_vertex_enumeration_agrees(shape, n):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    A, B = rng.normal(size=(n, *shape)), rng.normal(size=(n, *shape))
    batch = solve_batch(A, B)
    for g in range(n):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vertex = list(nashpy.Game(A[g], B[g]).vertex_enumeration())
        assert same_set(batch.for_game(g), vertex, atol=1e-7)


def test_nashpy_support_enumeration_is_not_ground_truth(record_property):
    """nashpy's support enumeration misses equilibria; ours are exact.

    It checks supports with exact float comparisons, so on random 3x3 games it drops
    some equilibria whose support is smaller than the game (here in about 15% of games
    with normal payoffs; often quoted as about 1%). Where it disagrees with us, it
    must only be missing equilibria, and each one we have and it lacks must be a
    verified best-response pair that the exact rational enumeration also finds.
    """
    rng = np.random.default_rng(2024)
    n_games = 250
    A = rng.normal(size=(n_games, 3, 3))
    B = rng.normal(size=(n_games, 3, 3))
    batch = solve_batch(A, B)
    disagreements = 0
    for g in range(n_games):
        ours = batch.for_game(g)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            support = list(nashpy.Game(A[g], B[g]).support_enumeration())
        for eq in support:  # nashpy never finds one we lack
            assert contains(ours, eq, atol=1e-7)
        if same_set(ours, support, atol=1e-7):
            continue
        disagreements += 1
        exact = exact_support_enumeration(A[g], B[g])
        assert same_set(ours, exact)
        for r, c in ours:
            if not contains(support, (r, c), atol=1e-7):
                assert is_equilibrium(A[g], B[g], r, c)
                assert contains(exact, (r, c))
        # the adapter with vertex enumeration recovers the full set
        assert same_set(nashpy_equilibria(A[g], B[g], always_vertex=True), ours, atol=1e-7)
    record_property("nashpy_support_enumeration_disagreements", disagreements)
    print(f"nashpy support enumeration incomplete on {disagreements}/{n_games} games")


def test_nashpy_support_enumeration_misses_are_caught_by_adapter():
    """A game where nashpy's support enumeration misses an equilibrium."""
    rng = np.random.default_rng(2024)
    for _ in range(3000):
        A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            support = list(nashpy.Game(A, B).support_enumeration())
        if len(support) % 2 == 0:
            break
    else:
        pytest.skip("no support-enumeration miss found in this sample")
    ours = all_equilibria(A, B)
    assert len(ours) > len(support)
    assert same_set(nashpy_equilibria(A, B), ours)


def test_nashpy_adapter_drops_and_counts_non_equilibria(monkeypatch):
    A, B = np.array(STAG[0], float), np.array(STAG[1], float)
    bogus = (np.array([1.0, 0.0]), np.array([0.0, 1.0]))  # (Hold, Attack): not an eq

    def fake_support_enumeration(self, *args, **kwargs):
        yield bogus
        yield np.array([1.0, 0.0]), np.array([1.0, 0.0])
        yield np.array([0.0, 1.0]), np.array([0.0, 1.0])

    monkeypatch.setattr(nashpy.Game, "support_enumeration", fake_support_enumeration)
    before = solvers.NASHPY_DIAGNOSTICS["dropped_non_equilibria"]
    eqs = nashpy_equilibria(A, B)
    assert solvers.NASHPY_DIAGNOSTICS["dropped_non_equilibria"] == before + 1
    assert not contains(eqs, bogus)
    # two verified equilibria (an even count) made the adapter add vertex enumeration,
    # which recovers the mixed equilibrium the fake support enumeration "missed"
    assert same_set(eqs, all_equilibria(A, B))


# ------------------------------------------------------- fast path vs slow paths


def _random_2x2(rng, n):
    A1, B1 = _batch_games(rng, n // 2, (2, 2), "float")
    A2, B2 = _batch_games(rng, n - n // 2, (2, 2), "int")
    return np.concatenate([A1, A2]), np.concatenate([B1, B2])


def test_select_2x2_agrees_with_nashpy_reference():
    """Fast closed form vs the independent nashpy path, every rule, 2300 games."""
    rng = np.random.default_rng(11)
    A1, B1 = _batch_games(rng, 2000, (2, 2), "float")
    A2, B2 = _batch_games(rng, 300, (2, 2), "int")  # mostly degenerate: slower in nashpy
    A, B = np.concatenate([A1, A2]), np.concatenate([B1, B2])
    eq_lists = [nashpy_equilibria(A[g], B[g]) for g in range(len(A))]
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        ref = np.array(
            [
                [s[0][1], s[1][1]]
                for s in (select_from_list(A[g], B[g], eq_lists[g], rule) for g in range(len(A)))
            ]
        )
        np.testing.assert_allclose(x, ref[:, 0], atol=1e-9, err_msg=rule)
        np.testing.assert_allclose(y, ref[:, 1], atol=1e-9, err_msg=rule)
    # and the public reference function, on a subsample, with a leading batch shape
    idx = np.r_[0:20, 2000:2020]
    xs, ys = select_2x2_nashpy(
        A[idx].reshape(4, 10, 2, 2), B[idx].reshape(4, 10, 2, 2), "risk_dominant"
    )
    x, y = select_2x2(A[idx], B[idx], "risk_dominant")
    np.testing.assert_allclose(xs.ravel(), x, atol=1e-9)
    np.testing.assert_allclose(ys.ravel(), y, atol=1e-9)


def test_select_2x2_agrees_with_select_from_list_on_thousands():
    rng = np.random.default_rng(12)
    A, B = _random_2x2(rng, 3000)
    A3 = rng.integers(0, 2, (600, 2, 2)).astype(float)  # very degenerate
    B3 = rng.integers(0, 2, (600, 2, 2)).astype(float)
    A, B = np.concatenate([A, A3]), np.concatenate([B, B3])
    batch = solve_batch(A, B)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        for g in range(len(A)):
            r, c = select_from_list(A[g], B[g], batch.for_game(g), rule)
            assert abs(x[g] - r[1]) <= 1e-9 and abs(y[g] - c[1]) <= 1e-9, (rule, A[g], B[g])
            if r[1] in (0.0, 1.0) and c[1] in (0.0, 1.0):
                assert x[g] in (0.0, 1.0) and y[g] in (0.0, 1.0)  # exact pure values


@pytest.mark.parametrize(
    "base", [STAG, CHICKEN, BOS, STAG_STRONG], ids=["stag", "chicken", "bos", "stag_strong"]
)
def test_select_2x2_on_model_like_families(base):
    """Perturbed stag hunts / chicken games (the simulator's typical stage games).

    Most have two pure equilibria, the case select_2x2 resolves on its direct
    coordination/chicken path; ties are produced by rounding the perturbations.
    """
    rng = np.random.default_rng(41)
    A0, B0 = np.array(base[0], float), np.array(base[1], float)
    noise = rng.normal(scale=1.0, size=(2, 700, 2, 2))
    A = A0 + noise[0]
    B = B0 + noise[1]
    A[:250], B[:250] = np.round(A[:250]), np.round(B[:250])  # integer ties
    batch = solve_batch(A, B)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        for g in range(len(A)):
            r, c = select_from_list(A[g], B[g], batch.for_game(g), rule)
            assert (x[g], y[g]) == (r[1], c[1]) or (
                abs(x[g] - r[1]) <= 1e-12 and abs(y[g] - c[1]) <= 1e-12
            ), (rule, A[g].tolist(), B[g].tolist())


def test_solve_batch_2x2_closed_form_equals_vertex_enumeration():
    """The 2x2 closed form and the general vertex enumeration are independent codes."""
    rng = np.random.default_rng(13)
    A, B = _random_2x2(rng, 6000)
    A3 = rng.integers(0, 2, (1000, 2, 2)).astype(float)
    B3 = rng.integers(0, 2, (1000, 2, 2)).astype(float)
    A, B = np.concatenate([A, A3]), np.concatenate([B, B3])
    batch = solve_batch(A, B)
    tA, tB = 1e-9 * np.abs(A).max(axis=(1, 2)), 1e-9 * np.abs(B).max(axis=(1, 2))
    row, col, game = solvers._vertex_equilibria(A, B, tA, tB)  # what all_equilibria runs
    np.testing.assert_array_equal(batch.game, game)  # same counts per game ...
    np.testing.assert_allclose(batch.row, row, atol=ATOL)  # ... same canonical order
    np.testing.assert_allclose(batch.col, col, atol=ATOL)
    for g in range(0, len(A), 97):  # the public single-game function, on a subsample
        assert same_set(batch.for_game(g), all_equilibria(A[g], B[g]))


@pytest.mark.parametrize("shape", [(3, 3), (4, 4), (2, 3), (3, 4)])
@pytest.mark.parametrize("kind", ["int", "float"])
def test_solve_batch_equals_all_equilibria(shape, kind):
    rng = np.random.default_rng(len(kind) + shape[0] * 10 + shape[1])
    A, B = _batch_games(rng, 150, shape, kind)
    batch = solve_batch(A, B)
    for g in range(len(A)):
        eqs = batch.for_game(g)
        got = all_equilibria(A[g], B[g])
        assert len(eqs) == len(got)
        for (r, c), (r2, c2) in zip(eqs, got, strict=True):  # same order, too
            np.testing.assert_allclose(r, r2, atol=ATOL)
            np.testing.assert_allclose(c, c2, atol=ATOL)


# ------------------------------------------------------------------ scale invariance


@pytest.mark.parametrize("factor", [1e12, 1e-12])
def test_scale_invariance(factor):
    rng = np.random.default_rng(21)
    A, B = _random_2x2(rng, 2000)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        xs, ys = select_2x2(A * factor, B * factor, rule)
        xm, ym = select_2x2(A * factor, B / factor, rule)  # players on different scales
        np.testing.assert_allclose(xs, x, atol=1e-12)
        np.testing.assert_allclose(ys, y, atol=1e-12)
        np.testing.assert_allclose(xm, x, atol=1e-12)
        np.testing.assert_allclose(ym, y, atol=1e-12)
    for g in range(0, 2000, 40):
        assert same_set(all_equilibria(A[g] * factor, B[g] * factor), all_equilibria(A[g], B[g]))
    A3, B3 = _batch_games(rng, 100, (3, 3), "int")
    b1, b2 = solve_batch(A3, B3), solve_batch(A3 * factor, B3 * factor)
    np.testing.assert_array_equal(b1.count, b2.count)
    np.testing.assert_allclose(b1.row, b2.row, atol=1e-12)
    np.testing.assert_allclose(b1.col, b2.col, atol=1e-12)


def test_tiny_differences_on_huge_payoffs_are_ties():
    # differences far below 1e-9 of the payoff magnitude are ties (rounding noise)
    A = np.array([[1e12, 1e12 + 1e-3], [1e12, 1e12]])
    B = np.array([[5.0, 5.0], [5.0, 5.0]])
    assert len(all_equilibria(A, B)) == 4
    x, y = select_2x2(A, B, "risk_dominant")
    assert (float(x), float(y)) == (0.0, 0.0)


# ----------------------------------------------------------- API and structure


def test_select_2x2_batch_shapes_and_exact_values():
    rng = np.random.default_rng(31)
    A = rng.integers(-3, 4, (7, 5, 2, 2)).astype(float)
    B = rng.integers(-3, 4, (7, 5, 2, 2)).astype(float)
    for rule in RULES:
        x, y = select_2x2(A, B, rule)
        assert x.shape == y.shape == (7, 5) and x.dtype == np.float64
        flat = select_2x2(A.reshape(-1, 2, 2), B.reshape(-1, 2, 2), rule)
        np.testing.assert_array_equal(x.ravel(), flat[0])
        np.testing.assert_array_equal(y.ravel(), flat[1])
        for idx in [(0, 0), (3, 4), (6, 2)]:
            xi, yi = select_2x2(A[idx], B[idx], rule)
            assert xi.shape == () and (float(xi), float(yi)) == (x[idx], y[idx])
    x, y = select_2x2(np.zeros((0, 2, 2)), np.zeros((0, 2, 2)))
    assert x.shape == y.shape == (0,)


def test_batch_equilibria_structure():
    A = np.array([STAG[0], PD[0], ZERO[0]], float)
    B = np.array([STAG[1], PD[1], ZERO[1]], float)
    res = solve_batch(A, B)
    assert isinstance(res, BatchEquilibria)
    assert res.row.shape == (8, 2) and res.col.shape == (8, 2)
    np.testing.assert_array_equal(res.count, [3, 1, 4])
    np.testing.assert_array_equal(res.game, [0, 0, 0, 1, 2, 2, 2, 2])
    assert res.n_games == 3
    assert same_set(res.for_game(1), [([0, 1], [0, 1])])
    assert same_set(res.for_game(-1), res.for_game(2))
    with pytest.raises(IndexError):
        res.for_game(3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.count = np.zeros(3)  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.row[0, 0] = 0.5
    empty = solve_batch(np.zeros((0, 3, 3)), np.zeros((0, 3, 3)))
    assert empty.row.shape == (0, 3) and empty.count.shape == (0,)


def test_input_validation():
    with pytest.raises(ValueError, match="rule"):
        select_2x2(STAG[0], STAG[1], "nice")
    with pytest.raises(ValueError, match="finite"):
        select_2x2([[np.nan, 0], [0, 0]], ZERO[1])
    with pytest.raises(ValueError, match="finite"):
        all_equilibria([[np.inf, 0], [0, 0]], ZERO[1])
    with pytest.raises(ValueError, match="shape"):
        all_equilibria(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        select_2x2(np.zeros((3, 3)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="empty"):
        select_from_list(STAG[0], STAG[1], [], "mixed")
    with pytest.raises(ValueError, match="tol"):
        all_equilibria(STAG[0], STAG[1], tol=-1.0)


def test_is_equilibrium_and_gap():
    A, B = np.array(STAG[0], float), np.array(STAG[1], float)
    assert is_equilibrium(A, B, [1, 0], [1, 0])
    assert not is_equilibrium(A, B, [1, 0], [0, 1])
    assert not is_equilibrium(A, B, [0.5, 0.6], [1, 0])  # not a distribution
    rows = np.array([[1, 0], [0, 1], [1, 0]], float)
    cols = np.array([[1, 0], [0, 1], [0, 1]], float)
    gr, gc = best_response_gap(np.stack([A] * 3), np.stack([B] * 3), rows, cols)
    np.testing.assert_allclose(gr, [0, 0, 3])
    np.testing.assert_allclose(gc, [0, 0, 1])  # column would rather attack: 4 - 3
    # an explicit tolerance loosens the test
    assert is_equilibrium(A, B, [1, 0], [0, 1], tol=3.0)
