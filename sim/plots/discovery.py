"""The discovery figure: PRIM's peeling trajectories, and the boxes it reports.

Left, for the target and its complement, every box PRIM visited while peeling: its
coverage against its density, the first box reported ringed (the legend gives its
density and mass), and the base rate as a dashed line (a box is worth reporting only well
above it). Right, each reported box's restrictions: per belief, the part of its draws
that the box keeps, on the scale of the draws' quantiles (from the lowest draw to the
highest: a box that keeps the upper half of a skewed belief covers the right half,
whatever the belief's units). A true type (a run with private information) is drawn the
same way and reads by its name and labels ("true type of Russia", kept "limited aims"): its
bar is the share of the draws of the types kept, those of the types before it on the left.
The discovery comes from :func:`sim.analysis.discover`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import PercentFormatter

from sim.analysis import restriction_rows, target_word
from sim.plots.style import (
    GREY,
    LEGEND_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TICK_SIZE,
    message,
    pct,
    style_axes,
)

__all__ = ["TARGET_COLOURS", "plot_discovery", "plot_restrictions", "plot_trajectories"]

#: Colour of each target: holding in blue, breaking in vermillion.
TARGET_COLOURS = {"holds": OKABE_ITO["blue"], "breaks": OKABE_ITO["vermillion"]}


def plot_trajectories(discovery, ax):
    """Coverage against density of every box peeled, per target; the reported box ringed."""
    rates = {discovery.target: discovery.base_rate, discovery.complement: discovery.complement_rate}
    drawn = False
    for tgt in (discovery.target, discovery.complement):
        traj = discovery.trajectories.get(tgt)
        if traj is None or traj.empty:
            continue
        drawn = True
        c, word = TARGET_COLOURS[tgt], target_word(discovery.outcome, tgt)
        ax.plot(traj["coverage"], traj["density"], "-", color=c, lw=1, alpha=0.6)
        ax.plot(
            traj["coverage"], traj["density"], "o", color=c, ms=3.5, label=f"{word}: boxes peeled"
        )
        box = next(b for b in discovery.boxes if b["target"] == tgt and b["rank"] == 1)
        ax.plot(
            box["coverage"], box["density"], "o", ms=13, mfc="none", mec=c, mew=2,
            label=f"{word}: box 1 reported ({pct(box['density'])} of {pct(box['mass'])} "
            "of the draws)",
        )  # fmt: skip
        ax.axhline(
            rates[tgt], color=c, ls="--", lw=1, label=f"{word}: all draws ({pct(rates[tgt])})"
        )
    if not drawn:
        message(ax, "no box stands out from the draws as a whole")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    style_axes(
        ax,
        "coverage: share of all the draws with the outcome that fall in the box",
        "density: share of the draws in the box with the outcome",
        "Peeling trajectories (PRIM)",
    )
    if drawn:
        ax.legend(loc="best", frameon=False, fontsize=LEGEND_SIZE)
    return ax


def plot_restrictions(discovery, ax):
    """Per reported box and belief, the quantiles of the belief's draws that the box keeps."""
    rows = restriction_rows(discovery)
    if rows.empty:
        message(ax, "no box restricts any belief")
        style_axes(ax, "position in the range sampled", "", "The boxes")
        return ax
    y = np.arange(len(rows))
    lo, hi = rows["q_low"].to_numpy(float), rows["q_high"].to_numpy(float)
    ax.barh(y, 1.0, left=0.0, height=0.55, color="0.9", edgecolor=GREY, lw=0.6)
    colours = [TARGET_COLOURS[t] for t in rows["target"]]
    ax.barh(y, hi - lo, left=lo, height=0.55, color=colours)
    for i, r in enumerate(rows.itertuples()):
        kept = r.kept.replace(">=", "≥").replace("<=", "≤")
        ax.text(1.02, i, kept, va="center", fontsize=NOTE_SIZE, color="0.15")
    labels = [
        f"{target_word(discovery.outcome, r.target)} {r.rank}: {r.name}" for r in rows.itertuples()
    ]
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=TICK_SIZE)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1.22)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xticklabels(["lowest\ndraw", "25%", "median", "75%", "highest\ndraw"])
    style_axes(
        ax,
        "what the box keeps of the belief's draws, from the lowest to the highest",
        "",
        "The boxes reported",
    )
    ax.grid(False, axis="y")
    return ax


def plot_discovery(discovery, axes):
    """Both panels into two Axes (trajectories, restrictions), with a title. Returns them."""
    left, right = axes
    plot_trajectories(discovery, left)
    plot_restrictions(discovery, right)
    meta = discovery.meta
    title = meta.get("title") or meta.get("scenario") or ""
    phrase = (meta.get("phrases") or {}).get(discovery.target, discovery.outcome)
    left.figure.suptitle(
        f"{title}\nBeliefs under which {phrase} ({meta.get('draws', 0):,} draws)", fontsize=12
    )
    return left, right
