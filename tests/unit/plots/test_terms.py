"""The terms figure, drawn from made-up tables (no model run): rows, colours, frontier,
long labels, more term sets than rows."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from sim.analysis.terms import pareto_front
from sim.plots import save_terms
from sim.plots.style import OKABE_ITO
from sim.plots.terms import MAX_ROWS, figure_size, plot_terms, short_label, shown_rows

LONG = "Melitopol land bridge (occupied Zaporizhzhia and Kherson oblasts) and the coast road"


def table(regions: int = 6, shares: list[float] | None = None, long: bool = False) -> pd.DataFrame:
    """A terms table of every assignment of ``regions`` regions, with made-up figures that
    fall as B gets more (the first term set is the file's)."""
    ids = [f"r{i}" for i in range(regions)]
    options = ["a", "b"] if shares is None else shares
    rows = []
    rng = np.random.default_rng(0)
    for k, combo in enumerate(itertools.product(options, repeat=regions)):
        a_share = np.mean([1.0 if h == "a" else 0.0 if h == "b" else h for h in combo])
        acc = float(np.clip(0.2 + 0.7 * a_share + 0.05 * rng.standard_normal(), 0, 1))
        holds = [acc * f for f in (0.97, 0.93, 0.85, 0.74)]
        rows.append(
            {
                "term_set": k + 1, **dict(zip(ids, combo, strict=True)), "own_terms": k == 0,
                "accepted": acc, "accepted_by_a": min(1.0, acc + 0.05),
                "accepted_by_b": min(1.0, acc + 0.1),
                **{f"holds_{m}": h for m, h in zip(("1y", "2y", "5y", "10y"), holds, strict=True)},
                "value_a": 10 * a_share * acc, "value_b": 10 * (1 - a_share) * acc + rng.random(),
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    out["pareto"] = pareto_front(out["value_a"], out["value_b"])
    out.attrs.update(
        title="A made-up negotiation",
        regions=ids,
        region_labels={r: (LONG if long and i % 2 else f"Region {i}") for i, r in enumerate(ids)},
        shares=shares,
        actors=["a", "b"],
        actor_labels={"a": "Side A with a long name", "b": "Side B"},
        period="quarter",
        milestones=["1y", "2y", "5y", "10y"],
        draws=500,
        seed=1,
        sampler="lhs",
        solver={"method": "batched", "selection": "peaceful"},
    )
    return out


def draw(t: pd.DataFrame):
    fig = Figure(figsize=figure_size(t), layout="constrained")
    axes = plot_terms(t, fig)
    fig.canvas.draw()
    return fig, axes


def test_every_term_set_is_a_row_most_durable_first():
    t = table(6)  # 64 term sets
    fig, (ax_terms, ax_bars, ax_front) = draw(t)
    labels = [x.get_text() for x in ax_terms.get_yticklabels()]
    assert len(labels) == 64
    order = t.sort_values("holds_5y", ascending=False)["term_set"].tolist()
    assert [int(s.split()[0][1:]) for s in labels] == order
    assert any("file's terms" in s for s in labels)
    # every region a column; cells in the holders' colours
    assert len(ax_terms.get_xticklabels()) == 6
    colours = {to_hex(p.get_facecolor()) for p in ax_terms.patches if p.get_fill()}
    assert colours == {OKABE_ITO["vermillion"].lower(), OKABE_ITO["blue"].lower()}
    # the bars of accepted and the four horizons, one per row each
    assert len(ax_bars.patches) == 5 * 64
    # the frontier panel: every term set a point, axes in the sides' names and units
    assert (
        "Side A with a long name" in ax_front.get_xlabel() and "quarters" in ax_front.get_xlabel()
    )
    assert "Side B" in ax_front.get_ylabel()
    fronts = [a.get_text() for a in ax_front.texts]
    assert {f"#{i}" for i in t.loc[t["pareto"], "term_set"]} <= set(fronts)
    # a legend that says what the colours, marks and shades are
    legend = [x.get_text() for x in fig.subfigs[0].legends[0].get_texts()]
    assert "held by Side A with a long name" in legend and "holds 10y" in legend
    assert "on the Pareto frontier" in legend and "the file's own terms" in legend


def test_long_region_labels_are_shortened_and_the_figure_is_written(tmp_path):
    t = table(6, long=True)
    _, (ax_terms, _, _) = draw(t)
    heads = [x.get_text() for x in ax_terms.get_xticklabels()]
    assert all(len(line) <= 22 for h in heads for line in h.split("\n"))
    assert all(h.count("\n") <= 1 for h in heads)
    path = save_terms(t, tmp_path / "terms.png")
    assert path.stat().st_size > 20_000
    assert save_terms(t, tmp_path / "terms.svg").read_text().lstrip().startswith("<?xml")


def test_short_label():
    assert short_label("Crimea") == "Crimea"
    assert short_label(LONG) == "Melitopol land bridge\nand the coast road"  # the aside dropped
    cut = short_label("x" * 80)
    assert cut.endswith("…") and all(len(line) <= 22 for line in cut.split("\n"))


def test_more_term_sets_than_rows_show_the_top_of_the_frontier():
    t = table(7)  # 128 term sets
    rows = shown_rows(t)
    assert len(rows) == MAX_ROWS
    assert rows["own_terms"].any()  # the file's terms stay
    assert set(t.loc[t["pareto"], "term_set"]) <= set(rows["term_set"])
    assert rows["holds_5y"].is_monotonic_decreasing
    fig, (ax_terms, _, ax_front) = draw(t)
    assert len(ax_terms.get_yticklabels()) == MAX_ROWS
    assert f"{MAX_ROWS} of 128 term sets" in fig.get_suptitle()
    assert sum(len(c.get_offsets()) for c in ax_front.collections[:1]) == 128  # all are points


@pytest.mark.parametrize("shares", [[0.0, 0.5, 1.0], [0.25, 0.75]])
def test_shares_fill_the_cell_in_proportion_and_say_it(shares):
    t = table(2, shares=shares)
    _, (ax_terms, _, _) = draw(t)
    widths = sorted({round(p.get_width(), 6) for p in ax_terms.patches if p.get_fill()})
    cell = 1 - 2 * 0.06
    assert widths == sorted({round(cell * s, 6) for s in shares + [1 - s for s in shares]} - {0.0})
    texts = {x.get_text() for x in ax_terms.texts}
    assert {f"{s:.0%}" for s in shares} <= texts
