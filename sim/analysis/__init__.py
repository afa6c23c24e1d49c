"""Analysis of runs: compare saved results, sweep parameters with common random numbers,
grade every assignment of the contested regions on the same draws
(:mod:`~sim.analysis.terms`), read how each sampled assumption moves the answer
(sensitivity tables and global indices, :mod:`~sim.analysis.gsa`), and find which
combinations of beliefs make the ceasefire hold (scenario discovery:
:mod:`~sim.analysis.prim`, :mod:`~sim.analysis.discovery`, findings in words in
:mod:`~sim.analysis.findings` and :mod:`~sim.analysis.report`).

This layer computes tables; it never imports plotting (:mod:`sim.plots` draws them).
"""

from sim.analysis.comparison import (
    HEADLINE_ROWS,
    compare,
    formatted_table,
    headline_figures,
    load,
    outcome_figures,
    run_labels,
)
from sim.analysis.discovery import (
    Discovery,
    DiscoveryFigure,
    default_out,
    discover,
    restriction_rows,
    write_discovery,
)
from sim.analysis.gsa import empty_indices, indices, sensitivity_indices
from sim.analysis.outcomes import (
    DEFAULT_OUTCOME,
    TARGETS,
    default_outcome,
    outcome_choices,
    target_word,
)
from sim.analysis.paired import PairingError, paired, selection_notes
from sim.analysis.sensitivity import parameter_columns, sensitivity_table, target_column
from sim.analysis.sweeps import (
    MAX_POINTS,
    USAGE,
    SweepFigure,
    grid_values,
    parse_vary,
    sweep,
    write_sweep,
)
from sim.analysis.terms import TermsFigure, terms, write_terms

__all__ = [
    "PairingError",
    "paired",
    "selection_notes",
    "DEFAULT_OUTCOME",
    "TARGETS",
    "Discovery",
    "DiscoveryFigure",
    "default_out",
    "default_outcome",
    "discover",
    "empty_indices",
    "indices",
    "outcome_choices",
    "restriction_rows",
    "sensitivity_indices",
    "target_word",
    "write_discovery",
    "HEADLINE_ROWS",
    "compare",
    "formatted_table",
    "headline_figures",
    "outcome_figures",
    "load",
    "run_labels",
    "parameter_columns",
    "sensitivity_table",
    "target_column",
    "MAX_POINTS",
    "USAGE",
    "SweepFigure",
    "grid_values",
    "parse_vary",
    "sweep",
    "write_sweep",
    "TermsFigure",
    "terms",
    "write_terms",
]
