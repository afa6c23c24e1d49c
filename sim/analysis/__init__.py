"""Analysis of runs: compare saved results, sweep parameters with common random numbers."""

from sim.analysis.comparison import HEADLINE_ROWS, compare, headline_figures, load, run_labels
from sim.analysis.sweeps import MAX_KEYS, MAX_POINTS, grid_values, parse_vary, sweep, write_sweep

__all__ = [
    "HEADLINE_ROWS",
    "compare",
    "headline_figures",
    "load",
    "run_labels",
    "MAX_KEYS",
    "MAX_POINTS",
    "grid_values",
    "parse_vary",
    "sweep",
    "write_sweep",
]
