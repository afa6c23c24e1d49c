"""Plots: the only module that imports matplotlib.

Each ``plot_x(result, ax=None)`` takes a :class:`sim.io.Result` (and optionally an
Axes to draw into) and returns the Axes, so notebooks can compose figures; without an
Axes a new pyplot figure is made (shown inline in a notebook). :func:`save_all` writes
the four figures of a run with plain :class:`~matplotlib.figure.Figure` objects, so
``sim run`` never touches pyplot or a GUI backend.

Colours come from the Okabe-Ito palette, which stays distinguishable with the common
forms of colour blindness; heatmaps use ``cividis``. Every figure says what its band
means: "95% CI of the estimate" is Monte Carlo uncertainty about the average (it
shrinks with more draws); "spread of beliefs" is how much the answer differs between
draws of the uncertain assumptions (it does not shrink).
"""

from __future__ import annotations

import math
import os
import uuid
from pathlib import Path
from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter
from matplotlib.transforms import offset_copy

__all__ = [
    "OKABE_ITO",
    "FORMATS",
    "plot_survival",
    "plot_breakdown",
    "plot_sensitivity",
    "plot_power",
    "plot_compare",
    "plot_sweep",
    "sensitivity_table",
    "readable_key",
    "save_all",
    "save_compare",
    "save_figure",
    "save_sweep",
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
FORMATS = ("png", "svg", "pdf")
DPI = 130
TITLE_SIZE = 12
LABEL_SIZE = 11
TICK_SIZE = 10
LEGEND_SIZE = 9.5
NOTE_SIZE = 9

BREAKER_COLOURS = ("vermillion", "blue", "purple")  # A, B, both; incident is GREY
CAUSE_STYLE = {
    "commitment": ("green", "commitment (no split can hold)"),
    "preemption": ("orange", "preemption (fear of being struck first)"),
    "terms": ("sky", "terms (these terms fail, others might hold)"),
    "incident": (None, "incident (escalation nobody chose)"),
}


# ---------------------------------------------------------------------------------------
# helpers


def _colour(i: int) -> str:
    return OKABE_ITO[CYCLE[i % len(CYCLE)]]


def _axes(ax, figsize: tuple[float, float]):
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _style(ax, xlabel: str, ylabel: str, title: str | None = None) -> None:
    ax.set_xlabel(xlabel, fontsize=LABEL_SIZE)
    ax.set_ylabel(ylabel, fontsize=LABEL_SIZE)
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)


def _legend_below(ax, ncol: int = 2, **kw):
    return ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=ncol,
        frameon=False,
        fontsize=LEGEND_SIZE,
        **kw,
    )


def _legend_right(ax, **kw):
    return ax.legend(
        loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=LEGEND_SIZE, **kw
    )


def _pct(x: float) -> str:
    if x is None or not np.isfinite(x):
        return "n/a"
    if 0 < abs(x) < 0.01:
        return f"{x:.1%}"
    return f"{x:.0%}"


def _pct_range(lo: float, hi: float) -> str:
    a, b = _pct(lo), _pct(hi)
    return f"{a[:-1]}–{b}" if a.endswith("%") and b.endswith("%") else f"{a}–{b}"


def _decimals(top: float) -> int:
    """Decimals for percent ticks on an axis that reaches ``top`` (a probability)."""
    return 0 if top >= 0.05 else 1 if top >= 0.005 else 2


def _draws_count(result) -> str:
    n = result.summary.get("draws")
    return f"{n:,} draws" if isinstance(n, (int, np.integer)) else "draws"


def _actor_label(result, actor: str) -> str:
    scn = getattr(result, "scenario", None)
    if scn is not None and actor in getattr(scn, "actors", {}):
        return scn.display_name(actor)
    return actor


def _event_label(result, event: str) -> str:
    scn = getattr(result, "scenario", None)
    if scn is not None and event in getattr(scn, "events", {}):
        return scn.events[event].label or event
    return event.replace("_", " ")


def _milestone_years(label: str) -> float:
    return float(label.rstrip("y"))


def _message(ax, text: str) -> None:
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


def readable_key(key: str) -> str:
    """A short human name for a scenario key path (for axis labels and bars).

    ``actors.russia.rebuild_rate`` -> ``russia rebuild_rate``;
    ``regions.independence.value.russia`` -> ``independence value to russia``;
    ``events.support_fades.hazard`` -> ``support_fades hazard``.
    """
    parts = key.split(".")
    match parts:
        case ["actors", actor, param]:
            return f"{actor} {param}"
        case ["regions", region, "value", actor]:
            return f"{region} value to {actor}"
        case ["regions", region, "effects", effect]:
            return f"{region} {effect} effect"
        case ["terms", region, actor]:
            return f"terms: {region} share to {actor}"
        case ["war", "outcomes", winner, region, actor]:
            return f"{region} share to {actor} if {winner} wins"
        case ["war", param]:
            return f"war {param}"
        case ["events", event, "hazard"]:
            return f"{event} hazard"
        case ["events", event, "changes", *rest] if rest:
            return f"{readable_key('.'.join(rest))} after {event}"
        case _:
            return key


def _read_draws(result, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The draws table: in memory, or read (only ``columns``) from the result folder."""
    draws = getattr(result, "draws", None)
    if draws is not None and len(draws.columns):
        return draws if columns is None else draws[[c for c in columns if c in draws.columns]]
    path = getattr(result, "path", None)
    if path is None or not (Path(path) / "draws.parquet").is_file():
        return pd.DataFrame()
    import pyarrow.parquet as pq

    file = Path(path) / "draws.parquet"
    names = pq.read_schema(file).names
    wanted = names if columns is None else [c for c in columns if c in names]
    return pq.read_table(file, columns=wanted).to_pandas()


def _draw_columns(result) -> list[str]:
    draws = getattr(result, "draws", None)
    if draws is not None and len(draws.columns):
        return list(draws.columns)
    path = getattr(result, "path", None)
    if path is None or not (Path(path) / "draws.parquet").is_file():
        return []
    import pyarrow.parquet as pq

    return list(pq.read_schema(Path(path) / "draws.parquet").names)


# ---------------------------------------------------------------------------------------
# survival


def plot_survival(result, ax=None, *, spread: bool = True):
    """Probability that the ceasefire is accepted and still holds, against years.

    Draws the estimate with its 95% confidence band, the curve given acceptance (dashed),
    and (``spread=True``, when the draws table is available) the spread of beliefs at the
    1/2/5/10-year marks: the 10-90% range of each accepted draw's own probability of
    holding. Vertical lines mark the headline horizons, labelled with the estimate.
    """
    ax = _axes(ax, (9, 5.8))
    s = result.survival
    years = s["years"].to_numpy(float)
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
    p_holds = result.summary.get("p_holds", {})
    marks = [(_milestone_years(k), k, v) for k, v in p_holds.items()]
    if spread and show_cond and marks:
        _survival_spread(result, ax, marks)
    x_max = float(years.max()) if len(years) and years.max() > 0 else 1.0
    last_x, raised = -math.inf, False
    for x, label, v in marks:
        ax.axvline(x, color="0.6", lw=0.8, ls=":", zorder=0)
        raised = (x - last_x) < 0.12 * x_max and not raised  # stagger labels that would touch
        last_x = x
        ax.annotate(
            f"{label}: {_pct(v['estimate'])}\n({_pct_range(v['ci_low'], v['ci_high'])})",
            (x, v["estimate"]),
            textcoords="offset points",
            xytext=(5, 34 if raised else 8),
            fontsize=NOTE_SIZE,
            color=OKABE_ITO["blue"],
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    ax.set_xlim(0, x_max)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    accepted = result.summary.get("p_accepted", {}).get("estimate")
    sub = (
        f"accepted in {_pct(accepted)} of {_draws_count(result)}"
        if accepted is not None
        else _draws_count(result)
    )
    _style(
        ax,
        "years since the ceasefire began",
        "probability the ceasefire holds",
        f"{result.title}\nWill the ceasefire hold? ({sub})",
    )
    _legend_below(ax, ncol=2)
    return ax


def _survival_spread(result, ax, marks) -> None:
    cols = [f"p_holds_{label}" for _, label, _ in marks]
    d = _read_draws(result, ["accepted", *cols])
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


# ---------------------------------------------------------------------------------------
# breakdown


def _by_year(breakdown: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame, float]:
    """Sum per-period probabilities into years (or bins of years, at most 40 bars)."""
    years = breakdown["years"].to_numpy(float)
    span = float(years.max()) + 1e-9 if len(years) else 1.0
    width = max(1, math.ceil(span / 40))
    bins = np.floor(years / width + 1e-9).astype(int)
    table = breakdown[columns].groupby(bins).sum()
    return table.index.to_numpy() * width, table, float(width)


def plot_breakdown(result, ax=None, *, by: str = "both"):
    """When ceasefires break: expected probability of a breakdown in each year, stacked.

    ``by="breaker"`` stacks by who breaks it (A, B, both at once, incident), ``"cause"``
    by why (commitment, preemption, terms, incident), ``"both"`` (the default) draws
    the two panels one above the other and returns the array of two Axes. Bars are
    shares of all draws (a ceasefire that was never accepted cannot break), so they add
    up to the probability of a breakdown within the horizon.
    """
    if by not in ("breaker", "cause", "both"):
        raise ValueError(f"by must be 'breaker', 'cause' or 'both' (got {by!r})")
    if by == "both":
        if ax is None:
            _, ax = plt.subplots(2, 1, figsize=(11, 8), sharex=True, layout="constrained")
        axes = np.asarray(ax).ravel()
        if len(axes) != 2:
            raise ValueError("by='both' needs two Axes")
        _breakdown_panel(result, axes[0], "breaker", title=True)
        _breakdown_panel(result, axes[1], "cause", title=False)
        axes[0].set_xlabel("")
        return axes
    ax = _axes(ax, (11, 4.8))
    _breakdown_panel(result, ax, by, title=True)
    return ax


def _breakdown_panel(result, ax, by: str, title: bool) -> None:
    b = result.breakdown
    if by == "breaker":
        cols = [c for c in b.columns if c.startswith("breaker.")]
        actors = [c.split(".", 1)[1] for c in cols if c not in ("breaker.both", "breaker.incident")]
        labels, colours = {}, {}
        for i, aid in enumerate(actors):
            labels[f"breaker.{aid}"] = f"{_actor_label(result, aid)} attacks"
            colours[f"breaker.{aid}"] = OKABE_ITO[BREAKER_COLOURS[min(i, 1)]]
        labels["breaker.both"], colours["breaker.both"] = "both attack at once", OKABE_ITO["purple"]
        labels["breaker.incident"], colours["breaker.incident"] = CAUSE_STYLE["incident"][1], GREY
        panel = "who breaks it"
    else:
        cols = [c for c in b.columns if c.startswith("cause.")]
        labels = {f"cause.{k}": v[1] for k, v in CAUSE_STYLE.items()}
        colours = {
            f"cause.{k}": (OKABE_ITO[v[0]] if v[0] else GREY) for k, v in CAUSE_STYLE.items()
        }
        panel = "why it breaks"
    if len(b) == 0 or not cols:
        _message(ax, "no periods to show")
        return
    x, table, width = _by_year(b, cols)
    totals = table.sum(axis=0)
    shown = [c for c in cols if totals[c] > 0]
    absent = [labels.get(c, c).split(" (")[0] for c in cols if totals[c] <= 0]
    bottom = np.zeros(len(x))
    for i, c in enumerate(shown):
        vals = table[c].to_numpy(float)
        ax.bar(
            x + width / 2,
            vals,
            width=0.85 * width,
            bottom=bottom,
            color=colours.get(c, _colour(i)),
            label=f"{labels.get(c, c)}: {_pct(totals[c] / totals.sum())}",
            edgecolor="white",
            lw=0.4,
        )
        bottom += vals
    unit = "year" if width == 1 else f"{width:g} years"
    top = float(bottom.max()) if len(bottom) else 0.0
    ax.set_ylim(0, top * 1.2 if top > 0 else 1e-3)  # room for the panel's name
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=_decimals(top)))
    ax.set_xlim(0, x[-1] + width if len(x) else 1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    s = result.summary
    if title:
        accepted = s.get("p_accepted", {}).get("estimate")
        broken = s.get("p_breaks_within_horizon")
        head = f"{result.title}\nWhen ceasefires break"
        if accepted is not None and broken is not None:
            horizon = f"{float(result.survival['years'].max()):g} years"
            head += f" (accepted in {_pct(accepted)} of draws, broken within {horizon} in {_pct(broken)})"
        ax.set_title(head, fontsize=TITLE_SIZE)
    _style(ax, "years since the ceasefire began", f"P(breaks in that {unit})\nshare of all draws")
    ax.text(
        0.01,
        0.97,
        panel,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=LABEL_SIZE,
        weight="bold",
    )
    if shown:
        _legend_right(ax, title="share of breakdowns", title_fontsize=LEGEND_SIZE)
    else:
        _message(ax, "no breakdowns within the horizon")
    if absent and shown:
        ax.text(
            1.01,
            0.02,
            "none from: " + ", ".join(absent),
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=NOTE_SIZE,
            color="0.35",
            wrap=True,
        )


# ---------------------------------------------------------------------------------------
# sensitivity


def _target_column(columns: Sequence[str]) -> str | None:
    """p_holds_5y, else the longest p_holds_<k>y available, else p_holds_end."""
    if "p_holds_5y" in columns:
        return "p_holds_5y"
    holds = [
        c for c in columns if c.startswith("p_holds_") and c.endswith("y") and c[8:-1].isdigit()
    ]
    if holds:
        return max(holds, key=lambda c: int(c[8:-1]))
    return "p_holds_end" if "p_holds_end" in columns else None


def _parameter_columns(result, columns: Sequence[str]) -> list[str]:
    scn = getattr(result, "scenario", None)
    if scn is not None:
        return [k for k in scn.uncertain() if k in columns]
    prefixes = ("actors.", "regions.", "terms.", "war.", "events.")
    return [c for c in columns if c.startswith(prefixes)]


def sensitivity_table(result, target: str | None = None) -> pd.DataFrame:
    """How the target moves between the lowest and highest quarter of each assumption.

    One row per sampled parameter (key path), largest swing first, with the mean of
    ``target`` (default ``p_holds_5y``, else the longest horizon) over the draws in the
    lowest and highest quarter of that parameter's sampled values, their 95% intervals,
    and the range of the parameter. ``attrs["target"]`` and ``attrs["baseline"]`` hold
    the target column and its mean over all draws.
    """
    columns = _draw_columns(result)
    target = target or _target_column(columns)
    params = _parameter_columns(result, columns)
    out_cols = [
        "key",
        "name",
        "low",
        "high",
        "low_ci",
        "high_ci",
        "swing",
        "min",
        "max",
        "n_low",
        "n_high",
    ]
    if target is None or target not in columns:
        table = pd.DataFrame(columns=out_cols)
        table.attrs.update(target=target, baseline=np.nan)
        return table
    d = _read_draws(result, [*params, target])
    y = d[target].to_numpy(float) if target in d else np.array([])
    rows = []
    for key in params:
        x = d[key].to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(y)
        x, yk = x[ok], y[ok]
        if len(x) < 8 or x.min() == x.max():
            continue
        q25, q75 = np.quantile(x, [0.25, 0.75])
        low, high = x <= q25, x >= q75
        if q25 == q75:  # a discrete assumption: split at that value
            low, high = (x <= q25, x > q25) if q25 < x.max() else (x < q25, x >= q25)
        if not low.any() or not high.any():
            continue
        m_lo, m_hi = yk[low].mean(), yk[high].mean()
        rows.append(
            {
                "key": key,
                "name": readable_key(key),
                "low": m_lo,
                "high": m_hi,
                "low_ci": _half_width(yk[low]),
                "high_ci": _half_width(yk[high]),
                "swing": m_hi - m_lo,
                "min": float(x.min()),
                "max": float(x.max()),
                "n_low": int(low.sum()),
                "n_high": int(high.sum()),
            }
        )
    table = pd.DataFrame(rows, columns=out_cols)
    if len(table):
        table = table.reindex(
            table["swing"].abs().sort_values(ascending=False, kind="stable").index
        )
        table = table.reset_index(drop=True)
    table.attrs.update(target=target, baseline=float(np.mean(y)) if len(y) else np.nan)
    return table


def _half_width(v: np.ndarray) -> float:
    return float(1.959963984540054 * v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else 0.0


def _target_label(target: str | None) -> str:
    if target and target.startswith("p_holds_") and target != "p_holds_end":
        k = target[8:-1]
        return f"P(holds {k} year{'s' if k != '1' else ''})"
    return "P(holds to the horizon)" if target == "p_holds_end" else str(target)


def plot_sensitivity(result, ax=None, *, top: int = 12):
    """A tornado: P(holds 5 years) in the lowest vs highest quarter of each assumption.

    Bars start at the baseline (all draws) and end at the mean over the draws whose
    sampled value lies in the lowest (blue) or highest (vermillion) quarter of its range;
    whiskers are 95% intervals of those means. Largest swing at the top; the ``top``
    largest are drawn.
    """
    table = sensitivity_table(result)
    target, base = table.attrs["target"], table.attrs["baseline"]
    shown = table.head(top)
    n = len(shown)
    ax = _axes(ax, (10, 1.9 + 0.42 * max(n, 3)))
    tlabel = _target_label(target)
    title = f"{result.title}\nWhich assumptions move {tlabel} most?\n({_draws_count(result)}"
    title += f"; the {n} largest swings of {len(table)} shown)" if len(table) > n else ")"
    if n == 0:
        reason = (
            "no draws table to analyse"
            if target is None
            else "no uncertain assumptions were sampled"
        )
        _message(ax, reason)
        _style(ax, tlabel, "assumption", title)
        return ax
    y = np.arange(n)
    lo, hi = shown["low"].to_numpy(float), shown["high"].to_numpy(float)
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
    ax.axvline(base, color="black", lw=1.3, label=f"baseline (all draws): {_pct(base)}")
    ax.set_yticks(y)
    ax.set_yticklabels(
        [f"{r.name}  ({_range_text(result, r.key, r.min, r.max)})" for r in shown.itertuples()],
        fontsize=TICK_SIZE,
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    lo_all = min(lo.min() - shown["low_ci"].max(), hi.min() - shown["high_ci"].max(), base)
    hi_all = max(lo.max() + shown["low_ci"].max(), hi.max() + shown["high_ci"].max(), base)
    pad = 0.08 * max(hi_all - lo_all, 0.01)
    ax.set_xlim(max(0.0, lo_all - pad), min(1.0, hi_all + pad))
    _style(ax, f"{tlabel}, mean over the draws in that quarter", "", title)
    ax.grid(True, axis="x", alpha=0.3)
    ax.grid(False, axis="y")
    # below the x label (a fixed distance, whatever the height of the figure)
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
    return ax


def _range_text(result, key: str, lo: float, hi: float) -> str:
    """The range an assumption was drawn from: its distribution's bounds, else the sample's."""
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


# ---------------------------------------------------------------------------------------
# power


def _same_curve(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a, b)


def _power_groups(power: pd.DataFrame) -> list[tuple[frozenset, list[str]]]:
    """Group event states whose win-probability curves are identical.

    Returns (events that matter in the group, states) pairs: an event matters when
    adding it to some state changes that state's curve.
    """
    states = list(dict.fromkeys(power["state"]))
    curves = {}
    for st in states:
        sub = power[power["state"] == st].sort_values("period")
        curves[st] = np.round(sub[["median", "q05", "q25", "q75", "q95"]].to_numpy(float), 9)
    fired = {st: frozenset() if st == "none" else frozenset(st.split("+")) for st in states}
    events = sorted(
        set().union(*fired.values()),
        key=lambda e: min(i for i, s in enumerate(states) if e in fired[s]),
    )
    by_set = {v: k for k, v in fired.items()}
    matters = set()
    for st in states:
        for e in events:
            if e in fired[st]:
                continue
            other = by_set.get(fired[st] | {e})
            if other is not None and not _same_curve(curves[other], curves[st]):
                matters.add(e)
    groups: dict[frozenset, list[str]] = {}
    for st in states:
        groups.setdefault(frozenset(fired[st] & matters), []).append(st)
    # check: every state in a group has the same curve, else fall back to one group per state
    for states_in in groups.values():
        ref = curves[states_in[0]]
        if any(not _same_curve(curves[s], ref) for s in states_in[1:]):
            return [(fired[s], [s]) for s in states]
    return sorted(groups.items(), key=lambda kv: (len(kv[0]), [events.index(e) for e in kv[0]]))


def _inert_events(power: pd.DataFrame, groups) -> list[str]:
    """Events whose states were merged into a group without them (they do not shift power)."""
    states = list(dict.fromkeys(power["state"]))
    events = list(dict.fromkeys(e for st in states if st != "none" for e in st.split("+")))
    matters = set().union(*(g for g, _ in groups)) if groups else set()
    if len(groups) == len(states):
        return []
    return [e for e in events if e not in matters]


def plot_power(result, ax=None):
    """A's probability of winning a war started at each time: median and bands over draws.

    One curve per event state where the curves differ (states whose curves coincide,
    because their events do not change power, are drawn once). Dark band: middle 50% of
    draws; light band: middle 90%. Computed over the run's first draws (up to 1000).
    """
    ax = _axes(ax, (9, 5.8))
    p = result.power
    actors = result.summary.get("actors") or ["A", "B"]
    a_name = _actor_label(result, actors[0])
    title = f"{result.title}\nBalance of power: {a_name}'s chance of winning a war started then"
    ylabel = f"P({a_name} wins a war started then)"
    if p is None or len(p) == 0:
        _message(ax, "no balance-of-power data in this result")
        _style(ax, "years since the ceasefire began", ylabel, title)
        return ax
    n_power = int(p["draws"].iloc[0]) if "draws" in p.columns else None
    if n_power is not None and n_power < int(result.summary.get("draws") or 0):
        title += f"\n(bands over the first {n_power:,} of {int(result.summary['draws']):,} draws)"
    groups = _power_groups(p)
    for i, (events, states) in enumerate(groups):
        sub = p[p["state"] == states[0]].sort_values("period")
        x = sub["years"].to_numpy(float)
        c = _colour(i)
        if events:
            fired = states[0].split("+")  # in the scenario's order of events
            label = "if " + " and ".join(_event_label(result, e) for e in fired if e in events)
        else:
            label = "no event that shifts power" if len(groups) > 1 else "median over draws"
        ax.fill_between(x, sub["q05"], sub["q95"], color=c, alpha=0.12, lw=0)
        ax.fill_between(x, sub["q25"], sub["q75"], color=c, alpha=0.28, lw=0)
        ax.plot(
            x,
            sub["median"],
            color=c,
            lw=2.2,
            label=label + (" (median)" if len(groups) > 1 else ""),
        )
    ax.axhline(0.5, color="black", lw=0.9, ls=":", zorder=1)
    handles, labels = ax.get_legend_handles_labels()
    handles += [Patch(color="0.45", alpha=0.5), Patch(color="0.45", alpha=0.2)]
    labels += ["middle 50% of draws", "middle 90% of draws"]
    low = float(np.nanmin(p["q05"])) if len(p) else 0.0
    ax.set_ylim(max(0.0, min(0.45, math.floor(low * 20) / 20 - 0.05)), 1)  # keep even odds in view
    ax.set_xlim(0, max(float(p["years"].max()), 1e-9))
    inert = _inert_events(p, groups)
    if inert:
        ax.text(
            0.01,
            0.02,
            "no effect on power: " + "; ".join(_event_label(result, e) for e in inert),
            transform=ax.transAxes,
            ha="left",
            va="bottom",
            fontsize=NOTE_SIZE,
            color="0.3",
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    _style(ax, "years since the ceasefire began", ylabel, title)
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
        frameon=False,
        fontsize=LEGEND_SIZE,
    )
    ax.text(
        0.99,
        0.51,
        "even odds",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="bottom",
        fontsize=NOTE_SIZE,
        color="0.3",
    )
    return ax


# ---------------------------------------------------------------------------------------
# compare and sweep


def plot_compare(results_or_dirs, ax=None, *, labels: Sequence[str] | None = None):
    """Overlay the survival curves (with 95% bands) of several runs or result folders."""
    from sim.analysis.comparison import load, run_labels

    results = load(results_or_dirs)
    labels = list(labels) if labels is not None else run_labels(results)
    ax = _axes(ax, (9, 5.8))
    styles = ("-", "--", "-.", ":")
    x_max = 0.0
    for i, (r, label) in enumerate(zip(results, labels, strict=True)):
        s = r.survival
        c = _colour(i)
        years = s["years"].to_numpy(float)
        x_max = max(x_max, float(years.max()) if len(years) else 0.0)
        ax.fill_between(years, s["ci_low"], s["ci_high"], step="post", color=c, alpha=0.2, lw=0)
        five = r.summary.get("p_holds", {}).get("5y")
        extra = f": {_pct(five['estimate'])} at 5 years" if five else ""
        ax.step(
            years,
            s["survival"],
            where="post",
            color=c,
            lw=2.2,
            ls=styles[(i // len(CYCLE)) % len(styles)],
            label=f"{label}{extra}",
        )
    ax.set_xlim(0, x_max or 1.0)
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    titles = list(dict.fromkeys(r.title for r in results))
    head = titles[0] if len(titles) == 1 else "Comparing ceasefire proposals"
    _style(
        ax,
        "years since the ceasefire began",
        "probability the ceasefire holds",
        f"{head}\nAccepted and still holding (bands: 95% CI of each estimate)",
    )
    _legend_below(ax, ncol=1 if len(results) > 3 or max(map(len, labels), default=0) > 40 else 2)
    return ax


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
    ax = _axes(ax, (9, 5.8))
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
        c = OKABE_ITO["black"] if col == "p_accepted" else _colour(i - 1)
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
    _style(
        ax,
        _key_label(key),
        "probability (bands: 95% CI)",
        f"{title}\nSweep of {readable_key(key)}" + (f" ({crn})" if crn else ""),
    )
    _legend_right(ax, title="ceasefire", title_fontsize=LEGEND_SIZE)
    return ax


def _sweep_heatmap(table, keys, ax, title, crn):
    kx, ky = keys
    xs = list(dict.fromkeys(table[kx]))
    ys = list(dict.fromkeys(table[ky]))
    target = _target_column(list(table.columns))
    if target is None:
        raise ValueError("the sweep table has no p_holds_* column")
    grid = np.full((len(ys), len(xs)), np.nan)
    half = np.full_like(grid, np.nan)
    for _, row in table.iterrows():
        i, j = ys.index(row[ky]), xs.index(row[kx])
        grid[i, j] = row[target]
        if f"{target}_ci_high" in table:
            half[i, j] = (row[f"{target}_ci_high"] - row[f"{target}_ci_low"]) / 2
    ax = _axes(ax, (2.6 + 0.95 * max(len(xs), 4), 2.2 + 0.7 * max(len(ys), 4)))
    vmax = max(0.05, float(np.nanmax(grid)) if np.isfinite(grid).any() else 1.0)
    vmax = min(1.0, math.ceil(vmax * 20) / 20)
    im = ax.imshow(grid, origin="lower", cmap="cividis", vmin=0, vmax=vmax, aspect="auto")
    cb = ax.figure.colorbar(im, ax=ax, format=PercentFormatter(1.0, decimals=0), shrink=0.9)
    tlabel = _target_label(target)
    cb.set_label(tlabel, fontsize=LABEL_SIZE)
    cb.ax.tick_params(labelsize=TICK_SIZE)
    small = len(xs) * len(ys) <= 144
    for i in range(len(ys)):
        for j in range(len(xs)):
            v = grid[i, j]
            if not np.isfinite(v) or not small:
                continue
            txt = _pct(v) + (
                f"\n±{half[i, j] * 100:.0f} pts" if np.isfinite(half[i, j]) and len(xs) <= 8 else ""
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
    ax.set_xticks(range(len(xs)))
    tilt = len(xs) > 6
    ax.set_xticklabels(
        [_fmt_value(v) for v in xs], rotation=30 if tilt else 0, ha="right" if tilt else "center"
    )
    ax.set_yticks(range(len(ys)))
    ax.set_yticklabels([_fmt_value(v) for v in ys])
    _style(
        ax,
        _key_label(kx),
        _key_label(ky, "\n"),
        f"{title}\n{tlabel} (± half-width of the 95% CI)" + (f"\n{crn}" if crn else ""),
    )
    ax.grid(False)
    return ax


# ---------------------------------------------------------------------------------------
# saving


def save_figure(fig, path: str | Path, fmt: str | None = None) -> Path:
    """Save a figure (png at a readable resolution, or svg/pdf by suffix or ``fmt``)."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower() or "png"
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    # write beside the target and rename: a reader never sees half a file
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        fig.savefig(tmp, dpi=DPI, format=fmt, metadata=_metadata(fmt))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _metadata(fmt: str) -> dict:
    # fixed metadata: the same run writes the same bytes
    if fmt == "svg":
        return {"Date": None}
    if fmt == "pdf":
        return {"CreationDate": None, "ModDate": None}
    return {}


def save_sweep(table: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write the figure of a sweep table (see :func:`plot_sweep`) to ``path``."""
    keys = list(table.attrs.get("vary") or [])
    if len(keys) == 2:
        nx, ny = table[keys[0]].nunique(), table[keys[1]].nunique()
        size = (2.6 + 0.95 * max(nx, 4), 2.2 + 0.7 * max(ny, 4))
    else:
        size = (10, 5.8)
    fig = Figure(figsize=size, layout="constrained")
    plot_sweep(table, fig.subplots())
    return save_figure(fig, path, fmt)


def save_compare(results_or_dirs, path: str | Path, fmt: str | None = None, *, labels=None) -> Path:
    """Write the overlay of several runs' survival curves (see :func:`plot_compare`)."""
    fig = Figure(figsize=(9, 6), layout="constrained")
    plot_compare(results_or_dirs, fig.subplots(), labels=labels)
    return save_figure(fig, path, fmt)


def save_all(result, folder: str | Path, fmt: str = "png") -> list[Path]:
    """Write the four figures of a run into ``folder``; returns the paths.

    ``survival``, ``breakdown``, ``sensitivity``, ``power`` (``.png`` by default, or
    ``svg``/``pdf``). Figures are plain :class:`Figure` objects, closed when written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    folder = Path(folder)
    paths = []
    n_sens = min(12, len(_parameter_columns(result, _draw_columns(result))))
    builders = (
        ("survival", (9, 5.8), 1, lambda f: plot_survival(result, f.subplots())),
        ("breakdown", (10, 8), 2, lambda f: plot_breakdown(result, f.subplots(2, 1, sharex=True))),
        (
            "sensitivity",
            (10, 1.9 + 0.42 * max(n_sens, 3)),
            1,
            lambda f: plot_sensitivity(result, f.subplots()),
        ),
        ("power", (9, 5.8), 1, lambda f: plot_power(result, f.subplots())),
    )
    for name, size, _, build in builders:
        fig = Figure(figsize=size, layout="constrained")
        build(fig)
        paths.append(save_figure(fig, folder / f"{name}.{fmt}", fmt))
    return paths
