"""Sensitivity: how the answer moves between the lowest and highest quarter of each belief.

::

    table = sim.analysis.sensitivity_table(result)   # largest swing first

For each sampled assumption (a key path of the draws table) the draws are split into the
lowest and highest quarter of its sampled values, and the mean of the target (the
probability that the ceasefire holds five years, else the longest horizon) is taken over
each. This is a one-at-a-time reading of a Monte Carlo sample: it needs no extra runs,
and the other assumptions vary inside each quarter, so a swing is what that assumption
moves on average over the others. A sampled selection rule (``solver.selection:
choice([...])``, the draws column ``solver.selection``) is a categorical assumption: its
row compares the rule under which the target is lowest with the one under which it is
highest (``min`` and ``max`` hold their indices in :func:`rule_levels`). The alternative,
a variance decomposition (Sobol indices), needs a designed sample several times larger;
the tornado (:func:`sim.plots.plot_sensitivity`) draws this table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.io import draw_columns, read_draws
from sim.names import SELECTION_KEY
from sim.scenario import readable_key

__all__ = [
    "COLUMNS",
    "categorical_columns",
    "category_codes",
    "parameter_columns",
    "rule_levels",
    "sensitivity_table",
    "target_column",
]

#: The columns of a sensitivity table.
COLUMNS = (
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
)
#: Key path prefixes of sampled assumptions, when a result has no scenario to ask.
_PARAMETER_PREFIXES = ("actors.", "regions.", "terms.", "war.", "events.", "mechanisms.")


def target_column(columns: Sequence[str]) -> str | None:
    """p_holds_5y, else the longest p_holds_<k>y available, else p_holds_end (or None)."""
    if "p_holds_5y" in columns:
        return "p_holds_5y"
    holds = [
        c for c in columns if c.startswith("p_holds_") and c.endswith("y") and c[8:-1].isdigit()
    ]
    if holds:
        return max(holds, key=lambda c: int(c[8:-1]))
    return "p_holds_end" if "p_holds_end" in columns else None


def parameter_columns(result: Any, columns: Sequence[str]) -> list[str]:
    """The sampled assumptions among ``columns``: the scenario's uncertain key paths.

    Without a scenario (a result whose scenario no longer parses), every column that
    looks like a key path of the scenario format.
    """
    scn = getattr(result, "scenario", None)
    if scn is not None:
        return [k for k in scn.uncertain() if k in columns]
    return [c for c in columns if c.startswith(_PARAMETER_PREFIXES)]


def categorical_columns(columns: Sequence[str]) -> list[str]:
    """The sampled assumptions among ``columns`` that are names, not numbers: the selection
    rule when the run sampled it (``solver.selection``)."""
    return [SELECTION_KEY] if SELECTION_KEY in columns else []


def rule_levels(result: Any, values: Any = ()) -> list[str]:
    """The rules of a sampled selection, in the order written: from ``summary.json``
    (``solver.selection_weights``), else the scenario, else the sorted ``values`` seen."""
    summary = getattr(result, "summary", None) or {}
    weights = (summary.get("solver") or {}).get("selection_weights")
    if isinstance(weights, dict) and weights:
        return list(weights)
    scn = getattr(result, "scenario", None)
    rule = getattr(scn, "sampled_selection", None) if scn is not None else None
    if rule is not None:
        return list(rule.values)
    return sorted({str(v) for v in values if isinstance(v, str)})


def category_codes(result: Any, values: pd.Series) -> np.ndarray:
    """Each draw's rule as its index in :func:`rule_levels` (float; NaN if missing)."""
    levels = rule_levels(result, values.dropna().unique())
    codes = pd.Categorical(values.astype("object"), categories=levels).codes
    return np.where(codes >= 0, codes, np.nan).astype(float)


def sensitivity_table(result: Any, target: str | None = None) -> pd.DataFrame:
    """How the target moves between the lowest and highest quarter of each assumption.

    One row per sampled parameter (key path), largest swing first, with the mean of
    ``target`` (default ``p_holds_5y``, else the longest horizon) over the draws in the
    lowest and highest quarter of that parameter's sampled values, their 95% intervals,
    and the range of the parameter. ``attrs["target"]`` and ``attrs["baseline"]`` hold
    the target column and its mean over all draws. The draws come from memory or from
    the result's folder (:func:`sim.io.read_draws`).
    """
    columns = draw_columns(result)
    target = target or target_column(columns)
    params = parameter_columns(result, columns)
    if target is None or target not in columns:
        table = pd.DataFrame(columns=list(COLUMNS))
        table.attrs.update(target=target, baseline=np.nan)
        return table
    cats = categorical_columns(columns)
    d = read_draws(result, [*params, *cats, target])
    y = d[target].to_numpy(float) if target in d else np.array([])
    rows = [row for key in params if (row := _quarters(key, d[key].to_numpy(float), y))]
    rows += [row for key in cats if (row := _levels(key, category_codes(result, d[key]), y))]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    if len(table):
        table = table.reindex(
            table["swing"].abs().sort_values(ascending=False, kind="stable").index
        )
        table = table.reset_index(drop=True)
    table.attrs.update(target=target, baseline=float(np.mean(y)) if len(y) else np.nan)
    return table


def _quarters(key: str, x: np.ndarray, y: np.ndarray) -> dict[str, Any] | None:
    """The row of one assumption, or None if it hardly varies or has too few draws."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, yk = x[ok], y[ok]
    if len(x) < 8 or x.min() == x.max():
        return None
    q25, q75 = np.quantile(x, [0.25, 0.75])
    low, high = x <= q25, x >= q75
    if q25 == q75:  # a discrete assumption: split at that value
        low, high = (x <= q25, x > q25) if q25 < x.max() else (x < q25, x >= q25)
    if not low.any() or not high.any():
        return None
    m_lo, m_hi = yk[low].mean(), yk[high].mean()
    return {
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


def _levels(key: str, codes: np.ndarray, y: np.ndarray) -> dict[str, Any] | None:
    """The row of a categorical assumption: the level with the lowest mean target against
    the one with the highest (None with fewer than two levels or eight draws)."""
    ok = np.isfinite(codes) & np.isfinite(y)
    codes, yk = codes[ok], y[ok]
    levels = np.unique(codes)
    if len(codes) < 8 or len(levels) < 2:
        return None
    means = np.array([yk[codes == c].mean() for c in levels])
    lo, hi = levels[int(np.argmin(means))], levels[int(np.argmax(means))]
    low, high = codes == lo, codes == hi
    return {
        "key": key,
        "name": readable_key(key),
        "low": float(means.min()),
        "high": float(means.max()),
        "low_ci": _half_width(yk[low]),
        "high_ci": _half_width(yk[high]),
        "swing": float(means.max() - means.min()),
        "min": float(lo),
        "max": float(hi),
        "n_low": int(low.sum()),
        "n_high": int(high.sum()),
    }


def _half_width(v: np.ndarray) -> float:
    return float(1.959963984540054 * v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else 0.0
