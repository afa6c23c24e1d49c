"""Plots: the only subpackage that imports matplotlib.

Each ``plot_x(result, ax=None)`` returns the Axes it drew into; ``save_all`` writes the
figures of a run.
"""

from sim.plots.figures import (
    FORMATS,
    OKABE_ITO,
    plot_breakdown,
    plot_compare,
    plot_power,
    plot_sensitivity,
    plot_survival,
    plot_sweep,
    readable_key,
    save_all,
    save_compare,
    save_figure,
    save_sweep,
    sensitivity_table,
)

__all__ = [
    "FORMATS",
    "OKABE_ITO",
    "plot_breakdown",
    "plot_compare",
    "plot_power",
    "plot_sensitivity",
    "plot_survival",
    "plot_sweep",
    "readable_key",
    "save_all",
    "save_compare",
    "save_figure",
    "save_sweep",
    "sensitivity_table",
]
