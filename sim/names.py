"""Names the whole package shares, defined once.

Every list of allowed names (samplers, solver methods, selection rules, causes, period
lengths) lives here; the scenario format, the command line, the model and the samplers
all read it from here, so adding a name is one edit.
"""

from __future__ import annotations

#: Samplers of the uncertain beliefs (``montecarlo.sampler``, ``--sampler``).
SAMPLERS = ("random", "lhs", "sobol")
#: How stage games are solved (``solver.method``): the batched closed form, or nashpy.
SOLVER_METHODS = ("batched", "nashpy")
#: Equilibrium selection rules (``solver.selection``); see :mod:`sim.games`.
SELECTION_RULES = ("peaceful", "risk_dominant", "payoff_dominant", "mixed")
#: Causes of a breakdown or a rejection, in the order of the model's int8 cause codes
#: (see :mod:`sim.model`); ``incident`` is always last.
CAUSES = ("commitment", "shift", "terms", "preemption", "incident")
#: Periods per year for each allowed ``period``.
PERIODS_PER_YEAR = {"year": 1, "quarter": 4, "month": 12}

__all__ = ["CAUSES", "PERIODS_PER_YEAR", "SAMPLERS", "SELECTION_RULES", "SOLVER_METHODS"]
