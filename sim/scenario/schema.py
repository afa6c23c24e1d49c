"""The scenario format as frozen pydantic models, built from the key table, and :class:`Scenario`.

A scenario is a YAML file that states a ceasefire proposal (``terms``) and the beliefs
about two actors (``actors``, ``regions``, ``war``, ``events``). Every number may be an
uncertain belief written as a distribution (see :mod:`sim.beliefs`).

Each model has one field per key of :data:`sim.scenario.keys.KEYS` under its prefix, in
table order: a leaf key takes its type and default from the table
(:func:`sim.scenario.numbers.key_type`), and the few structural keys (a mapping of ids, a
nested model) are given where the model is made. Adding a number to the format is then one
row of the table. The judgement: the models are made with :func:`pydantic.create_model`
rather than written out as classes with one annotated line per field, which would read
more plainly but list every key a second time. :class:`Scenario` itself is a class (its
fields come from a made base), so that the model layer can name it as a type.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, create_model

from sim.beliefs import Categorical, Distribution
from sim.names import PERIODS_PER_YEAR
from sim.scenario.keys import KEYS, MECHANISM_KEYS, REQUIRED, key, number_names
from sim.scenario.numbers import NUMBER_SERIALISER, Identifier, Text, key_type, value_type

__all__ = [
    "Actor",
    "ActorType",
    "Effects",
    "Event",
    "MonteCarlo",
    "Observed",
    "Region",
    "Scenario",
    "Solver",
    "Strict",
    "War",
]


class Strict(BaseModel):
    """Base: unknown keys rejected, instances frozen, strings and ints strict."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def _model(name: str, doc: str, prefix: str, **structural: tuple[Any, Any]) -> Any:
    """A frozen model with one field per key of the table directly under ``prefix``.

    Fields follow the table's order. A leaf key (its path is ``prefix.<field>``) takes its
    type and default from the table; a field whose keys lie deeper (a mapping of ids, a
    nested model) must be given in ``structural`` as ``(annotation, default)``.
    """
    fields: dict[str, tuple[Any, Any]] = {}
    start = f"{prefix}." if prefix else ""
    for k in KEYS:
        if not k.path.startswith(start):
            continue
        child = k.path[len(start) :].split(".")[0]
        if child in fields:
            continue
        if child in structural:
            fields[child] = structural[child]
        elif k.path == start + child:
            fields[child] = (key_type(k.path), ... if k.default is REQUIRED else k.default)
        else:
            raise ValueError(f"{name}: {start + child} needs a structural type")
    if set(structural) - set(fields):
        raise ValueError(f"{name}: no keys for {sorted(set(structural) - set(fields))}")
    return create_model(name, __base__=Strict, __doc__=doc, __module__=__name__, **fields)


def _holder(share_path: str) -> Any:
    """Who holds a region: an actor id (all of it), or actor id -> share."""
    return Identifier | dict[Identifier, key_type(share_path)]


ActorType = _model(
    "ActorType",
    "One type of an actor: its prior, and the keys it changes (private information).",
    "actors.<id>.types.<type>",
    # Targets and values are checked against the scenario in sim.scenario.checks.
    changes=(dict[Text, Annotated[Any, NUMBER_SERIALISER]], {}),
)
Actor = _model(
    "Actor",
    "One of the two actors. Values are per period; costs are in periods of the whole stake.",
    "actors.<id>",
    types=(dict[Identifier, ActorType], {}),
)
Effects = _model(
    "Effects",
    "What holding a region does for its holder (scaled by the share held).",
    "regions.<id>.effects",
)
Region = _model(
    "Region",
    "A piece of the stake, territorial or not.",
    "regions.<id>",
    value=(dict[Identifier, key_type("regions.<id>.value.<actor>")], ...),
    effects=(Effects, Effects()),
)
War = _model(
    "War",
    "A new war: how it is decided, incidents that start one, and who holds what after it.",
    "war",
    outcomes=(
        dict[Identifier, dict[Identifier, _holder("war.outcomes.<winner>.<region>.<actor>")]],
        {},
    ),
)
Event = _model(
    "Event",
    "Something that may happen each period, and the keys it changes once it has.",
    "events.<id>",
    # Targets and values are checked against the scenario in sim.scenario.checks.
    changes=(dict[Text, Annotated[Any, NUMBER_SERIALISER]], {}),
)
Mechanism = _model(
    "Mechanism",
    "A part of the agreement: a guarantee, restraint, peacekeepers, monitoring or support.",
    "mechanisms.<id>",
)
Solver = _model("Solver", "How the stage games are solved.", "solver")
MonteCarlo = _model("MonteCarlo", "How the uncertain numbers are drawn.", "montecarlo")
# What happened (for `sim calibrate`); checked against the scenario in sim.scenario.observed.
Observed = _model(
    "Observed",
    "What happened after this ceasefire (or a reference class of them), for sim calibrate.",
    "observed",
    survival=(
        dict[Annotated[float, Field(gt=0, allow_inf_nan=False)],
             value_type("observed.survival.<years>")] | None,
        None,
    ),
)  # fmt: skip

_Fields = _model(
    "Scenario",
    "A validated scenario. Build it with :func:`load_scenario`.",
    "",
    actors=(dict[Identifier, Actor], ...),
    regions=(
        Annotated[dict[Identifier, Region], Field(min_length=int(key("regions.<id>").range.lo))],
        ...,
    ),
    terms=(dict[Identifier, _holder("terms.<region>.<actor>")], ...),
    war=(War, War()),
    events=(dict[Identifier, Event], {}),
    mechanisms=(dict[Identifier, Mechanism], {}),
    solver=(Solver, Solver()),
    montecarlo=(MonteCarlo, MonteCarlo()),
    observed=(Observed | None, None),
)

_ACTOR_NUMBERS = number_names("actors.<id>")
_EFFECT_NUMBERS = number_names("regions.<id>.effects")
_WAR_NUMBERS = number_names("war")
_MECHANISM_NUMBERS = number_names("mechanisms.<id>")
_UNNAMED = key("regions.<id>.value.<actor>").default  # a value or effect not given: 0


class Scenario(_Fields):  # type: ignore[misc, valid-type]
    """A validated scenario. Build it with :func:`load_scenario`."""

    _source_text: str = PrivateAttr(default="")
    _source_path: str = PrivateAttr(default="")
    _overrides: tuple = PrivateAttr(default=())

    # -- convenience -------------------------------------------------------------------
    @property
    def actor_ids(self) -> tuple[str, str]:
        """The two actor ids, A first."""
        a, b = self.actors
        return a, b

    @property
    def region_ids(self) -> tuple[str, ...]:
        """The region ids, in file order."""
        return tuple(self.regions)

    @property
    def event_ids(self) -> tuple[str, ...]:
        """The event ids, in file order."""
        return tuple(self.events)

    @property
    def periods_per_year(self) -> int:
        """How many periods make a year (1, 4 or 12)."""
        return PERIODS_PER_YEAR[self.period]

    @property
    def source_text(self) -> str:
        """The YAML text the scenario was loaded from (before ``--set`` overrides)."""
        return self._source_text

    @property
    def source_path(self) -> str:
        """The file the scenario was loaded from (``""`` when built from data)."""
        return self._source_path

    @property
    def overrides(self) -> tuple[tuple[str, Any], ...]:
        """The ``--set`` overrides applied on top of :attr:`source_text`."""
        return self._overrides

    def set_source(self, text: str, path: str, overrides: tuple[tuple[str, Any], ...]) -> None:
        """Record the text, file and overrides the scenario was made from (the loader does)."""
        self._source_text = text
        self._source_path = path
        self._overrides = overrides

    def display_name(self, actor: str) -> str:
        """The actor's label, or its id."""
        return self.actors[actor].label or actor

    @property
    def sampled_selection(self) -> Categorical | None:
        """The selection rule as a belief (``solver.selection: choice([...])``), or None."""
        sel = self.solver.selection
        return sel if isinstance(sel, Categorical) else None

    @property
    def selection_rules(self) -> tuple[str, ...]:
        """Every rule a draw may be played under: the one rule, or the names of the choice."""
        sel = self.solver.selection
        return sel.values if isinstance(sel, Categorical) else (sel,)

    def uncertain(self) -> dict[str, Distribution]:
        """Every distribution in the scenario, by key path, in file order."""
        return {p: v for p, v in self.numbers().items() if isinstance(v, Distribution)}

    def numbers(self) -> dict[str, float | Distribution]:
        """Every number the model reads, by key path (event changes included), in file order.

        The order is part of a result's identity: the uncertain numbers take the sampler's
        columns in this order. An actor without a ``ceiling`` has none here: the model uses
        its (sampled) capacity, so the two stay one number rather than two independent
        draws. A region's value or a per-holder effect for an actor not named is 0; shares
        appear only as written (the other actor gets the rest).
        """
        out: dict[str, float | Distribution] = {}
        for aid, actor in self.actors.items():
            for name in _ACTOR_NUMBERS:
                val = getattr(actor, name)
                if val is not None:
                    out[f"actors.{aid}.{name}"] = val
        for rid, region in self.regions.items():
            for aid in self.actors:
                out[f"regions.{rid}.value.{aid}"] = region.value.get(aid, _UNNAMED)
            for name in _EFFECT_NUMBERS:
                effect = getattr(region.effects, name)
                if isinstance(effect, dict):  # per holder
                    for aid in self.actors:
                        out[f"regions.{rid}.effects.{name}.{aid}"] = effect.get(aid, _UNNAMED)
                else:
                    out[f"regions.{rid}.effects.{name}"] = effect
        for rid, holder in self.terms.items():
            out.update(_shares(f"terms.{rid}", holder))
        for name in _WAR_NUMBERS:
            out[f"war.{name}"] = getattr(self.war, name)
        for winner, outcome in self.war.outcomes.items():
            for rid, holder in outcome.items():
                out.update(_shares(f"war.outcomes.{winner}.{rid}", holder))
        for eid, event in self.events.items():
            out[f"events.{eid}.hazard"] = 0.0 if event.hazard is None else event.hazard
            if event.at_years is not None:
                out[f"events.{eid}.at_years"] = event.at_years
            for target, val in event.changes.items():
                out[f"events.{eid}.changes.{target}"] = val
        if self.solver.qre_precision is not None:
            out["solver.qre_precision"] = self.solver.qre_precision
        for aid, actor in self.actors.items():  # last: a file without types keeps its order
            for tid, typ in actor.types.items():
                if typ.prior is not None:
                    out[f"actors.{aid}.types.{tid}.prior"] = typ.prior
                for target, val in typ.changes.items():
                    out[f"actors.{aid}.types.{tid}.changes.{target}"] = val
        for mid, mech in self.mechanisms.items():  # last again, for the same reason
            for name in _MECHANISM_NUMBERS:
                if name in MECHANISM_KEYS[mech.kind]:  # a kind's own numbers only
                    out[f"mechanisms.{mid}.{name}"] = getattr(mech, name)
        return out

    @property
    def mechanism_ids(self) -> tuple[str, ...]:
        """The mechanism ids, in file order."""
        return tuple(self.mechanisms)

    @property
    def informed(self) -> str | None:
        """The actor with private information (types), or None."""
        return next((aid for aid, actor in self.actors.items() if actor.types), None)


def _shares(prefix: str, holder: Any) -> dict[str, Any]:
    """The shares of a holder written as a mapping (none for an actor id)."""
    return (
        {f"{prefix}.{aid}": share for aid, share in holder.items()}
        if isinstance(holder, dict)
        else {}
    )
