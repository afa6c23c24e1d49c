"""Names the whole package shares, defined once.

Every list of allowed names (samplers, solver methods, selection rules, causes, period
lengths) lives here; the scenario format, the command line, the model and the samplers
all read it from here, so adding a name is one edit.
"""

from __future__ import annotations

#: Samplers of the uncertain beliefs (``montecarlo.sampler``, ``--sampler``).
SAMPLERS = ("random", "lhs", "sobol")
#: What a mechanism of an agreement can be (``mechanisms.<id>.kind``; see sim.model.mechanisms).
MECHANISM_KINDS = ("guarantee", "restraint", "peacekeepers", "monitoring", "support")
#: Designed samples for variance-based sensitivity indices (``sim run --design``): not a
#: scenario key, since a scenario states beliefs and a design is how a study samples them.
DESIGNS = ("saltelli",)
#: How stage games are solved (``solver.method``): the batched closed form, or nashpy.
SOLVER_METHODS = ("batched", "nashpy")
#: Rules that pick one Nash equilibrium of a stage game; see :mod:`sim.games.rules`.
NASH_RULES = ("peaceful", "risk_dominant", "payoff_dominant")
#: How a stage game is played (``solver.selection``): a Nash selection rule, or ``qre``, the
#: logit quantal response equilibrium (:mod:`sim.games.qre`).
SELECTION_RULES = (*NASH_RULES, "qre")
#: The key path of the selection rule: with ``solver.selection: choice([...])`` it is a
#: sampled belief, and the column of ``draws.parquet`` that holds each draw's rule.
SELECTION_KEY = "solver.selection"
#: Rules that were removed, with what to use instead (the error a user sees).
REMOVED_RULES = {
    "mixed": "the 'mixed' rule was removed: its mixed equilibrium is discontinuous in the payoffs "
    "and its attack probability falls as the first-strike advantage grows; use 'qre' (a logit "
    "quantal response, with solver.qre_precision) for stochastic choice",
}
#: Causes of a breakdown or a rejection, in the order of the model's int8 cause codes
#: (see :mod:`sim.model`); ``incident`` is always last.
CAUSES = ("commitment", "shift", "terms", "preemption", "information", "incident")
#: Where chunks of draws are solved (``--executor``); see :mod:`sim.montecarlo.executors`.
EXECUTORS = ("local", "processes", "dask")
#: Periods per year for each allowed ``period``.
PERIODS_PER_YEAR = {"year": 1, "quarter": 4, "month": 12}

__all__ = [
    "CAUSES",
    "EXECUTORS",
    "DESIGNS",
    "NASH_RULES",
    "PERIODS_PER_YEAR",
    "REMOVED_RULES",
    "MECHANISM_KINDS",
    "SAMPLERS",
    "SELECTION_KEY",
    "SELECTION_RULES",
    "SOLVER_METHODS",
]
