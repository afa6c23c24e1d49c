"""The headline of a brief, in a table and in words.

* :func:`headline_rows`: the rows of ``sim show``'s table (accepted, holds 1/2/5/10 years),
  each figure a :class:`Cell` that keeps the key of ``summary.json`` it comes from (the
  page carries it as ``data-summary``, so a test can check every number on the page
  against the file);
* :func:`outcome_lines`: ``sim show``'s lines under the table (breaks within the
  horizon, broken by, cause; rejected, by whom, why; the median duration);
* :func:`story`: who breaks it and why, in sentences a reader who has not seen the
  model can follow; causes are explained in the words of the figures' legends
  (:data:`sim.plots.style.CAUSE_STYLE`), so the page and the plots say the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.names import PERIODS_PER_YEAR

__all__ = [
    "Cell",
    "cause_words",
    "headline_rows",
    "horizon_years",
    "outcome_lines",
    "pct",
    "shares_text",
    "story",
    "summary_cell",
]


@dataclass(frozen=True)
class Cell:
    """One figure of the page: its key path in ``summary.json``, value and text."""

    path: str
    value: float
    text: str


def pct(v: float | None, decimals: int = 1) -> str:
    """A probability as a percentage (``–`` when missing)."""
    return "–" if v is None else f"{v:.{decimals}%}"


def summary_cell(summary: Mapping[str, Any], path: str) -> Cell | None:
    """The figure at ``path`` (``p_holds.5y.estimate``) of a summary, or None if absent."""
    node: Any = summary
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    if node is None:
        return None
    return Cell(path, float(node), pct(float(node)))


def headline_rows(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headline table: ``label``, ``estimate``, ``ci_low``, ``ci_high``, ``if_accepted``.

    Each figure is a :class:`Cell` (``if_accepted`` None on the ``accepted`` row).
    """
    rows = [("accepted", "p_accepted", None)]
    rows += [(f"holds {k}", f"p_holds.{k}", f"p_holds_if_accepted.{k}") for k in summary["p_holds"]]
    return [
        {
            "label": label,
            "estimate": summary_cell(summary, f"{base}.estimate"),
            "ci_low": summary_cell(summary, f"{base}.ci_low"),
            "ci_high": summary_cell(summary, f"{base}.ci_high"),
            "if_accepted": summary_cell(summary, cond) if cond else None,
        }
        for label, base, cond in rows
    ]


def shares_text(items: Mapping[str, float], name: Callable[[str], str] = str) -> str:
    """``a 60%, b 40%``: largest first, those under half a percent left out."""
    ordered = sorted(items.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name(k)} {v:.0%}" for k, v in ordered if v >= 0.005)


def _names(summary: Mapping[str, Any]) -> Callable[[str], str]:
    labels = summary.get("actor_labels") or {}
    return lambda k: labels.get(k, k)


def horizon_years(summary: Mapping[str, Any]) -> float:
    """The horizon of the run in years."""
    return summary["horizon_periods"] / PERIODS_PER_YEAR[summary["period"]]


def outcome_lines(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``sim show``'s lines under the table, as (what, figures) pairs."""
    s, name = summary, _names(summary)
    years = horizon_years(s)
    out = []
    if s["p_breaks_within_horizon"] > 0:
        out.append(
            (f"breaks within {years:g} years", f"{pct(s['p_breaks_within_horizon'])} of draws")
        )
        out.append(("broken by", shares_text(s["breakdown_by_actor"], name)))
        out.append(("cause", shares_text(s["breakdown_by_cause"])))
    rejected = 1.0 - s["p_accepted"]["estimate"]
    if rejected > 0:
        by = ", ".join(f"{name(k)} {pct(v)}" for k, v in s["rejected_by"].items() if v > 0)
        out.append(("rejected", f"{pct(rejected)} of draws"))
        out.append(("rejected by", by))
        out.append(("cause of rejection", shares_text(s["rejection_cause"])))
    out.append(("median duration of an accepted ceasefire", _median_text(s, years)))
    return out


def _median_text(s: Mapping[str, Any], years: float) -> str:
    if s.get("median_duration_years") is not None:
        return f"{s['median_duration_years']:g} years"
    if s["p_accepted"]["estimate"] > 0:
        return f"more than the {years:g}-year horizon"
    return "none is accepted"


def cause_words(cause: str) -> str:
    """What a cause means, in the words of the figures' legend (else the cause itself)."""
    from sim.plots.style import CAUSE_STYLE

    legend = CAUSE_STYLE.get(cause, (None, cause))[1]
    head, _, rest = legend.partition(" (")
    return rest.rstrip(")") if rest else head


def _causes_text(causes: Mapping[str, float], of_what: str) -> str:
    ordered = [(k, v) for k, v in sorted(causes.items(), key=lambda kv: -kv[1]) if v >= 0.005]
    parts = [f"{k} in {v:.0%} of {of_what} ({cause_words(k)})" for k, v in ordered]
    return "; ".join(parts)


def _breakers_text(by: Mapping[str, float], name: Callable[[str], str]) -> str:
    def who(k: str) -> str:
        if k == "incident":
            return "an incident"
        return "both sides at once" if k == "both" else name(k)

    ordered = [(k, v) for k, v in sorted(by.items(), key=lambda kv: -kv[1]) if v >= 0.005]
    return ", ".join(f"{who(k)} in {v:.0%}" for k, v in ordered)


def story(summary: Mapping[str, Any]) -> list[str]:
    """Who accepts, who breaks the ceasefire and why: a few paragraphs of plain sentences."""
    s, name = summary, _names(summary)
    years = horizon_years(s)
    acc = s["p_accepted"]
    out = [
        f"Both sides accept the terms in {pct(acc['estimate'])} of the draws of the uncertain "
        f"beliefs (95% CI {pct(acc['ci_low'])} to {pct(acc['ci_high'])})."
    ]
    rejected = 1.0 - acc["estimate"]
    if rejected > 0:
        who = {"both": "both sides"}
        by = ", ".join(
            f"{who.get(k, name(k) + ' alone')} in {pct(v)}"
            for k, v in s["rejected_by"].items()
            if v > 0
        )
        out.append(
            f"The terms are rejected in {pct(rejected)} of all draws: {by}. Why: "
            f"{_causes_text(s['rejection_cause'], 'rejections')}."
        )
    holds = s.get("p_holds_if_accepted") or {}
    if holds:
        marks = ", ".join(
            f"after {k[:-1]} year{'s' if k != '1y' else ''} in {pct(v)}" for k, v in holds.items()
        )
        out.append(f"Once accepted, the ceasefire still holds {marks} of those draws.")
    breaks = s["p_breaks_within_horizon"]
    if breaks > 0:
        out.append(
            f"It is accepted and then breaks within the {years:g}-year horizon in {pct(breaks)} "
            f"of all draws. Who breaks it: {_breakers_text(s['breakdown_by_actor'], name)} of "
            f"those breakdowns. Why: {_causes_text(s['breakdown_by_cause'], 'breakdowns')}."
        )
    elif acc["estimate"] > 0:
        out.append(f"Once accepted, it never breaks within the {years:g}-year horizon.")
    out.append(f"The median duration of an accepted ceasefire: {_median_text(s, years)}.")
    return out
