"""The comparison figure: several runs' survival curves overlaid, with their 95% bands."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.ticker import PercentFormatter

from sim.analysis.comparison import load, run_labels
from sim.plots.style import (
    CYCLE,
    axes_or_new,
    colour,
    legend_below,
    pct,
    plain,
    style_axes,
    wrap,
)

__all__ = ["plot_compare"]


def plot_compare(
    results_or_dirs, ax=None, *, labels: Sequence[str] | None = None, years: float | None = None
):
    """Overlay the survival curves (with 95% bands) of several runs or result folders.

    Runs are labelled by :func:`sim.analysis.run_labels` (their ``--label``, else their
    folder with its changes) unless ``labels`` are given. ``years`` shows only the first
    years (a 72-year run beside 10-year ones squashes them otherwise). Returns the Axes.
    """
    results = load(results_or_dirs)
    labels = list(labels) if labels is not None else run_labels(results)
    ax = axes_or_new(ax, (9, 5.8))
    styles = ("-", "--", "-.", ":")
    x_max = 0.0
    for i, (r, label) in enumerate(zip(results, labels, strict=True)):
        s = r.survival
        c = colour(i)
        t = s["years"].to_numpy(float)
        x_max = max(x_max, float(t.max()) if len(t) else 0.0)
        ax.fill_between(t, s["ci_low"], s["ci_high"], step="post", color=c, alpha=0.2, lw=0)
        five = r.summary.get("p_holds", {}).get("5y")
        extra = f": {pct(five['estimate'])} at 5 years" if five else ""
        ax.step(
            t,
            s["survival"],
            where="post",
            color=c,
            lw=2.2,
            ls=styles[(i // len(CYCLE)) % len(styles)],
            label=wrap(plain(f"{label}{extra}", 120), 60),
        )
    if years is not None and years <= 0:
        raise ValueError(f"years must be > 0 (got {years!r})")
    ax.set_xlim(0, years if years is not None else (x_max or 1.0))
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    titles = list(dict.fromkeys(r.title for r in results))
    head = wrap(plain(titles[0]), 90) if len(titles) == 1 else "Comparing ceasefire proposals"
    within = f", first {years:g} years" if years is not None and years < x_max else ""
    style_axes(
        ax,
        "years since the ceasefire began",
        "probability the ceasefire holds",
        f"{head}\nAccepted and still holding{within} (bands: 95% CI of each estimate)",
    )
    legend_below(ax, ncol=1 if len(results) > 3 or max(map(len, labels), default=0) > 40 else 2)
    return ax
