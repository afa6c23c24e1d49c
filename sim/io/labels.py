"""Changed runs say so: a run's label, and what makes it differ from its scenario file.

A run made with ``--set`` keeps its scenario's title, so without more it cannot be told
from the baseline in ``sim show``, ``sim compare`` or a plot. Two things travel with every
run, in ``summary.json`` (``label``, ``changes``) and the manifest:

* its **label** (``sim run --label TEXT``, ``sim.run(..., label=...)``): a name the user
  gives it, at most :data:`MAX_LABEL_CHARS` characters of one line;
* its **changes**: one short text per way the run differs from the file, such as
  ``war.first_strike=0`` for ``--set war.first_strike=0``.

Changes are described by the functions of :data:`CHANGE_DESCRIBERS`, each taking the run's
scenario and returning its texts. ``--set`` is the first; another kind of change (say
``--without MECHANISM``) is one more function appended there, and every place that shows
changes (subtitles, compare labels, ``sim show``) shows it too. A judgement: a list of
describers rather than a fixed field per kind of change, so that the summary's ``changes``
stays one list of text that older readers can show without knowing the new kind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sim.beliefs.literals import format_number
from sim.text import cap, text_problem

__all__ = [
    "CHANGE_CHARS",
    "CHANGE_DESCRIBERS",
    "MAX_LABEL_CHARS",
    "annotate",
    "check_label",
    "format_value",
    "result_changes",
    "run_changes",
    "selection_text",
    "set_changes",
    "subtitle",
]

#: Longest label of a run (one line).
MAX_LABEL_CHARS = 80
#: Longest text of one change as shown (a long distribution is cut with ``…``).
CHANGE_CHARS = 60


def format_value(value: Any) -> str:
    """An override's value as written on the command line: ``0``, ``uniform(0, 0.2)``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (str, int)):
        return str(value)
    if value is None:
        return "null"
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def set_changes(scenario: Any) -> list[str]:
    """``KEY=VALUE`` for each ``--set`` override of ``scenario`` (in the order given)."""
    overrides = getattr(scenario, "overrides", None) or ()
    return [cap(f"{k}={format_value(v)}", CHANGE_CHARS) for k, v in overrides]


#: Functions that describe how a run's scenario differs from its file, in order.
CHANGE_DESCRIBERS: list[Callable[[Any], list[str]]] = [set_changes]


def run_changes(scenario: Any) -> list[str]:
    """Every change of a run's scenario, by all of :data:`CHANGE_DESCRIBERS`."""
    if scenario is None:
        return []
    return [text for describe in CHANGE_DESCRIBERS for text in describe(scenario)]


def check_label(label: Any, what: str = "label") -> str | None:
    """``label`` if it is a valid run label (or None); raise naming ``what`` otherwise.

    Raises
    ------
    TypeError
        When it is not text.
    ValueError
        When it is empty, longer than :data:`MAX_LABEL_CHARS`, or holds a line break or a
        control character.
    """
    if label is None:
        return None
    if not isinstance(label, str):
        raise TypeError(f"{what} must be text (str) or None, got {type(label).__name__}")
    if not label.strip():
        raise ValueError(f"{what} must not be empty; give a short name for the run")
    problem = text_problem(label, max_chars=MAX_LABEL_CHARS)
    if problem:
        raise ValueError(f"{what} {problem}")
    return label


def annotate(summary: dict, scenario: Any, label: str | None) -> dict:
    """Record ``label`` and the scenario's changes in a run's ``summary`` (returned)."""
    summary["label"] = check_label(label)
    summary["changes"] = run_changes(scenario)
    return summary


def result_changes(result: Any) -> list[str]:
    """The changes of a result: from its summary, else from its scenario."""
    summary = getattr(result, "summary", None) or {}
    changes = summary.get("changes")
    if isinstance(changes, list):
        return [str(c) for c in changes]
    return run_changes(getattr(result, "scenario", None))


def subtitle(result: Any, limit: int = 160) -> str:
    """``run: LABEL · changed: war.first_strike=0, horizon=20`` (empty for a plain run)."""
    label = (getattr(result, "summary", None) or {}).get("label")
    changes = result_changes(result)
    parts = [f"run: {label}"] if label else []
    if changes:
        parts.append("changed: " + ", ".join(changes))
    return cap(" · ".join(parts), limit)


def selection_text(solver: dict[str, Any] | None) -> str:
    """The selection rule a run rests on, as its headline states it.

    ``selection peaceful`` for one rule; for a sampled one (``summary["solver"]`` has
    ``selection_weights``) ``selection sampled: peaceful 50% / qre 50%``, the probability
    of each rule in the order written.
    """
    solver = solver or {}
    weights = solver.get("selection_weights")
    if isinstance(weights, dict) and weights:
        shares = " / ".join(f"{k} {100 * float(v):.3g}%" for k, v in weights.items())
        return f"selection sampled: {shares}"
    return f"selection {solver.get('selection')}"
