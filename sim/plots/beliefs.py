"""What the uninformed side believes while the ceasefire holds (private information).

One panel per type of the informed actor (with two types, one panel: the other is its
complement; at most three): the uninformed side's mean
posterior that it faces that type, among the draws whose ceasefire still holds, over the
years, one line per event state a draw is in. A quiet period rules out the types that
would have attacked, so a falling line is learning.
"""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import PercentFormatter

from sim.plots.style import (
    LEGEND_SIZE,
    TITLE_SIZE,
    actor_label,
    colour,
    event_label,
    heading,
    message,
    style_axes,
    wrap,
)

__all__ = ["panels", "plot_beliefs"]

#: A state's line is drawn where it holds at least this share of the surviving draws.
MIN_WEIGHT = 0.01


def _state_label(result, state: str) -> str:
    if state == "none":
        return "no event yet"
    return " + ".join(event_label(result, e) for e in state.split("+"))


def panels(ids) -> list[str]:
    """The types that get a panel: the first of two, else every one."""
    ids = list(ids)
    return ids[:1] if len(ids) == 2 else ids


def plot_beliefs(result, axes) -> None:
    """Draw the posterior of each type over time into ``axes`` (one Axes per type)."""
    beliefs = result.beliefs
    types = result.summary.get("types") or {}
    axes = np.atleast_1d(axes)
    if beliefs is None or not types:
        message(axes[0], "no private information in this scenario")
        return
    informed = actor_label(result, types["actor"])
    other = [a for a in result.summary["actors"] if a != types["actor"]][0]
    total = beliefs.groupby("period")["weight"].transform("sum")
    share = beliefs["weight"] / np.where(total > 0, total, 1.0)
    states = [
        s
        for s in dict.fromkeys(beliefs["state"])
        if share[beliefs["state"] == s].max() >= MIN_WEIGHT
    ]
    shown = panels(types["ids"])
    for ax, tid in zip(axes, shown, strict=False):
        label = types["labels"].get(tid, tid)
        for i, state in enumerate(states):
            rows = (beliefs["state"] == state) & (share >= MIN_WEIGHT)
            sub = beliefs[rows]
            ax.plot(
                sub["years"],
                sub[f"belief.{tid}"],
                color=colour(i),
                lw=2,
                label=_state_label(result, state),
            )
        ax.axhline(types["prior"][tid], color="0.5", lw=1, ls=":", label="prior (mean over draws)")
        ax.set_ylim(-0.02, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        last = ax is axes[len(shown) - 1]
        side = actor_label(result, other)
        xlabel = "years since the ceasefire began" if last else ""
        style_axes(ax, xlabel, wrap(f"P({informed}: {label}) in {side}'s eyes", 34))
        question = f"Is {informed} of type “{label}”? What {side} believes while it holds"
        if ax is axes[0]:  # the run's title (and changes) once, above the first panel
            title = heading(result, question, ax=ax, share=0.8)
        else:
            title = wrap(question, 70)
        ax.set_title(title, fontsize=TITLE_SIZE)
    # one legend for every panel, below them, its long labels wrapped (event labels may
    # be long, and a state joins several)
    handles, labels = axes[0].get_legend_handles_labels()
    axes[0].figure.legend(
        handles,
        [wrap(t, 60) for t in labels],
        loc="outside lower center",
        ncol=2 if len(labels) > 3 else 1,
        fontsize=LEGEND_SIZE,
        frameon=False,
    )
