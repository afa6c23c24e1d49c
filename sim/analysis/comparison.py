"""Compare saved runs: their headline figures, breakers and causes side by side.

::

    sim.compare(["results/freeze_lines", "results/limited_aims"])          # for reading
    sim.compare([...], formatted=False)                                     # for computing

The **formatted** table (the default) is what ``sim compare`` prints: one column per run
and one row per figure, each cell text such as ``64.1% (63.4–64.7%)``: accepted, holds
1/2/5/10 years, the same if accepted, the median duration, how often it breaks within the
horizon, who breaks it and why (shares of the breakdowns), who rejects it and why, and
the run's draws, seed, title and changes. The **numeric** table (``formatted=False``)
has one row per run and the same figures as numbers in flat columns
(:func:`headline_figures`, then :func:`outcome_figures`), the columns a sweep table has.
A judgement: readable by default, because ``sim.compare`` is what a notebook shows; the
alternative, a numeric frame that a notebook displays as ``0.641234``, is one argument
away.

Runs are labelled by their ``--label``, else their folder name (or scenario name) with
their changes (``limited_aims [actors.russia.types.maximalist.prior=0]``), made unique
(:func:`run_labels`). Folders that are not complete results are refused with
:class:`sim.io.ResultError` before anything is compared.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.io import Result, ResultError, load_result
from sim.io.labels import result_changes
from sim.text import cap

__all__ = [
    "HEADLINE_ROWS",
    "LABEL_CHARS",
    "compare",
    "formatted_table",
    "headline_figures",
    "load",
    "outcome_figures",
    "run_labels",
]

#: Longest label of a run in a comparison (its changes are cut with ``…``).
LABEL_CHARS = 100


def headline_figures(summary: dict) -> dict[str, Any]:
    """The headline figures of one run as flat columns.

    ``p_accepted``, ``p_accepted_ci_low``, ``p_accepted_ci_high``, then
    ``p_holds_<k>``, ``p_holds_<k>_ci_low``, ``p_holds_<k>_ci_high`` for each headline
    horizon (1y, 2y, 5y, 10y within the scenario's horizon), then
    ``p_holds_if_accepted_<k>`` (the survival of a ceasefire that was signed; NaN when no
    draw accepted), and ``median_duration_years`` of an accepted ceasefire (NaN when more
    than half of accepted ceasefires outlast the horizon, or none is accepted).
    """
    out: dict[str, Any] = {}
    items = [("p_accepted", summary["p_accepted"])]
    items += [(f"p_holds_{k}", v) for k, v in summary["p_holds"].items()]
    for name, v in items:
        out[name] = v["estimate"]
        out[f"{name}_ci_low"] = v["ci_low"]
        out[f"{name}_ci_high"] = v["ci_high"]
    cond = summary.get("p_holds_if_accepted") or {}
    for k in summary["p_holds"]:
        v = cond.get(k)
        out[f"p_holds_if_accepted_{k}"] = float("nan") if v is None else float(v)
    med = summary.get("median_duration_years")
    out["median_duration_years"] = float("nan") if med is None else float(med)
    return out


def outcome_figures(summary: dict) -> dict[str, float]:
    """Who breaks or rejects the ceasefire and why, as flat columns.

    ``p_breaks_within_horizon`` (share of all draws), ``broken_by.<who>`` and
    ``cause.<cause>`` (shares of the breakdowns: an actor id, ``both`` or ``incident``),
    ``rejected_by.<who>`` (shares of all draws) and ``rejection_cause.<cause>`` (shares
    of the rejections).
    """
    out: dict[str, float] = {"p_breaks_within_horizon": summary.get("p_breaks_within_horizon")}
    for prefix, key in (
        ("broken_by", "breakdown_by_actor"),
        ("cause", "breakdown_by_cause"),
        ("rejected_by", "rejected_by"),
        ("rejection_cause", "rejection_cause"),
    ):
        for name, share in (summary.get(key) or {}).items():
            out[f"{prefix}.{name}"] = share
    return out


#: (label, column) of the headline rows a side-by-side table prints, in order.
HEADLINE_ROWS = (
    ("accepted", "p_accepted"),
    ("holds 1y", "p_holds_1y"),
    ("holds 2y", "p_holds_2y"),
    ("holds 5y", "p_holds_5y"),
    ("holds 10y", "p_holds_10y"),
)


def load(
    results_or_dirs: Result | str | os.PathLike | Iterable[Result | str | os.PathLike],
) -> list[Result]:
    """Results as given, folders loaded (without their draws tables).

    Raises :class:`ResultError` for the first folder that is not a complete result,
    before any other work, and :class:`TypeError` for anything that is neither.
    """
    if isinstance(results_or_dirs, (Result, str, os.PathLike)):
        results_or_dirs = [results_or_dirs]
    if not isinstance(results_or_dirs, Iterable):
        raise TypeError(
            "expected Results or result folders (a list of them), "
            f"got {type(results_or_dirs).__name__}"
        )
    out = []
    for item in results_or_dirs:
        if isinstance(item, Result):
            out.append(item)
        elif isinstance(item, (str, os.PathLike)):
            out.append(load_result(item, draws=False))
        else:
            raise TypeError(f"expected a Result or a result folder, got {type(item).__name__}")
    if not out:
        raise ResultError("nothing to compare: give at least one result folder")
    return out


def run_labels(results: Sequence[Result]) -> list[str]:
    """Short unique labels: a run's ``--label``; else its folder name (saved runs) or
    scenario name, followed by its changes in brackets; made unique with a number."""
    labels = []
    for r in results:
        if r.label:
            labels.append(cap(r.label, LABEL_CHARS))
            continue
        base = Path(r.path).name if r.path is not None else r.name
        changes = result_changes(r)
        labels.append(cap(f"{base} [{', '.join(changes)}]" if changes else base, LABEL_CHARS))
    given = list(labels)
    seen: dict[str, int] = {}
    for i, label in enumerate(given):
        if given.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            labels[i] = f"{label} #{seen[label]}"
    return labels


def compare(
    results_or_dirs, *, labels: Sequence[str] | None = None, formatted: bool = True
) -> pd.DataFrame:
    """Headline figures of several runs side by side.

    Parameters
    ----------
    results_or_dirs
        :class:`Result` objects and/or result folders written by ``sim run`` or
        :meth:`Result.save`.
    labels
        Run labels; by default :func:`run_labels`.
    formatted
        True (the default): text for reading, one column per run (see
        :func:`formatted_table`). False: numbers, one row per run.

    Returns
    -------
    DataFrame
        Numeric: index ``run``; columns ``title``, ``label``, ``changes`` (joined with
        ``; ``), ``draws``, ``seed``, the columns of :func:`headline_figures` (NaN where
        a run's horizon is shorter), then those of :func:`outcome_figures`.
    """
    results = load(results_or_dirs)
    if labels is not None and (isinstance(labels, str) or not isinstance(labels, Sequence)):
        raise TypeError(f"labels must be a list of text, one per run, got {type(labels).__name__}")
    labels = [str(x) for x in labels] if labels is not None else run_labels(results)
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels for {len(results)} runs")
    table = _numeric(results, labels)
    return formatted_table(table, results) if formatted else table


def _numeric(results: list[Result], labels: list[str]) -> pd.DataFrame:
    rows = []
    for r in results:
        s = r.summary
        rows.append(
            {
                "title": r.title,
                "label": r.label,
                "changes": "; ".join(result_changes(r)),
                "draws": s.get("draws"),
                "seed": s.get("seed"),
                **headline_figures(s),
                **outcome_figures(s),
            }
        )
    table = pd.DataFrame(rows, index=pd.Index(labels, name="run"))
    # one column order for all runs, even when their horizons or actors differ
    first = ["title", "label", "changes", "draws", "seed"]
    first += ["p_accepted", "p_accepted_ci_low", "p_accepted_ci_high"]
    holds = sorted({c for c in table.columns if c.startswith("p_holds_")}, key=_holds_order)
    rest = [c for c in table.columns if c not in first and c not in holds]
    rest.remove("median_duration_years")
    return table[first + holds + ["median_duration_years", *rest]]


def _holds_order(column: str) -> tuple[int, int, int]:
    """p_holds_1y, its ci_low, ci_high, p_holds_2y, ...; then p_holds_if_accepted_1y, ..."""
    cond = column.startswith("p_holds_if_accepted_")
    rest = column.removeprefix("p_holds_if_accepted_" if cond else "p_holds_")
    parts = rest.split("_")  # 5y[, ci, low|high]
    years = int(parts[0].rstrip("y"))
    return int(cond), years, ("", "low", "high").index(parts[2] if len(parts) > 2 else "")


def _pct(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1%}"


def _interval(table: pd.DataFrame, col: str, run: str) -> str:
    v = table.at[run, col] if col in table.columns else float("nan")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    lo, hi = table.at[run, f"{col}_ci_low"], table.at[run, f"{col}_ci_high"]
    return f"{v:.1%} ({lo:.1%}–{hi:.1%})"


def _who(results: list[Result], name: str) -> str:
    """An actor's label from the runs' summaries (``both`` and ``incident`` as they are)."""
    for r in results:
        labels = r.summary.get("actor_labels") or {}
        if name in labels:
            return str(labels[name])
    return name


def formatted_table(table: pd.DataFrame, results: list[Result]) -> pd.DataFrame:
    """The numeric comparison as text for reading: one column per run, one row per figure.

    Probabilities are percentages with one decimal, headline figures with their 95%
    interval; ``–`` where a run has no such figure (a shorter horizon, other actors).
    """
    runs = list(table.index)
    rows: dict[str, list[str]] = {}
    holds = [
        c for c in table.columns if c.startswith("p_holds_") and not c.endswith(("_low", "_high"))
    ]
    for col in ["p_accepted", *[c for c in holds if "if_accepted" not in c]]:
        name = "accepted" if col == "p_accepted" else f"holds {col.removeprefix('p_holds_')}"
        rows[name] = [_interval(table, col, r) for r in runs]
    for col in [c for c in holds if "if_accepted" in c]:
        k = col.removeprefix("p_holds_if_accepted_")
        rows[f"holds {k} if accepted"] = [_pct(table.at[r, col]) for r in runs]
    rows["median duration if accepted"] = [
        "beyond the horizon"
        if math.isnan(table.at[r, "median_duration_years"])
        else f"{table.at[r, 'median_duration_years']:g} years"
        for r in runs
    ]
    rows["breaks within the horizon"] = [_pct(table.at[r, "p_breaks_within_horizon"]) for r in runs]
    for prefix, what in (
        ("broken_by.", "broken by {} (of breakdowns)"),
        ("cause.", "breakdown cause: {} (of breakdowns)"),
        ("rejected_by.", "rejected by {} (of draws)"),
        ("rejection_cause.", "rejection cause: {} (of rejections)"),
    ):
        for col in [c for c in table.columns if c.startswith(prefix)]:
            values = table[col].astype(float)
            if (values.fillna(0) == 0).all():
                continue  # a category no run has
            name = col.removeprefix(prefix)
            label = name if prefix.startswith(("cause", "rejection")) else _who(results, name)
            rows[what.format(label)] = [_pct(table.at[r, col]) for r in runs]
    rows["draws"] = [f"{int(table.at[r, 'draws']):,}" for r in runs]
    rows["seed"] = [str(table.at[r, "seed"]) for r in runs]
    rows["title"] = [str(table.at[r, "title"]) for r in runs]
    rows["changes"] = [str(table.at[r, "changes"]) or "none" for r in runs]
    out = pd.DataFrame(rows, index=runs).T
    out.index.name = "figure"
    out.columns.name = "run"
    return out
