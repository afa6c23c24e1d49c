"""Findings in words: a box of beliefs as one sentence a director can read.

::

    In 75% of the draws where russia war_cost exceeds 5.9 quarters of the whole stake,
    the ceasefire still holds after 5 years; those draws are 51% of all (and 64% of
    those in which it holds).

A restriction names the belief by its readable label (:func:`sim.scenario.readable_key`),
says which side of the range the box keeps ("exceeds", "is below", "is between"), and
gives the threshold to two significant figures with the key's unit from the key table
(:data:`sim.scenario.keys.KEYS`), in the scenario's period ("per quarter", "quarters of the
whole stake"). A belief sampled from a few values (a ``choice``) is named by the values
the box keeps ("is 4"). Shares are whole percentages (one decimal below 1%).

A dimension that is not a belief but a category of the draw, the informed actor's true
type (:mod:`sim.analysis.discovery`), reads in words through its :class:`Categories`:
"Russia is of the limited aims type", never as the number PRIM peels.

The rounding is a judgement: two figures are what a reader compares and remembers, and
the exact limits are in ``discovery.json``; three are used where two would make the two
ends of a range look equal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.scenario import readable_key
from sim.scenario.keys import KEYS, Key

__all__ = [
    "DISCRETE_MAX",
    "Categories",
    "box_sentence",
    "key_unit",
    "number_text",
    "pct_text",
    "range_text",
    "restriction_text",
    "unit_text",
]

#: A belief with at most this many distinct sampled values reads as a set of values.
DISCRETE_MAX = 10
_CHANGE = ("events", "<id>", "changes")


@dataclass(frozen=True)
class Categories:
    """A dimension of categories coded as numbers (the true type, a sampled rule), and its
    words.

    Attributes
    ----------
    name
        What the dimension is, for tables and figures: "true type of Russia".
    values
        The numbers it takes, in order (a type's index, or 0/1 for an indicator).
    short
        Per value, its label: "limited aims" (what a box keeps, in tables and figures).
    words
        Per value, a draw that has it in a finding: "Russia is of the limited aims type".
    kind
        What is coded: ``type`` (the true type) or ``rule`` (a sampled selection rule).
    """

    name: str
    values: tuple[float, ...]
    short: tuple[str, ...]
    words: tuple[str, ...]
    kind: str = "type"

    def kept(self, low: float, high: float) -> list[int]:
        """The positions of the values within [low, high]."""
        return [i for i, v in enumerate(self.values) if low <= v <= high]

    def text(self, low: float, high: float) -> str:
        """The restriction in words: those of the value kept, or of each value kept."""
        return " or ".join(self.words[i] for i in self.kept(low, high)) or "none"

    def kept_text(self, low: float, high: float) -> str:
        """The labels of the values kept: ``limited aims``."""
        return ", ".join(self.short[i] for i in self.kept(low, high)) or "none"


def pct_text(x: float) -> str:
    """A share as a percentage: ``75%``, ``0.4%`` below 1%."""
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.1%}" if 0 < abs(x) < 0.01 else f"{x:.0%}"


def number_text(v: float, figures: int = 2) -> str:
    """``v`` to ``figures`` significant figures, without an exponent for usual sizes."""
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    digits = figures - 1 - int(math.floor(math.log10(abs(v))))
    r = round(v, digits)
    if abs(r) >= 1e6 or abs(r) < 1e-4:
        return f"{r:.{figures - 1}e}"
    return f"{r:.{max(digits, 0)}f}"


def range_text(lo: float, hi: float) -> str:
    """A sampled range, ``0 to 0.30``: each end to three figures, a near-zero end as 0."""
    span = abs(hi - lo)

    def end(v: float) -> str:
        return "0" if span > 0 and abs(v) < 1e-3 * span else number_text(v, 3)

    return f"{end(lo)} to {end(hi)}"


def key_unit(path: str) -> str:
    """The unit of a concrete key path in the key table (``""`` when it has none).

    An event's change of a key (``events.<id>.changes.<key path>``) has the unit of the
    key it changes; a per-holder effect (``...effects.power.russia``) that of the effect.
    """
    parts = path.split(".")
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "changes":
        return key_unit(".".join(parts[3:]))
    for k in KEYS:
        if _matches(k, parts):
            return k.unit
    return ""


def _matches(k: Key, parts: list[str]) -> bool:
    patterns = [k.path.split(".")]
    if k.per_holder:
        patterns.append([*patterns[0], "<actor>"])
    for pattern in patterns:
        if tuple(pattern[:3]) == _CHANGE or len(pattern) != len(parts):
            continue
        if all(
            w == g or (w.startswith("<") and w.endswith(">"))
            for w, g in zip(pattern, parts, strict=True)
        ):
            return True
    return False


def unit_text(unit: str, period: str | None) -> str:
    """How a unit follows a number in a sentence (``""`` for a plain number).

    ``per period`` becomes ``per quarter`` (the scenario's period), ``periods of the whole
    stake`` ``quarters of the whole stake``; a unit that only says what a number is relative
    to ("share", "relative", "force") is left out; others follow in parentheses.
    """
    word = period or "period"
    first = unit.split(";")[0].split(",")[0].strip()
    if not first or first in ("share", "relative", "force", "fraction"):
        return ""
    if first.startswith("per period"):
        return f"per {word}"
    if first == "periods of the whole stake":
        return f"{word}s of the whole stake"
    if first == "stake per period":
        return f"of the stake per {word}"
    return f"({first})"


def restriction_text(
    key: str,
    low: float,
    high: float,
    sampled: np.ndarray,
    period: str | None = None,
    categories: Categories | None = None,
) -> str:
    """One restriction in words: ``russia war_cost exceeds 5.9 quarters of the whole stake``.

    ``sampled`` are the belief's sampled values (its range says which side is restricted:
    a limit at the edge of the sample does not restrict). A dimension of ``categories``
    reads in their words ("Russia is of the limited aims type").
    """
    if categories is not None:
        return categories.text(low, high)
    name = readable_key(key)
    values = np.unique(sampled[np.isfinite(sampled)])
    if 0 < len(values) <= DISCRETE_MAX:
        kept = values[(values >= low) & (values <= high)]
        text = ", ".join(f"{v:.3g}" for v in kept)
        return f"{name} is {text}" if len(kept) == 1 else f"{name} is one of {text}"
    unit = unit_text(key_unit(key), period)
    tail = f" {unit}" if unit else ""
    lo_cut, hi_cut = low > values.min(), high < values.max()
    if lo_cut and hi_cut:
        a, b = number_text(low), number_text(high)
        if a == b:
            a, b = number_text(low, 3), number_text(high, 3)
        return f"{name} is between {a} and {b}{tail}"
    if lo_cut:
        return f"{name} exceeds {number_text(low)}{tail}"
    return f"{name} is below {number_text(high)}{tail}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def box_sentence(
    restrictions: Mapping[str, tuple[float, float]],
    samples: Mapping[str, np.ndarray],
    *,
    density: float,
    mass: float,
    coverage: float,
    phrase: str,
    short: str,
    rank: int = 1,
    period: str | None = None,
    categories: Mapping[str, Categories] | None = None,
) -> str:
    """The finding of one box, as one sentence.

    Parameters
    ----------
    restrictions
        Key path -> (low, high) of each restricted belief.
    samples
        Key path -> the belief's sampled values (its range, and whether it is discrete).
    density, mass, coverage
        The box's statistics (:mod:`sim.analysis.prim`).
    phrase
        What the draws do: "the ceasefire still holds after 5 years".
    short
        The same, short, for the coverage: "it holds".
    rank
        The box's place in the sequence: box 2 is found outside box 1, and says so.
    period
        The scenario's period, for units.
    categories
        Key -> the words of a dimension that is a category (the true type), not a belief.
    """
    cats = categories or {}
    parts = [
        restriction_text(k, lo, hi, samples[k], period, cats.get(k))
        for k, (lo, hi) in restrictions.items()
    ]
    outside = {1: "", 2: "Outside the first box, in", 3: "Outside the first two boxes, in"}
    lead = outside.get(rank, f"Outside the first {rank - 1} boxes, in") or "In"
    return (
        f"{lead} {pct_text(density)} of the draws where {_join(parts)}, {phrase}; "
        f"those draws are {pct_text(mass)} of all (and {pct_text(coverage)} of those in "
        f"which {short})."
    )
