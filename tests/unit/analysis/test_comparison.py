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
    assert labels[1] == "freeze_lines [horizon=8, war.first_strike=0.1]"  # changes always shown
    assert labels[0] == "freeze_lines [horizon=8] #1" and labels[2].endswith("#2")
    named = sim.run(FREEZE, draws=20, overrides={"horizon": 8}, label="as written, short")
    assert run_labels([named, r1])[0] == "as written, short"  # a --label names the run


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
        "p_holds_if_accepted_1y",
        "median_duration_years",
    ]
    assert row["p_holds_1y_ci_high"] == 0.4 and math.isnan(row["median_duration_years"])
    assert math.isnan(row["p_holds_if_accepted_1y"])  # the summary has none
    summary["p_holds_if_accepted"] = {"1y": 0.6}
    assert headline_figures(summary)["p_holds_if_accepted_1y"] == 0.6
