"""The survival figure: will the ceasefire hold, year by year?

The band around the curve is the 95% confidence interval of the estimate (Monte Carlo
uncertainty about the average, which shrinks with more draws); the vertical bars at the
headline horizons are the spread of beliefs (how much the answer differs between draws
of the uncertain assumptions, which does not shrink).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import PercentFormatter

from sim.io import read_draws
from sim.plots.style import (
    NOTE_SIZE,
    OKABE_ITO,
    axes_or_new,
    draws_count,
    heading,
    legend_below,
    pct,
    pct_range,
    style_axes,
)

__all__ = ["plot_survival"]


def plot_survival(result, ax=None, *, spread: bool = True):
    """Probability that the ceasefire is accepted and still holds, against years.

    Draws the estimate with its 95% confidence band, the curve given acceptance (dashed),
    and (``spread=True``, when the draws table is available) the spread of beliefs at the
    1/2/5/10-year marks: the 10-90% range of each accepted draw's own probability of
    holding. Vertical lines mark the headline horizons, labelled with the estimate.
    Returns the Axes.
    """
    ax = axes_or_new(ax, (9, 5.8))
    s = result.survival
    years = s["years"].to_numpy(float)
    show_cond = _curves(ax, s, years)
    p_holds = result.summary.get("p_holds", {})
    marks = [(_milestone_years(k), k, v) for k, v in p_holds.items()]
    if spread and show_cond and marks:
        _survival_spread(result, ax, marks)
    x_max = float(years.max()) if len(years) and years.max() > 0 else 1.0
    _milestones(ax, marks, x_max)
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    accepted = result.summary.get("p_accepted", {}).get("estimate")
    sub = (
        f"accepted in {pct(accepted)} of {draws_count(result)}"
        if accepted is not None
        else draws_count(result)
    )
    style_axes(
        ax,
        "years since the ceasefire began",
        "probability the ceasefire holds",
        heading(result, f"Will the ceasefire hold? ({sub})", ax=ax),
    )
    legend_below(ax, ncol=2)
    return ax


def _curves(ax, s, years: np.ndarray) -> bool:
    """The band, the curve, and the curve given acceptance where it differs (True then)."""
    ax.fill_between(
        years,
        s["ci_low"],
        s["ci_high"],
        step="post",
        color=OKABE_ITO["sky"],
        alpha=0.45,
        lw=0,
        label="95% CI of the estimate",
    )
    ax.step(
        years,
        s["survival"],
        where="post",
        color=OKABE_ITO["blue"],
        lw=2.2,
        label="accepted and still holding",
    )
    cond = s["survival_if_accepted"].to_numpy(float) if "survival_if_accepted" in s else None
    show_cond = (
        cond is not None
        and np.isfinite(cond).any()
        and np.nanmax(np.abs(cond - s["survival"])) > 1e-6
    )
    if show_cond:
        ax.step(
            years,
            cond,
            where="post",
            color=OKABE_ITO["vermillion"],
            lw=1.6,
            ls="--",
            label="still holding, if accepted",
        )
    return bool(show_cond)


def _milestones(ax, marks, x_max: float) -> None:
    """A dotted line at each headline horizon, labelled with the estimate and interval."""
    last_x, raised = -math.inf, False
    for x, label, v in marks:
        ax.axvline(x, color="0.6", lw=0.8, ls=":", zorder=0)
        raised = (x - last_x) < 0.12 * x_max and not raised  # stagger labels that would touch
        last_x = x
        ax.annotate(
            f"{label}: {pct(v['estimate'])}\n({pct_range(v['ci_low'], v['ci_high'])})",
            (x, v["estimate"]),
            textcoords="offset points",
            xytext=(5, 34 if raised else 8),
            fontsize=NOTE_SIZE,
            color=OKABE_ITO["blue"],
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )


def _milestone_years(label: str) -> float:
    return float(label.rstrip("y"))


def _survival_spread(result, ax, marks) -> None:
    cols = [f"p_holds_{label}" for _, label, _ in marks]
    d = read_draws(result, ["accepted", *cols])
    if d.empty or "accepted" not in d:
        return
    d = d[d["accepted"].astype(bool)]
    if len(d) < 10:
        return
    first = True
    for (x, _, _), col in zip(marks, cols, strict=True):
        if col not in d:
            continue
        lo, hi = np.quantile(d[col].to_numpy(float), [0.1, 0.9])
        ax.plot(
            [x, x],
            [lo, hi],
            color=OKABE_ITO["vermillion"],
            lw=5,
            alpha=0.3,
            solid_capstyle="butt",
            label="spread of beliefs: 10–90% of accepted draws" if first else None,
        )
        first = False
