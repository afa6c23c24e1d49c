"""The breakdown figure: when ceasefires break, by who breaks them and why.

Bars are shares of all draws (a ceasefire that was never accepted cannot break), so a
panel's bars add up to the probability of a breakdown within the horizon; each legend
entry gives that category's share of all breakdowns.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator, PercentFormatter

from sim.plots.style import (
    BREAKER_COLOURS,
    CAUSE_STYLE,
    GREY,
    LABEL_SIZE,
    LEGEND_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TITLE_SIZE,
    actor_label,
    axes_or_new,
    colour,
    heading,
    legend_right,
    message,
    pct,
    percent_decimals,
    style_axes,
    wrap,
)

__all__ = ["plot_breakdown"]


def _by_year(breakdown: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame, float]:
    """Sum per-period probabilities into years (or bins of years, at most 40 bars)."""
    years = breakdown["years"].to_numpy(float)
    span = float(years.max()) + 1e-9 if len(years) else 1.0
    width = max(1, math.ceil(span / 40))
    bins = np.floor(years / width + 1e-9).astype(int)
    table = breakdown[columns].groupby(bins).sum()
    return table.index.to_numpy() * width, table, float(width)


def plot_breakdown(result, ax=None, *, by: str = "both"):
    """When ceasefires break: expected probability of a breakdown in each year, stacked.

    ``by="breaker"`` stacks by who breaks it (A, B, both at once, incident), ``"cause"``
    by why (commitment, shift, terms, preemption, incident), ``"both"`` (the default) draws
    the two panels one above the other and returns the array of two Axes. Bars are
    shares of all draws (a ceasefire that was never accepted cannot break), so they add
    up to the probability of a breakdown within the horizon.
    """
    if by not in ("breaker", "cause", "both"):
        raise ValueError(f"by must be 'breaker', 'cause' or 'both' (got {by!r})")
    if by == "both":
        if ax is None:
            _, ax = plt.subplots(2, 1, figsize=(11, 8), sharex=True, layout="constrained")
        axes = np.asarray(ax).ravel()
        if len(axes) != 2:
            raise ValueError("by='both' needs two Axes")
        _breakdown_panel(result, axes[0], "breaker", title=True)
        _breakdown_panel(result, axes[1], "cause", title=False)
        axes[0].set_xlabel("")
        return axes
    ax = axes_or_new(ax, (11, 4.8))
    _breakdown_panel(result, ax, by, title=True)
    return ax


def _categories(result, b: pd.DataFrame, by: str) -> tuple[list[str], dict, dict, str]:
    """The panel's columns, their labels and colours, and the panel's name."""
    if by == "breaker":
        cols = [c for c in b.columns if c.startswith("breaker.")]
        actors = [c.split(".", 1)[1] for c in cols if c not in ("breaker.both", "breaker.incident")]
        labels, colours = {}, {}
        for i, aid in enumerate(actors):
            labels[f"breaker.{aid}"] = f"{actor_label(result, aid)} attacks"
            colours[f"breaker.{aid}"] = OKABE_ITO[BREAKER_COLOURS[min(i, 1)]]
        labels["breaker.both"], colours["breaker.both"] = "both attack at once", OKABE_ITO["purple"]
        labels["breaker.incident"], colours["breaker.incident"] = CAUSE_STYLE["incident"][1], GREY
        return cols, labels, colours, "who breaks it"
    cols = [c for c in b.columns if c.startswith("cause.")]
    labels = {f"cause.{k}": v[1] for k, v in CAUSE_STYLE.items()}
    colours = {f"cause.{k}": (OKABE_ITO[v[0]] if v[0] else GREY) for k, v in CAUSE_STYLE.items()}
    return cols, labels, colours, "why it breaks"


def _breakdown_panel(result, ax, by: str, title: bool) -> None:
    b = result.breakdown
    cols, labels, colours, panel = _categories(result, b, by)
    if len(b) == 0 or not cols:
        message(ax, "no periods to show")
        return
    x, table, width = _by_year(b, cols)
    totals = table.sum(axis=0)
    shown = [c for c in cols if totals[c] > 0]
    absent = [labels.get(c, c).split(" (")[0] for c in cols if totals[c] <= 0]
    bottom = np.zeros(len(x))
    for i, c in enumerate(shown):
        vals = table[c].to_numpy(float)
        ax.bar(
            x + width / 2,
            vals,
            width=0.85 * width,
            bottom=bottom,
            color=colours.get(c, colour(i)),
            label=wrap(f"{labels.get(c, c)}: {pct(totals[c] / totals.sum())}", 46),
            edgecolor="white",
            lw=0.4,
        )
        bottom += vals
    unit = "year" if width == 1 else f"{width:g} years"
    top = float(bottom.max()) if len(bottom) else 0.0
    ax.set_ylim(0, top * 1.2 if top > 0 else 1e-3)  # room for the panel's name
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=percent_decimals(top)))
    ax.set_xlim(0, x[-1] + width if len(x) else 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if title:
        ax.set_title(_title(result, ax), fontsize=TITLE_SIZE)
    style_axes(
        ax, "years since the ceasefire began", f"P(breaks in that {unit})\nshare of all draws"
    )
    _notes(ax, panel, shown, absent)


def _title(result, ax) -> str:
    s = result.summary
    accepted = s.get("p_accepted", {}).get("estimate")
    broken = s.get("p_breaks_within_horizon")
    line = "When ceasefires break"
    if accepted is not None and broken is not None:
        horizon = f"{float(result.survival['years'].max()):g} years"
        line += f" (accepted in {pct(accepted)} of draws, broken within {horizon} in {pct(broken)})"
    return heading(result, line, ax=ax)


def _notes(ax, panel: str, shown: list[str], absent: list[str]) -> None:
    """The panel's name, the legend, and which categories did not occur."""
    ax.text(
        0.01,
        0.97,
        panel,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=LABEL_SIZE,
        weight="bold",
    )
    if shown:
        legend_right(ax, title="share of breakdowns", title_fontsize=LEGEND_SIZE)
    else:
        message(ax, "no breakdowns within the horizon")
    if absent and shown:
        ax.text(
            1.01,
            0.02,
            wrap("none from: " + ", ".join(absent), 46),
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=NOTE_SIZE,
            color="0.35",
            wrap=True,
        )
