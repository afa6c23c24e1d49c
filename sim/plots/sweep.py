"""The sweep figure: headline probabilities along one varied key, or a heatmap for two.

With more keys, the figure shows the first two: one heatmap per combination of the other
keys' values (at most :data:`MAX_PANELS`; the table has every point). Every grid point of
a sweep runs with the same seed and draws (common random numbers), which the figure says;
the table comes from :func:`sim.analysis.sweep`.
"""

from __future__ import annotations

import itertools
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
    TITLE_SIZE,
    axes_or_new,
    colour,
    legend_right,
    pct,
    plain,
    style_axes,
    target_label,
    wrap,
)
from sim.scenario import readable_key

__all__ = ["MAX_PANELS", "panel_grid", "plot_sweep"]

#: Most heatmaps drawn for the combinations of the keys beyond the first two.
MAX_PANELS = 12


def _keys(table: pd.DataFrame) -> list[str]:
    return list(
        table.attrs.get("vary")
        or [c for c in table.columns if not c.startswith(("p_", "median_"))][:2]
    )


def _combinations(table: pd.DataFrame, keys: list[str]) -> list[tuple]:
    """The combinations of the values of ``keys[2:]``, in the table's order."""
    extra = keys[2:]
    if not extra:
        return [()]
    values = [list(dict.fromkeys(table[k])) for k in extra]
    return list(itertools.product(*values))


def panel_grid(table: pd.DataFrame) -> tuple[int, int]:
    """(rows, columns) of the heatmaps of a sweep table: one per combination of the keys
    beyond the first two, at most :data:`MAX_PANELS`, three to a row."""
    n = min(len(_combinations(table, _keys(table))), MAX_PANELS)
    cols = min(3, n)
    return math.ceil(n / cols), cols


def plot_sweep(table: pd.DataFrame, ax=None, *, title: str | None = None):
    """The figure of a sweep table (from :func:`sim.analysis.sweep`).

    One varied key: the headline probabilities (accepted, holds 1/2/5/10 years) against
    the varied value, each with its 95% band. Two keys: a heatmap of P(holds 5 years)
    (or the longest horizon), each cell annotated with the estimate. More keys: given a
    :class:`~matplotlib.figure.Figure` (or nothing), one heatmap of the first two keys
    per combination of the others' values (at most :data:`MAX_PANELS`), on one colour
    scale; given an Axes, the first combination's heatmap. Returns the Axes (an array of
    them for several heatmaps).
    """
    keys = _keys(table)
    title = plain(title or table.attrs.get("title") or table.attrs.get("scenario") or "sweep")
    changed = [f"{k}={v}" for k, v in table.attrs.get("overrides") or []]
    if changed:
        title += "\n" + plain("changed at every point: " + ", ".join(changed), 200)
    draws, seed = table.attrs.get("draws"), table.attrs.get("seed")
    crn = f"{draws:,} draws per point, same seed {seed} at every point" if draws is not None else ""
    if len(keys) == 1:
        return _sweep_lines(table, keys[0], ax, title, crn)
    if len(keys) == 2:
        return _sweep_heatmap(table, keys, ax, title, crn)
    if not keys:
        raise ValueError("a sweep plot needs at least one varied key")
    return _sweep_panels(table, keys, ax, title, crn)


def _sweep_panels(table, keys, ax_or_fig, title, crn):
    """One heatmap of the first two keys per combination of the others."""
    combos = _combinations(table, keys)
    shown = combos[:MAX_PANELS]
    vmax = _vmax(table[target_column(list(table.columns))].to_numpy(float))
    if ax_or_fig is not None and not hasattr(ax_or_fig, "subplots"):  # one Axes: the first
        return _sweep_heatmap(
            _slice(table, keys, shown[0]), keys[:2], ax_or_fig, title, crn, at=_at(keys, shown[0])
        )
    fig = ax_or_fig if ax_or_fig is not None else plt_figure(panel_grid(table))
    rows, cols = panel_grid(table)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    for ax, combo in zip(axes, shown, strict=False):
        _sweep_heatmap(
            _slice(table, keys, combo), keys[:2], ax, None, "", at=_at(keys, combo), vmax=vmax
        )
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    more = (
        f"; the first {len(shown)} of {len(combos)} combinations of "
        + ", ".join(readable_key(k) for k in keys[2:])
        + " (every point is in sweep.csv)"
        if len(combos) > len(shown)
        else ""
    )
    what = f"{target_label(target_column(list(table.columns)))} by "
    what += f"{readable_key(keys[0])} and {readable_key(keys[1])}{more}"
    head = wrap(f"{title}\n{plain(what, 400)}" + (f"\n{crn}" if crn else ""), 140)
    fig.suptitle(head, fontsize=TITLE_SIZE)
    return axes[: len(shown)]


def plt_figure(grid: tuple[int, int]):
    """A new pyplot figure for ``grid`` heatmaps (shown inline in a notebook)."""
    import matplotlib.pyplot as plt

    rows, cols = grid
    return plt.figure(figsize=(6.5 * cols, 4.8 * rows + 1), layout="constrained")


def _slice(table: pd.DataFrame, keys: list[str], combo: tuple) -> pd.DataFrame:
    mask = np.ones(len(table), bool)
    for k, v in zip(keys[2:], combo, strict=True):
        mask &= (table[k] == v).to_numpy()
    return table[mask]


def _at(keys: list[str], combo: tuple) -> str:
    return ", ".join(
        f"{readable_key(k)} = {_fmt_value(v)}" for k, v in zip(keys[2:], combo, strict=True)
    )


def _vmax(values: np.ndarray) -> float:
    vmax = max(0.05, float(np.nanmax(values)) if np.isfinite(values).any() else 1.0)
    return min(1.0, math.ceil(vmax * 20) / 20)


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
    name = plain(readable_key(key), 60)
    return plain(key, 80) if name == key else f"{name}{sep}[{plain(key, 80)}]"


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
        and not c.startswith("p_holds_if_accepted_")
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
            [plain(_fmt_value(v), 30) for v in values],
            rotation=20 if tilt else 0,
            ha="right" if tilt else "center",
        )
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    style_axes(
        ax,
        _key_label(key),
        "probability (bands: 95% CI)",
        wrap(
            f"{title}\nSweep of {plain(readable_key(key), 80)}" + (f" ({crn})" if crn else ""), 100
        ),
    )
    legend_right(ax, title="ceasefire", title_fontsize=LEGEND_SIZE)
    return ax


def _sweep_heatmap(table, keys, ax, title, crn, *, at: str = "", vmax: float | None = None):
    """A heatmap of the target (P(holds 5 years), else the longest horizon) over two keys.

    ``title`` None: a panel of a larger figure, titled by ``at`` (the other keys' values);
    ``vmax``: the top of a colour scale shared by the panels.
    """
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
    vmax = _vmax(grid) if vmax is None else vmax
    im = ax.imshow(grid, origin="lower", cmap="cividis", vmin=0, vmax=vmax, aspect="auto")
    cb = ax.figure.colorbar(im, ax=ax, format=PercentFormatter(1.0, decimals=0), shrink=0.9)
    tlabel = target_label(target)
    cb.set_label(tlabel, fontsize=LABEL_SIZE)
    cb.ax.tick_params(labelsize=TICK_SIZE)
    _annotate_cells(ax, grid, half, vmax)
    ax.set_xticks(range(len(xs)))
    tilt = len(xs) > 6
    ax.set_xticklabels(
        [plain(_fmt_value(v), 30) for v in xs],
        rotation=30 if tilt else 0,
        ha="right" if tilt else "center",
    )
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([plain(_fmt_value(v), 30) for v in ys])
    if title is None:
        head = wrap(plain(at, 200), 60)
    else:
        head = f"{title}\n{tlabel} (± half-width of the 95% CI)" + (f"\n{crn}" if crn else "")
        head += f"\nat {plain(at, 200)}" if at else ""
        head = wrap(head, max(40, int(ax.figure.get_figwidth() * 10)))
    style_axes(ax, _key_label(kx), _key_label(ky, "\n"), head)
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
