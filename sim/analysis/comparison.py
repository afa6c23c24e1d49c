"""Compare saved runs: their headline figures side by side.

::

    table = sim.compare(["results/freeze_lines", "results/limited_aims"])

gives one row per run (labelled by its folder name, or its scenario name) with the
headline figures and their 95% intervals, in the same columns as a sweep table
(:func:`headline_figures`). :func:`sim.plots.plot_compare` overlays the survival curves.
Folders that are not complete results are refused with
:class:`sim.io.ResultError` before anything is compared.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from sim.io import Result, ResultError, load_result

__all__ = ["compare", "load", "run_labels", "headline_figures", "HEADLINE_ROWS"]


def headline_figures(summary: dict) -> dict[str, Any]:
    """The headline figures of one run as flat columns.

    ``p_accepted``, ``p_accepted_ci_low``, ``p_accepted_ci_high``, then
    ``p_holds_<k>``, ``p_holds_<k>_ci_low``, ``p_holds_<k>_ci_high`` for each headline
    horizon (1y, 2y, 5y, 10y within the scenario's horizon), and
    ``median_duration_years`` of an accepted ceasefire (NaN when more than half of
    accepted ceasefires outlast the horizon, or none is accepted).
    """
    out: dict[str, Any] = {}
    items = [("p_accepted", summary["p_accepted"])]
    items += [(f"p_holds_{k}", v) for k, v in summary["p_holds"].items()]
    for name, v in items:
        out[name] = v["estimate"]
        out[f"{name}_ci_low"] = v["ci_low"]
        out[f"{name}_ci_high"] = v["ci_high"]
    med = summary.get("median_duration_years")
    out["median_duration_years"] = float("nan") if med is None else float(med)
    return out


#: (label, column) of the rows a side-by-side table prints.
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
    before any other work.
    """
    if isinstance(results_or_dirs, (Result, str, os.PathLike)):
        results_or_dirs = [results_or_dirs]
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
    """Short unique labels: the folder name (saved runs) or the scenario name, made
    unique with the run's overrides, then with a number."""
    base = [Path(r.path).name if r.path is not None else r.name for r in results]
    labels = list(base)
    for i, label in enumerate(base):
        scn = results[i].scenario
        if base.count(label) > 1 and scn is not None and scn.overrides:
            labels[i] = f"{label} [{', '.join(f'{k}={v}' for k, v in scn.overrides)}]"
    seen: dict[str, int] = {}
    for i, label in enumerate(labels):
        if labels.count(label) > 1:
            seen[label] = seen.get(label, 0) + 1
            labels[i] = f"{label} #{seen[label]}"
    return labels


def compare(results_or_dirs, *, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Headline figures of several runs side by side: one row per run.

    Parameters
    ----------
    results_or_dirs
        :class:`Result` objects and/or result folders written by ``sim run`` or
        :meth:`Result.save`.
    labels
        Row labels; by default :func:`run_labels`.

    Returns
    -------
    DataFrame
        Index ``run``; columns ``title``, ``draws``, ``seed``, then the columns of
        :func:`headline_figures` (NaN where a run's horizon is shorter).
    """
    results = load(results_or_dirs)
    labels = list(labels) if labels is not None else run_labels(results)
    if len(labels) != len(results):
        raise ValueError(f"{len(labels)} labels for {len(results)} runs")
    rows = []
    for r in results:
        s = r.summary
        rows.append(
            {
                "title": r.title,
                "draws": s.get("draws"),
                "seed": s.get("seed"),
                **headline_figures(s),
            }
        )
    table = pd.DataFrame(rows, index=pd.Index(labels, name="run"))
    # one column order for all runs, even when their horizons differ
    first = ["title", "draws", "seed", "p_accepted", "p_accepted_ci_low", "p_accepted_ci_high"]
    holds = sorted({c for c in table.columns if c.startswith("p_holds_")}, key=_holds_order)
    return table[first + holds + ["median_duration_years"]]


def _holds_order(column: str) -> tuple[int, int]:
    """p_holds_1y, its ci_low, ci_high, then p_holds_2y, ..."""
    parts = column.split("_")  # p, holds, 5y[, ci, low|high]
    return int(parts[2].rstrip("y")), ("", "low", "high").index(parts[4] if len(parts) > 4 else "")
