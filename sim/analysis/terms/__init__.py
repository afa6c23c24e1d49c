"""Negotiation: search the space of terms for the ceasefire that is accepted and holds.

::

    table = sim.terms("scenarios/freeze_lines.yaml",
                      regions="donbas_2022,land_bridge,nuclear_plant,claimed_rest",
                      draws=2000)

A *term set* assigns each negotiated region to a holder (or, with ``shares``, gives A a
share of it on a grid); the other regions keep the file's terms. Every term set is
solved on the same Monte Carlo draws (common random numbers,
:mod:`~sim.analysis.terms.engine`), so the differences between rows are the terms'
alone, and the row of the file's own terms equals ``sim run`` with the same seed and
draws exactly. Per term set the table gives (:mod:`~sim.analysis.terms.table`):

* ``accepted`` (both sides prefer the ceasefire to fighting on at t = 0), with its 95%
  interval, and ``accepted_by_<actor>`` (the share of draws in which that side does not
  reject the terms);
* ``holds_1y`` ... ``holds_10y`` (accepted and still holding, as in ``sim run``), with
  intervals, and ``holds_<k>_if_accepted``;
* ``value_<actor>``: the expected value of the ceasefire to that side over fighting on,
  at t = 0, in periods of its whole stake (breakdowns and the wars after them included;
  0 in a draw where the terms are rejected, since the war goes on either way);
* ``main_breaker`` and ``main_cause`` of the breakdowns within the horizon (with their
  shares), ``main_rejection_cause``;
* the t = 0 references, means over the draws: ``fearon_low`` / ``fearon_high`` (Fearon's
  range of A's per-period share), ``nash_share_a`` (the Nash bargaining split) beside
  ``terms_share_a`` (the terms' own split, in A's values), and ``in_fearon_range`` (the
  share of draws in which the terms lie inside Fearon's range); with private
  information these are the draw's most likely type's, as in ``draws.parquet``;
* ``pareto``: no other term set gives both sides more value.

Modules: :mod:`~sim.analysis.terms.grid` (the regions, the grid, the term sets),
:mod:`~sim.analysis.terms.engine` (solving them on shared draws),
:mod:`~sim.analysis.terms.table` (the rows), :mod:`~sim.analysis.terms.search`
(:func:`terms`), :mod:`~sim.analysis.terms.output` (:func:`write_terms`).
"""

from sim.analysis.terms.engine import solve_term_sets
from sim.analysis.terms.grid import (
    MAX_TERM_SETS,
    TermSet,
    parse_regions,
    parse_shares,
    term_scenario,
    term_sets,
)
from sim.analysis.terms.output import TermsFigure, write_terms
from sim.analysis.terms.search import terms
from sim.analysis.terms.table import figure_columns, pareto_front

__all__ = [
    "MAX_TERM_SETS",
    "TermSet",
    "TermsFigure",
    "figure_columns",
    "pareto_front",
    "parse_regions",
    "parse_shares",
    "solve_term_sets",
    "term_scenario",
    "term_sets",
    "terms",
    "write_terms",
]
