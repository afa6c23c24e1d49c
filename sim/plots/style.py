"""The look shared by every figure: palette, sizes, axes, legends and number formats.

Colours come from the Okabe-Ito palette, which stays distinguishable with the common
forms of colour blindness; heatmaps use ``cividis``. Percentages are written with no
decimals unless the value is below 1%.

User text (titles, labels, run names) goes through :func:`plain` before it is drawn: a
``$`` is drawn as a dollar sign, not read as mathtext (``Cost a $^$ b`` would otherwise
stop the run), control characters are shown as escapes (SVG cannot hold them), and the
length is capped. Long titles and legend entries are wrapped (:func:`heading`,
:func:`wrap`) so that they stay inside the figure whatever the labels; a test draws
every figure with 80-character labels and checks it.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np

from sim.io.labels import subtitle
from sim.text import visible

__all__ = [
    "BREAKER_COLOURS",
    "CAUSE_STYLE",
    "CYCLE",
    "DPI",
    "FORMATS",
    "GREY",
    "LABEL_SIZE",
    "LEGEND_SIZE",
    "NOTE_SIZE",
    "OKABE_ITO",
    "TICK_SIZE",
    "TITLE_SIZE",
    "actor_label",
    "axes_or_new",
    "colour",
    "draws_count",
    "event_label",
    "heading",
    "legend_below",
    "legend_right",
    "message",
    "pct",
    "pct_range",
    "percent_decimals",
    "plain",
    "style_axes",
    "target_label",
    "wrap",
]

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
GREY = "#8C8C8C"  # neutral: "nobody chose it" (incidents)
#: Order in which several series take colours (yellow last: weak on white).
CYCLE = ("blue", "vermillion", "green", "orange", "purple", "sky", "black", "yellow")
#: Figure file formats.
FORMATS = ("png", "svg", "pdf")
DPI = 130
TITLE_SIZE = 12
LABEL_SIZE = 11
TICK_SIZE = 10
LEGEND_SIZE = 9.5
NOTE_SIZE = 9

BREAKER_COLOURS = ("vermillion", "blue", "purple")  # A, B, both; incident is GREY
#: Colour and legend text of each cause (sim.names.CAUSES), in that order.
CAUSE_STYLE = {
    "commitment": ("green", "commitment (no split can hold)"),
    "shift": ("blue", "shift (power or aims moved since signing)"),
    "terms": ("sky", "terms (broken even at the balance of signing)"),
    "preemption": ("orange", "preemption (fear of being struck first)"),
    "information": ("purple", "information (a side cannot tell who it faces)"),
    "incident": (None, "incident (escalation nobody chose)"),
}


def colour(i: int) -> str:
    """The colour of the ``i``-th series (cycling through :data:`CYCLE`)."""
    return OKABE_ITO[CYCLE[i % len(CYCLE)]]


def axes_or_new(ax, figsize: tuple[float, float]):
    """``ax``, or the Axes of a new pyplot figure of ``figsize`` (shown in a notebook)."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def style_axes(ax, xlabel: str, ylabel: str, title: str | None = None) -> None:
    """Axis labels, title, tick sizes and a light grid behind the data."""
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)


def legend_below(ax, ncol: int = 2, **kw):
    """A frameless legend centred below the Axes."""
    return ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=ncol,
        frameon=False,
        fontsize=LEGEND_SIZE,
        **kw,
    )


def legend_right(ax, **kw):
    """A frameless legend to the right of the Axes."""
    return ax.legend(
        loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=LEGEND_SIZE, **kw
    )


def pct(x: float) -> str:
    """A probability as a percentage (one decimal below 1%); ``n/a`` if missing."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if 0 < abs(x) < 0.01:
        return f"{x:.1%}"
    return f"{x:.0%}"


def pct_range(lo: float, hi: float) -> str:
    """An interval of probabilities, ``12–18%``."""
    a, b = pct(lo), pct(hi)
    return f"{a[:-1]}–{b}" if a.endswith("%") and b.endswith("%") else f"{a}–{b}"


def percent_decimals(top: float) -> int:
    """Decimals for percent ticks on an axis that reaches ``top`` (a probability)."""
    return 0 if top >= 0.05 else 1 if top >= 0.005 else 2


def draws_count(result) -> str:
    """``"2,000 draws"`` for a result's summary (``"draws"`` if it does not say)."""
    n = result.summary.get("draws")
    return f"{n:,} draws" if isinstance(n, (int, np.integer)) else "draws"


def plain(text: object, limit: int | None = 200) -> str:
    """User text safe to draw: ``$`` escaped (no mathtext), controls shown as escapes,
    at most ``limit`` characters (cut with ``…``)."""
    return visible(text, limit).replace("$", r"\$")


def wrap(text: str, width: int) -> str:
    """``text`` (already :func:`plain`) broken into lines of at most ``width`` characters."""
    return "\n".join(
        textwrap.fill(line, width, break_long_words=True, break_on_hyphens=False) or line
        for line in text.split("\n")
    )


def heading(result, *lines: str, ax=None, share: float = 1.0) -> str:
    """A figure's title: the run's title, its label and changes (``run: ... · changed:
    war.first_strike=0``) when it has any, then ``lines`` (the figure's own, already
    plain); each wrapped to ``share`` of the width of ``ax``'s figure (less than all of
    it when wide tick labels push the Axes, over which the title is centred, aside)."""
    width = int(_title_chars(ax) * share)
    parts = [wrap(plain(result.title), width)]
    sub = subtitle(result)
    if sub:
        parts.append(wrap(plain(sub, 300), width))
    parts += [wrap(line, width) for line in lines]
    return "\n".join(parts)


def _title_chars(ax) -> int:
    """About how many characters of the title size fit across ``ax``'s figure."""
    inches = ax.figure.get_figwidth() if ax is not None else 9.0
    return max(30, int(inches * 72 / (TITLE_SIZE * 0.6)))


def actor_label(result, actor: str, limit: int = 40) -> str:
    """An actor's display name from the result's scenario (else its id), drawable."""
    scn = getattr(result, "scenario", None)
    if scn is not None and actor in getattr(scn, "actors", {}):
        return plain(scn.display_name(actor), limit)
    labels = (getattr(result, "summary", None) or {}).get("actor_labels") or {}
    return plain(labels.get(actor, actor), limit)


def event_label(result, event: str, limit: int = 100) -> str:
    """An event's label from the result's scenario, else its id with spaces; drawable."""
    scn = getattr(result, "scenario", None)
    if scn is not None and event in getattr(scn, "events", {}):
        return plain(scn.events[event].label or event, limit)
    return plain(event.replace("_", " "), limit)


def message(ax, text: str) -> None:
    """Write ``text`` in the middle of an Axes that has nothing else to show."""
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=LABEL_SIZE,
        color="0.3",
        wrap=True,
    )


def target_label(target: str | None) -> str:
    """The name of a target column on an axis: ``P(holds 5 years)``."""
    if target and target.startswith("p_holds_") and target != "p_holds_end":
        k = target[8:-1]
        return f"P(holds {k} year{'s' if k != '1' else ''})"
    return "P(holds to the horizon)" if target == "p_holds_end" else str(target)
