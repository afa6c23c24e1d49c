"""The calibration figure: each shared belief before and after, and each case's check.

Top, one panel per shared belief (the twelve that history moved most when there are
more): the prior (grey) and the posterior (blue) densities, with how far the mean moved in
prior standard deviations. Bottom, one panel per case: the share of agreed ceasefires
still holding over time under the prior (dashed) and the posterior (solid), against what
was observed: a survival table's points, the window of an observed break, or the time a
ceasefire is known to have held. The data come from :class:`sim.calibration.Calibration`.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.plots.save import save_figure
from sim.plots.style import (
    GREY,
    LEGEND_SIZE,
    NOTE_SIZE,
    OKABE_ITO,
    TITLE_SIZE,
    message,
    pct,
    style_axes,
)
from sim.scenario import KEYS, readable_key

__all__ = ["MAX_BELIEFS", "plot_calibration", "save_calibration"]

#: Most shared beliefs drawn (those history moved most); the rest are in calibration.json.
MAX_BELIEFS = 12
COLUMNS = 3
PRIOR_COLOUR, POSTERIOR_COLOUR, OBSERVED_COLOUR = GREY, OKABE_ITO["blue"], OKABE_ITO["black"]
BREAK_COLOUR = OKABE_ITO["vermillion"]


def _unit(path: str) -> str:
    """The unit the key table gives a concrete key path (an event's or type's change: the
    changed key's), or ``""``."""
    parts = path.split(".")
    if "changes" in parts:
        return _unit(".".join(parts[parts.index("changes") + 1 :]))
    for k in KEYS:
        pattern = k.path.split(".")
        if len(pattern) == len(parts) and all(
            p == q or p.startswith("<") for p, q in zip(pattern, parts, strict=True)
        ):
            return k.unit
    return ""


def _moved(summary: dict[str, Any]) -> list[str]:
    """The shared beliefs, those history moved most first (mean shift, then narrowing)."""
    shared = summary.get("shared", {})
    score = {k: abs(v["shift_sd"]) + abs(1.0 - v["sd_ratio"]) for k, v in shared.items()}
    return sorted(shared, key=lambda k: -score[k])


def _belief_panel(ax, key: str, prior: np.ndarray, post: np.ndarray, w: np.ndarray, s: dict):
    """Prior and posterior densities of one shared belief."""
    lo, hi = float(min(prior.min(), post.min())), float(max(prior.max(), post.max()))
    if hi <= lo:
        hi = lo + 1.0
    bins = np.linspace(lo, hi, 31)
    ax.hist(prior, bins=bins, density=True, color=PRIOR_COLOUR, alpha=0.45, label="prior")
    ax.hist(post, bins=bins, weights=w, density=True, histtype="step", linewidth=2.0,
            color=POSTERIOR_COLOUR, label="posterior")  # fmt: skip
    unit = _unit(key)
    title = textwrap.fill(readable_key(key), 34)
    style_axes(ax, unit or "value", "density", title)
    ax.title.set_fontsize(10)
    ax.text(0.02, 0.97, f"mean moved {s['shift_sd']:+.1f} sd\nsd × {s['sd_ratio']:.2f}",
            transform=ax.transAxes, va="top", fontsize=NOTE_SIZE, color="0.25")  # fmt: skip


def _observation(ax, case: dict[str, Any]) -> str:
    """Mark what was observed on a case's survival panel; returns its legend text."""
    obs = case.get("observed", {})
    if "observed_survival" in case:
        xs = [float(k.rstrip("y")) for k in case["observed_survival"]]
        ys = list(case["observed_survival"].values())
        ax.plot(xs, ys, "o", color=OBSERVED_COLOUR, markersize=7, label="observed", zorder=5)
        return "observed"
    if "broke_after_years" in obs:
        a = obs["broke_after_years"]
        b = obs.get("broke_before_years", a + 0.0)
        if b > a:
            ax.axvspan(a, b, color=BREAK_COLOUR, alpha=0.18, label="observed break")
        else:
            ax.axvline(a, color=BREAK_COLOUR, linewidth=2, label="observed break")
        return "observed break" + (f" (by {obs['broken_by']})" if "broken_by" in obs else "")
    if "held_at_least_years" in obs:
        ax.axvline(obs["held_at_least_years"], color=OBSERVED_COLOUR, linestyle=":",
                   linewidth=2, label="held at least this long")  # fmt: skip
        return "held at least this long"
    return ""


def _case_panel(ax, name: str, case: dict[str, Any], curve) -> None:
    """An agreed ceasefire's survival, prior and posterior, against the observation."""
    ax.plot(curve["years"], curve["prior"], "--", color=PRIOR_COLOUR, linewidth=2, label="prior")
    ax.plot(curve["years"], curve["posterior"], color=POSTERIOR_COLOUR, linewidth=2.2,
            label="posterior")  # fmt: skip
    _observation(ax, case)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    pp, qq = case["prior_predictive"], case["posterior_predictive"]
    title = f"{name}\nP(what happened): prior {_prob(pp)}, posterior {_prob(qq)}"
    style_axes(ax, "years since the ceasefire began", "agreed ceasefires still holding", title)
    ax.title.set_fontsize(10)
    ax.legend(loc="lower left", frameon=False, fontsize=LEGEND_SIZE)


def _prob(p: float) -> str:
    if p <= 0:
        return "0"
    return pct(p) if p >= 1e-3 else f"{p:.1e}"


def _grid(summary: dict[str, Any]) -> tuple[int, int, int]:
    """(columns, rows of beliefs, rows of cases): up to :data:`COLUMNS` columns, no more
    than the longer of the two rows needs."""
    n_keys = min(len(summary.get("shared", {})), MAX_BELIEFS)
    cols = min(COLUMNS, max(n_keys, len(summary["cases"]), 1))
    return cols, max(1, math.ceil(n_keys / cols)), math.ceil(len(summary["cases"]) / cols)


def plot_calibration(cal, fig: Figure) -> Figure:
    """Draw a calibration (:class:`sim.calibration.Calibration`) into ``fig``."""
    s = cal.summary
    keys = _moved(s)[:MAX_BELIEFS]
    names = list(s["cases"])
    cols, brow, crow = _grid(s)
    top, bottom = fig.subfigures(2, 1, height_ratios=[2.7 * brow, 3.6 * crow])
    more = len(s.get("shared", {})) - len(keys)
    note = f" (the {len(keys)} moved most; {more} more in calibration.json)" if more > 0 else ""
    top.suptitle(f"Shared beliefs: prior and posterior{note}", fontsize=TITLE_SIZE)
    axes = np.atleast_1d(top.subplots(brow, cols, squeeze=False)).ravel()
    w = cal.posterior["weight"].to_numpy()
    for ax, key in zip(axes, keys, strict=False):
        _belief_panel(ax, key, cal.prior[key].to_numpy(), cal.posterior[key].to_numpy(), w,
                      s["shared"][key])  # fmt: skip
    if keys:
        axes[0].legend(loc="upper right", frameon=False, fontsize=LEGEND_SIZE)
    else:
        message(axes[0], "no belief is shared by the cases: name some with --shared")
    for ax in axes[max(len(keys), 1) :]:
        ax.set_visible(False)
    bottom.suptitle(
        "Cases: what happened against the prior and the posterior"
        + (" " if cols == COLUMNS else "\n")  # a narrow figure: two lines
        + f"({s['draws']:,} particles, effective sample {s['ess']:.0f})",
        fontsize=TITLE_SIZE,
    )
    caxes = np.atleast_1d(bottom.subplots(crow, cols, squeeze=False)).ravel()
    for ax, name in zip(caxes, names, strict=False):
        _case_panel(ax, name, s["cases"][name], cal.curves[name])
    for ax in caxes[len(names) :]:
        ax.set_visible(False)
    return fig


def save_calibration(cal, path: str | Path, fmt: str | None = None) -> Path:
    """Write the calibration figure to ``path`` (png, svg or pdf)."""
    cols, brow, crow = _grid(cal.summary)
    width = max(6.5, 13 * cols / COLUMNS)  # a column as wide as in a full row of three
    fig = Figure(figsize=(width, 2.7 * brow + 3.6 * crow + 0.8), layout="constrained")
    plot_calibration(cal, fig)
    return save_figure(fig, path, fmt)
