"""Games: Nash equilibria of bimatrix games, equilibrium selection, bargaining references.

``all_equilibria(A, B)`` is a general bimatrix solver (every extreme equilibrium, robust
to degenerate games); ``select_2x2`` is the simulator's batched hot path; the nashpy path
(``select_2x2_nashpy``) is the independent reference. ``fearon_range``,
``rubinstein_split``, ``nash_bargaining``, ``kalai_smorodinsky`` and ``powell_war`` are
the closed-form bargaining results the model reduces to in its special cases.
"""

from sim.games.bargaining import (
    fearon_range,
    kalai_smorodinsky,
    max_a_given_floor_b,
    max_b_given_floor_a,
    nash_bargaining,
    nash_split_batch,
    powell_war,
    rubinstein_split,
)
from sim.games.solvers import (
    DEDUP_TOL,
    NASHPY_DIAGNOSTICS,
    PROB_TOL,
    REL_TOL,
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
    "fearon_range",
    "kalai_smorodinsky",
    "max_a_given_floor_b",
    "max_b_given_floor_a",
    "nash_bargaining",
    "nash_split_batch",
    "powell_war",
    "rubinstein_split",
]
