"""The sweep figure: headline probabilities along one varied key, or a heatmap for two.

Every grid point of a sweep runs with the same seed and draws (common random numbers),
which the figure says; the table comes from :func:`sim.analysis.sweep`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from sim.analysis.sensitivity import target_column
from sim.plots.style import (
    LABEL_SIZE,
    LEGEND_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TICK_SIZE,
    axes_or_new,
    colour,
    legend_right,
    pct,
    style_axes,
    target_label,
)
from sim.scenario import readable_key

__all__ = ["plot_sweep"]


def plot_sweep(table: pd.DataFrame, ax=None, *, title: str | None = None):
    """The figure of a sweep table (from :func:`sim.analysis.sweep`).

    One varied key: the headline probabilities (accepted, holds 1/2/5/10 years) against
    the varied value, each with its 95% band. Two keys: a heatmap of P(holds 5 years)
    (or the longest horizon), each cell annotated with the estimate.
    """
    keys = list(
        table.attrs.get("vary")
        or [c for c in table.columns if not c.startswith(("p_", "median_"))][:2]
    )
    title = title or table.attrs.get("title") or table.attrs.get("scenario") or "sweep"
    draws, seed = table.attrs.get("draws"), table.attrs.get("seed")
    crn = f"{draws:,} draws per point, same seed {seed} at every point" if draws is not None else ""
    if len(keys) == 1:
        return _sweep_lines(table, keys[0], ax, title, crn)
    if len(keys) == 2:
        return _sweep_heatmap(table, keys, ax, title, crn)
    raise ValueError(f"a sweep plot needs one or two varied keys (got {len(keys)})")


def _numeric(values: Sequence[Any]) -> bool:
    return all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        for v in values
    )


def _fmt_value(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return str(v)


def _key_label(key: str, sep: str = "   ") -> str:
    name = readable_key(key)
    return key if name == key else f"{name}{sep}[{key}]"


def _sweep_lines(table, key, ax, title, crn):
    """The headline probabilities against one varied value, each with its 95% band."""
    ax = axes_or_new(ax, (9, 5.8))
    values = list(table[key])
    numeric = _numeric(values)
    x = np.asarray(values, float) if numeric else np.arange(len(values))
    series = [("p_accepted", "accepted")]
    series += [
        (c, f"holds {c[8:]}")
        for c in table.columns
        if c.startswith("p_holds_")
        and not c.endswith(("_ci_low", "_ci_high"))
        and c != "p_holds_end"
    ]
    for i, (col, label) in enumerate(series):
        c = OKABE_ITO["black"] if col == "p_accepted" else colour(i - 1)
        ls = "--" if col == "p_accepted" else "-"
        if f"{col}_ci_low" in table:
            ax.fill_between(
                x, table[f"{col}_ci_low"], table[f"{col}_ci_high"], color=c, alpha=0.12, lw=0
            )
        ax.plot(x, table[col], color=c, lw=2, ls=ls, marker="o", ms=4, label=label)
    if not numeric:
        ax.set_xticks(x)
        tilt = len(values) > 4
        ax.set_xticklabels(
            [_fmt_value(v) for v in values],
            rotation=20 if tilt else 0,
            ha="right" if tilt else "center",
        )
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    style_axes(
        ax,
        _key_label(key),
        "probability (bands: 95% CI)",
        f"{title}\nSweep of {readable_key(key)}" + (f" ({crn})" if crn else ""),
    )
    legend_right(ax, title="ceasefire", title_fontsize=LEGEND_SIZE)
    return ax


def _sweep_heatmap(table, keys, ax, title, crn):
    """A heatmap of the target (P(holds 5 years), else the longest horizon) over two keys."""
    kx, ky = keys
    xs = list(dict.fromkeys(table[kx]))
    ys = list(dict.fromkeys(table[ky]))
    target = target_column(list(table.columns))
    if target is None:
        raise ValueError("the sweep table has no p_holds_* column")
    grid = np.full((len(ys), len(xs)), np.nan)
    half = np.full_like(grid, np.nan)
    for _, row in table.iterrows():
        i, j = ys.index(row[ky]), xs.index(row[kx])
        grid[i, j] = row[target]
        if f"{target}_ci_high" in table:
            half[i, j] = (row[f"{target}_ci_high"] - row[f"{target}_ci_low"]) / 2
    ax = axes_or_new(ax, (2.6 + 0.95 * max(len(xs), 4), 2.2 + 0.7 * max(len(ys), 4)))
    vmax = max(0.05, float(np.nanmax(grid)) if np.isfinite(grid).any() else 1.0)
    vmax = min(1.0, math.ceil(vmax * 20) / 20)
    im = ax.imshow(grid, origin="lower", cmap="cividis", vmin=0, vmax=vmax, aspect="auto")
    cb = ax.figure.colorbar(im, ax=ax, format=PercentFormatter(1.0, decimals=0), shrink=0.9)
    tlabel = target_label(target)
    cb.set_label(tlabel, fontsize=LABEL_SIZE)
    cb.ax.tick_params(labelsize=TICK_SIZE)
    _annotate_cells(ax, grid, half, vmax)
    ax.set_xticks(range(len(xs)))
    tilt = len(xs) > 6
    ax.set_xticklabels(
        [_fmt_value(v) for v in xs], rotation=30 if tilt else 0, ha="right" if tilt else "center"
    )
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([_fmt_value(v) for v in ys])
    style_axes(
        ax,
        _key_label(kx),
        _key_label(ky, "\n"),
        f"{title}\n{tlabel} (± half-width of the 95% CI)" + (f"\n{crn}" if crn else ""),
    )
    ax.grid(False)
    return ax


def _annotate_cells(ax, grid: np.ndarray, half: np.ndarray, vmax: float) -> None:
    """Each cell's estimate (and the half-width of its interval, if the grid is narrow)."""
    ys, xs = grid.shape
    small = xs * ys <= 144
    for i in range(ys):
        for j in range(xs):
            v = grid[i, j]
            if not np.isfinite(v) or not small:
                continue
            txt = pct(v) + (
                f"\n±{half[i, j] * 100:.0f} pts" if np.isfinite(half[i, j]) and xs <= 8 else ""
            )
            ax.text(
                j,
                i,
                txt,
                ha="center",
                va="center",
                fontsize=NOTE_SIZE,
                color="white" if v < 0.55 * vmax else "black",
            )
