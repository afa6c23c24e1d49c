"""The tornado figure (its table is tested in tests/unit/analysis/test_sensitivity.py)."""

from __future__ import annotations

import pytest

import sim
from sim import plots
from tests.helpers import one_region, write
from tests.unit.plots.util import legend_texts


def test_sensitivity_figure(result):
    ax = plots.plot_sensitivity(result)
    table = plots.sensitivity_table(result)
    n = min(12, len(table))
    assert result.title in ax.get_title() and "P(holds 5 years)" in ax.get_title()
    assert ax.get_xlabel().startswith("P(holds 5 years)")
    assert len(ax.patches) == 2 * n  # a low and a high bar per assumption
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [lab.split("  (")[0] for lab in labels] == list(table["name"][:n])
    legend = legend_texts(ax)
    assert legend[:2] == ["lowest quarter of its range", "highest quarter of its range"]
    assert any(t.startswith("baseline (all draws)") for t in legend)
    # the baseline line sits at the headline estimate
    base = [ln for ln in ax.lines if ln.get_label().startswith("baseline")][0]
    assert base.get_xdata()[0] == pytest.approx(
        result.summary["p_holds"]["5y"]["estimate"], abs=1e-9
    )


def test_sensitivity_falls_back_to_the_longest_horizon(tmp_path):
    r = sim.run(
        write(tmp_path, one_region(horizon=3, incident="uniform(0.0, 0.2)", draws=60)), draws=60
    )
    assert plots.sensitivity_table(r).attrs["target"] == "p_holds_2y"
    ax = plots.plot_sensitivity(r)
    assert "P(holds 2 years)" in ax.get_title()
    assert [t.get_text().split("  (")[0] for t in ax.get_yticklabels()] == ["war incident_hazard"]


def test_sensitivity_without_uncertainty_says_so(tmp_path):
    r = sim.run(write(tmp_path, one_region(draws=5)), draws=5)
    ax = plots.plot_sensitivity(r)
    assert len(ax.patches) == 0
    assert any("no uncertain assumptions" in t.get_text() for t in ax.texts)
