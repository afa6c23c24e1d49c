"""Plots: the only subpackage that imports matplotlib.

Each ``plot_x(result, ax=None)`` takes a :class:`sim.io.Result` (and optionally an
Axes to draw into) and returns the Axes, so notebooks can compose figures; without an
Axes a new pyplot figure is made (shown inline in a notebook). :func:`save_all` writes
the four figures of a run with plain :class:`~matplotlib.figure.Figure` objects, so
``sim run`` never touches pyplot or a GUI backend.

Every figure says what its band means: "95% CI of the estimate" is Monte Carlo
uncertainty about the average (it shrinks with more draws); "spread of beliefs" is how
much the answer differs between draws of the uncertain assumptions (it does not shrink).

One module per figure (:mod:`~sim.plots.survival`, :mod:`~sim.plots.breakdown`,
:mod:`~sim.plots.sensitivity` (the tornado) with :mod:`~sim.plots.indices` (the indices
beside it), :mod:`~sim.plots.power`, :mod:`~sim.plots.compare`, :mod:`~sim.plots.sweep`,
:mod:`~sim.plots.discovery`, :mod:`~sim.plots.terms`, :mod:`~sim.plots.calibration`), the
shared look in
:mod:`~sim.plots.style`, and writing files in :mod:`~sim.plots.save`. The tables behind
the figures are computed in :mod:`sim.analysis`; ``sensitivity_table`` and
``readable_key`` are re-exported here.
"""

from sim.analysis.sensitivity import sensitivity_table
from sim.plots.beliefs import plot_beliefs
from sim.plots.breakdown import plot_breakdown
from sim.plots.calibration import plot_calibration, save_calibration
from sim.plots.compare import plot_compare
from sim.plots.discovery import plot_discovery, plot_restrictions, plot_trajectories
from sim.plots.indices import plot_indices, plot_sensitivity_panels
from sim.plots.power import plot_power
from sim.plots.save import (
    save_all,
    save_compare,
    save_discovery,
    save_figure,
    save_sweep,
    save_terms,
)
from sim.plots.sensitivity import plot_sensitivity
from sim.plots.style import FORMATS, OKABE_ITO
from sim.plots.survival import plot_survival
from sim.plots.sweep import plot_sweep
from sim.plots.terms import plot_terms
from sim.scenario import readable_key

__all__ = [
    "FORMATS",
    "OKABE_ITO",
    "plot_beliefs",
    "plot_breakdown",
    "plot_calibration",
    "plot_compare",
    "plot_discovery",
    "plot_indices",
    "plot_power",
    "plot_restrictions",
    "plot_sensitivity",
    "plot_sensitivity_panels",
    "plot_survival",
    "plot_sweep",
    "plot_terms",
    "plot_trajectories",
    "readable_key",
    "save_all",
    "save_calibration",
    "save_compare",
    "save_discovery",
    "save_figure",
    "save_sweep",
    "save_terms",
    "sensitivity_table",
]
