"""Checks that need the whole scenario: cross-references, sums, and what events change.

pydantic checks each value on its own (types and ranges); these checks run on the
validated :class:`~sim.scenario.Scenario` and find what no single value shows: exactly two
actors, ids that name an existing actor or region, terms for every region, shares that sum
to 1, at most :data:`~sim.scenario.keys.MAX_EVENTS` events, event changes that target a
key an event may change (each checked as the key it changes, see
:func:`check_change`), and an actor that values some region in every event state (the
model normalises the values).
"""

from __future__ import annotations

import difflib
import math
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from sim.beliefs import Choice, Distribution
from sim.scenario.keys import CHANGEABLE, MECHANISM_KEYS, Key, changeable_keys, key
from sim.scenario.numbers import value_type
from sim.scenario.observed import observed_problems
from sim.scenario.problems import KeyLines, Problem, problem_at
from sim.scenario.schema import Scenario

__all__ = ["check_change", "semantic_problems"]

_ADAPTERS: dict[str, TypeAdapter] = {}


def check_change(k: Key, value: Any) -> float | Distribution:
    """A change's new value, checked exactly as the key it changes is checked.

    Raises pydantic's ``ValidationError`` when the value is not allowed for ``k``.
    """
    adapter = _ADAPTERS.get(k.path)
    if adapter is None:
        adapter = _ADAPTERS[k.path] = TypeAdapter(value_type(k.path))
    return adapter.validate_python(value)


def _unchangeable(target: str, scn: Scenario, changeable: dict[str, Any]) -> str:
    """Why ``target`` is not a key path an event can change, as precisely as possible."""
    parts = target.split(".")
    actors, regions = list(scn.actors), list(scn.regions)

    def unknown(kind: str, name: str, allowed: list[str]) -> str:
        return f"unknown {kind} {name!r} (allowed: {', '.join(allowed)})"

    if parts[0] == "actors" and len(parts) == 3 and parts[1] not in actors:
        return unknown("actor", parts[1], actors)
    if parts[0] == "regions" and len(parts) >= 3 and parts[1] not in regions:
        return unknown("region", parts[1], regions)
    if parts[0] == "regions" and len(parts) == 4 and parts[2] == "value" and parts[3] not in actors:
        return unknown("actor", parts[3], actors)
    prefix = target.rpartition(".")[0]
    siblings = [k.rpartition(".")[2] for k in changeable if k.rpartition(".")[0] == prefix]
    close = difflib.get_close_matches(parts[-1], siblings, n=1, cutoff=0.75)
    if close:
        return f"not a key an event can change (did you mean {prefix}.{close[0]}?)"
    if parts[0] in ("actors", "regions", "war") and len(parts) >= 2:
        return f"{parts[-1]} is not a key an event can change"
    return "not a key an event can change"


def _surely_positive(v: float | Distribution) -> bool:
    """True when every draw of ``v`` is > 0 (continuous distributions: almost surely)."""
    if isinstance(v, Choice):
        return v.bounds()[0] > 0
    if isinstance(v, Distribution):
        return v.bounds()[1] > 0
    return v > 0


def _largest(v: float | Distribution) -> float:
    """The largest value ``v`` takes in practice (an unbounded distribution: its quantile
    at 1 - 1e-9, beyond which no run of up to 1e8 draws is likely to reach)."""
    if not isinstance(v, Distribution):
        return float(v)
    hi = v.bounds()[1]
    if math.isfinite(hi):
        return hi
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.asarray(v.ppf(np.array([1 - 1e-9])), dtype=float)[0])


class _Checks:
    """The problems of one scenario, in the order a reader meets the keys."""

    def __init__(self, scn: Scenario, file: str, lines: KeyLines) -> None:
        self.scn, self.file, self.lines = scn, file, lines
        self.problems: list[Problem] = []
        self.changes: dict[str, dict] = {}
        self.actors = list(scn.actors)
        self.regions = list(scn.regions)
        self.mechanism_ids = list(scn.mechanisms)
        self.one_of_actors = f"allowed: {', '.join(self.actors)}"

    def add(
        self, path: tuple[str, ...], message: str, value: Any = None, has_value: bool = False
    ) -> None:
        self.problems.append(problem_at(self.file, self.lines, path, message, value, has_value))

    def two_actors(self) -> bool:
        n = len(self.actors)
        if n != key("actors.<id>").range.lo:
            self.add(("actors",), f"exactly two actors are needed, found {n}", self.actors, True)
            return False
        return True

    def unknown_actor(self, path: tuple[str, ...], aid: str) -> None:
        self.add(path, f"unknown actor; {self.one_of_actors}", aid, True)

    def holder(self, path: tuple[str, ...], holder: Any) -> None:
        """An actor id, or shares of known actors that sum to 1 (one share: the rest)."""
        a, b = self.actors
        if isinstance(holder, str):
            if holder not in self.actors:
                self.unknown_actor(path, holder)
            return
        if not holder:
            self.add(
                path, "give an actor id or shares such as {" + f"{a}: 0.5, {b}: 0.5" + "}", {}, True
            )
            return
        unknown = [aid for aid in holder if aid not in self.actors]
        for aid in unknown:
            self.unknown_actor((*path, aid), aid)
        if len(holder) == 2 and not unknown:
            vals = list(holder.values())
            if any(isinstance(v, Distribution) for v in vals):
                shown = {k: str(v) if isinstance(v, Distribution) else v for k, v in holder.items()}
                self.add(
                    path,
                    "with a distribution, give one actor's share only; "
                    "the other actor gets the rest",
                    shown,
                    True,
                )
            elif abs(math.fsum(vals) - 1.0) > 1e-9:
                self.add(
                    path,
                    f"shares must sum to 1 (they sum to {math.fsum(vals):g}); or give one actor's "
                    "share only and the other gets the rest",
                    dict(holder),
                    True,
                )

    def region_actors(self) -> None:
        """Region values and per-holder effects name existing actors."""
        for rid, region in self.scn.regions.items():
            for aid in region.value:
                if aid not in self.actors:
                    self.unknown_actor(("regions", rid, "value", aid), aid)
            for name, effect in region.effects:
                if isinstance(effect, dict):
                    for aid in effect:
                        if aid not in self.actors:
                            self.unknown_actor(("regions", rid, "effects", name, aid), aid)

    def unknown_region(self, path: tuple[str, ...], rid: str) -> None:
        self.add(path, f"unknown region; allowed: {', '.join(self.regions)}", rid, True)

    def terms(self) -> None:
        """Terms name existing regions, and every region has terms."""
        for rid, holder in self.scn.terms.items():
            if rid not in self.scn.regions:
                self.unknown_region(("terms", rid), rid)
                continue
            self.holder(("terms", rid), holder)
        for rid in self.regions:
            if rid not in self.scn.terms:
                self.add(
                    ("terms",),
                    f"region {rid} has no terms; give terms.{rid}: an actor id or shares",
                )

    def outcomes(self) -> None:
        """War outcomes name an existing winner and regions."""
        for winner, outcome in self.scn.war.outcomes.items():
            if winner not in self.actors:
                self.unknown_actor(("war", "outcomes", winner), winner)
                continue
            for rid, holder in outcome.items():
                path = ("war", "outcomes", winner, rid)
                if rid not in self.scn.regions:
                    self.unknown_region(path, rid)
                    continue
                self.holder(path, holder)

    def events(self) -> None:
        """At most MAX_EVENTS events, each changing only keys an event may change."""
        most = key("events.<id>").range.hi
        if len(self.scn.events) > most:
            self.add(
                ("events",),
                f"at most {most:g} events are allowed (each doubles the number of stage "
                f"games), found {len(self.scn.events)}",
                list(self.scn.events),
                True,
            )
        changeable = changeable_keys(self.actors, self.regions, self.mechanism_ids)
        for eid, event in self.scn.events.items():
            self.changes[eid] = {}
            self._when(eid, event)
            for target, value in event.changes.items():
                path = ("events", eid, "changes", target)
                if target not in changeable:
                    why = _unchangeable(target, self.scn, changeable)
                    self.add(path, f"{why}; an event can change only: {CHANGEABLE}")
                    continue
                if not self._mechanism_change(path, target):
                    continue
                try:
                    self.changes[eid][target] = check_change(changeable[target], value)
                except ValidationError as exc:
                    for err in exc.errors(include_url=False):
                        self.add(path, err["msg"].removeprefix("Value error, "), value, True)

    def types(self) -> None:
        """Private information: one actor at most, priors like shares, changes like events."""
        informed = [aid for aid, actor in self.scn.actors.items() if actor.types]
        if len(informed) > 1:
            self.add(
                ("actors", informed[1], "types"),
                "only one actor may have types (the other is the uninformed side); "
                f"{informed[0]} has types already",
            )
        most = int(key("actors.<id>.types.<type>").range.hi)
        changeable = changeable_keys(self.actors, self.regions, self.mechanism_ids)
        for aid in informed:
            types = self.scn.actors[aid].types
            if len(types) > most:
                self.add(("actors", aid, "types"), f"at most {most} types are allowed, "
                         f"found {len(types)}", list(types), True)  # fmt: skip
            self._priors(aid, types)
            for tid, typ in types.items():
                self.changes[f"{aid}.{tid}"] = parsed = {}
                for target, value in typ.changes.items():
                    path = ("actors", aid, "types", tid, "changes", target)
                    if target not in changeable:
                        why = _unchangeable(target, self.scn, changeable)
                        self.add(path, f"{why}; a type can change only: {CHANGEABLE}")
                        continue
                    if target.startswith("terms."):
                        self.add(path, "the terms are known to both sides, so a type cannot "
                                 "change them (an event can)")  # fmt: skip
                        continue
                    if not self._mechanism_change(path, target):
                        continue
                    try:
                        parsed[target] = check_change(changeable[target], value)
                    except ValidationError as exc:
                        for err in exc.errors(include_url=False):
                            self.add(path, err["msg"].removeprefix("Value error, "), value, True)
        if informed and "qre" in self.scn.selection_rules:
            self.add(("solver", "selection"), "types are solved with the Nash selection rules "
                     "(peaceful, risk_dominant, payoff_dominant); the quantal response with types "
                     "is not implemented", str(self.scn.solver.selection), True)  # fmt: skip

    def _priors(self, aid: str, types: dict) -> None:
        """Priors sum to 1; one type may leave its prior out and gets the rest."""
        path = ("actors", aid, "types")
        given = {tid: t.prior for tid, t in types.items() if t.prior is not None}
        missing = [tid for tid, t in types.items() if t.prior is None]
        if len(missing) > 1:
            self.add(path, "give every type's prior, or leave out one (it gets the rest); "
                     f"these have none: {', '.join(missing)}")  # fmt: skip
            return
        if missing:
            top = math.fsum(
                v.bounds()[1] if isinstance(v, Distribution) else v for v in given.values()
            )
            if top > 1.0 + 1e-9:
                self.add(path, f"the priors given can sum to {top:g}, more than 1, so "
                         f"{missing[0]} would get a negative prior", given, True)  # fmt: skip
            return
        if any(isinstance(v, Distribution) for v in given.values()):
            self.add(path, "with a distribution, leave out one type's prior (it gets the rest)",
                     {k: str(v) for k, v in given.items()}, True)  # fmt: skip
        elif abs(math.fsum(given.values()) - 1.0) > 1e-9:
            self.add(path, f"priors must sum to 1 (they sum to {math.fsum(given.values()):g}); or "
                     "leave out one type's prior and it gets the rest", given, True)  # fmt: skip

    def _when(self, eid: str, event: Any) -> None:
        """An event needs a hazard or a date; what it ends must be a mechanism; one event
        gives one actor's share of a region, not both."""
        if event.hazard is None and event.at_years is None:
            self.add(("events", eid), "give the event a hazard (per period), a date "
                     "(at_years), or both")  # fmt: skip
        for mid in event.ends:
            if mid not in self.scn.mechanisms:
                allowed = ", ".join(self.mechanism_ids) or "none: the scenario has no mechanisms"
                self.add(("events", eid, "ends"), f"unknown mechanism; allowed: {allowed}",
                         mid, True)  # fmt: skip
        regions = [t.split(".")[1] for t in event.changes if t.startswith("terms.")]
        for rid in {r for r in regions if regions.count(r) > 1}:
            self.add(("events", eid, "changes"), f"give one actor's share of {rid} only "
                     f"(terms.{rid}.<actor>); the other actor gets the rest")  # fmt: skip

    def _mechanism_change(self, path: tuple[str, ...], target: str) -> bool:
        """A change of a mechanism's key must be a key its kind takes."""
        parts = target.split(".")
        if parts[0] != "mechanisms":
            return True
        kind = self.scn.mechanisms[parts[1]].kind
        if parts[2] not in MECHANISM_KEYS[kind]:
            self.add(path, f"a {kind} mechanism has no {parts[2]}; it takes "
                     f"{', '.join(MECHANISM_KEYS[kind])}")  # fmt: skip
            return False
        return True

    def mechanisms(self) -> None:
        """Each mechanism gives only the keys of its kind, a side where its kind needs one,
        and (for a guarantee or restraint) a cost; ``reveal`` needs types."""
        most = int(key("mechanisms.<id>").range.hi)
        if len(self.scn.mechanisms) > most:
            self.add(("mechanisms",), f"at most {most} mechanisms are allowed, found "
                     f"{len(self.scn.mechanisms)}", self.mechanism_ids, True)  # fmt: skip
        common = {"label", "kind", "enabled", "note"}
        for mid, mech in self.scn.mechanisms.items():
            path = ("mechanisms", mid)
            allowed = MECHANISM_KEYS[mech.kind]
            fields = type(mech).model_fields
            # a key of another kind restated at its default (as a dump writes it) is harmless
            given = {n for n in mech.model_fields_set if getattr(mech, n) != fields[n].default}
            for name in sorted(given - common - set(allowed)):
                self.add((*path, name), f"a {mech.kind} mechanism does not use {name}; it "
                         f"takes {', '.join(allowed)}")  # fmt: skip
            if "side" in allowed:
                if mech.side is None:
                    self.add(path, f"a {mech.kind} needs side: the actor it is about "
                             f"({', '.join(self.actors)})")  # fmt: skip
                elif mech.side not in self.actors:
                    self.unknown_actor((*path, "side"), mech.side)
            if mech.kind in ("guarantee", "restraint") and "cost" not in mech.model_fields_set:
                self.add(path, f"a {mech.kind} needs cost: the lump-sum cost it imposes, in "
                         "periods of the whole stake")  # fmt: skip
            if "reveal" in mech.model_fields_set and self.scn.informed is None:
                self.add((*path, "reveal"), "reveal needs private information: give one "
                         "actor types (actors.<id>.types)")  # fmt: skip

    def values_before_events(self) -> None:
        """Every actor values some region for certain before any event: that fixes its unit
        of value (one period of the whole stake). An event may shrink the stake, even to
        nothing (a leadership that wants none of it); see :mod:`sim.model`."""
        for aid in self.actors:
            base = {rid: r.value.get(aid, 0.0) for rid, r in self.scn.regions.items()}
            if not any(_surely_positive(v) for v in base.values()):
                self.add(
                    ("regions",),
                    f"actor {aid} values no region for certain; give "
                    f"regions.<id>.value.{aid} > 0 for at least one region",
                )
            elif not math.isfinite(sum(_largest(v) for v in base.values())):
                self.add(
                    ("regions",),
                    f"the values of actor {aid} (regions.<id>.value.{aid}) can sum to more "
                    "than the largest number a computer holds (about 1.8e308), so they "
                    "cannot be normalised; only their ratios matter: scale them all down",
                )

    def solver(self) -> None:
        """The quantal response needs its precision and the batched solver."""
        solver = self.scn.solver
        qre = "qre" in self.scn.selection_rules
        if qre and solver.qre_precision is None:
            self.add(
                ("solver", "qre_precision"),
                "selection: qre needs solver.qre_precision, the logit precision per stake-year "
                "(e.g. 10: a choice that costs a tenth of a year of the whole stake is made "
                "about e times less often than its alternative); a number or a distribution",
            )
        if qre and solver.method == "nashpy":
            self.add(
                ("solver", "method"),
                "nashpy computes Nash equilibria, not quantal responses; use method: batched "
                "with selection: qre",
                solver.method,
                True,
            )
        if not qre and solver.qre_precision is not None:
            self.add(
                ("solver", "qre_precision"),
                f"is used only with selection: qre (the selection is {solver.selection})",
            )


def semantic_problems(
    scn: Scenario, file: str, lines: KeyLines
) -> tuple[list[Problem], dict[str, dict]]:
    """Cross-references and sums; returns the problems and the parsed event changes.

    The value check runs only when everything else is right (it reads the changes).
    """
    checks = _Checks(scn, file, lines)
    if not checks.two_actors():
        return checks.problems, checks.changes
    checks.region_actors()
    checks.terms()
    checks.outcomes()
    checks.events()
    checks.types()
    checks.mechanisms()
    checks.solver()
    observed_problems(scn, checks.add)
    if not checks.problems:
        checks.values_before_events()
    return checks.problems, checks.changes
