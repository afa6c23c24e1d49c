"""Plots: the only module that imports matplotlib.

Each function takes a :class:`sim.results.Result` (and optionally an Axes) and returns the
Axes, so notebooks can compose figures. Colours come from the Okabe-Ito palette, which
stays distinguishable with the common forms of colour blindness.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Okabe & Ito (2008), colour-blind safe
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


def plot_survival(result, ax=None):
    """Probability that the ceasefire is accepted and still holds, against years."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5), layout="constrained")
    s = result.survival
    ax.fill_between(s["years"], s["ci_low"], s["ci_high"], color=OKABE_ITO["sky"], alpha=0.4, label="95% confidence band")
    ax.step(s["years"], s["survival"], where="post", color=OKABE_ITO["blue"], lw=2, label="accepted and holding")
    for label, v in result.summary["p_holds"].items():
        years = float(label.rstrip("y"))
        ax.axvline(years, color="0.75", lw=0.8, zorder=0)
        ax.annotate(f"{label}: {v['estimate']:.0%}", (years, v["estimate"]), textcoords="offset points", xytext=(4, 6), fontsize=9)
    ax.set_xlim(0, float(s["years"].max()))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("years since the ceasefire began")
    ax.set_ylabel("probability the ceasefire holds")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title(f"{result.title}\nceasefire accepted and still holding ({result.summary['draws']} draws)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    return ax


def save_all(result, folder: str | Path, fmt: str = "png") -> list[Path]:
    """Write every plot of a run into ``folder``; returns the paths."""
    folder = Path(folder)
    paths = []
    for name, fn in (("survival", plot_survival),):
        ax = fn(result)
        path = folder / f"{name}.{fmt}"
        ax.figure.savefig(path, dpi=120)
        plt.close(ax.figure)
        paths.append(path)
    return paths
