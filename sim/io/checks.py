"""The probability guard: nothing that is not a finite probability is written as one.

:func:`check_result` runs before a result folder is written and :func:`check_draws` on
every chunk of the draws table, so a NaN, an infinity or a value outside [0, 1] (the
mark of parameters at the edge of floating point) stops the write with a message,
instead of becoming a result that looks complete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import ResultError

if TYPE_CHECKING:
    from sim.io.result import Result

__all__ = [
    "NULLABLE_COLUMNS",
    "PROBABILITY_COLUMNS",
    "check_draws",
    "check_result",
    "probability_problems",
]

#: Draws-table columns that hold probabilities or shares in [0, 1] (``p_holds.<t>``: the
#: survival curves of ``curves.parquet``). ``nash_share_a`` is missing (null) where no
#: split gives both sides their war value (an empty bargaining set); every other one must
#: be present.
PROBABILITY_COLUMNS = (
    "p_holds_",
    "p_holds.",
    "p_accepted",
    "win_prob_",
    "fearon_low",
    "fearon_high",
    "terms_share_a",
    "nash_share_a",
)
NULLABLE_COLUMNS = ("nash_share_a",)
#: Summary entries that hold probabilities (nested dicts of them), none of them null.
SUMMARY_PROBABILITIES = (
    "p_accepted",
    "p_holds",
    "p_holds_end",
    "p_breaks_within_horizon",
    "breakdown_by_actor",
    "breakdown_by_cause",
    "rejected_by",
    "rejection_cause",
)
_SLACK = 1e-9

_INVALID_ADVICE = (
    "nothing was written. Parameters at the edge of what floating point can represent "
    "(a discount within 1e-12 of 1, costs or flows near 1e300) can do this: bring them "
    "back into range; if they are sensible, please report it as a bug with the scenario"
)


def _bad_probability(values: Any, nullable: bool = False) -> str | None:
    v = np.asarray(values, dtype=float)
    if nullable:
        v = v[~np.isnan(v)]
    if v.size == 0:
        return None
    if not np.all(np.isfinite(v)):
        return "NaN" if np.isnan(v).any() else "infinite"
    lo, hi = float(v.min()), float(v.max())
    if lo < -_SLACK or hi > 1 + _SLACK:
        return f"{lo if lo < -_SLACK else hi!r}, outside [0, 1]"
    return None


def check_draws(frame: pd.DataFrame) -> None:
    """Raise :class:`ResultError` if a probability column of a draws table is invalid.

    The columns are those starting with one of :data:`PROBABILITY_COLUMNS`; those of
    :data:`NULLABLE_COLUMNS` may be missing (NaN).
    """
    for col in frame.columns:
        if isinstance(col, str) and col.startswith(PROBABILITY_COLUMNS):
            bad = _bad_probability(
                frame[col].to_numpy(dtype=float, na_value=float("nan")), col in NULLABLE_COLUMNS
            )
            if bad:
                raise ResultError(
                    f"the draws table has a probability that is {bad} in column {col}; "
                    f"{_INVALID_ADVICE}"
                )


def check_result(result: Result) -> None:
    """Raise :class:`ResultError` if any probability of ``result`` is not finite in [0, 1].

    Checked: every estimate and interval of ``summary`` (``p_holds_if_accepted`` may be
    null when no draw accepted the terms), the survival and breakdown tables
    (``survival_if_accepted`` may be empty for the same reason), and the draws table if
    it is held in memory.
    """
    problems = probability_problems(result)
    if problems:
        raise ResultError(
            "the run produced invalid probabilities ("
            + "; ".join(problems[:5])
            + f"); {_INVALID_ADVICE}"
        )
    if result.draws is not None and len(result.draws.columns):
        check_draws(result.draws)


def probability_problems(result: Result) -> list[str]:
    """Each probability of the summary, survival and breakdown tables that is not finite
    in [0, 1], as ``survival.csv column survival is 1.5, outside [0, 1]``."""
    problems = _summary_problems(result.summary or {})
    for table, name, nullable in (
        (result.survival, "survival.csv", ("survival_if_accepted",)),
        (result.breakdown, "breakdown.csv", ()),
    ):
        if table is None:
            continue
        for col in table.columns:
            if col in ("period", "years"):
                continue
            try:
                bad = _bad_probability(table[col].to_numpy(dtype=float), col in nullable)
            except (TypeError, ValueError):
                bad = "not a number"
            if bad:
                problems.append(f"{name} column {col} is {bad}")
    return problems


def _summary_problems(s: dict) -> list[str]:
    problems: list[str] = []

    def visit(value: Any, path: str, nullable: bool) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                visit(v, f"{path}.{k}", nullable)
        elif value is None:
            if not nullable:
                problems.append(f"{path} is missing")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            bad = _bad_probability([value])
            if bad:
                problems.append(f"{path} is {bad}")

    for key in SUMMARY_PROBABILITIES:
        if key in s:
            visit(s[key], key, False)
    if "p_holds_if_accepted" in s:
        visit(s["p_holds_if_accepted"], "p_holds_if_accepted", True)
    return problems
