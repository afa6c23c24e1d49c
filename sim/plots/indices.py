"""The sensitivity figure: global indices with their intervals, beside the tornado.

:func:`plot_indices` draws the indices of :func:`sim.analysis.sensitivity_indices` (the
run's ``sensitivity.csv`` when its folder has one) as points with 95% whiskers, one row
per belief, largest first; :func:`plot_sensitivity_panels` puts the tornado
(:func:`sim.plots.plot_sensitivity`) beside it for the same beliefs in the same order. The
two answer different questions: the index, how much of the spread of the answer a belief
explains over all the others (interactions included, for ST); the tornado, which end of
its range helps, which an index does not say. That is why the tornado keeps its panel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import default_outcome, sensitivity_indices
from sim.io import draw_columns
from sim.plots.sensitivity import plot_sensitivity, range_text, sensitivity_table
from sim.plots.style import (
    LEGEND_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TICK_SIZE,
    axes_or_new,
    draws_count,
    heading,
    message,
    style_axes,
    target_label,
)

__all__ = ["SERIES", "index_table", "plot_indices", "plot_sensitivity_panels", "ranked_keys"]

#: (method, measure) -> colour, marker and legend text of each series of indices.
SERIES = {
    ("rbd_fast", "S1"): ("blue", "o", "first-order S1 (RBD-FAST, from the draws)"),
    ("sobol", "S1"): ("green", "s", "Sobol' first-order S1 (Saltelli design)"),
    ("sobol", "ST"): ("vermillion", "D", "Sobol' total ST (Saltelli design)"),
}


def index_table(result) -> pd.DataFrame:
    """The run's indices: its folder's ``sensitivity.csv`` if there is one, else computed."""
    path = getattr(result, "path", None)
    csv = Path(path) / "sensitivity.csv" if path is not None else None
    if csv is not None and csv.is_file():
        return pd.read_csv(csv)
    outcome = default_outcome(draw_columns(result))
    return sensitivity_indices(result, outcome) if outcome else pd.DataFrame()


def ranked_keys(table: pd.DataFrame, top: int = 12) -> list[str]:
    """The ``top`` beliefs by Sobol' ST when the table has it, else by RBD-FAST S1."""
    if table.empty:
        return []
    for method, measure in (("sobol", "ST"), ("rbd_fast", "S1"), ("sobol", "S1")):
        part = table[(table["method"] == method) & (table["measure"] == measure)]
        if len(part):
            return list(part.sort_values("index", ascending=False, kind="stable")["key"][:top])
    return []


def plot_indices(result, ax=None, *, top: int = 12, table: pd.DataFrame | None = None, labels=None):
    """Each belief's sensitivity indices with 95% bootstrap whiskers, largest at the top.

    The rows are :func:`ranked_keys`; ``labels`` (key path -> text) replaces the beliefs'
    names on the y axis. Returns the Axes.
    """
    table = index_table(result) if table is None else table
    keys = ranked_keys(table, top)
    ax = axes_or_new(ax, (7, 1.9 + 0.42 * max(len(keys), 3)))
    outcome = str(table["outcome"].iloc[0]) if len(table) else "holds_5y"
    tlabel = target_label(f"p_{outcome}") if outcome != "accepted" else "P(accepted)"
    xlabel = f"share of the variance of {tlabel} (index)"
    if not keys:
        message(ax, "no sampled beliefs to rank (or the outcome does not vary)")
        style_axes(ax, xlabel, "", "How much each belief explains")
        return ax
    series = [k for k in SERIES if ((table["method"] == k[0]) & (table["measure"] == k[1])).any()]
    y = np.arange(len(keys))
    offsets = np.linspace(-0.22, 0.22, len(series)) if len(series) > 1 else [0.0]
    for (method, measure), dy in zip(series, offsets, strict=True):
        part = table[(table["method"] == method) & (table["measure"] == measure)]
        part = part.set_index("key").reindex(keys)
        colour, marker, label = SERIES[(method, measure)]
        est = part["index"].to_numpy(float)
        err = np.vstack([est - part["ci_low"].to_numpy(float), part["ci_high"] - est])
        ax.errorbar(
            est, y + dy, xerr=np.clip(err, 0, None), fmt=marker, color=OKABE_ITO[colour],
            ms=6, elinewidth=1.2, capsize=3, label=label,
        )  # fmt: skip
    ax.axvline(0, color="0.3", lw=0.8)
    names = dict(table.drop_duplicates("key").set_index("key")["name"])
    names.update(labels or {})
    ax.set_yticks(y)
    ax.set_yticklabels([str(names.get(k, k)) for k in keys], fontsize=TICK_SIZE)
    ax.set_ylim(len(keys) - 0.5, -0.5)
    style_axes(ax, xlabel, "", "How much of the spread each belief explains")
    ax.grid(False, axis="y")
    _note(ax, table, series)
    return ax


def _note(ax, table: pd.DataFrame, series) -> None:
    """The legend, with what the first-order indices leave unexplained, below the Axes."""
    first = table[(table["method"] == series[0][0]) & (table["measure"] == "S1")]
    title = None
    if len(first):
        total = float(first["index"].clip(lower=0).sum())
        used = int(first["draws"].iloc[0])
        title = (
            f"first-order indices sum to {total:.2f} ({used:,} draws): the rest is\n"
            "interactions and each draw's events; whiskers: 95% bootstrap intervals"
        )
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, frameon=False,
        fontsize=LEGEND_SIZE, title=title, title_fontsize=NOTE_SIZE, alignment="left",
    )  # fmt: skip


def plot_sensitivity_panels(result, axes=None, *, top: int = 12):
    """The indices (left) and the tornado (right) for the same beliefs, in the same order.

    ``axes``: two Axes side by side (a new figure when None). The beliefs are named once,
    on the left, with the range they were drawn from; the tornado keeps its own labels only
    if it cannot draw every ranked belief (one that hardly varies has no quarters). Returns
    the two Axes.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(15, 6), layout="constrained")
    left, right = axes
    table = index_table(result)
    keys = ranked_keys(table, top)
    quarters = sensitivity_table(result).set_index("key")
    labels = {
        k: f"{quarters.at[k, 'name']}  "
        f"({range_text(result, k, quarters.at[k, 'min'], quarters.at[k, 'max'])})"
        for k in keys
        if k in quarters.index
    }
    plot_indices(result, left, top=top, table=table, labels=labels)
    plot_sensitivity(
        result, right, top=top, keys=keys or None, title="Which end of its range helps"
    )
    if keys and all(k in quarters.index for k in keys):
        right.tick_params(labelleft=False)
    n_beliefs = table["key"].nunique() if len(table) else 0
    shown = f"; the {len(keys)} largest of {n_beliefs} beliefs" if n_beliefs > len(keys) else ""
    left.figure.suptitle(
        heading(result, f"Which beliefs matter? ({draws_count(result)}{shown})", share=1.0),
        fontsize=12,
    )
    return left, right
