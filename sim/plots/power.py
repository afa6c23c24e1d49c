"""The balance-of-power figure: A's chance of winning a war started at each time.

Event states whose curves coincide (their events do not change power) are drawn once
(:func:`power_groups`); the events that shift nothing are named on the figure
(:func:`inert_events`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from sim.plots.style import (
    LEGEND_SIZE,
    NOTE_SIZE,
    actor_label,
    axes_or_new,
    colour,
    event_label,
    heading,
    message,
    style_axes,
    wrap,
)

__all__ = ["inert_events", "plot_power", "power_groups"]


def _same_curve(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b)


def power_groups(power: pd.DataFrame) -> list[tuple[frozenset, list[str]]]:
    """Group event states whose win-probability curves are identical.

    Returns (events that matter in the group, states) pairs: an event matters when
    adding it to some state changes that state's curve.
    """
    states = list(dict.fromkeys(power["state"]))
    curves = {}
    for st in states:
        sub = power[power["state"] == st].sort_values("period")
        curves[st] = np.round(sub[["median", "q05", "q25", "q75", "q95"]].to_numpy(float), 9)
    fired = {st: frozenset() if st == "none" else frozenset(st.split("+")) for st in states}
    events = sorted(
        set().union(*fired.values()),
        key=lambda e: min(i for i, s in enumerate(states) if e in fired[s]),
    )
    by_set = {v: k for k, v in fired.items()}
    matters = set()
    for st in states:
        for e in events:
            if e in fired[st]:
                continue
            other = by_set.get(fired[st] | {e})
            if other is not None and not _same_curve(curves[other], curves[st]):
                matters.add(e)
    groups: dict[frozenset, list[str]] = {}
    for st in states:
        groups.setdefault(frozenset(fired[st] & matters), []).append(st)
    # check: every state in a group has the same curve, else fall back to one group per state
    for states_in in groups.values():
        ref = curves[states_in[0]]
        if any(not _same_curve(curves[s], ref) for s in states_in[1:]):
            return [(fired[s], [s]) for s in states]
    return sorted(groups.items(), key=lambda kv: (len(kv[0]), [events.index(e) for e in kv[0]]))


def inert_events(power: pd.DataFrame, groups) -> list[str]:
    """Events whose states were merged into a group without them (they do not shift power)."""
    states = list(dict.fromkeys(power["state"]))
    events = list(dict.fromkeys(e for st in states if st != "none" for e in st.split("+")))
    matters = set().union(*(g for g, _ in groups)) if groups else set()
    if len(groups) == len(states):
        return []
    return [e for e in events if e not in matters]


def plot_power(result, ax=None):
    """A's probability of winning a war started at each time: median and bands over draws.

    One curve per event state where the curves differ (states whose curves coincide,
    because their events do not change power, are drawn once). Dark band: middle 50% of
    draws; light band: middle 90%. Computed over the run's first draws (up to 1000).
    Returns the Axes.
    """
    ax = axes_or_new(ax, (9, 5.8))
    p = result.power
    actors = result.summary.get("actors") or ["A", "B"]
    a_name = actor_label(result, actors[0], limit=30)
    lines = [f"Balance of power: {a_name}'s chance of winning a war started then"]
    ylabel = f"P({a_name} wins a war started then)"
    if p is None or len(p) == 0:
        message(ax, "no balance-of-power data in this result")
        style_axes(ax, "years since the ceasefire began", ylabel, heading(result, *lines, ax=ax))
        return ax
    n_power = int(p["draws"].iloc[0]) if "draws" in p.columns else None
    if n_power is not None and n_power < int(result.summary.get("draws") or 0):
        lines.append(
            f"(bands over the first {n_power:,} of {int(result.summary['draws']):,} draws)"
        )
    title = heading(result, *lines, ax=ax)
    groups = power_groups(p)
    _curves(ax, result, p, groups)
    ax.axhline(0.5, color="black", lw=0.9, ls=":", zorder=1)
    handles, labels = ax.get_legend_handles_labels()
    handles += [Patch(color="0.45", alpha=0.5), Patch(color="0.45", alpha=0.2)]
    labels += ["middle 50% of draws", "middle 90% of draws"]
    low = float(np.nanmin(p["q05"])) if len(p) else 0.0
    ax.set_ylim(max(0.0, min(0.45, math.floor(low * 20) / 20 - 0.05)), 1)  # keep even odds in view
    ax.set_xlim(0, max(float(p["years"].max()), 1e-9))
    inert = inert_events(p, groups)
    if inert:
        ax.text(
            0.01,
            0.02,
            wrap("no effect on power: " + "; ".join(event_label(result, e) for e in inert), 100),
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=NOTE_SIZE,
            color="0.3",
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    style_axes(ax, "years since the ceasefire began", ylabel, title)
    long = max(map(len, labels), default=0) > 42
    ax.legend(
        handles,
        [wrap(label, 70 if long else 42) for label in labels],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=1 if long else 2,
        frameon=False,
        fontsize=LEGEND_SIZE,
    )
    ax.text(
        0.99,
        0.51,
        "even odds",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=NOTE_SIZE,
        color="0.3",
    )
    return ax


def _curves(ax, result, p: pd.DataFrame, groups) -> None:
    """One median curve with its two bands per group of event states."""
    for i, (events, states) in enumerate(groups):
        sub = p[p["state"] == states[0]].sort_values("period")
        x = sub["years"].to_numpy(float)
        c = colour(i)
        if events:
            fired = states[0].split("+")  # in the scenario's order of events
            label = "if " + " and ".join(event_label(result, e) for e in fired if e in events)
        else:
            label = "no event that shifts power" if len(groups) > 1 else "median over draws"
        ax.fill_between(x, sub["q05"], sub["q95"], color=c, alpha=0.12, lw=0)
        ax.fill_between(x, sub["q25"], sub["q75"], color=c, alpha=0.28, lw=0)
        ax.plot(
            x,
            sub["median"],
            color=c,
            lw=2.2,
            label=label + (" (median)" if len(groups) > 1 else ""),
        )
