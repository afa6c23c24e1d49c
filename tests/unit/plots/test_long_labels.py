"""Every figure survives real labels: 80-character titles, labels and run names.

Each figure is drawn from a run whose title, actor, region and event labels and run label
are 80 characters long (with a ``$`` and rich markup in them, which must be drawn as
text), then laid out; its titles, axis labels and legends must lie inside the canvas
(their window extents inside the figure's bounding box), and constrained layout must not
give up ("constrained_layout not applied": the warning that came with a lost legend).
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET

import pytest
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg

import sim
from sim import plots
from sim.plots.save import compare_figure_of, figures_of, sweep_figure_of
from tests.helpers import FREEZE

N = 80


def _long(tag: str) -> str:
    text = f"{tag}: a label as long as real ones get, with $5 and [/b] markup in it "
    return (text * 3)[:N]


@pytest.fixture(scope="module")
def long_scenario(tmp_path_factory):
    data = yaml.safe_load(FREEZE.read_text(encoding="utf-8"))
    data["title"] = _long("Title")
    data["horizon"] = 20
    for i, actor in enumerate(data["actors"].values()):
        actor["label"] = _long(f"Actor {i}")
    for i, region in enumerate(data["regions"].values()):
        region["label"] = _long(f"Region {i}")
    for i, event in enumerate(data["events"].values()):
        event["label"] = _long(f"Event {i}")
    path = tmp_path_factory.mktemp("long") / "long_labels.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def long_runs(long_scenario):
    base = sim.run(long_scenario, draws=200, seed=3, label=_long("Run A"))
    other = sim.run(
        long_scenario, draws=200, seed=3, overrides={"war.first_strike": 0.0}, label=_long("Run B")
    )
    return base, other


def _inside(fig) -> list[str]:
    """The texts and legends of ``fig`` that stick out of its canvas."""
    FigureCanvasAgg(fig)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    problems = [str(w.message) for w in caught if "layout not applied" in str(w.message)]
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    artists = [("suptitle", fig._suptitle)] if fig._suptitle is not None else []
    for i, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        artists += [
            (f"axes {i} title", ax.title),
            (f"axes {i} xlabel", ax.xaxis.label),
            (f"axes {i} ylabel", ax.yaxis.label),
        ]
        if ax.get_legend() is not None:
            artists.append((f"axes {i} legend", ax.get_legend()))
        artists += [(f"axes {i} note {t.get_text()[:30]!r}", t) for t in ax.texts]
    for name, artist in artists:
        if (
            artist is None
            or not artist.get_visible()
            or not getattr(artist, "get_text", lambda: "x")()
        ):
            continue
        ext = artist.get_window_extent(renderer)
        if ext.x0 < box.x0 - 1 or ext.y0 < box.y0 - 1 or ext.x1 > box.x1 + 1 or ext.y1 > box.y1 + 1:
            problems.append(f"{name} outside the canvas: {ext} not in {box}")
    return problems


def _figures(long_runs, long_scenario):
    base, other = long_runs
    out = list(figures_of(base))
    out.append(("compare", compare_figure_of([base, other])))
    one = sim.sweep(long_scenario, vary={"war.first_strike": "0:0.2:3"}, draws=60)
    two = sim.sweep(
        long_scenario, vary={"war.first_strike": "0,0.2", "war.decisiveness": "1,3"}, draws=60
    )
    three = sim.sweep(
        long_scenario,
        vary={
            "war.first_strike": "0,0.2",
            "war.decisiveness": "1,3",
            "war.incident_hazard": "0,0.01",
        },
        draws=40,
    )
    out += [("sweep, one key", sweep_figure_of(one)), ("sweep, two keys", sweep_figure_of(two))]
    out.append(("sweep, three keys", sweep_figure_of(three)))
    return out


def test_every_figure_keeps_titles_and_legends_inside_the_canvas(long_runs, long_scenario):
    bad = {}
    for name, fig in _figures(long_runs, long_scenario):
        problems = _inside(fig)
        if problems:
            bad[name] = problems
    assert not bad, bad


def test_long_labels_are_drawn_as_text_and_the_svg_is_valid_xml(long_runs, tmp_path):
    base, _ = long_runs
    paths = plots.save_all(base, tmp_path, fmt="svg")
    for path in paths:
        ET.parse(path)  # valid XML
    survival = plots.plot_survival(base)
    assert survival.get_title().startswith("Title: a label")
    assert "$5" not in survival.get_title().replace("\\$5", "")  # every $ escaped: no mathtext
    assert "run: Run A" in survival.get_title()
