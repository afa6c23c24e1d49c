"""The typed parameter object between the Monte Carlo layer and the model.

The Monte Carlo layer samples every number of a scenario by key path
(``actors.russia.discount`` -> an array over the chunk's draws); :meth:`Params.from_samples`
turns that table into typed fields, once, so the model reads ``params.actors[0].discount``
instead of looking strings up. This module is the only place where key paths are
mapped to model quantities.

A number that events may change is a :class:`Quantity`: its value before any event and
the new value each event gives it. :meth:`Quantity.per_state` expands it to the event
states (bit masks of the events that have happened): events apply in file order, a
later event's change winning; within one event, a change of the specific key (a
per-holder effect, ``regions.r.effects.ceiling.russia``) beats a change of the general
one (``regions.r.effects.ceiling``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.model.mechanisms import MechanismParams
from sim.scenario import Scenario
from sim.scenario.keys import number_names

__all__ = ["ActorParams", "Params", "Quantity", "RegionParams", "Types", "EFFECTS"]

#: What holding a region can do for its holder (``regions.<id>.effects.<key>``), from
#: the scenario key table.
EFFECTS = number_names("regions.<id>.effects")
#: The numbers of a mechanism (``mechanisms.<id>.<name>``), from the key table.
MECHANISM_NUMBERS = number_names("mechanisms.<id>")
Samples = Mapping[str, "np.ndarray | float"]
QRE = "solver.qre_precision"


@dataclass(frozen=True)
class Quantity:
    """One model number over a chunk of draws: its base value and the events that change it.

    Attributes
    ----------
    base
        (n,) the value before any event.
    changes
        (event index, (n,) new value) for each event that changes it, in file order.
    """

    base: np.ndarray
    changes: tuple[tuple[int, np.ndarray], ...] = ()

    def per_state(self, n_states: int) -> np.ndarray:
        """(n, S) the value in each event state (a later event's change wins)."""
        out = np.repeat(self.base[:, None], n_states, axis=1)
        for e, value in self.changes:
            states = [s for s in range(n_states) if s >> e & 1]
            out[:, states] = value[:, None]
        return out


@dataclass(frozen=True)
class ActorParams:
    """One actor's numbers (see ``actors.<id>`` in the scenario format)."""

    discount: Quantity
    war_cost: Quantity
    capacity: Quantity
    ceiling: Quantity
    rebuild_rate: Quantity
    flow: Quantity
    war_flow: Quantity


@dataclass(frozen=True)
class RegionParams:
    """One region's numbers: each actor's value of it and what it does for each holder.

    ``value[i]`` is actor i's (unnormalised) value; ``effects[key][i]`` is the effect
    ``key`` (one of :data:`EFFECTS`) for actor i as its holder.
    """

    value: tuple[Quantity, Quantity]
    effects: Mapping[str, tuple[Quantity, Quantity]]


@dataclass(frozen=True)
class Params:
    """Every number the model reads for a chunk of ``n`` draws, typed.

    Attributes
    ----------
    n
        Draws in the chunk.
    actors
        (A, B).
    regions
        In the scenario's region order.
    terms_a
        (n, R) A's share of each region under the terms, before any event.
    terms_changes
        (event index, region index, (n,) A's new share) for each event that changes the
        terms, in file order (see :meth:`terms_per_state`).
    outcomes_a
        ((n, R), (n, R)) A's share of each region if A wins a war, if B wins.
    decisiveness, first_strike, incident_hazard
        The ``war`` numbers.
    hazards
        (n, k) each event's per-period hazard.
    dates
        (n, k) the period from which each event has happened at the latest (its
        ``at_years`` in periods, at least 1), ``inf`` for an event without a date.
    mechanisms
        The agreement's mechanisms (:mod:`sim.model.mechanisms`), per event state.
    qre_precision
        (n,) the logit precision per stake-year, when the stage games are played as a
        quantal response (``solver.selection: qre``); else None.
    types
        The informed actor's types (private information), each with its own parameters;
        None when nobody has types.
    """

    n: int
    actors: tuple[ActorParams, ActorParams]
    regions: tuple[RegionParams, ...]
    terms_a: np.ndarray
    outcomes_a: tuple[np.ndarray, np.ndarray]
    decisiveness: Quantity
    first_strike: Quantity
    incident_hazard: Quantity
    hazards: np.ndarray
    qre_precision: np.ndarray | None = None
    types: Types | None = None
    terms_changes: tuple[tuple[int, int, np.ndarray], ...] = ()
    dates: np.ndarray | None = None
    mechanisms: tuple[MechanismParams, ...] = ()

    def terms_per_state(self, n_states: int) -> np.ndarray:
        """(n, S, R) A's share of each region in each event state (a later event's change
        of the same region wins, as for every key)."""
        out = np.repeat(self.terms_a[:, None, :], n_states, axis=1)
        for e, r, share in self.terms_changes:
            states = [s for s in range(n_states) if s >> e & 1]
            out[:, states, r] = share[:, None]
        return out

    @classmethod
    def from_samples(
        cls, scn: Scenario, samples: Samples, n: int, type_id: str | None = None
    ) -> Params:
        """Build the parameters of ``n`` draws from sampled values by key path.

        ``samples`` holds every path of ``scn.numbers()``: an array (n,) for a sampled
        belief or a float for a fixed number. With ``type_id``, the parameters of that type
        of the informed actor (its changes replace the base values; events apply on top);
        without, the base parameters and, if the scenario has types, every type's.
        """
        read = _Reader(scn, samples, n, type_id)
        a, b = scn.actor_ids
        actors = (read.actor(a), read.actor(b))
        regions = tuple(read.region(r) for r in scn.region_ids)
        terms_a = np.stack(
            [read.holding(f"terms.{r}", scn.terms[r]) for r in scn.region_ids], axis=-1
        )
        outcomes = []
        for w, x in enumerate((a, b)):
            outcome = scn.war.outcomes.get(x, {})
            cols = [
                read.holding(f"war.outcomes.{x}.{r}", outcome[r])
                if r in outcome
                else np.full(n, 1.0 if w == 0 else 0.0)
                for r in scn.region_ids
            ]
            outcomes.append(np.stack(cols, axis=-1))
        k = len(scn.events)
        hazards = (
            np.stack([read.get(f"events.{e}.hazard") for e in scn.event_ids], axis=-1)
            if k
            else np.zeros((n, 0))
        )
        return cls(
            n=n,
            actors=actors,
            regions=regions,
            terms_a=terms_a,
            terms_changes=read.terms_changes(),
            dates=read.dates(),
            mechanisms=read.mechanisms(),
            outcomes_a=(outcomes[0], outcomes[1]),
            decisiveness=read.quantity("war.decisiveness"),
            first_strike=read.quantity("war.first_strike"),
            incident_hazard=read.quantity("war.incident_hazard"),
            hazards=hazards,
            qre_precision=read.get(QRE) if QRE in samples else None,
            types=Types.from_samples(scn, samples, n) if scn.informed and type_id is None else None,
        )


@dataclass(frozen=True)
class Types:
    """The informed actor's types (its private information) over a chunk of draws.

    Attributes
    ----------
    informed
        0 if A has the types, 1 if B.
    ids
        The type ids, in file order.
    prior
        (n, m) each type's prior; each row sums to 1 (a type without a prior in the file
        gets the rest).
    params
        The parameters of each type: the base with the type's changes.
    """

    informed: int
    ids: tuple[str, ...]
    prior: np.ndarray
    params: tuple[Params, ...]

    @classmethod
    def from_samples(cls, scn: Scenario, samples: Samples, n: int) -> Types:
        """The types of the scenario's informed actor, from sampled values by key path."""
        aid = scn.informed
        assert aid is not None
        ids = tuple(scn.actors[aid].types)
        read = _Reader(scn, samples, n)
        paths = [f"actors.{aid}.types.{t}.prior" for t in ids]
        cols = [read.get(p) if p in samples else None for p in paths]
        known = sum(c for c in cols if c is not None) if any(c is not None for c in cols) else 0.0
        prior = np.stack([np.clip(1.0 - known, 0.0, 1.0) * np.ones(n) if c is None else c
                          for c in cols], axis=-1)  # fmt: skip
        prior = prior / prior.sum(axis=-1, keepdims=True)
        params = tuple(Params.from_samples(scn, samples, n, type_id=t) for t in ids)
        return cls(scn.actor_ids.index(aid), ids, prior, params)


class _Reader:
    """Reads key paths out of a samples table for :meth:`Params.from_samples`."""

    def __init__(self, scn: Scenario, samples: Samples, n: int, type_id: str | None = None) -> None:
        self.scn, self.samples, self.n = scn, samples, n
        self.type_prefix = f"actors.{scn.informed}.types.{type_id}.changes." if type_id else None

    def get(self, path: str) -> np.ndarray:
        """The values of ``path``, the type's own where it changes the key."""
        if self.type_prefix and self.type_prefix + path in self.samples:
            path = self.type_prefix + path
        return np.broadcast_to(np.asarray(self.samples[path], dtype=float), (self.n,))

    def quantity(self, path: str, default: str | None = None) -> Quantity:
        """``path`` (or ``default`` where the scenario does not give ``path``) and its changes.

        Within one event a change of ``path`` beats one of the more general ``default``.
        """
        own = self.type_prefix is not None and self.type_prefix + path in self.samples
        base = self.get(path if own or path in self.samples or default is None else default)
        changes = []
        for e, eid in enumerate(self.scn.event_ids):
            for key in (path, default):
                change = f"events.{eid}.changes.{key}"
                if key is not None and change in self.samples:
                    changes.append((e, self.get(change)))
                    break
        return Quantity(base, tuple(changes))

    def actor(self, x: str) -> ActorParams:
        q = self.quantity
        return ActorParams(
            discount=q(f"actors.{x}.discount"),
            war_cost=q(f"actors.{x}.war_cost"),
            capacity=q(f"actors.{x}.capacity"),
            # an actor without a ceiling keeps its capacity as its ceiling (no growth)
            ceiling=q(f"actors.{x}.ceiling", default=f"actors.{x}.capacity"),
            rebuild_rate=q(f"actors.{x}.rebuild_rate"),
            flow=q(f"actors.{x}.flow"),
            war_flow=q(f"actors.{x}.war_flow"),
        )

    def region(self, r: str) -> RegionParams:
        a, b = self.scn.actor_ids
        value = (self.quantity(f"regions.{r}.value.{a}"), self.quantity(f"regions.{r}.value.{b}"))
        effects = {
            key: tuple(
                self.quantity(
                    f"regions.{r}.effects.{key}.{x}", default=f"regions.{r}.effects.{key}"
                )
                for x in (a, b)
            )
            for key in EFFECTS
        }
        return RegionParams(value=value, effects=effects)  # type: ignore[arg-type]

    def holding(self, path: str, holder: str | Mapping[str, object]) -> np.ndarray:
        """A's share of a region held by ``holder`` (an actor id or shares)."""
        a, b = self.scn.actor_ids
        if isinstance(holder, str):
            return np.full(self.n, 1.0 if holder == a else 0.0)
        if a in holder:
            return self.get(f"{path}.{a}").copy()
        return 1.0 - self.get(f"{path}.{b}")

    def terms_changes(self) -> tuple[tuple[int, int, np.ndarray], ...]:
        """(event, region, A's new share) for each event change of the terms."""
        a, b = self.scn.actor_ids
        out = []
        for e, eid in enumerate(self.scn.event_ids):
            for r, rid in enumerate(self.scn.region_ids):
                for x, sign in ((a, 1.0), (b, -1.0)):
                    path = f"events.{eid}.changes.terms.{rid}.{x}"
                    if path in self.samples:
                        share = self.get(path)
                        out.append((e, r, share.copy() if sign > 0 else 1.0 - share))
        return tuple(out)

    def dates(self) -> np.ndarray:
        """(n, k) each event's date in periods (at least 1), ``inf`` without one."""
        ppy = self.scn.periods_per_year
        cols = []
        for eid in self.scn.event_ids:
            path = f"events.{eid}.at_years"
            if path in self.samples:
                d = np.maximum(1.0, np.rint(self.get(path) * ppy))
                cols.append(np.where(d > self.scn.horizon, np.inf, d))  # beyond: never
            else:
                cols.append(np.full(self.n, np.inf))
        return np.stack(cols, axis=-1) if cols else np.zeros((self.n, 0))

    def mechanisms(self) -> tuple[MechanismParams, ...]:
        """The scenario's mechanisms, each per event state (values and where active)."""
        scn = self.scn
        S = 2 ** len(scn.event_ids)
        out = []
        for mid, mech in scn.mechanisms.items():
            values = {
                name: self.quantity(f"mechanisms.{mid}.{name}").per_state(S)
                for name in MECHANISM_NUMBERS
            }
            active = np.full((self.n, S), 1.0 if mech.enabled else 0.0)
            for e, eid in enumerate(scn.event_ids):
                if mid in scn.events[eid].ends:
                    active[:, [s for s in range(S) if s >> e & 1]] = 0.0
            side = None if mech.side is None else scn.actor_ids.index(mech.side)
            out.append(MechanismParams(mech.kind, side, values, active))
        return tuple(out)
