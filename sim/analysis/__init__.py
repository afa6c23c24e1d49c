"""Analysis of runs: compare saved results, sweep parameters with common random numbers,
and read how each sampled assumption moves the answer (sensitivity tables).

This layer computes tables; it never imports plotting (:mod:`sim.plots` draws them).
"""

from sim.analysis.comparison import HEADLINE_ROWS, compare, headline_figures, load, run_labels
from sim.analysis.paired import PairingError, paired, selection_notes
from sim.analysis.sensitivity import parameter_columns, sensitivity_table, target_column
from sim.analysis.sweeps import (
    MAX_KEYS,
    MAX_POINTS,
    USAGE,
    SweepFigure,
    grid_values,
    parse_vary,
    sweep,
    write_sweep,
)

__all__ = [
    "PairingError",
    "paired",
    "selection_notes",
    "HEADLINE_ROWS",
    "compare",
    "headline_figures",
    "load",
    "run_labels",
    "parameter_columns",
    "sensitivity_table",
    "target_column",
    "MAX_KEYS",
    "MAX_POINTS",
    "USAGE",
    "SweepFigure",
    "grid_values",
    "parse_vary",
    "sweep",
    "write_sweep",
]
