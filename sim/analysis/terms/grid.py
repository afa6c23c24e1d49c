"""The space of terms: which regions are negotiated, on what grid, and each term set.

``--regions r1,r2,...`` names the contested regions; every other region keeps the file's
terms. Without ``--shares`` each named region goes whole to one side or the other (2**k
term sets, A's holding first); with ``--shares 0,0.5,1`` A's share of each named region
takes every value of the grid (``len(shares)**k`` term sets). The file's own terms are
always a row: the term set that equals them is marked ``own``, and when no term set does
(a share off the grid, or a belief about the share), they are added as the first row.

A term set is applied to a scenario as a copy with new ``terms``
(:func:`term_scenario`); nothing else changes, so the Monte Carlo draws of every term
set are the same (:mod:`sim.analysis.terms.engine`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.beliefs import Distribution
from sim.scenario import Problem, Scenario, ScenarioError

__all__ = [
    "MAX_TERM_SETS",
    "TermSet",
    "parse_regions",
    "parse_shares",
    "term_scenario",
    "term_sets",
]

#: A larger space is refused before anything runs (3 shares of 9 regions is 19,683 runs).
MAX_TERM_SETS = 4096
_RANGE = re.compile(r"^\s*([^:,]+):([^:,]+):([^:,]+)\s*$")


def _problem(option: str, path: str, message: str, value: Any = None) -> ScenarioError:
    return ScenarioError([Problem(option, None, path, message, value, value is not None)])


@dataclass(frozen=True)
class TermSet:
    """One assignment of the negotiated regions.

    Attributes
    ----------
    holdings
        Region -> its holder's actor id (the whole region) or A's share (a float), for the
        negotiated regions, in the order they were named.
    own
        Whether these are the file's own terms.
    """

    holdings: dict[str, str | float]
    own: bool = False

    def overrides(self, scn: Scenario) -> list[tuple[str, Any]]:
        """The ``--set`` overrides that give these terms: ``terms.<region>`` per region."""
        a, b = scn.actor_ids
        out: list[tuple[str, Any]] = []
        for rid, h in self.holdings.items():
            out.append((f"terms.{rid}", h if isinstance(h, str) else {a: float(h)}))
        return out

    def set_options(self, scn: Scenario) -> list[str]:
        """The same as ``--set`` options, e.g. ``terms.crimea=ukraine``."""
        a = scn.actor_ids[0]
        return [
            f"{k}={v}" if isinstance(v, str) else f"{k}.{a}={_share_text(v[a])}"
            for k, v in self.overrides(scn)
        ]


def _share_text(x: float) -> str:
    return f"{x:.12g}"


def parse_regions(scn: Scenario, regions: str | Sequence[str]) -> list[str]:
    """The negotiated regions from ``--regions r1,r2`` (or a list of ids), checked.

    Raises :class:`ScenarioError` (option ``--regions``) naming an unknown or repeated
    region and listing the scenario's regions.
    """
    items = regions.split(",") if isinstance(regions, str) else list(regions)
    names = [str(r).strip() for r in items]
    known = ", ".join(scn.region_ids)
    if not names or not any(names):
        raise _problem("--regions", "", f"name at least one region: {known}", regions)
    if any(not r for r in names):
        raise _problem("--regions", "", "an empty region name; write r1,r2,r3", regions)
    seen: list[str] = []
    for r in names:
        if r not in scn.regions:
            raise _problem("--regions", r, f"no such region in {scn.name}; its regions: {known}")
        if r in seen:
            raise _problem("--regions", r, "this region is named twice")
        seen.append(r)
    return seen


def parse_shares(spec: str | Sequence[float] | None) -> list[float] | None:
    """A's shares from ``--shares 0,0.5,1`` or ``0:1:5`` (or a list), checked.

    Each share is a number in [0, 1], none twice, at least two. None stays None (each
    region goes whole to one side). Raises :class:`ScenarioError` (option ``--shares``).
    """
    if spec is None:
        return None
    if isinstance(spec, str):
        values = _share_values(spec)
    else:
        try:
            values = [float(v) for v in spec]
        except (TypeError, ValueError):
            raise _problem("--shares", "", "shares must be numbers in [0, 1]", spec) from None
    if len(values) < 2:
        raise _problem("--shares", "", "give at least two shares, e.g. 0,0.5,1", spec)
    for v in values:
        if not (math.isfinite(v) and 0.0 <= v <= 1.0):
            raise _problem("--shares", "", "a share is A's part of a region, in [0, 1]", v)
    if len(set(values)) != len(values):
        raise _problem("--shares", "", "a share is listed twice", spec)
    return values


def _share_values(spec: str) -> list[float]:
    m = _RANGE.match(spec)
    try:
        if m:
            lo, hi, num = float(m.group(1)), float(m.group(2)), int(m.group(3))
            if num < 2:
                raise ValueError
            return [round(lo + (hi - lo) * i / (num - 1), 12) for i in range(num)]
        return [float(x) for x in spec.split(",")]
    except ValueError:
        raise _problem(
            "--shares", "", "expected v1,v2,... (e.g. 0,0.5,1) or START:STOP:NUM (e.g. 0:1:5)", spec
        ) from None


def term_sets(
    scn: Scenario, regions: Sequence[str], shares: Sequence[float] | None = None
) -> list[TermSet]:
    """Every assignment of ``regions`` (checked ids) on the grid, the file's terms marked.

    The first region varies slowest; without ``shares`` A holds a region before B does.
    If the file's own terms are not on the grid they come first. Raises
    :class:`ScenarioError` when there are more than :data:`MAX_TERM_SETS`.
    """
    a, b = scn.actor_ids
    options: list[str | float] = [a, b] if shares is None else [float(s) for s in shares]
    count = len(options) ** len(regions)
    if count > MAX_TERM_SETS:
        raise _problem(
            "--regions",
            ",".join(regions),
            f"{len(options)}**{len(regions)} = {count:,} term sets; at most "
            f"{MAX_TERM_SETS:,}: name fewer regions or give fewer shares",
        )
    own = _own_holdings(scn, regions, shares is not None)
    sets = []
    for combo in itertools.product(options, repeat=len(regions)):
        holdings = dict(zip(regions, combo, strict=True))
        sets.append(TermSet(holdings, own=holdings == own))
    if not any(t.own for t in sets):
        sets.insert(0, TermSet(_file_holdings(scn, regions), own=True))
    return sets


def _own_holdings(scn: Scenario, regions: Sequence[str], as_shares: bool) -> dict | None:
    """The file's terms of ``regions`` in the grid's form, or None if one is a belief."""
    a = scn.actor_ids[0]
    out: dict[str, str | float] = {}
    for rid in regions:
        share = _file_share(scn, rid)
        if share is None:
            return None
        if as_shares:
            out[rid] = share
        elif share in (0.0, 1.0):
            out[rid] = a if share == 1.0 else scn.actor_ids[1]
        else:
            return None
    return out


def _file_share(scn: Scenario, rid: str) -> float | None:
    """A's share of ``rid`` under the file's terms (None if the share is a belief)."""
    a, b = scn.actor_ids
    holder = scn.terms[rid]
    if isinstance(holder, str):
        return 1.0 if holder == a else 0.0
    value = holder[a] if a in holder else holder[b]
    if isinstance(value, Distribution):
        return None
    return float(value) if a in holder else 1.0 - float(value)


def _file_holdings(scn: Scenario, regions: Sequence[str]) -> dict[str, str | float]:
    """The file's terms of ``regions`` as a row: a holder, A's share, or the belief's text."""
    out: dict[str, Any] = {}
    for rid in regions:
        holder = scn.terms[rid]
        share = _file_share(scn, rid)
        if isinstance(holder, str) or share is not None:
            out[rid] = holder if isinstance(holder, str) else share
        else:  # a belief about a share: its text, e.g. "a: uniform(0.3, 0.7)"
            out[rid] = ", ".join(f"{k}: {v}" for k, v in holder.items())
    return out


def term_scenario(scn: Scenario, term_set: TermSet) -> Scenario:
    """``scn`` with the terms of ``term_set`` (its own terms: ``scn`` itself).

    Judgement: a copy of the validated scenario with its ``terms`` replaced, recorded as
    ``--set terms.<region>=...`` overrides, rather than a re-validation of the whole file
    for each term set (about 30 ms each: 20 s for 729 term sets). A term set changes only
    the terms, and :func:`parse_regions` / :func:`parse_shares` have checked what it can
    hold: an actor id or a share in [0, 1].
    """
    if term_set.own:
        return scn
    overrides = term_set.overrides(scn)
    terms = dict(scn.terms)
    for key, value in overrides:
        terms[key.split(".", 1)[1]] = value
    out = scn.model_copy(update={"terms": terms})
    out.set_source(scn.source_text, scn.source_path, (*scn.overrides, *overrides))
    return out
