"""Games: Nash equilibria of bimatrix games, equilibrium selection, bargaining references.

``all_equilibria(A, B)`` is a general bimatrix solver (every extreme equilibrium of an
``m x n`` game, robust to degenerate games) and ``solve_batch`` solves arrays of games
at once; ``select_2x2`` is the simulator's batched hot path; the nashpy path
(``select_2x2_nashpy``) is the independent reference. ``fearon_range``,
``rubinstein_split``, ``nash_bargaining``, ``kalai_smorodinsky`` and ``powell_war`` are
the closed-form bargaining results the model reduces to in its special cases, and
``max_a_given_floor_b``, ``max_b_given_floor_a``, ``nash_split_batch`` the batched
region-split frontier it works on.

One concept per module, all behind this facade:

========================  ==============================================================
``conventions``           game shapes, tolerances, the canonical order of equilibria
``polytope``              vertices of the best-response polytopes, batched
``equilibria``            ``all_equilibria``, ``is_equilibrium``, ``best_response_gap``,
                          ``is_degenerate``
``twobytwo``              the 2x2 closed form and its sign-class tables
``batch``                 ``solve_batch`` and ``BatchEquilibria``
``dominance``             risk and payoff dominance between pure equilibria
``rules``                 the selection rules, one function per rule, by name
``selection``             ``select_2x2`` and ``select_from_list``
``reference``             the nashpy reference path
``bargaining``            the closed-form bargaining references
``frontier``              the batched region-split frontier helpers
``qre``                   the logit quantal response equilibrium of 2x2 games
========================  ==============================================================
"""

from sim.games.bargaining import (
    fearon_range,
    kalai_smorodinsky,
    nash_bargaining,
    powell_war,
    rubinstein_split,
)
from sim.games.batch import BatchEquilibria, solve_batch
from sim.games.conventions import DEDUP_TOL, PROB_TOL, REL_TOL
from sim.games.equilibria import all_equilibria, best_response_gap, is_degenerate, is_equilibrium
from sim.games.frontier import max_a_given_floor_b, max_b_given_floor_a, nash_split_batch
from sim.games.qre import logit_response, qre_2x2
from sim.games.reference import NASHPY_DIAGNOSTICS, nashpy_equilibria, select_2x2_nashpy
from sim.games.rules import RULES
from sim.games.selection import select_2x2, select_from_list

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
    "logit_response",
    "qre_2x2",
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
