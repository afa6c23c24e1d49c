"""The sensitivity figure: a tornado of which assumptions move the answer most.

The table behind it is :func:`sim.analysis.sensitivity_table` (re-exported here as
``sim.plots.sensitivity_table``).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import PercentFormatter
from matplotlib.transforms import offset_copy

from sim.analysis.sensitivity import rule_levels, sensitivity_table
from sim.names import SELECTION_KEY
from sim.plots.style import (
    LEGEND_SIZE,
    OKABE_ITO,
    TICK_SIZE,
    axes_or_new,
    draws_count,
    heading,
    message,
    pct,
    plain,
    style_axes,
    target_label,
    wrap,
)

__all__ = ["plot_sensitivity", "range_text", "sensitivity_table"]


def plot_sensitivity(result, ax=None, *, top: int = 12, keys=None, title: str | None = None):
    """A tornado: P(holds 5 years) in the lowest vs highest quarter of each assumption.

    Bars start at the baseline (all draws) and end at the mean over the draws whose
    sampled value lies in the lowest (blue) or highest (vermillion) quarter of its range;
    whiskers are 95% intervals of those means. Largest swing at the top; the ``top``
    largest are drawn. With ``keys`` (key paths), those assumptions in that order
    instead, and ``title`` replaces the title (the panel beside the indices in
    :func:`sim.plots.plot_sensitivity_panels`). Returns the Axes.
    """
    table = sensitivity_table(result)
    target, base = table.attrs["target"], table.attrs["baseline"]
    if keys is not None:
        table = table.set_index("key").reindex(list(keys)).dropna(subset=["low"]).reset_index()
    shown = table.head(top)
    n = len(shown)
    ax = axes_or_new(ax, (10, 1.9 + 0.42 * max(n, 3)))
    tlabel = target_label(target)
    if title is None:
        counts = f"({draws_count(result)}"
        counts += f"; the {n} largest swings of {len(table)} shown)" if len(table) > n else ")"
        title = heading(result, f"Which assumptions move {tlabel} most?", counts, ax=ax, share=0.6)
    if n == 0:
        reason = (
            "no draws table to analyse"
            if target is None
            else "no uncertain assumptions were sampled"
        )
        message(ax, reason)
        style_axes(ax, tlabel, "assumption", title)
        return ax
    y = np.arange(n)
    lo, hi = shown["low"].to_numpy(float), shown["high"].to_numpy(float)
    _bars(ax, shown, y, lo, hi, base)
    ax.set_yticks(y)
    ax.set_yticklabels(
        [
            wrap(f"{plain(r.name, 70)}  ({range_text(result, r.key, r.min, r.max)})", 56)
            for r in shown.itertuples()
        ],
        fontsize=TICK_SIZE,
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    lo_all = min(lo.min() - shown["low_ci"].max(), hi.min() - shown["high_ci"].max(), base)
    hi_all = max(lo.max() + shown["low_ci"].max(), hi.max() + shown["high_ci"].max(), base)
    pad = 0.08 * max(hi_all - lo_all, 0.01)
    ax.set_xlim(max(0.0, lo_all - pad), min(1.0, hi_all + pad))
    style_axes(ax, f"{tlabel}, mean over the draws in that quarter", "", title)
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    _legend(ax)
    return ax


def _bars(ax, shown, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, base: float) -> None:
    """The low and high bars from the baseline, their whiskers, and the baseline."""
    ax.barh(
        y,
        lo - base,
        left=base,
        height=0.7,
        color=OKABE_ITO["blue"],
        label="lowest quarter of its range",
    )
    ax.barh(
        y,
        hi - base,
        left=base,
        height=0.7,
        color=OKABE_ITO["vermillion"],
        label="highest quarter of its range",
    )
    ax.errorbar(lo, y, xerr=shown["low_ci"], fmt="none", ecolor="0.15", elinewidth=0.9, capsize=2.5)
    ax.errorbar(
        hi,
        y,
        xerr=shown["high_ci"],
        fmt="none",
        ecolor="0.15",
        elinewidth=0.9,
        capsize=2.5,
        label="95% CI of a quarter's mean",
    )
    ax.axvline(base, color="black", lw=1.3, label=f"baseline (all draws): {pct(base)}")


def _legend(ax) -> None:
    """Below the x label (a fixed distance, whatever the height of the figure)."""
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-0.62, units="inches")
    handles, labels = ax.get_legend_handles_labels()
    rank = ("lowest", "highest", "baseline", "95% CI")
    order = sorted(
        range(len(labels)), key=lambda i: next(j for j, r in enumerate(rank) if r in labels[i])
    )
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="upper center",
        bbox_to_anchor=(0.5, 0),
        bbox_transform=below,
        ncol=2,
        frameon=False,
        fontsize=LEGEND_SIZE,
    )


def range_text(result, key: str, lo: float, hi: float) -> str:
    """The range an assumption was drawn from: its distribution's bounds, else the sample's;
    for a sampled selection rule, the rules with the lowest and highest target."""
    if key == SELECTION_KEY:
        levels = rule_levels(result)
        if all(0 <= v < len(levels) and float(v).is_integer() for v in (lo, hi)):
            return f"lowest under {levels[int(lo)]}, highest under {levels[int(hi)]}"
    scn = getattr(result, "scenario", None)
    dist = scn.uncertain().get(key) if scn is not None else None
    if dist is not None:
        try:
            b_lo, b_hi = dist.bounds()
            if math.isfinite(b_lo) and math.isfinite(b_hi):
                return f"{_num(b_lo)} to {_num(b_hi)}"
            q05, q95 = np.asarray(dist.ppf(np.array([0.05, 0.95])), float)
            return f"90%: {_num(q05)} to {_num(q95)}"
        except (NotImplementedError, TypeError, ValueError, AttributeError):
            pass
    return f"{_num(lo)} to {_num(hi)}"


def _num(v: float) -> str:
    return f"{v:.3g}".replace("-", "\u2212")
