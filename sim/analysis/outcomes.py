"""The outcomes of a draw that sensitivity and scenario discovery explain.

An *outcome* names a column of the draws table, per draw a probability or a 0/1 flag:

* ``holds_1y``, ``holds_2y``, ``holds_5y``, ``holds_10y`` (those within the horizon):
  ``p_holds_<k>y``, the probability that the draw's ceasefire is accepted and still holds
  after k years (an expectation over incidents and the draw's stage games, so a number
  between 0 and 1, not a 0/1 story);
* ``holds_end``: ``p_holds_end``, still holding at the end of the horizon;
* ``accepted``: ``accepted``, 1 if the draw's proposal is accepted at t = 0.

:func:`outcome_values` gives the values of one, :func:`outcome_choices` those a result
has, and :func:`outcome_phrase` the words a finding uses for it ("the ceasefire still
holds after 5 years"), for the outcome itself (``target="holds"``) or its complement
(``"breaks"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.io import draw_columns, read_draws
from sim.names import PERIODS_PER_YEAR

__all__ = [
    "DEFAULT_OUTCOME",
    "TARGETS",
    "default_outcome",
    "outcome_choices",
    "outcome_column",
    "outcome_phrase",
    "outcome_short",
    "outcome_values",
    "target_word",
]

#: The outcome explained by default.
DEFAULT_OUTCOME = "holds_5y"
#: What is explained: the outcome itself, or its complement.
TARGETS = ("holds", "breaks")


def outcome_column(outcome: str) -> str:
    """The draws column of an outcome: ``holds_5y`` -> ``p_holds_5y``."""
    return outcome if outcome == "accepted" else f"p_{outcome}"


def outcome_choices(columns: Sequence[str]) -> list[str]:
    """The outcomes a draws table with ``columns`` can explain, shortest horizon first."""
    holds = [c[2:] for c in columns if c.startswith("p_holds_") and c[8:-1].isdigit()]
    holds.sort(key=lambda c: int(c[6:-1]))
    end = ["holds_end"] if "p_holds_end" in columns else []
    return [*holds, *end, *(["accepted"] if "accepted" in columns else [])]


def default_outcome(columns: Sequence[str]) -> str | None:
    """``holds_5y``, else the longest horizon a draws table has, else ``holds_end`` or
    ``accepted`` (None for a table without outcomes)."""
    choices = outcome_choices(columns)
    if DEFAULT_OUTCOME in choices:
        return DEFAULT_OUTCOME
    holds = [c for c in choices if c not in ("holds_end", "accepted")]
    return holds[-1] if holds else (choices[0] if choices else None)


def outcome_values(result: Any, outcome: str, *, rows: int | None = None) -> np.ndarray:
    """The outcome per draw as floats in [0, 1] (of the first ``rows`` draws if given).

    Raises
    ------
    ValueError
        Naming the outcomes the result has, when it has not this one.
    """
    choices = outcome_choices(draw_columns(result))
    if outcome not in choices:
        allowed = ", ".join(choices) or "none (the result has no draws table)"
        raise ValueError(f"outcome must be one of {allowed} (got {outcome!r})")
    col = outcome_column(outcome)
    return read_draws(result, [col], rows=rows)[col].to_numpy(dtype=float)


def outcome_phrase(outcome: str, target: str, summary: dict | None = None) -> str:
    """How a finding says that a draw has the outcome (``target="holds"``) or not.

    ``holds_5y``: "the ceasefire still holds after 5 years" / "the ceasefire does not
    last 5 years (rejected or broken)"; ``accepted``: "the proposal is accepted" / "the
    proposal is rejected"; ``holds_end`` names the horizon from the run's ``summary``.
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)} (got {target!r})")
    holds = target == "holds"
    if outcome == "accepted":
        return "the proposal is accepted" if holds else "the proposal is rejected"
    if outcome == "holds_end":
        span = _horizon_text(summary or {})
        return (
            f"the ceasefire still holds at the end of {span}"
            if holds
            else f"the ceasefire does not last {span} (rejected or broken)"
        )
    k = int(outcome[6:-1])
    years = f"{k} year{'s' if k != 1 else ''}"
    if holds:
        return f"the ceasefire still holds after {years}"
    return f"the ceasefire does not last {years} (rejected or broken)"


def outcome_short(outcome: str, target: str) -> str:
    """The outcome in two or three words, after "those in which": "it holds", "it does not"."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)} (got {target!r})")
    if outcome == "accepted":
        return "it is accepted" if target == "holds" else "it is rejected"
    return "it holds" if target == "holds" else "it does not"


def target_word(outcome: str, target: str) -> str:
    """One word for a target in tables and legends: holds/breaks, accepted/rejected."""
    if outcome == "accepted":
        return "accepted" if target == "holds" else "rejected"
    return target


def _horizon_text(summary: dict) -> str:
    """``the 12-year horizon`` from a run's summary, else ``the horizon``."""
    periods, period = summary.get("horizon_periods"), summary.get("period")
    if periods and period in PERIODS_PER_YEAR:
        return f"the {periods / PERIODS_PER_YEAR[period]:g}-year horizon"
    return "the horizon"
