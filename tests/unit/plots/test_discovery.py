"""The discovery figure: peeling trajectories and the boxes reported."""

from __future__ import annotations

import pandas as pd
import pytest

from sim import plots
from sim.analysis import Discovery
from sim.analysis.findings import Categories
from tests.unit.plots.util import legend_texts


@pytest.fixture
def found():
    traj = pd.DataFrame(
        {"coverage": [1.0, 0.8, 0.6], "density": [0.6, 0.7, 0.8], "mass": [1.0, 0.7, 0.45],
         "restricted": [0, 1, 2], "wracc": [0, 0.07, 0.09], "chosen": [False, False, True]}
    )  # fmt: skip
    box = {
        "target": "holds", "rank": 1, "coverage": 0.6, "density": 0.8, "mass": 0.45,
        "draws": 450, "restricted": 2, "step": 2, "finding": "In 80% ...",
        "restrictions": {"actors.russia.war_cost": [5.9, 100.0], "war.decisiveness": [1.0, 2.2]},
        "quantiles": {"actors.russia.war_cost": [0.5, 1.0], "war.decisiveness": [0.0, 0.6]},
    }  # fmt: skip
    return Discovery(
        outcome="holds_5y", target="holds", base_rate=0.6, complement_rate=0.4, boxes=[box],
        trajectories={"holds": traj, "breaks": pd.DataFrame()},
        ranges={"actors.russia.war_cost": [0.4, 100.0], "war.decisiveness": [1.0, 3.0]},
        sensitivity=pd.DataFrame(),
        meta={"title": "T", "draws": 1000, "phrases": {"holds": "it holds", "breaks": "no"}},
    )  # fmt: skip


def test_trajectories_mark_the_box_and_the_base_rate(found):
    left, right = plots.plot_discovery(found, plots_axes())
    texts = legend_texts(left)
    assert texts == [
        "holds: boxes peeled", "holds: box 1 reported (80% of 45% of the draws)",
        "holds: all draws (60%)",
    ]  # fmt: skip
    assert left.get_xlabel().startswith("coverage") and left.get_ylabel().startswith("density")
    assert "Beliefs under which it holds (1,000 draws)" in left.figure.get_suptitle()


def test_restrictions_are_drawn_on_the_quantile_scale(found):
    _, right = plots.plot_discovery(found, plots_axes())
    kept = [p for p in right.patches if p.get_facecolor()[:3] != (0.9, 0.9, 0.9)]
    assert [round(p.get_x(), 3) for p in kept] == [0.5, 0.0]
    assert [round(p.get_width(), 3) for p in kept] == [0.5, 0.6]
    labels = [t.get_text() for t in right.get_yticklabels()]
    assert labels == ["holds 1: russia war_cost", "holds 1: war decisiveness"]
    assert [t.get_text() for t in right.texts] == ["≥ 5.90", "≤ 2.20"]


def test_a_true_type_reads_by_its_name_and_labels(found):
    """The type's bar keeps the share of the draws of the limited aims type (the upper 48%)."""
    found.boxes[0]["restrictions"]["type.russia"] = [1.0, 1.0]
    found.boxes[0]["quantiles"]["type.russia"] = [0.52, 1.0]
    found.ranges["type.russia"] = [0.0, 1.0]
    found.categories["type.russia"] = Categories(
        "true type of Russia", (0.0, 1.0), ("maximalist aims", "limited aims"),
        ("Russia is of the maximalist aims type", "Russia is of the limited aims type"),
    )  # fmt: skip
    _, right = plots.plot_discovery(found, plots_axes())
    labels = [t.get_text() for t in right.get_yticklabels()]
    assert labels[-1] == "holds 1: true type of Russia"
    assert [t.get_text() for t in right.texts][-1] == "limited aims"
    kept = [p for p in right.patches if p.get_facecolor()[:3] != (0.9, 0.9, 0.9)]
    assert round(kept[-1].get_x(), 3) == 0.52 and round(kept[-1].get_width(), 3) == 0.48


def test_save_discovery_writes_a_png(found, tmp_path):
    path = plots.save_discovery(found, tmp_path / "discovery.png")
    assert path.stat().st_size > 10_000


def plots_axes():
    import matplotlib.pyplot as plt

    return plt.subplots(1, 2, figsize=(16, 6))[1]
