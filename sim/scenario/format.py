"""The scenario format: strict pydantic models, safe YAML loading, ``--set`` overrides.

A scenario is a YAML file that states a ceasefire proposal (``terms``) and the beliefs
about two actors (``actors``, ``regions``, ``war``, ``events``). Every number may be
an uncertain belief written as a distribution (see :mod:`sim.beliefs`).

Loading never evaluates anything: the text is read with PyYAML's safe parser (libyaml
when available; objects are built by PyYAML's SafeConstructor only), and
anchors, aliases, explicit tags and nesting deeper than :data:`MAX_DEPTH` are refused
before a single node is built (so alias bombs cannot expand and ``!!python/...`` tags
never reach a constructor). Duplicate keys and non-string keys are refused (YAML would
silently keep the last, or turn ``yes:`` into ``True:``), and a plain scalar that YAML
split at its commas inside ``{...}`` or ``[...]`` (``{ukraine: uniform(0.3, 1.0)}``) is
reported once, with the advice to quote it. Every problem is a :class:`Problem` naming
the file, the line, the key path, the bad value and what is allowed.
:func:`load_scenario` raises :class:`ScenarioError` holding all problems found at one
stage (YAML structure, then types and ranges, then cross-references), and never any
other exception, whatever the input.

Key paths are dotted: ``actors.russia.discount``, ``regions.crimea.value.ukraine``,
``events.support_fades.changes.actors.ukraine.ceiling`` (after ``changes.`` the rest is
the target key path of the change).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import math
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from sim.beliefs import (
    Choice,
    Distribution,
    DistributionError,
    looks_like_distribution,
)
from sim.beliefs import parse as parse_number
from sim.names import PERIODS_PER_YEAR, SAMPLERS, SELECTION_RULES, SOLVER_METHODS

__all__ = [
    "Problem",
    "ScenarioError",
    "Scenario",
    "load_scenario",
    "parse_scenario_text",
    "validate_data",
    "apply_overrides",
    "parse_set_option",
    "split_path",
    "json_schema",
    "CHANGEABLE",
    "PERIODS_PER_YEAR",
]

MAX_FILE_BYTES = 1_000_000
MAX_EVENTS = 5
MAX_DEPTH = 32
"""Deepest nesting of YAML mappings and lists accepted (a scenario needs about 6)."""
MAX_NUMBER_CHARS = 100
"""Longest number literal accepted (longer ones are refused before conversion)."""
ID_PATTERN = r"^[a-z][a-z0-9_]*$"

# ---------------------------------------------------------------------------------------
# problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    file: str
    line: int | None
    path: str
    message: str
    value: Any = None
    has_value: bool = False

    def __str__(self) -> str:
        """``file:line: key.path: message (got value)``, always one line."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        path = (
            self.path if self.path.isprintable() else repr(self.path)
        )  # e.g. a key with a newline
        key = f" {path}:" if self.path else ""
        got = f" (got {_short(self.value)})" if self.has_value else ""
        return f"{where}:{key} {_one_line(self.message)}{got}"


class ScenarioError(ValueError):
    """A scenario (or an override) is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:  # e.g. an int too long to print  # noqa: BLE001
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())  # one line, always
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# numbers that may be distributions

_DIST_NAMES = ["uniform", "triangular", "normal", "lognormal", "beta", "choice"]
_NUMBER_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {
            "type": "string",
            "pattern": r"^\s*(" + "|".join(_DIST_NAMES) + r")\s*\(.*\)\s*$",
            "description": "distribution shorthand, e.g. uniform(0.1, 0.3)",
        },
        {
            "type": "object",
            "properties": {"dist": {"enum": _DIST_NAMES}},
            "required": ["dist"],
        },
    ]
}


def _fmt(x: float) -> str:
    return f"{x:g}"


def _range_text(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    if lo is not None and hi is not None:
        return f"{'(' if lo_open else '['}{_fmt(lo)}, {_fmt(hi)}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {_fmt(lo)}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {_fmt(hi)}"
    return "any finite number"


def _in_range(x: float, lo, hi, lo_open, hi_open) -> bool:
    if lo is not None and (x < lo or (lo_open and x == lo)):
        return False
    if hi is not None and (x > hi or (hi_open and x == hi)):
        return False
    return True


def _serialise_number(value: Any, info: Any) -> Any:
    """A number field when dumped: a distribution becomes its shorthand text in JSON and
    its mapping form (``{dist: uniform, low: .., high: ..}``) in Python, both of which
    validate back to the same distribution."""
    if isinstance(value, Distribution):
        return value.to_shorthand() if info.mode_is_json() else value.to_dict()
    return value


_NUMBER_SERIALISER = PlainSerializer(_serialise_number)


def number(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    what: str = "",
):
    """An annotated field type: a finite number in a range, or a distribution whose whole
    support lies in that range.

    A continuous distribution may touch an open end of the range (it puts no mass on it,
    and the samplers never return the end point); a ``choice`` may not.
    """
    allowed = _range_text(lo, hi, lo_open, hi_open)
    # "in [0, 1]", ">= 0" or "" (any finite number): the allowed values, for messages
    where = (
        ""
        if lo is None and hi is None
        else (f"in {allowed}" if lo is not None and hi is not None else allowed)
    )
    expected = (
        f"must be a finite number {where} or a distribution such as uniform(0.1, 0.3)".replace(
            "  ", " "
        )
    )

    def check(value: Any) -> float | Distribution:
        if isinstance(value, Distribution):
            parsed: float | Distribution = value
        elif isinstance(value, bool):
            raise ValueError(
                f"{expected}, not a boolean (YAML reads yes/no/on/off/true/false as booleans)"
            )
        elif value is None:
            raise ValueError(f"{expected}; the value is empty")
        elif isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"must be a finite number {where}".rstrip())
            try:
                parsed = float(value)
            except OverflowError:
                raise ValueError(f"{expected}; this number is too large") from None
        elif isinstance(value, str) and not looks_like_distribution(value):
            try:
                parsed = parse_number(value)  # a number PyYAML left as text, e.g. 1e-3
            except DistributionError:
                raise ValueError(expected) from None
        elif isinstance(value, (str, dict)):
            try:
                parsed = parse_number(value)
            except DistributionError as exc:
                raise ValueError(str(exc)) from None
        else:
            raise ValueError(expected)
        if isinstance(parsed, Distribution):
            blo, bhi = parsed.bounds()
            discrete = isinstance(parsed, Choice)
            if not (
                _in_range(blo, lo, None, lo_open and discrete, False)
                and _in_range(bhi, None, hi, False, hi_open and discrete)
            ):
                unbounded = math.isinf(blo) or math.isinf(bhi)
                raise ValueError(
                    f"distribution {parsed.to_shorthand()} can take values in "
                    f"[{_fmt(blo)}, {_fmt(bhi)}] but must stay {where}"
                    + (
                        "; truncate it with low=/high=, e.g. normal(mu, sd, low=0, high=1)"
                        if unbounded
                        else ""
                    )
                )
            return parsed
        if not _in_range(parsed, lo, hi, lo_open, hi_open):
            raise ValueError(f"must be {where}")
        return parsed

    schema = copy.deepcopy(_NUMBER_JSON_SCHEMA)
    if lo is not None:
        schema["anyOf"][0]["exclusiveMinimum" if lo_open else "minimum"] = lo
    if hi is not None:
        schema["anyOf"][0]["exclusiveMaximum" if hi_open else "maximum"] = hi
    if what:
        schema["description"] = f"{what}; {allowed}, or a distribution"
    return Annotated[Any, BeforeValidator(check), _NUMBER_SERIALISER, WithJsonSchema(schema)]


# The number types of the format. Event changes reuse them (see _CHANGE_TYPES), so a
# change is checked exactly like the key it changes.
Probability = number(0.0, 1.0, what="a probability or share")
Discount = number(0, 1, lo_open=True, hi_open=True, what="per-period discount factor δ")
WarCost = number(0.0, what="lump-sum cost of a new war, in periods of the whole stake")
Capacity = number(0.0, lo_open=True, what="military capacity when the ceasefire starts")
Ceiling = number(0.0, lo_open=True, what="capacity the actor rebuilds toward (default: capacity)")
RebuildRate = number(0.0, 1.0, what="share of the gap to the ceiling closed each period")
Flow = number(what="other flows per period under the ceasefire (aid, sanctions), stake units")
WarFlow = number(what="other flows per period after a new war, stake units")
RegionValue = number(0.0, what="relative value to the actor; normalised per actor")
CeilingEffect = number(
    -1.0, lo_open=True, what="fractional change of the holder's capacity ceiling"
)
GrowthEffect = number(
    -1.0, 1.0, what="added to the holder's rebuild rate (the sum is clipped to [0, 1])"
)
PowerEffect = number(-1.0, lo_open=True, what="fractional bonus to the holder's strength in war")


def per_holder(num_type: Any):
    """A region effect: one number for whichever side holds the region, or a mapping of
    actor id to number when the region does different things for each side (e.g. an
    industry that matters more to one economy). A mapping with a ``dist`` key is a
    distribution, not a per-actor mapping."""
    adapter = TypeAdapter(num_type)

    def check(value: Any) -> Any:
        if isinstance(value, dict) and "dist" not in value:
            out = {}
            for aid, v in value.items():
                if not isinstance(aid, str) or not re.match(ID_PATTERN, aid):
                    raise ValueError(f"per-actor effects are keyed by actor id, got {aid!r}")
                try:
                    out[aid] = adapter.validate_python(v)
                except ValidationError as exc:
                    msg = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
                    raise ValueError(f"{aid}: {msg}") from None
            return out
        return adapter.validate_python(value)

    schema = copy.deepcopy(adapter.json_schema())
    return Annotated[
        Any,
        BeforeValidator(check),
        PlainSerializer(
            lambda v, info: (
                {k: _serialise_number(x, info) for k, x in v.items()}
                if isinstance(v, dict)
                else _serialise_number(v, info)
            )
        ),
        WithJsonSchema(
            {
                "anyOf": [
                    schema,
                    {
                        "type": "object",
                        "additionalProperties": schema,
                        "description": "per holder: actor id -> effect",
                    },
                ]
            }
        ),
    ]


Decisiveness = number(0.0, lo_open=True, what="Tullock contest exponent γ")
FirstStrike = number(
    -1.0,
    lo_open=True,
    what="fractional strength bonus of the side that attacks first (negative: the defence has the advantage)",
)
Hazard = number(0.0, 1.0, what="per-period probability")
Real = number()

Identifier = Annotated[str, Field(pattern=ID_PATTERN, strict=True)]
Text = Annotated[str, Field(strict=True)]
PositiveReal = Annotated[float, Field(gt=0, strict=True, allow_inf_nan=False)]
NonNegativeReal = Annotated[float, Field(ge=0, strict=True, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base: unknown keys rejected, instances frozen, strings and ints strict."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# ---------------------------------------------------------------------------------------
# the format


class Actor(Strict):
    """One of the two actors. Values are per period; costs are in periods of the whole stake."""

    label: Text | None = None
    discount: Discount
    war_cost: WarCost
    capacity: Capacity
    ceiling: Ceiling | None = None
    rebuild_rate: RebuildRate = 0.0
    flow: Flow = 0.0
    war_flow: WarFlow = 0.0
    note: Text | None = None


class Effects(Strict):
    """What holding a region does for its holder (scaled by the share held)."""

    ceiling: per_holder(CeilingEffect) = 0.0
    growth: per_holder(GrowthEffect) = 0.0
    power: per_holder(PowerEffect) = 0.0


class Region(Strict):
    """A piece of the stake, territorial or not."""

    label: Text | None = None
    value: dict[Identifier, RegionValue]
    effects: Effects = Effects()
    area_km2: PositiveReal | None = None
    population: NonNegativeReal | None = None
    note: Text | None = None


Holder = Identifier | dict[Identifier, Probability]


class War(Strict):
    decisiveness: Decisiveness = 1.0
    first_strike: FirstStrike = 0.0
    incident_hazard: Hazard = 0.0
    outcomes: dict[Identifier, dict[Identifier, Holder]] = {}


class Event(Strict):
    label: Text | None = None
    hazard: Hazard
    # Targets and values are checked against the scenario in _semantic_problems.
    changes: dict[Text, Annotated[Any, _NUMBER_SERIALISER]] = {}
    note: Text | None = None


class Solver(Strict):
    method: Literal[SOLVER_METHODS] = "batched"  # type: ignore[valid-type]
    selection: Literal[SELECTION_RULES] = "peaceful"  # type: ignore[valid-type]


class MonteCarlo(Strict):
    draws: Annotated[int, Field(ge=1, le=100_000_000, strict=True)] = 2000
    seed: Annotated[int, Field(ge=0, le=2**63 - 1, strict=True)] = 0
    sampler: Literal[SAMPLERS] = "lhs"  # type: ignore[valid-type]


class Scenario(Strict):
    """A validated scenario. Build it with :func:`load_scenario`."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$", strict=True)] | None = None
    title: Annotated[str, Field(strict=True, min_length=1)]
    description: Annotated[str, Field(strict=True)] = ""
    sources: list[Annotated[str, Field(strict=True)]] = []
    period: Literal["year", "quarter", "month"] = "year"
    horizon: Annotated[int, Field(ge=1, le=10_000, strict=True)]
    actors: dict[Identifier, Actor]
    regions: Annotated[dict[Identifier, Region], Field(min_length=1)]
    terms: dict[Identifier, Holder]
    war: War = War()
    events: dict[Identifier, Event] = {}
    solver: Solver = Solver()
    montecarlo: MonteCarlo = MonteCarlo()

    _source_text: str = PrivateAttr(default="")
    _source_path: str = PrivateAttr(default="")
    _overrides: tuple = PrivateAttr(default=())

    # -- convenience -------------------------------------------------------------------
    @property
    def actor_ids(self) -> tuple[str, str]:
        a, b = self.actors
        return a, b

    @property
    def region_ids(self) -> tuple[str, ...]:
        return tuple(self.regions)

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(self.events)

    @property
    def periods_per_year(self) -> int:
        return PERIODS_PER_YEAR[self.period]

    @property
    def source_text(self) -> str:
        """The YAML text the scenario was loaded from (before ``--set`` overrides)."""
        return self._source_text

    @property
    def source_path(self) -> str:
        return self._source_path

    @property
    def overrides(self) -> tuple[tuple[str, Any], ...]:
        """The ``--set`` overrides applied on top of :attr:`source_text`."""
        return self._overrides

    def display_name(self, actor: str) -> str:
        return self.actors[actor].label or actor

    def uncertain(self) -> dict[str, Distribution]:
        """Every distribution in the scenario, by key path, in file order."""
        return {p: v for p, v in self.numbers().items() if isinstance(v, Distribution)}

    def numbers(self) -> dict[str, float | Distribution]:
        """Every number the model reads, by key path (event changes included).

        An actor without a ``ceiling`` has none here: the model uses its (sampled)
        capacity, so the two stay one number rather than two independent draws."""
        out: dict[str, float | Distribution] = {}
        for aid, actor in self.actors.items():
            for key in (
                "discount",
                "war_cost",
                "capacity",
                "ceiling",
                "rebuild_rate",
                "flow",
                "war_flow",
            ):
                val = getattr(actor, key)
                if val is not None:
                    out[f"actors.{aid}.{key}"] = val
        for rid, region in self.regions.items():
            for aid in self.actors:
                out[f"regions.{rid}.value.{aid}"] = region.value.get(aid, 0.0)
            for key in ("ceiling", "growth", "power"):
                effect = getattr(region.effects, key)
                if isinstance(effect, dict):  # per holder; an actor not named gets 0
                    for aid in self.actors:
                        out[f"regions.{rid}.effects.{key}.{aid}"] = effect.get(aid, 0.0)
                else:
                    out[f"regions.{rid}.effects.{key}"] = effect
        for rid, holder in self.terms.items():
            if isinstance(holder, dict):
                for aid, share in holder.items():
                    out[f"terms.{rid}.{aid}"] = share
        for key in ("decisiveness", "first_strike", "incident_hazard"):
            out[f"war.{key}"] = getattr(self.war, key)
        for winner, outcome in self.war.outcomes.items():
            for rid, holder in outcome.items():
                if isinstance(holder, dict):
                    for aid, share in holder.items():
                        out[f"war.outcomes.{winner}.{rid}.{aid}"] = share
        for eid, event in self.events.items():
            out[f"events.{eid}.hazard"] = event.hazard
            for target, val in event.changes.items():
                out[f"events.{eid}.changes.{target}"] = val
        return out


# ---------------------------------------------------------------------------------------
# event changes: which key paths an event may change, checked as the key they change

_CHANGE_TYPES: dict[str, dict[str, Any]] = {
    "actors": {
        "discount": Discount,
        "war_cost": WarCost,
        "ceiling": Ceiling,
        "rebuild_rate": RebuildRate,
        "flow": Flow,
        "war_flow": WarFlow,
    },
    "value": {"": RegionValue},
    "effects": {"ceiling": CeilingEffect, "growth": GrowthEffect, "power": PowerEffect},
    "war": {"decisiveness": Decisiveness, "first_strike": FirstStrike, "incident_hazard": Hazard},
}
_ADAPTERS: dict[tuple[str, str], TypeAdapter] = {}

CHANGEABLE = (
    "actors.<id>.{discount, war_cost, ceiling, rebuild_rate, flow, war_flow}, "
    "regions.<id>.value.<actor>, regions.<id>.effects.{ceiling, growth, power}[.<actor>], "
    "war.{decisiveness, first_strike, incident_hazard}"
)


def _changeable(scn: Scenario) -> dict[str, tuple[str, str]]:
    """Key path -> (group, key) of its number type in :data:`_CHANGE_TYPES`."""
    out: dict[str, tuple[str, str]] = {}
    for aid in scn.actors:
        for key in _CHANGE_TYPES["actors"]:
            out[f"actors.{aid}.{key}"] = ("actors", key)
    for rid in scn.regions:
        for aid in scn.actors:
            out[f"regions.{rid}.value.{aid}"] = ("value", "")
        for key in _CHANGE_TYPES["effects"]:
            out[f"regions.{rid}.effects.{key}"] = ("effects", key)
            for aid in scn.actors:
                out[f"regions.{rid}.effects.{key}.{aid}"] = ("effects", key)
    for key in _CHANGE_TYPES["war"]:
        out[f"war.{key}"] = ("war", key)
    return out


def _validate_change(kind: tuple[str, str], value: Any) -> float | Distribution:
    """Check a change's new value exactly as the key it changes is checked."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(_CHANGE_TYPES[kind[0]][kind[1]])
    return adapter.validate_python(value)


# ---------------------------------------------------------------------------------------
# YAML: safe parse, line numbers, refusal of anchors/aliases/tags/duplicates/deep nesting

_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = _TAG_PREFIX + "str"
_NUMBER_TAGS = {_TAG_PREFIX + "int", _TAG_PREFIX + "float"}
_STANDARD_TAGS = {_TAG_PREFIX + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
# Parsing and composing use libyaml when PyYAML has it (several times faster); both give
# the same events and nodes. Objects are always built by PyYAML's SafeConstructor.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Lines:
    """Key path -> line number (1-based) of the YAML node, and the ``--set`` key paths."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        self.overridden: set[tuple[str, ...]] = set()

    def line_for(self, path: tuple[str, ...]) -> int | None:
        p = tuple(path)
        while True:
            if p in self.lines:
                return self.lines[p]
            if not p:
                return None
            p = p[:-1]

    def is_override(self, path: tuple[str, ...]) -> bool:
        """True when ``path`` is, or lies under, a key set or created by ``--set``."""
        path = tuple(path)
        in_file = len(path)
        while in_file and path[:in_file] not in self.lines:
            in_file -= 1
        for o in self.overridden:
            if path[: len(o)] == o:
                return True
            common = 0
            while common < min(len(o), len(path)) and o[common] == path[common]:
                common += 1
            if common > in_file:  # path[:common] is not in the file: --set created it
                return True
        return False


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def _yaml_error(exc: BaseException, file: str, text: str | None = None) -> Problem:
    """One line for a PyYAML error, with the line number where PyYAML gives one."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = None
        if text is not None:  # libyaml gives a byte offset, PyYAML a character offset
            before = (
                text.encode("utf-8")[: exc.position]
                if _LOADER is not yaml.SafeLoader
                else text[: exc.position]
            )
            line = before.count(b"\n" if isinstance(before, bytes) else "\n") + 1
        char = exc.character
        shown = f"#x{ord(char) if isinstance(char, str) else char:04x}"
        return Problem(
            file, line, "", f"character {shown} is not allowed in YAML text ({exc.reason})"
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if "maximum nesting depth" in problem:  # libyaml's own limit, beyond MAX_DEPTH
        return Problem(file, line, "", f"mappings and lists are nested more than {MAX_DEPTH} deep")
    msg = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    if text is not None and line is not None:
        source = text.split("\n")[line - 1] if line <= text.count("\n") + 1 else ""
        if re.search(r"[{\[]", source) and re.search(r"[A-Za-z_]\w*\s*\(", source):
            msg += (
                "; inside {...} or [...] YAML splits text at commas: quote distributions, "
                'e.g. {ukraine: "choice([4, 0.5], [0.6, 0.4])"}, or write one key per line'
            )
    return Problem(file, line, "", _one_line(msg))


def _scan_events(text: str, file: str) -> list[Problem]:
    """Refuse anchors, aliases, explicit tags and deep nesting before composing anything."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
                    )
                ]
            anchor = getattr(event, "anchor", None)
            if anchor:
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"YAML anchors (&{anchor}) are not allowed; write the value out",
                    )
                ]
            tag = getattr(event, "tag", None)
            if tag and tag not in ("!", *_STANDARD_TAGS):
                return [
                    Problem(
                        file,
                        line,
                        "",
                        f"YAML tag {_short_tag(tag)} is not allowed; "
                        "scenarios hold plain numbers, text, lists and mappings",
                    )
                ]
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return [
                        Problem(
                            file,
                            line,
                            "",
                            f"mappings and lists are nested more than {MAX_DEPTH} deep",
                        )
                    ]
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        return [_yaml_error(exc, file, text)]
    return []


class _Offsets:
    """Character offset of a (line, column) mark in the text (libyaml's ``index`` may
    count bytes, so offsets are computed from line and column, which count characters)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self.starts.append(i + 1)

    def __call__(self, mark: yaml.Mark) -> int:
        return self.starts[min(mark.line, len(self.starts) - 1)] + mark.column


def _split_scalar(
    item: yaml.Node, collection: yaml.Node, text: str, offset: _Offsets
) -> tuple[str, int] | None:
    """If ``item`` is a plain scalar that YAML cut at a comma inside ``{...}``/``[...]``
    (more '(' than ')': ``uniform(0.3`` of ``uniform(0.3, 1.0)``), return the text as
    written and the offset where it ends."""
    if not isinstance(item, yaml.ScalarNode) or item.style not in (
        None,
        "",
    ):  # plain: None or "" (libyaml)
        return None
    if item.value.count("(") <= item.value.count(")"):
        return None
    start = offset(item.start_mark)
    stop = min(offset(collection.end_mark) - 1, start + 1000, len(text))
    depth, end = 0, stop
    for j in range(start, stop):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                end = j + 1
                break
    return _one_line(text[start:end]), end


_KEY_KINDS = {
    _TAG_PREFIX + "int": "a number",
    _TAG_PREFIX + "float": "a number",
    _TAG_PREFIX + "bool": "a boolean (yes/no/on/off/true/false)",
    _TAG_PREFIX + "null": "empty (null)",
    _TAG_PREFIX + "timestamp": "a date",
}


class _Walk:
    """Records line numbers and finds structural problems in a composed YAML tree."""

    def __init__(self, text: str, file: str, lines: _Lines) -> None:
        self.text, self.file, self.lines = text, file, lines
        self.offset = _Offsets(text)
        self.problems: list[Problem] = []

    def add(
        self,
        line: int,
        path: tuple[str, ...],
        message: str,
        value: Any = None,
        has_value: bool = False,
    ) -> None:
        self.problems.append(Problem(self.file, line, ".".join(path), message, value, has_value))

    def walk(self, node: yaml.Node, path: tuple[str, ...]) -> None:
        line = node.start_mark.line + 1
        self.lines.lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
                self.add(
                    line,
                    path,
                    f"a number written with {len(node.value)} characters is too long "
                    f"(at most {MAX_NUMBER_CHARS})",
                )
            elif node.tag == _TAG_PREFIX + "timestamp":
                try:
                    yaml.constructor.SafeConstructor().construct_yaml_timestamp(node)
                except ValueError as exc:
                    self.add(
                        line,
                        path,
                        f"YAML reads this as a date, but it is not a valid one ({exc}); "
                        "quote it if it is text",
                        node.value,
                        True,
                    )
        elif isinstance(node, yaml.MappingNode):
            self.mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            skip_until = -1
            for i, item in enumerate(node.value):
                if skip_until >= 0 and self.offset(item.start_mark) < skip_until:
                    continue
                child = (*path, str(i))
                split = (
                    _split_scalar(item, node, self.text, self.offset) if node.flow_style else None
                )
                if split:
                    self.add(
                        item.start_mark.line + 1,
                        child,
                        f"YAML split {split[0]!r} at its commas (inside [...] a comma separates "
                        f'items): quote it, e.g. "{split[0]}", or write one item per line',
                    )
                    skip_until = split[1]
                    continue
                self.walk(item, child)

    def mapping(self, node: yaml.MappingNode, path: tuple[str, ...]) -> None:
        seen: dict[str, int] = {}
        skip_until = -1
        for key_node, value_node in node.value:
            if skip_until >= 0 and self.offset(key_node.start_mark) < skip_until:
                continue
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.add(line, path, "keys must be plain text, not a list or mapping")
                continue
            if key_node.tag == _TAG_PREFIX + "merge":
                self.add(line, path, "YAML merge keys (<<) are not allowed; write the keys out")
                continue
            if key_node.tag != _STR_TAG:
                kind = _KEY_KINDS.get(key_node.tag, _short_tag(key_node.tag))
                self.add(
                    line,
                    path,
                    f"keys must be text; YAML reads this key as {kind}: quote it, "
                    f'e.g. "{key_node.value}":',
                )
                continue
            key = key_node.value
            child = (*path, key)
            if key in seen:
                first = f" (first given on line {seen[key]})" if self.file != "--set" else ""
                self.add(line, child, f"duplicate key{first}; give each key once")
                continue
            seen[key] = line
            self.lines.lines[child] = line
            split = (
                _split_scalar(value_node, node, self.text, self.offset) if node.flow_style else None
            )
            if split:
                self.add(
                    line,
                    child,
                    f"YAML split {split[0]!r} at its commas (inside {{...}} a comma separates "
                    f'entries): quote it, e.g. {key}: "{split[0]}", or write the mapping one key per line',
                )
                skip_until = split[1]
                continue
            self.walk(value_node, child)


def _compose(text: str, file: str, lines: _Lines, path: tuple[str, ...] = ()) -> yaml.Node | None:
    """Safely compose ``text`` into a checked node tree (``None`` for an empty document)."""
    problems = _scan_events(text, file)
    if problems:
        raise ScenarioError(problems)
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:  # e.g. several documents in one file
        raise ScenarioError([_yaml_error(exc, file, text)]) from None
    except RecursionError:  # pragma: no cover - nesting is bounded by _scan_events
        raise ScenarioError([Problem(file, None, "", "the YAML is nested too deeply")]) from None
    if node is not None:
        walk = _Walk(text, file, lines)
        walk.walk(node, path)
        if walk.problems:
            raise ScenarioError(walk.problems)
    return node


def _construct(node: yaml.Node, file: str) -> Any:
    """Build Python objects from a checked node tree with PyYAML's safe constructor."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. a bad date
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ScenarioError(
            [
                Problem(
                    file,
                    None if line is None else line + 1,
                    "",
                    _one_line(f"cannot read a value: {exc}"),
                )
            ]
        ) from None
    finally:
        loader.dispose()


def _load_yaml(text: str, file: str) -> tuple[Any, _Lines]:
    lines = _Lines()
    node = _compose(text, file, lines)
    if node is None or (
        isinstance(node, yaml.ScalarNode) and node.tag == _TAG_PREFIX + "null" and not node.value
    ):
        raise ScenarioError(
            [
                Problem(
                    file,
                    None,
                    "",
                    "the file is empty; a scenario is a YAML mapping "
                    "with title, horizon, actors, regions and terms",
                )
            ]
        )
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(
            [
                Problem(
                    file,
                    node.start_mark.line + 1,
                    "",
                    "a scenario must be a YAML mapping (key: value lines) at the top level",
                )
            ]
        )
    return _construct(node, file), lines


# ---------------------------------------------------------------------------------------
# overrides


def split_path(key: str) -> tuple[str, ...]:
    """Split a dotted key path; after ``events.<id>.changes.`` the rest is one key."""
    parts = tuple(key.split("."))
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "changes":
        return (*parts[:3], ".".join(parts[3:]))
    return parts


def _bad_key(key: Any) -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                "--set",
                None,
                "",
                "the key must be a dotted key path such as "
                "actors.russia.discount or war.first_strike",
                key,
                True,
            )
        ]
    )


def parse_set_option(text: str) -> tuple[str, Any]:
    """Parse one ``KEY=VALUE`` override.

    VALUE is read as one YAML scalar (a number, a word, ``true``, quoted text), or, when
    it starts with ``{`` or ``[``, as a YAML flow mapping or list. A value that starts like
    a distribution (``uniform(0, 0.2)``) stays text and is parsed (never evaluated) with
    the scenario. Anything else that is not one scalar (``Freeze: the line``) is kept as
    the text given. Tags, anchors and aliases are refused as in a scenario file.
    """
    if not isinstance(text, str) or "=" not in text:
        raise ScenarioError(
            [
                Problem(
                    "--set",
                    None,
                    "",
                    "expected KEY=VALUE, e.g. actors.russia.discount=0.9",
                    text,
                    True,
                )
            ]
        )
    key, raw = text.split("=", 1)
    key, raw = key.strip(), raw.strip()
    if not key or any(not part.strip() for part in key.split(".")):
        raise _bad_key(key)
    if not raw or looks_like_distribution(raw):
        return key, raw
    lines = _Lines()
    try:
        node = _compose(raw, "--set", lines, split_path(key))
    except ScenarioError as exc:
        if raw[0] in "{[" or any(_refused(p) for p in exc.problems):
            raise ScenarioError(
                [
                    Problem("--set", None, p.path or key, p.message, raw, not p.path)
                    for p in exc.problems
                ]
            ) from None
        return key, raw  # e.g. "Freeze: the line, again" is text
    if node is None:
        return key, None
    if raw[0] not in "{[" and not isinstance(node, yaml.ScalarNode):
        return key, raw
    try:
        return key, _construct(node, "--set")
    except ScenarioError as exc:
        raise ScenarioError(
            [Problem("--set", None, key, p.message, raw, True) for p in exc.problems]
        ) from None


def _refused(problem: Problem) -> bool:
    return problem.message.startswith(
        ("YAML tag", "YAML anchors", "YAML aliases", "mappings and lists are nested")
    )


def _list_index(node: list, part: str) -> int | None:
    return int(part) if part.isdigit() and int(part) < len(node) else None


def _set_path(data: dict, path: tuple[str, ...], key: str, value: Any) -> Problem | None:
    """Set ``path`` in ``data`` to a copy of ``value``; a Problem when the path is blocked."""
    node: Any = data
    for i, part in enumerate(path):
        here = ".".join(path[:i]) or "the scenario"
        last = i == len(path) - 1
        if isinstance(node, list):
            idx = _list_index(node, part)
            if idx is None:
                n = len(node)
                which = f"give an index from 0 to {n - 1}" if n else "it cannot be indexed"
                return Problem(
                    "--set",
                    None,
                    key,
                    f"{here} is a list of {n} item{'s' if n != 1 else ''}; {which}",
                )
            if last:
                node[idx] = copy.deepcopy(value)
            else:
                node = node[idx]
            continue
        if not isinstance(node, dict):
            return Problem(
                "--set",
                None,
                key,
                f"{here} is not a mapping, so it has no key {part!r}",
                node,
                True,
            )
        if last:
            node[part] = copy.deepcopy(value)
        else:
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
    return None


def apply_overrides(
    data: dict, overrides: Mapping[str, Any] | list[tuple[str, Any]], lines: _Lines | None = None
) -> dict:
    """Return a copy of ``data`` with each key path set to its new value.

    Missing mappings along the path are created; a list item is addressed by its index
    (``sources.0``). Raises :class:`ScenarioError` (file ``--set``) when a step of the
    path is neither a mapping nor a list.
    """
    data = copy.deepcopy(data) if isinstance(data, dict) else {}
    items = overrides.items() if isinstance(overrides, Mapping) else overrides
    problems: list[Problem] = []
    for item in items:
        try:
            key, value = item
        except (TypeError, ValueError):
            problems.extend(_bad_key(item).problems)
            continue
        if not isinstance(key, str) or not key or any(not part.strip() for part in key.split(".")):
            problems.extend(_bad_key(key).problems)
            continue
        path = split_path(key)
        problem = _set_path(data, path, key, value)
        if problem is not None:
            problems.append(problem)
        elif lines is not None:
            lines.overridden.add(path)
    if problems:
        raise ScenarioError(problems)
    return data


# ---------------------------------------------------------------------------------------
# validation


def _clean_loc(
    data: Any, loc: tuple, err_type: str
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], str] | None, bool]:
    """Turn a pydantic ``loc`` into a key path of the data.

    pydantic inserts union branch names ('constrained-str', 'dict[...]') and '[key]'
    (an invalid mapping key) into ``loc``; an element that is not a key of the data at
    that point is such a name. Returns (key path, (path, first branch name) or None,
    whether the error is about the last key itself).
    """
    out: list[str] = []
    node, branch, key_error = data, None, False
    for j, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            out.append(str(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(str(part))
            node = node[part]
        elif part == "[key]":
            key_error = True
        elif err_type == "missing" and j == len(loc) - 1:
            out.append(str(part))
            node = None
        elif branch is None:
            branch = (tuple(out), str(part))
    return tuple(out), branch, key_error


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


_COMPARE = {
    "greater_than_equal": ("ge", ">="),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "<="),
    "less_than": ("lt", "<"),
}


def _message(err: dict, loc: tuple[str, ...], key_error: bool) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    bool_hint = (
        ", not a boolean (YAML reads yes/no/on/off/true/false as booleans)"
        if isinstance(value, bool)
        else ""
    )
    empty_hint = "; the value is empty" if value is None else ""
    if kind == "value_error":
        return err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc)
        close = difflib.get_close_matches(loc[-1], allowed, n=1) if allowed else []
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown key{hint}; allowed keys here: {', '.join(allowed) if allowed else '(see `sim schema`)'}"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch":
        if key_error or loc[-1:] != ("name",) or len(loc) > 1:
            return "ids must be lower-case letters, digits and underscores, starting with a letter (e.g. land_bridge)"
        return "may hold only letters, digits, '_', '.' and '-'"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', '')}".rstrip()
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number{bool_hint}{empty_hint}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number{bool_hint}{empty_hint}"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in _COMPARE:
        key, sign = _COMPARE[kind]
        bound = ctx.get(key)
        return f"must be {sign} {_fmt(bound) if isinstance(bound, (int, float)) else bound}"
    if kind == "string_type":
        return f"must be text{empty_hint}; quote it if YAML reads it as something else"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping (key: value lines){empty_hint}"
    if kind == "list_type":
        return f"must be a list (one '- item' per line){empty_hint}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"must have at least {n} entr{'y' if n == 1 else 'ies'}"
    return _one_line(err["msg"].replace("Input should be", "must be"))


def _problems_from_pydantic(
    exc: ValidationError, data: Any, file: str, lines: _Lines
) -> list[Problem]:
    actors = list(data.get("actors") or {}) if isinstance(data.get("actors"), dict) else []
    example = (
        "{" + ", ".join(f"{a}: 0.5" for a in (actors[:2] if len(actors) >= 2 else ["a", "b"])) + "}"
    )
    cleaned = []
    for err in exc.errors(include_url=False):
        loc, branch, key_error = _clean_loc(data, err["loc"], err["type"])
        cleaned.append((err, loc, branch, key_error))
    out: list[Problem] = []
    done_unions: set[tuple[str, ...]] = set()
    for err, loc, branch, key_error in cleaned:
        if branch is not None:
            # The only union in the format is an actor id | {actor: share}: report the
            # branch that matches what was written, or one message if neither does.
            at, name = branch
            value = _get(data, at)
            if isinstance(value, dict) != name.startswith("dict[") or not isinstance(
                value, (dict, str)
            ):
                if not isinstance(value, (dict, str)) and at not in done_unions:
                    done_unions.add(at)
                    out.append(
                        _problem(
                            file,
                            lines,
                            at,
                            "must be an actor id (the actor that holds all of it) "
                            f"or each actor's share, e.g. {example}",
                            value,
                            True,
                        )
                    )
                continue
        message = _message(err, loc, key_error)
        if branch is not None and err["type"] == "string_pattern_mismatch":
            message = f"must be an actor id{' (' + ', '.join(actors) + ')' if actors else ''} or each actor's share, e.g. {example}"
        has_value = err["type"] not in ("missing", "extra_forbidden") and not key_error
        problem = _problem(file, lines, loc, message, err.get("input"), has_value)
        if err["type"] == "missing" and len(loc) == 1:  # a top-level key: no line to point at
            problem = dataclasses.replace(problem, line=None)
        out.append(problem)
    return _dedupe(out)


def _problem(
    file: str,
    lines: _Lines,
    path: tuple[str, ...],
    message: str,
    value: Any = None,
    has_value: bool = False,
) -> Problem:
    if lines.is_override(path):
        return Problem("--set", None, ".".join(path), message, value, has_value)
    return Problem(file, lines.line_for(path), ".".join(path), message, value, has_value)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        k = (p.path, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _allowed_keys(loc: tuple[str, ...]) -> list[str]:
    """The keys allowed next to the last key of ``loc`` (empty when unknown)."""
    model: type[BaseModel] | None = Scenario
    sub = loc[:-1]
    by_id = {"actors": Actor, "regions": Region, "events": Event}
    i = 0
    while i < len(sub) and model is not None:
        part = sub[i]
        if model is Scenario and part in by_id:
            model = by_id[part] if i + 1 < len(sub) else None
            i += 2
            continue
        fld = model.model_fields.get(part)
        if fld is None:
            return []
        ann = fld.annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        i += 1
    return list(model.model_fields) if model is not None else []


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


def _semantic_problems(
    scn: Scenario, file: str, lines: _Lines
) -> tuple[list[Problem], dict[str, dict]]:
    """Cross-references and sums; returns the problems and the parsed event changes."""
    problems: list[Problem] = []
    parsed_changes: dict[str, dict] = {}

    def add(
        path: tuple[str, ...], message: str, value: Any = None, has_value: bool = False
    ) -> None:
        problems.append(_problem(file, lines, path, message, value, has_value))

    actors = list(scn.actors)
    if len(actors) != 2:
        add(("actors",), f"exactly two actors are needed, found {len(actors)}", actors, True)
        return problems, parsed_changes
    regions = list(scn.regions)
    one_of_actors = f"allowed: {', '.join(actors)}"

    def check_holder(path: tuple[str, ...], holder: Any) -> None:
        if isinstance(holder, str):
            if holder not in actors:
                add(path, f"unknown actor; {one_of_actors}", holder, True)
            return
        if not holder:
            add(
                path,
                "give an actor id or shares such as {"
                + f"{actors[0]}: 0.5, {actors[1]}: 0.5"
                + "}",
                {},
                True,
            )
            return
        unknown = [aid for aid in holder if aid not in actors]
        for aid in unknown:
            add((*path, aid), f"unknown actor; {one_of_actors}", aid, True)
        if len(holder) == 2 and not unknown:
            vals = list(holder.values())
            if any(isinstance(v, Distribution) for v in vals):
                add(
                    path,
                    "with a distribution, give one actor's share only; the other actor gets the rest",
                    {k: str(v) if isinstance(v, Distribution) else v for k, v in holder.items()},
                    True,
                )
            elif abs(math.fsum(vals) - 1.0) > 1e-9:
                add(
                    path,
                    f"shares must sum to 1 (they sum to {math.fsum(vals):g}); or give one actor's "
                    "share only and the other gets the rest",
                    dict(holder),
                    True,
                )

    for rid, region in scn.regions.items():
        for aid in region.value:
            if aid not in actors:
                add(("regions", rid, "value", aid), f"unknown actor; {one_of_actors}", aid, True)
        for key in ("ceiling", "growth", "power"):
            effect = getattr(region.effects, key)
            if isinstance(effect, dict):
                for aid in effect:
                    if aid not in actors:
                        add(
                            ("regions", rid, "effects", key, aid),
                            f"unknown actor; {one_of_actors}",
                            aid,
                            True,
                        )
    for rid, holder in scn.terms.items():
        if rid not in scn.regions:
            add(("terms", rid), f"unknown region; allowed: {', '.join(regions)}", rid, True)
            continue
        check_holder(("terms", rid), holder)
    for rid in regions:
        if rid not in scn.terms:
            add(("terms",), f"region {rid} has no terms; give terms.{rid}: an actor id or shares")
    for winner, outcome in scn.war.outcomes.items():
        if winner not in actors:
            add(("war", "outcomes", winner), f"unknown actor; {one_of_actors}", winner, True)
            continue
        for rid, holder in outcome.items():
            if rid not in scn.regions:
                add(
                    ("war", "outcomes", winner, rid),
                    f"unknown region; allowed: {', '.join(regions)}",
                    rid,
                    True,
                )
                continue
            check_holder(("war", "outcomes", winner, rid), holder)
    if len(scn.events) > MAX_EVENTS:
        add(
            ("events",),
            f"at most {MAX_EVENTS} events are allowed (each doubles the number of stage "
            f"games), found {len(scn.events)}",
            list(scn.events),
            True,
        )
    changeable = _changeable(scn)
    for eid, event in scn.events.items():
        parsed_changes[eid] = {}
        for target, value in event.changes.items():
            path = ("events", eid, "changes", target)
            if target not in changeable:
                add(
                    path,
                    f"{_unchangeable(target, scn, changeable)}; an event can change only: {CHANGEABLE}",
                )
                continue
            try:
                parsed_changes[eid][target] = _validate_change(changeable[target], value)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    add(path, err["msg"].removeprefix("Value error, "), value, True)
    if problems:
        return problems, parsed_changes
    # every actor must value some region in every event state (the model normalises)
    for aid in actors:
        base = {rid: r.value.get(aid, 0.0) for rid, r in scn.regions.items()}
        if not any(_surely_positive(v) for v in base.values()):
            add(
                ("regions",),
                f"actor {aid} values no region for certain; give "
                f"regions.<id>.value.{aid} > 0 for at least one region",
            )
            continue
        ids = list(scn.events)
        for mask in sorted(range(1, 2 ** len(ids)), key=lambda m: (bin(m).count("1"), m)):
            vals = dict(base)
            fired = [eid for e, eid in enumerate(ids) if mask >> e & 1]
            for eid in fired:
                for rid in regions:
                    vals[rid] = parsed_changes[eid].get(f"regions.{rid}.value.{aid}", vals[rid])
            if not any(_surely_positive(v) for v in vals.values()):
                add(
                    ("events", fired[-1], "changes"),
                    f"once {' and '.join(fired)} happened, actor {aid} "
                    "values no region for certain; keep a value > 0 for at least one region",
                )
                break
    return problems, parsed_changes


def validate_data(
    data: Any,
    file: str = "<scenario>",
    lines: _Lines | None = None,
    default_name: str | None = None,
) -> Scenario:
    """Validate an already-parsed mapping; raise :class:`ScenarioError` listing every problem."""
    lines = lines or _Lines()
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem(file, None, "", "a scenario must be a YAML mapping at the top level")]
        )
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from_pydantic(exc, data, file, lines)) from None
    problems, changes = _semantic_problems(scn, file, lines)
    if problems:
        raise ScenarioError(problems)
    events = {
        eid: ev.model_copy(update={"changes": changes[eid]}) for eid, ev in scn.events.items()
    }
    update: dict[str, Any] = {"events": events}
    if scn.name is None and default_name:
        update["name"] = re.sub(r"[^A-Za-z0-9_.-]", "_", default_name)
    return scn.model_copy(update=update)


def parse_scenario_text(
    text: str,
    file: str = "<scenario>",
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    default_name: str | None = None,
) -> Scenario:
    """Parse and validate scenario YAML text (``overrides``: key path -> value, applied
    before validation). Raises :class:`ScenarioError` and nothing else."""
    if not isinstance(text, str):
        raise ScenarioError(
            [Problem(file, None, "", f"scenario text must be str, got {type(text).__name__}")]
        )
    data, lines = _load_yaml(text, file)
    if overrides:
        data = apply_overrides(data, overrides, lines)
    scn = validate_data(data, file, lines, default_name)
    scn._source_text = text
    scn._source_path = file
    if overrides:
        items = overrides.items() if isinstance(overrides, Mapping) else overrides
        scn._overrides = tuple((k, v) for k, v in items)
    return scn


def _read_text(path: Path) -> str:
    file = str(path)

    def fail(message: str) -> ScenarioError:
        return ScenarioError([Problem(file, None, "", message)])

    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise fail("is a folder; give a scenario .yaml file")
        if not stat.S_ISREG(info.st_mode):
            raise fail("is not a regular file; give a scenario .yaml file")
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("cannot read the file (permission denied)") from None
    except OSError as exc:
        raise fail(f"cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"the file is larger than {MAX_FILE_BYTES} bytes, the limit for a scenario")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            [
                Problem(
                    file,
                    line,
                    "",
                    f"not UTF-8 text: byte {exc.start} (0x{raw[exc.start]:02x}) cannot be "
                    "decoded; save the file as UTF-8",
                )
            ]
        ) from None


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | list[str] | None = None,
) -> Scenario:
    """Load, check and return a scenario file.

    Parameters
    ----------
    path
        The YAML file (UTF-8, at most :data:`MAX_FILE_BYTES` bytes).
    overrides
        Key path -> value, (key path, value) pairs, or ``KEY=VALUE`` strings as given to
        ``--set``.

    Raises
    ------
    ScenarioError
        Listing every problem, each naming the file, line, key path and what is allowed.
    """
    path = Path(path)
    text = _read_text(path)
    if overrides and not isinstance(overrides, Mapping):
        parsed, problems = [], []
        for o in overrides:
            try:
                parsed.append(parse_set_option(o) if isinstance(o, str) else o)
            except ScenarioError as exc:
                problems.extend(exc.problems)
        if problems:
            raise ScenarioError(problems)
        overrides = parsed
    return parse_scenario_text(text, str(path), overrides, default_name=path.stem)


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of the scenario format."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ceasefire-sim scenario"
    return schema
