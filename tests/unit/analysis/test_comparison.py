"""Comparing runs: labels, and the headline figures as flat columns."""

from __future__ import annotations

import math

import sim
from sim.analysis import headline_figures, run_labels
from tests.helpers import FREEZE


def test_run_labels_are_unique():
    r1 = sim.run(FREEZE, draws=20, overrides={"horizon": 8})
    r2 = sim.run(FREEZE, draws=20, overrides={"horizon": 8, "war.first_strike": 0.1})
    labels = run_labels([r1, r2, r1])
    assert len(set(labels)) == 3
    assert "war.first_strike=0.1" in labels[1]


def test_headline_figures_are_flat_columns():
    summary = {
        "p_accepted": {"estimate": 0.5, "ci_low": 0.4, "ci_high": 0.6},
        "p_holds": {"1y": {"estimate": 0.3, "ci_low": 0.2, "ci_high": 0.4}},
        "median_duration_years": None,
    }
    row = headline_figures(summary)
    assert list(row) == [
        "p_accepted",
        "p_accepted_ci_low",
        "p_accepted_ci_high",
        "p_holds_1y",
        "p_holds_1y_ci_low",
        "p_holds_1y_ci_high",
        "median_duration_years",
    ]
    assert row["p_holds_1y_ci_high"] == 0.4 and math.isnan(row["median_duration_years"])
