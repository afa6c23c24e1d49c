"""What a result folder's files must hold: a loaded result is checked, never trusted.

The sha256s of the manifest show that the files are the ones listed, not that they make
sense: a ``summary.json`` edited by hand (its hash recomputed) could say "accepted
500.0%", and one without ``p_holds`` would fail deep inside ``sim show``. So
:func:`sim.io.load_result` checks what it read against the structure and ranges below
(:func:`result_problems`) and refuses, naming the first problems, what does not conform.

The structure is stated here by hand, as the keys and types that readers of a result
(``sim show``, ``sim compare``, the plots) rely on; keys this version does not know are
allowed, so a result written by a later version still loads. A judgement: a hand-written
check rather than a JSON Schema validated by ``jsonschema``, which is a test dependency
only and would be one more package to install for reading a result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from sim.io.checks import check_draws, probability_problems
from sim.names import CAUSES, PERIODS_PER_YEAR

__all__ = [
    "REQUIRED_COLUMNS",
    "draws_problems",
    "result_problems",
    "summary_problems",
    "table_problems",
]

_SLACK = 1e-9
_HORIZON_LABEL = re.compile(r"[0-9]+y")

#: Columns every loaded table must have (the plots and ``sim compare`` read them).
REQUIRED_COLUMNS = {
    "survival.csv": ("period", "years", "survival", "ci_low", "ci_high"),
    "breakdown.csv": ("period", "years"),
    "power.csv": ("state", "period", "years", "median", "q05", "q25", "q75", "q95"),
}


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_whole(v: Any, lo: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= lo


def _probability(v: Any) -> str | None:
    if not _is_number(v):
        return f"is {v!r}, not a number" if not isinstance(v, str) else "is text, not a number"
    if v < -_SLACK or v > 1 + _SLACK:
        return f"is {v!r} ({v:.1%}), outside [0, 1]"
    return None


def _interval(v: Any) -> str | None:
    if not isinstance(v, dict):
        return "is not an estimate with its interval"
    for part in ("estimate", "ci_low", "ci_high"):
        if part not in v:
            return f"has no {part}"
        bad = _probability(v[part])
        if bad:
            return f"{part} {bad}"
    if not v["ci_low"] - _SLACK <= v["estimate"] <= v["ci_high"] + _SLACK:
        return "has an estimate outside its interval"
    return None


def _mapping_of(check: Callable[[Any], str | None], *, nullable: bool = False):
    def inner(v: Any) -> str | None:
        if not isinstance(v, dict):
            return "is not a mapping"
        for k, item in v.items():
            if item is None and nullable:
                continue
            bad = check(item)
            if bad:
                return f"{k} {bad}"
        return None

    return inner


def _text(v: Any) -> str | None:
    return None if isinstance(v, str) else "is not text"


def _kind(test: Callable[[Any], bool], what: str) -> Callable[[Any], str | None]:
    return lambda v: None if test(v) else f"is {v!r}, not {what}"


#: key -> its check (None: fine), for the keys every summary has.
REQUIRED: dict[str, Callable[[Any], str | None]] = {
    "title": _text,
    "period": _kind(lambda v: v in PERIODS_PER_YEAR, f"one of {', '.join(PERIODS_PER_YEAR)}"),
    "horizon_periods": _kind(lambda v: _is_whole(v, 1), "a whole number >= 1"),
    "draws": _kind(lambda v: _is_whole(v, 1), "a whole number >= 1"),
    "seed": _kind(lambda v: _is_whole(v, 0), "a whole number >= 0"),
    "sampler": _text,
    "solver": _kind(lambda v: isinstance(v, dict) and "selection" in v, "the solver settings"),
    "p_accepted": _interval,
    "p_holds": _mapping_of(_interval),
    "p_breaks_within_horizon": _probability,
    "breakdown_by_actor": _mapping_of(_probability),
    "breakdown_by_cause": _mapping_of(_probability),
    "rejected_by": _mapping_of(_probability),
    "rejection_cause": _mapping_of(_probability),
}
#: key -> its check, for keys a summary may leave out (or set to null).
OPTIONAL: dict[str, Callable[[Any], str | None]] = {
    "scenario": _text,
    "actors": _kind(
        lambda v: isinstance(v, list) and len(v) == 2 and all(isinstance(a, str) for a in v),
        "two actor ids",
    ),
    "actor_labels": _mapping_of(_text),
    "p_holds_if_accepted": _mapping_of(_probability, nullable=True),
    "p_holds_end": _interval,
    "median_duration_periods": _kind(lambda v: _is_whole(v, 0), "a whole number of periods"),
    "median_duration_years": _kind(lambda v: _is_number(v) and v >= 0, "a number of years"),
    "median_duration_note": _text,
    "label": _text,
    "changes": _kind(
        lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v), "a list of text"
    ),
}


def summary_problems(summary: Any) -> list[str]:
    """What is wrong with the contents of a ``summary.json`` (empty when nothing is)."""
    if not isinstance(summary, dict):
        return ["summary.json is not a JSON object"]
    problems = [f"summary.json has no {k}" for k in REQUIRED if k not in summary]
    for key, check in (*REQUIRED.items(), *OPTIONAL.items()):
        if key in summary and not (summary[key] is None and key in OPTIONAL):
            bad = check(summary[key])
            if bad:
                problems.append(f"summary.json: {key} {bad}")
    for label in (summary.get("p_holds") or {}) if isinstance(summary.get("p_holds"), dict) else ():
        if not _HORIZON_LABEL.fullmatch(str(label)):
            problems.append(f"summary.json: p_holds has an unknown horizon {label!r}")
    return problems


def table_problems(name: str, table: pd.DataFrame, summary: dict) -> list[str]:
    """What is wrong with a loaded table: a missing or non-numeric column, a wrong length."""
    problems = [f"{name} has no column {c}" for c in REQUIRED_COLUMNS[name] if c not in table]
    for col in REQUIRED_COLUMNS[name]:
        if col in table and col != "state" and not pd.api.types.is_numeric_dtype(table[col]):
            problems.append(f"{name}: column {col} is not numeric")
    horizon = summary.get("horizon_periods")
    if name == "survival.csv" and _is_whole(horizon, 1) and len(table) != horizon + 1:
        problems.append(f"{name} has {len(table)} rows for a horizon of {horizon} periods")
    return problems


def result_problems(result: Any) -> list[str]:
    """Every problem of a loaded result's summary and tables, then of its probabilities."""
    problems = summary_problems(result.summary)
    if problems:
        return problems
    for name, table in (
        ("survival.csv", result.survival),
        ("breakdown.csv", result.breakdown),
        ("power.csv", result.power),
    ):
        problems += table_problems(name, table, result.summary)
    if problems:
        return problems
    problems = probability_problems(result)
    for name, table in (("draws.parquet", result.draws), ("curves.parquet", result.curves)):
        if problems or table is None or not len(table.columns):
            continue
        try:
            check_draws(table)
        except ValueError as exc:  # ResultError naming the column
            problems.append(f"{name}: " + str(exc).split("; nothing was written")[0])
    if not problems and result.draws is not None and len(result.draws.columns):
        problems += draws_problems(result.draws, result.summary.get("actors") or [])
    return problems


#: The story columns of the draws table: when each applies, and the values it may take
#: (``actors``: the actor ids). Elsewhere each is missing (NA), never ``''``.
_STORY = {
    "rejected_by": ("rejected", ("actors", "both")),
    "rejection_cause": ("rejected", CAUSES),
    "breaker": ("broke", ("actors", "both", "incident")),
    "cause": ("broke", CAUSES),
}


def draws_problems(draws: pd.DataFrame, actors: list[str]) -> list[str]:
    """Each way the story columns of a draws table break the format of README.md
    ("Reading the output"): a value outside its categories (``none`` or ``''`` as a
    breaker, as tables written before the tidy format had), or a value present where the
    column does not apply (a rejection cause for an accepted draw) or missing where it
    does."""
    problems: list[str] = []
    if "accepted" not in draws or "break_period" not in draws:
        return ["draws.parquet has no column accepted or break_period"]
    where = {
        "rejected": ~draws["accepted"].astype(bool).to_numpy(),
        "broke": draws["break_period"].notna().to_numpy(),
    }
    for col, (applies, allowed) in _STORY.items():
        if col not in draws:
            problems.append(f"draws.parquet has no column {col}")
            continue
        values = draws[col]
        present = values.notna().to_numpy()
        names = {*(actors if "actors" in allowed else ()), *(a for a in allowed if a != "actors")}
        bad = sorted({str(v) for v in values[present]} - names)
        if bad:
            problems.append(
                f"draws.parquet column {col} holds {', '.join(map(repr, bad[:3]))}, not one "
                f"of {', '.join(sorted(names))} (a table written before the tidy format; "
                "run it again)"
            )
        elif (present != where[applies]).any():
            problems.append(
                f"draws.parquet column {col} is not present exactly where the draw is "
                f"{applies} (missing, NA, elsewhere)"
            )
    return problems
