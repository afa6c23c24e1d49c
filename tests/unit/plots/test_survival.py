"""The survival figure, checked through its Axes (labels, titles, artists), never by pixel."""

from __future__ import annotations

import sim
from sim import plots
from tests.helpers import one_region, write
from tests.unit.plots.util import legend_texts


def test_survival_figure(result):
    ax = plots.plot_survival(result)
    assert result.title in ax.get_title()
    assert ax.get_xlabel() == "years since the ceasefire began"
    assert "probability" in ax.get_ylabel()
    legend = legend_texts(ax)
    assert "95% CI of the estimate" in legend
    assert "accepted and still holding" in legend
    assert any(t.startswith("spread of beliefs") for t in legend), legend
    # one label per headline horizon, and a dotted mark at each
    notes = [t.get_text() for t in ax.texts]
    for label in result.summary["p_holds"]:
        assert any(n.startswith(f"{label}: ") for n in notes), (label, notes)
    assert ax.get_ylim() == (0, 1.02)
    assert ax.get_xlim() == (0, 5.0)


def test_survival_figure_without_acceptance_gap_has_no_conditional_curve(tmp_path):
    """When every draw accepts, the curve given acceptance is the curve: drawn once."""
    r = sim.run(
        write(tmp_path, one_region(share_a=0.5, incident="uniform(0.01, 0.05)", draws=40)), draws=40
    )
    assert r.summary["p_accepted"]["estimate"] == 1.0
    legend = legend_texts(plots.plot_survival(r))
    assert legend == ["95% CI of the estimate", "accepted and still holding"]
