"""Games the equilibrium tests share: textbook 2x2 games with hand-derived answers,
random batches and hypothesis strategies."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.games import RULES

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def batch_games(rng, n, shape, kind):
    if kind == "int":
        return (
            rng.integers(-2, 3, (n, *shape)).astype(float),
            rng.integers(-2, 3, (n, *shape)).astype(float),
        )
    return rng.normal(size=(n, *shape)), rng.normal(size=(n, *shape))


def random_2x2(rng, n):
    A1, B1 = batch_games(rng, n // 2, (2, 2), "float")
    A2, B2 = batch_games(rng, n - n // 2, (2, 2), "int")
    return np.concatenate([A1, A2]), np.concatenate([B1, B2])


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
# extreme equilibrium.
WEAK_PEACE = ([[3, 0], [2, 2]], [[1, 1], [0, 1]])


TEXTBOOK = {
    "stag_hunt": (
        STAG,
        [(0, 0), (0.25, 0.25), (1, 1)],
        {
            "peaceful": (0, 0),
            "risk_dominant": (1, 1),
            "payoff_dominant": (0, 0),
        },
    ),
    "chicken": (
        CHICKEN,
        [(0, 1), (0.1, 0.1), (1, 0)],
        {
            "peaceful": (0, 1),
            "risk_dominant": (0, 1),
            "payoff_dominant": (0, 1),
        },
    ),
    "chicken_asym": (
        CHICKEN_ASYM,
        [(0, 1), (0.2, 0.75), (1, 0)],
        {
            "peaceful": (1, 0),
            "risk_dominant": (1, 0),
            "payoff_dominant": (1, 0),
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
        },
    ),
    "weak_peace": (
        WEAK_PEACE,
        [(0, 0), (0, 1 / 3), (1, 1)],
        {"peaceful": (0, 0), "risk_dominant": (1, 1), "payoff_dominant": (0, 0)},
    ),
}


def profiles_2x2(xy):
    return [(np.array([1 - x, x]), np.array([1 - y, y])) for x, y in xy]


# ------------------------------------------------------------ hypothesis strategies

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
