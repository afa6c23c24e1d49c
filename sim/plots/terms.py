"""The terms figure: which term sets are accepted, how long they hold, and the frontier.

Three panels share one reading order, most durable term set first:

* **the terms**: one row per term set, one column per negotiated region, each cell in
  the colour of its holder (with shares, the filled part is A's share); the file's own
  terms are framed and a star marks the term sets on the Pareto frontier;
* **accepted and holding**: nested bars, from P(accepted) (lightest) to P(holds 10
  years) (darkest), with a tick where each side accepts;
* **the Pareto frontier** of the two sides' values of the ceasefire over war, every
  term set a point coloured by P(holds 5 years), the frontier joined and labelled.

Up to :data:`MAX_ROWS` term sets are drawn as rows; beyond that the rows are the file's
terms, the frontier's most durable term sets and then the most durable others (every
term set stays a point of the frontier panel). The table comes from
:func:`sim.analysis.terms.terms`.
"""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.ticker import PercentFormatter

from sim.analysis.terms import figure_columns
from sim.plots.style import (
    GREY,
    LABEL_SIZE,
    LEGEND_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TICK_SIZE,
    TITLE_SIZE,
    style_axes,
)

__all__ = ["MAX_ROWS", "figure_size", "plot_terms", "shown_rows"]

#: Term sets drawn as rows; more are summarised by the frontier (see :func:`shown_rows`).
MAX_ROWS = 64
ROW_IN = 0.2  # inches per row
MAX_NOTES = 12  # term sets described in words under the frontier
HOLDER = (OKABE_ITO["vermillion"], OKABE_ITO["blue"])  # A, B: as the breakers elsewhere


def _shade(frac: float) -> tuple[float, float, float]:
    """Okabe-Ito blue mixed with white: 0 white, 1 the full colour."""
    c = np.array(to_rgb(OKABE_ITO["blue"]))
    return tuple(1.0 - frac * (1.0 - c))  # type: ignore[return-value]


def short_label(text: str, width: int = 22, lines: int = 2) -> str:
    """A label that fits ``lines`` lines of ``width``: parenthesised parts dropped if it is
    too long, then wrapped, and the last line cut with an ellipsis."""
    if len(text) > width * lines:
        text = re.sub(r"\s*\([^)]*\)", "", text).strip() or text
    wrapped = textwrap.wrap(text, width) or [text]
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1 :])
        wrapped = wrapped[: lines - 1] + [last[: width - 1].rstrip() + "…"]
    return "\n".join(wrapped)


def shown_rows(table: pd.DataFrame, limit: int = MAX_ROWS) -> pd.DataFrame:
    """The rows to draw, most durable first: all of them, or the top of the frontier.

    Beyond ``limit`` rows: the file's own terms, then the term sets on the Pareto
    frontier, then the others, each group by P(holds 5 years) (then acceptance), cut at
    ``limit``; drawn in that order of durability.
    """
    target = figure_columns(table)["target"]
    order = table.sort_values([target, "accepted", "term_set"], ascending=[False, False, True])
    if len(order) <= limit:
        return order
    own, front = order[order["own_terms"]], order[order["pareto"] & ~order["own_terms"]]
    rest = order[~order["pareto"] & ~order["own_terms"]]
    keep = pd.concat([own, front, rest]).head(limit)
    return order.loc[order.index.isin(keep.index)]


def figure_size(table: pd.DataFrame) -> tuple[float, float]:
    """Width and height (inches) of the terms figure for this table."""
    rows = min(len(table), MAX_ROWS)
    regions = len(table.attrs["regions"])
    width = 4.6 + 0.42 * regions + 5.2 + 6.4
    return width, max(7.2, 3.0 + ROW_IN * rows)


def plot_terms(table: pd.DataFrame, fig=None):
    """Draw the terms figure of a table from :func:`sim.analysis.terms.terms` into ``fig``.

    ``fig`` is a :class:`~matplotlib.figure.Figure` of :func:`figure_size` with the
    constrained layout; without one a new pyplot figure is made (shown inline in a
    notebook). Returns the three Axes (terms, bars, frontier).
    """
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=figure_size(table), layout="constrained")
    rows = shown_rows(table)
    left, right = fig.subfigures(
        1, 2, width_ratios=[4.6 + 0.42 * len(table.attrs["regions"]) + 5.2, 6.4]
    )
    ax_terms, ax_bars = left.subplots(
        1, 2, sharey=True, width_ratios=[0.42 * len(table.attrs["regions"]) + 0.5, 5.2]
    )
    ax_front, ax_note = right.subplots(
        2, 1, height_ratios=[6.0, max(0.4, fig.get_figheight() - 8.0)]
    )
    handles = _terms_panel(ax_terms, rows, table) + _bars_panel(ax_bars, rows, table)
    left.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False,
                fontsize=NOTE_SIZE)  # fmt: skip
    _frontier_panel(ax_front, table, rows)
    _notes(ax_note, table, rows)
    fig.suptitle(_title(table, rows), fontsize=TITLE_SIZE)
    return ax_terms, ax_bars, ax_front


def _title(table: pd.DataFrame, rows: pd.DataFrame) -> str:
    a = table.attrs
    head = a.get("title") or a.get("scenario") or "terms"
    what = (
        f"{len(table)} term sets"
        if len(rows) == len(table)
        else f"{len(rows)} of {len(table)} term sets (the file's terms and the top of the frontier)"
    )
    return (
        f"{head}\nWhich terms are accepted and how long they hold: {what} of "
        f"{len(a['regions'])} region{'s' if len(a['regions']) != 1 else ''}, "
        f"{a['draws']:,} draws each, the same draws for every term set"
    )


def _terms_panel(ax, rows: pd.DataFrame, table: pd.DataFrame) -> list:
    """One row per term set, a cell per region in its holder's colour."""
    cols = figure_columns(table)
    regions, (a, b) = cols["regions"], table.attrs["actors"]
    y = np.arange(len(rows))
    for i, (_, row) in enumerate(rows.iterrows()):
        for j, r in enumerate(regions):
            _cell(ax, j, i, row[r], a, b)
        if row["pareto"]:
            ax.plot(len(regions) + 0.35, i, marker="*", ms=9, color="black", ls="none")
        if row["own_terms"]:
            ax.add_patch(
                Rectangle(
                    (-0.08, i - 0.5), len(regions) + 0.16, 1.0, fill=False, lw=1.8, ec="black"
                )
            )
    ax.set_xlim(-0.1, len(regions) + 0.7)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.xaxis.tick_top()
    ax.set_xticks(np.arange(len(regions)) + 0.5)
    labels = table.attrs.get("region_labels", {})
    ax.set_xticklabels(
        [short_label(labels.get(r, r)) for r in regions],
        rotation=60,
        ha="left",
        rotation_mode="anchor",
        fontsize=NOTE_SIZE,
        linespacing=1.0,
    )
    ax.set_yticks(y)
    ax.set_yticklabels(
        [
            f"#{int(t)}" + ("  file's terms" if own else "")
            for t, own in zip(rows["term_set"], rows["own_terms"], strict=True)
        ],
        fontsize=TICK_SIZE - 2 if len(rows) > 32 else TICK_SIZE - 1,
    )
    for lab, own in zip(ax.get_yticklabels(), rows["own_terms"], strict=True):
        if own:
            lab.set_fontweight("bold")
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    names = table.attrs.get("actor_labels", {})
    handles = [
        Patch(color=HOLDER[0], label=f"held by {names.get(a, a)}"),
        Patch(color=HOLDER[1], label=f"held by {names.get(b, b)}"),
        ax.plot([], [], marker="*", ms=9, color="black", ls="none", label="on the Pareto frontier")[
            0
        ],
        Patch(fill=False, ec="black", lw=1.8, label="the file's own terms"),
    ]
    if table.attrs.get("shares") is not None:
        handles.insert(
            2,
            Patch(color=HOLDER[0], alpha=0.5, label=f"shares: filled part is {names.get(a, a)}'s"),
        )
    return handles


def _cell(ax, j: int, i: int, holding, a: str, b: str) -> None:
    """The cell of region j in row i: A's colour over A's share, B's over the rest."""
    pad = 0.06
    if isinstance(holding, str) and holding not in (a, b):  # a belief about the share
        ax.add_patch(
            Rectangle((j + pad, i - 0.42), 1 - 2 * pad, 0.84, fc="white", ec=GREY, hatch="///")
        )
        return
    share = 1.0 if holding == a else 0.0 if holding == b else float(holding)
    w = 1 - 2 * pad
    if share > 0:
        ax.add_patch(Rectangle((j + pad, i - 0.42), w * share, 0.84, fc=HOLDER[0], lw=0))
    if share < 1:
        ax.add_patch(
            Rectangle((j + pad + w * share, i - 0.42), w * (1 - share), 0.84, fc=HOLDER[1], lw=0)
        )
    if not isinstance(holding, str):  # a share: say it
        outline = [withStroke(linewidth=2, foreground="black")]
        ax.text(j + 0.5, i, f"{share:.0%}", ha="center", va="center", fontsize=NOTE_SIZE - 2,
                color="white", path_effects=outline)  # fmt: skip


def _bars_panel(ax, rows: pd.DataFrame, table: pd.DataFrame) -> list:
    """Nested bars: accepted, then holds 1, 2, 5, 10 years, darker with each."""
    cols = figure_columns(table)
    series = [("accepted", "accepted")] + [(c, f"holds {c[6:]}") for c in cols["holds"]]
    y = np.arange(len(rows))
    h = 0.78
    handles = []
    for k, (col, label) in enumerate(series):
        shade = _shade(0.18 + 0.82 * k / max(1, len(series) - 1))
        handles.append(ax.barh(y, rows[col], height=h, color=shade, label=label, lw=0))
    names = table.attrs.get("actor_labels", {})
    for side, col in enumerate(cols["accepted_by"]):
        actor = table.attrs["actors"][side]
        handles += ax.plot(rows[col], y, ls="none", marker="|", ms=11 if len(rows) <= 32 else 8,
                           mew=2.2, color=HOLDER[side],
                           label=f"accepted by {names.get(actor, actor)}")  # fmt: skip
    target = cols["target"]
    for i, (acc, hold) in enumerate(zip(rows["accepted"], rows[target], strict=True)):
        ax.text(1.04, i, f"{acc:.0%} · {hold:.0%}", va="center",
                fontsize=NOTE_SIZE - (1 if len(rows) > 32 else 0))  # fmt: skip
    ax.axvline(1.0, color=GREY, lw=0.8)
    ax.set_xlim(0, 1.3)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.tick_params(axis="y", length=0)
    horizon = target.replace("holds_", "").replace("y", " years") if target != "accepted" else ""
    style_axes(
        ax, "share of draws", "", f"Accepted and still holding\n(text: accepted · holds {horizon})"
    )
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    return handles


def _frontier_panel(ax, table: pd.DataFrame, rows: pd.DataFrame) -> None:
    """Each term set's value to A against its value to B; the frontier joined."""
    cols = figure_columns(table)
    vx, vy = cols["value"]
    target = cols["target"]
    pts = ax.scatter(table[vx], table[vy], c=table[target], cmap="cividis", vmin=0, vmax=1,
                     s=28, edgecolors="none", zorder=2)  # fmt: skip
    front = table[table["pareto"]].sort_values(vx)
    ax.plot(front[vx], front[vy], color="black", lw=1.2, zorder=3, label="Pareto frontier")
    ax.scatter(front[vx], front[vy], c=front[target], cmap="cividis", vmin=0, vmax=1, s=60,
               edgecolors="black", linewidths=1.2, zorder=4)  # fmt: skip
    own = table[table["own_terms"]]
    ax.scatter(own[vx], own[vy], marker="s", s=90, facecolors="none", edgecolors="black",
               linewidths=1.8, zorder=5, label="the file's own terms")  # fmt: skip
    marked = pd.concat([front, own]).drop_duplicates("term_set")
    for k, (_, r) in enumerate(marked.iterrows()):  # alternate sides, so neighbours part
        dx, dy, ha = (6, 4, "left") if k % 2 == 0 else (-6, -10, "right")
        ax.annotate(f"#{int(r['term_set'])}", (r[vx], r[vy]), xytext=(dx, dy), ha=ha,
                    textcoords="offset points", fontsize=NOTE_SIZE)  # fmt: skip
    ax.margins(0.1)
    ax.axhline(0, color=GREY, lw=1, ls="--", zorder=1)
    ax.axvline(0, color=GREY, lw=1, ls="--", zorder=1)
    a, b = table.attrs["actors"]
    names = table.attrs.get("actor_labels", {})
    unit = f"{table.attrs.get('period', 'period')}s of its whole stake"
    style_axes(
        ax,
        f"value to {names.get(a, a)} over war ({unit})",
        f"value to {names.get(b, b)} over war ({unit})",
        "The two sides' values of the ceasefire\n(0 where the terms are rejected)",
    )
    cb = ax.figure.colorbar(pts, ax=ax, format=PercentFormatter(1.0, decimals=0), shrink=0.85)
    cb.set_label(f"P({target.replace('_', ' ').replace('y', ' years')})", fontsize=LABEL_SIZE)
    cb.ax.tick_params(labelsize=TICK_SIZE)
    ax.legend(loc="best", frameon=False, fontsize=LEGEND_SIZE)


def _notes(ax, table: pd.DataFrame, rows: pd.DataFrame) -> None:
    """Under the frontier: the frontier's term sets in words, and how to read the figure."""
    ax.axis("off")
    a = table.attrs
    target = figure_columns(table)["target"]
    horizon = target.replace("holds_", "holds ").replace("y", " years")
    lines = [f"The frontier (accepted · {horizon}) against the file's terms"
             + ("" if a.get("shares") is None else f" ({_name(a, a['actors'][0])}'s shares)")
             + ":"]  # fmt: skip
    picks = pd.concat([table[table["pareto"]], table[table["own_terms"]]])
    picks = picks.drop_duplicates("term_set").sort_values(target, ascending=False)
    for _, row in picks.head(MAX_NOTES).iterrows():
        what = "the file's own terms" if row["own_terms"] else _differences(table, row)
        mark = "" if row["pareto"] else " (not on the frontier)"
        lines.append(
            f"#{int(row['term_set'])}  {row['accepted']:.0%} · {row[target]:.0%}{mark}: {what}"
        )
    if len(picks) > MAX_NOTES:
        lines.append(f"... and {len(picks) - MAX_NOTES} more in terms.csv")
    lines += [
        "",
        "Rows: most durable first. A term set changes only the named regions; the others",
        "keep the file's terms. Every term set uses the same draws of the beliefs, so",
        "the differences between rows come from the terms alone. Value: what the",
        "proposal is worth to a side at signing over fighting on, breakdowns included.",
        f"Seed {a.get('seed')} · {a.get('sampler')} sampler · selection "
        f"{(a.get('solver') or {}).get('selection')}",
    ]
    text = "\n".join(textwrap.fill(line, 84, subsequent_indent="      ") for line in lines)
    ax.text(0.0, 1.0, text, va="top", ha="left", fontsize=NOTE_SIZE, transform=ax.transAxes,
            color="0.2", linespacing=1.35)  # fmt: skip


def _name(attrs: dict, actor: str) -> str:
    return attrs.get("actor_labels", {}).get(actor, actor)


def _differences(table: pd.DataFrame, row: pd.Series) -> str:
    """How a term set differs from the file's terms, e.g. ``Crimea to Ukraine``."""
    own = table[table["own_terms"]].iloc[0]
    a, b = table.attrs["actors"]
    names = table.attrs.get("actor_labels", {})
    labels = table.attrs.get("region_labels", {})
    out = []
    for r in table.attrs["regions"]:
        h = row[r]
        if h == own[r]:
            continue
        region = short_label(labels.get(r, r), 40, 1)
        if isinstance(h, str):
            out.append(f"{region} to {names.get(h, h)}")
        else:  # a share: A's, as the heading says
            out.append(f"{region} {float(h):.0%}")
    return "; ".join(out) or "as the file's terms"
