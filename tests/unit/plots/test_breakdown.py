"""The breakdown figure: its bars add up to the breakdowns."""

from __future__ import annotations

import pytest

from sim import plots
from tests.unit.plots.util import legend_texts


def test_breakdown_figure_adds_up_to_the_breakdowns(result):
    top, bottom = plots.plot_breakdown(result)
    assert result.title in top.get_title()
    assert bottom.get_xlabel() == "years since the ceasefire began"
    assert top.get_ylabel().startswith("P(breaks in that year)")
    total = result.summary["p_breaks_within_horizon"]
    for ax in (top, bottom):
        heights = sum(p.get_height() for p in ax.patches)
        assert heights == pytest.approx(total, rel=1e-9, abs=1e-12)
        # one bar per year for each category that occurs
        n_years = 5
        assert len(ax.patches) % n_years == 0
        assert len(ax.patches) // n_years == len(legend_texts(ax))
    assert any("attacks" in t for t in legend_texts(top))
    causes = {t.split(" (")[0].split(":")[0] for t in legend_texts(bottom)}
    assert causes <= {"commitment", "shift", "terms", "preemption", "information", "incident"}


def test_breakdown_single_panel(result):
    ax = plots.plot_breakdown(result, by="cause")
    assert result.title in ax.get_title()
    with pytest.raises(ValueError, match="by must be"):
        plots.plot_breakdown(result, by="who")
