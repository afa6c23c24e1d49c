"""ceasefire-sim: would this ceasefire hold?

The Python API used from notebooks::

    import sim
    scn = sim.load_scenario("scenarios/freeze_lines.yaml")
    result = sim.run(scn, draws=2000, seed=1)
    result.summary["p_holds"]["5y"]      # headline figures with 95% intervals
    result.survival                      # pandas DataFrame
    result.save("results/my_run")
    again = sim.load_result("results/my_run")
    table = sim.sweep(scn, vary={"actors.russia.rebuild_rate": "0.03:0.1:5"}, draws=2000)
    deals = sim.terms(scn, regions="land_bridge,nuclear_plant", draws=2000)  # every deal
    sim.compare([result, "results/other_run"])  # headline figures side by side
    sim.paired(result, "results/without_dmz")   # the effect of a change on the same draws
    sim.report("results/my_run")         # a brief: results/my_run.html
    sim.explain(result)                  # which beliefs make it hold: PRIM boxes in words
    sim.sensitivity(result)              # global sensitivity indices with 95% intervals
    cal = sim.calibrate(["scenarios/minsk_2015.yaml"], draws=1000)  # history weighs beliefs
    cal.save("results/cal"); sim.run(scn, posterior="results/cal")

Names are imported lazily so that ``import sim`` (and the CLI) start fast. The functions
live in :mod:`sim.api`, the facade over the subpackages, which follow the data:
``scenario`` -> ``beliefs`` -> ``games`` and ``model`` -> ``montecarlo`` -> ``io`` (results
on disk) -> ``analysis`` -> ``plots`` -> ``reporting`` -> ``api`` and ``cli``.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "run",
    "sweep",
    "terms",
    "compare",
    "paired",
    "report",
    "explain",
    "sensitivity",
    "calibrate",
    "load_scenario",
    "load_result",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
]
__version__ = "0.1.0"

#: Where each public name lives: the functions in the facade :mod:`sim.api`, the types
#: where they are defined.
_LAZY = {
    "run": "sim.api",
    "sweep": "sim.api",
    "terms": "sim.api",
    "compare": "sim.api",
    "paired": "sim.api",
    "report": "sim.api",
    "explain": "sim.api",
    "sensitivity": "sim.api",
    "calibrate": "sim.api",
    "load_scenario": "sim.api",
    "load_result": "sim.api",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "Result": "sim.io",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public names."""
    return sorted(__all__)
