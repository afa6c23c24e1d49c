"""The scenario format: strict pydantic models, safe YAML loading, ``--set`` overrides.

A scenario is a YAML file that states a ceasefire proposal (``terms``) and the beliefs
about two actors (``actors``, ``regions``, ``war``, ``events``). Every number may be
an uncertain belief written as a distribution (see :mod:`sim.distributions`).

Loading never evaluates anything: the text is read with PyYAML's ``SafeLoader``,
anchors, aliases and tags are refused before anything is constructed (so alias bombs
cannot expand), duplicate keys are refused (YAML would silently keep the last), and
every problem is reported as a :class:`Problem` naming the file, the line, the key path,
the bad value and what is allowed. :func:`load_scenario` raises :class:`ScenarioError`
holding all problems found, not just the first.

Key paths are dotted: ``actors.russia.discount``, ``regions.crimea.value.ukraine``,
``events.support_fades.changes.actors.ukraine.ceiling`` (after ``changes.`` the rest is
the target key path of the change).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
)

from sim.distributions import Distribution, DistributionError, parse as parse_number

__all__ = [
    "Problem",
    "ScenarioError",
    "Scenario",
    "load_scenario",
    "parse_scenario_text",
    "apply_overrides",
    "parse_set_option",
    "CHANGEABLE",
    "PERIODS_PER_YEAR",
]

MAX_FILE_BYTES = 1_000_000
MAX_EVENTS = 5
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
PERIODS_PER_YEAR = {"year": 1, "quarter": 4, "month": 12}

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
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        key = f" {self.path}:" if self.path else ""
        got = f" (got {_short(self.value)})" if self.has_value else ""
        return f"{where}:{key} {self.message}{got}"


class ScenarioError(ValueError):
    """A scenario (or an override) is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------------------------------
# numbers that may be distributions

_NUMBER_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {
            "type": "string",
            "pattern": r"^\s*(uniform|triangular|normal|lognormal|beta|choice)\s*\(.*\)\s*$",
            "description": "distribution shorthand, e.g. uniform(0.1, 0.3)",
        },
        {
            "type": "object",
            "properties": {
                "dist": {"enum": ["uniform", "triangular", "normal", "lognormal", "beta", "choice"]}
            },
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


def number(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    what: str = "",
):
    """An annotated field type: a finite number in a range, or a distribution whose whole
    support lies in that range."""
    allowed = _range_text(lo, hi, lo_open, hi_open)

    def check(value: Any) -> float | Distribution:
        if isinstance(value, Distribution):
            parsed: float | Distribution = value
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float, str, dict)):
                raise ValueError(
                    f"expected a number in {allowed} or a distribution such as uniform(lo, hi)"
                )
            try:
                parsed = parse_number(value)
            except DistributionError as exc:
                hint = ""
                if isinstance(value, str) and value.count("(") > value.count(")"):
                    hint = (
                        "; inside a {...} flow mapping YAML splits at commas: quote the "
                        'distribution ("uniform(0.3, 1.0)") or write the mapping one key per line'
                    )
                raise ValueError(str(exc) + hint) from None
        if isinstance(parsed, Distribution):
            blo, bhi = parsed.bounds()
            # A distribution's support must lie inside the allowed range; open ends of the
            # range may be touched only where the distribution puts no mass on them.
            if not (_in_range(blo, lo, None, False, False) and _in_range(bhi, None, hi, False, False)):
                raise ValueError(
                    f"distribution {parsed.to_shorthand()} can take values in "
                    f"[{_fmt(blo)}, {_fmt(bhi)}], outside the allowed {allowed}"
                    + ("; truncate it with low=/high=" if math.isinf(blo) or math.isinf(bhi) else "")
                )
            return parsed
        if not math.isfinite(parsed):
            raise ValueError(f"must be a finite number in {allowed}")
        if not _in_range(parsed, lo, hi, lo_open, hi_open):
            raise ValueError(f"must be in {allowed}")
        return float(parsed)

    schema = copy.deepcopy(_NUMBER_JSON_SCHEMA)
    schema["anyOf"][0] = {"type": "number"}
    if lo is not None:
        schema["anyOf"][0]["exclusiveMinimum" if lo_open else "minimum"] = lo
    if hi is not None:
        schema["anyOf"][0]["exclusiveMaximum" if hi_open else "maximum"] = hi
    if what:
        schema["description"] = what
    return Annotated[Any, BeforeValidator(check), WithJsonSchema(schema)]


Probability = number(0.0, 1.0)
NonNegative = number(0.0)
Real = number()

Identifier = Annotated[str, Field(pattern=ID_PATTERN, strict=True)]


class Strict(BaseModel):
    """Base: unknown keys rejected, instances frozen, strings and ints strict."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# ---------------------------------------------------------------------------------------
# the format


class Actor(Strict):
    """One of the two actors. Values are per period; costs are in periods of the whole stake."""

    label: Annotated[str, Field(strict=True)] | None = None
    discount: number(0, 1, lo_open=True, hi_open=True, what="per-period discount factor δ")
    war_cost: number(0.0, what="lump-sum cost of a new war, in periods of the whole stake")
    capacity: number(0.0, lo_open=True, what="military capacity when the ceasefire starts")
    ceiling: number(0.0, lo_open=True, what="capacity the actor rebuilds toward (default: capacity)") | None = None
    rebuild_rate: number(0.0, 1.0, what="share of the gap to the ceiling closed each period") = 0.0
    flow: number(what="other flows per period under the ceasefire (aid, sanctions), stake units") = 0.0
    war_flow: number(what="other flows per period after a new war, stake units") = 0.0
    note: Annotated[str, Field(strict=True)] | None = None


class Effects(Strict):
    """What holding a region does for its holder (scaled by the share held)."""

    ceiling: number(-1.0, lo_open=True, what="fractional change of the holder's capacity ceiling") = 0.0
    growth: number(-1.0, 1.0, what="added to the holder's rebuild rate (the sum is clipped to [0, 1])") = 0.0
    power: number(-1.0, lo_open=True, what="fractional bonus to the holder's strength in war") = 0.0


class Region(Strict):
    """A piece of the stake, territorial or not."""

    label: Annotated[str, Field(strict=True)] | None = None
    value: dict[Identifier, number(0.0, what="relative value to the actor; normalised per actor")]
    effects: Effects = Effects()
    area_km2: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None
    population: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    note: Annotated[str, Field(strict=True)] | None = None


Holder = Identifier | dict[Identifier, Probability]


class War(Strict):
    decisiveness: number(0.0, lo_open=True, what="Tullock contest exponent γ") = 1.0
    first_strike: number(0.0, what="fractional strength bonus of the side that attacks first") = 0.0
    incident_hazard: number(0.0, 1.0, what="per-period probability of an escalation no one chose") = 0.0
    outcomes: dict[Identifier, dict[Identifier, Holder]] = {}


class Event(Strict):
    label: Annotated[str, Field(strict=True)] | None = None
    hazard: number(0.0, 1.0, what="per-period probability that the event happens")
    changes: dict[Annotated[str, Field(strict=True)], Any] = {}
    note: Annotated[str, Field(strict=True)] | None = None


class Solver(Strict):
    method: Literal["batched", "nashpy"] = "batched"
    selection: Literal["peaceful", "risk_dominant", "payoff_dominant", "mixed"] = "peaceful"


class MonteCarlo(Strict):
    draws: Annotated[int, Field(ge=1, le=100_000_000, strict=True)] = 2000
    seed: Annotated[int, Field(ge=0, le=2**63 - 1, strict=True)] = 0
    sampler: Literal["random", "lhs", "sobol"] = "lhs"


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
        """Every number the model reads, by key path (event changes included)."""
        out: dict[str, float | Distribution] = {}
        for aid, actor in self.actors.items():
            for key in ("discount", "war_cost", "capacity", "ceiling", "rebuild_rate", "flow", "war_flow"):
                val = getattr(actor, key)
                out[f"actors.{aid}.{key}"] = actor.capacity if val is None else val
        for rid, region in self.regions.items():
            for aid in self.actors:
                out[f"regions.{rid}.value.{aid}"] = region.value.get(aid, 0.0)
            for key in ("ceiling", "growth", "power"):
                out[f"regions.{rid}.effects.{key}"] = getattr(region.effects, key)
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


# Key paths an event may change, with the field type that validates the new value.
def _changeable(scn: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for aid in scn.actors:
        for key in ("discount", "war_cost", "ceiling", "rebuild_rate", "flow", "war_flow"):
            out[f"actors.{aid}.{key}"] = (Actor, key)
    for rid in scn.regions:
        for aid in scn.actors:
            out[f"regions.{rid}.value.{aid}"] = ("value", None)
        for key in ("ceiling", "growth", "power"):
            out[f"regions.{rid}.effects.{key}"] = (Effects, key)
    for key in ("decisiveness", "first_strike", "incident_hazard"):
        out[f"war.{key}"] = (War, key)
    return out


CHANGEABLE = (
    "actors.<id>.{discount, war_cost, ceiling, rebuild_rate, flow, war_flow}, "
    "regions.<id>.value.<actor>, regions.<id>.effects.{ceiling, growth, power}, "
    "war.{decisiveness, first_strike, incident_hazard}"
)


def _validate_field(model: type[BaseModel], key: str, value: Any) -> float | Distribution:
    """Validate one value as field ``key`` of ``model`` (reusing the field's checks)."""
    field = model.model_fields[key]
    from pydantic import TypeAdapter

    annotation = field.annotation
    # Optional fields are typed ``X | None``; a change always gives a number.
    args = getattr(annotation, "__args__", None)
    if args and type(None) in args:
        annotation = next(a for a in args if a is not type(None))
    adapter = TypeAdapter(Annotated[annotation, *field.metadata] if field.metadata else annotation)
    return adapter.validate_python(value)


_REGION_VALUE = number(0.0)


# ---------------------------------------------------------------------------------------
# YAML: safe load, line numbers, refusal of anchors/aliases/tags/duplicates


class _Lines:
    """Key path -> line number (1-based) of the YAML node."""

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
        return any(path[: len(o)] == o for o in self.overridden)


_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


def _yaml_problems(text: str, file: str) -> list[Problem]:
    """Refuse anchors, aliases and explicit tags before constructing anything."""
    problems: list[Problem] = []
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                problems.append(Problem(file, line, "", f"YAML aliases (*{event.anchor}) are not allowed; write the value out"))
                break
            anchor = getattr(event, "anchor", None)
            if anchor:
                problems.append(Problem(file, line, "", f"YAML anchors (&{anchor}) are not allowed; write the value out"))
                break
            tag = getattr(event, "tag", None)
            if tag and tag not in ("!", *_STANDARD_TAGS):
                problems.append(Problem(file, line, "", f"YAML tag {tag} is not allowed; scenarios hold plain numbers, strings, lists and mappings"))
                break
    except yaml.YAMLError as exc:
        problems.append(_yaml_error(exc, file))
    return problems


def _yaml_error(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    msg = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return Problem(file, line, "", msg)


def _walk_nodes(node: yaml.Node, path: tuple[str, ...], lines: _Lines, file: str, problems: list[Problem]) -> None:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, ".".join(path),
                            "keys must be plain strings", key_node.value if isinstance(key_node, yaml.ScalarNode) else "<complex key>", True)
                )
                continue
            key = key_node.value
            child = (*path, key) if not _inside_changes(path) else (*path, key)
            if key in seen:
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, ".".join(child),
                            f"duplicate key (first given on line {seen[key]})")
                )
            seen[key] = key_node.start_mark.line + 1
            lines.lines[child] = key_node.start_mark.line + 1
            _walk_nodes(value_node, child, lines, file, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk_nodes(item, (*path, str(i)), lines, file, problems)


def _inside_changes(path: tuple[str, ...]) -> bool:
    return len(path) >= 3 and path[0] == "events" and path[2] == "changes"


def _load_yaml(text: str, file: str) -> tuple[Any, _Lines]:
    lines = _Lines()
    problems = _yaml_problems(text, file)
    if problems:
        raise ScenarioError(problems)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # e.g. several documents in one file
        raise ScenarioError([_yaml_error(exc, file)]) from None
    if node is None:
        raise ScenarioError([Problem(file, None, "", "the file is empty; a scenario is a YAML mapping with title, horizon, actors, regions and terms")])
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError([Problem(file, node.start_mark.line + 1, "", "a scenario must be a YAML mapping (key: value lines) at the top level")])
    problems = []
    _walk_nodes(node, (), lines, file, problems)
    if problems:
        raise ScenarioError(problems)
    try:
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    except yaml.YAMLError as exc:
        raise ScenarioError([_yaml_error(exc, file)]) from None
    return data, lines


# ---------------------------------------------------------------------------------------
# overrides


def split_path(key: str) -> tuple[str, ...]:
    """Split a dotted key path; after ``events.<id>.changes.`` the rest is one key."""
    parts = tuple(key.split("."))
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "changes":
        return (*parts[:3], ".".join(parts[3:]))
    return parts


def parse_set_option(text: str) -> tuple[str, Any]:
    """Parse one ``KEY=VALUE`` override. VALUE is read as a YAML scalar (numbers, words)
    or a flow mapping/list; a distribution shorthand stays a string and is parsed later."""
    if "=" not in text:
        raise ScenarioError([Problem("--set", None, "", f"expected KEY=VALUE, e.g. actors.russia.discount=0.9", text, True)])
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ScenarioError([Problem("--set", None, key, "the key must be a dotted key path such as war.first_strike", text, True)])
    raw = raw.strip()
    if re.match(r"^[a-z]+\s*\(", raw):
        return key, raw
    problems = _yaml_problems(raw, "--set")
    if problems:
        raise ScenarioError([Problem("--set", None, key, p.message) for p in problems])
    try:
        value = yaml.safe_load(raw) if raw else ""
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem("--set", None, key, f"cannot read the value: {exc}", raw, True)]) from None
    return key, value


def apply_overrides(data: dict, overrides: Mapping[str, Any] | list[tuple[str, Any]], lines: _Lines | None = None) -> dict:
    """Return a copy of ``data`` with each key path set to its new value."""
    data = copy.deepcopy(data)
    items = overrides.items() if isinstance(overrides, Mapping) else overrides
    for key, value in items:
        path = split_path(key)
        node = data
        for i, part in enumerate(path[:-1]):
            nxt = node.get(part) if isinstance(node, dict) else None
            if nxt is None:
                nxt = {}
                node[part] = nxt
            if not isinstance(nxt, dict):
                raise ScenarioError([Problem("--set", None, key, f"cannot set {key}: {'.'.join(path[: i + 1])} is not a mapping", nxt, True)])
            node = nxt
        node[path[-1]] = value
        if lines is not None:
            lines.overridden.add(path)
    return data


# ---------------------------------------------------------------------------------------
# validation


def _problems_from_pydantic(exc: ValidationError, file: str, lines: _Lines, prefix: tuple[str, ...] = ()) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *(str(x) for x in err["loc"]))
        # pydantic adds the union branch name (e.g. 'str', 'dict[...]') to loc; drop it.
        loc = tuple(p for p in loc if not (p.startswith(("dict[", "function-", "str", "int", "float", "literal[", "constrained-")) or p in {"tagged-union"}))
        msg = err["msg"]
        msg = msg.removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key; allowed keys here: {_allowed_keys(loc)}"
        elif err["type"] == "missing":
            msg = "required key is missing"
        elif err["type"] == "literal_error":
            msg = msg.replace("Input should be", "must be")
        elif err["type"] == "string_pattern_mismatch" and loc and loc[-1] != "name":
            msg = "ids must be lower-case letters, digits and underscores, starting with a letter"
        has_value = err["type"] not in ("missing",)
        file_ = "--set" if lines.is_override(loc) else file
        line = None if file_ == "--set" else lines.line_for(loc)
        out.append(Problem(file_, line, ".".join(loc), msg, err.get("input"), has_value))
    return _dedupe(out)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        k = (p.path, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def _allowed_keys(loc: tuple[str, ...]) -> str:
    model: type[BaseModel] | None = Scenario
    sub = loc[:-1]
    mapping_keys = {"actors": Actor, "regions": Region, "events": Event}
    i = 0
    while i < len(sub) and model is not None:
        part = sub[i]
        if model is Scenario and part in mapping_keys:
            model = mapping_keys[part]
            i += 2
            continue
        fld = model.model_fields.get(part)
        if fld is None:
            break
        ann = fld.annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        i += 1
    if model is None:
        return "(see `sim schema`)"
    return ", ".join(model.model_fields)


def _semantic_problems(scn: Scenario, data: dict, file: str, lines: _Lines) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: tuple[str, ...], message: str, value: Any = None, has_value: bool = False) -> None:
        file_ = "--set" if lines.is_override(path) else file
        problems.append(Problem(file_, None if file_ == "--set" else lines.line_for(path), ".".join(path), message, value, has_value))

    actors = list(scn.actors)
    if len(actors) != 2:
        add(("actors",), f"exactly two actors are needed, found {len(actors)}", actors, True)
        return problems
    regions = set(scn.regions)

    def check_holder(path: tuple[str, ...], holder: Any) -> None:
        if isinstance(holder, str):
            if holder not in actors:
                add(path, f"unknown actor; allowed: {', '.join(actors)}", holder, True)
            return
        for aid in holder:
            if aid not in actors:
                add((*path, aid), f"unknown actor; allowed: {', '.join(actors)}", aid, True)
        if not holder:
            add(path, "give an actor id or shares such as {" + f"{actors[0]}: 0.5, {actors[1]}: 0.5" + "}")
            return
        if len(holder) == 2:
            vals = list(holder.values())
            if any(isinstance(v, Distribution) for v in vals):
                add(path, "with a distribution, give one actor's share only; the other actor gets the rest")
            elif abs(sum(vals) - 1.0) > 1e-9:
                add(path, f"shares must sum to 1 (they sum to {sum(vals):g})", dict(holder), True)

    for aid, actor in scn.actors.items():
        pass
    for rid, region in scn.regions.items():
        for aid in region.value:
            if aid not in actors:
                add(("regions", rid, "value", aid), f"unknown actor; allowed: {', '.join(actors)}", aid, True)
    for aid in actors:
        if all(_upper(scn.regions[r].value.get(aid, 0.0)) == 0 for r in regions):
            add(("regions",), f"actor {aid} values no region; give regions.<id>.value.{aid} > 0 for at least one region")
    for rid, holder in scn.terms.items():
        if rid not in regions:
            add(("terms", rid), f"unknown region; allowed: {', '.join(scn.regions)}", rid, True)
            continue
        check_holder(("terms", rid), holder)
    for rid in scn.regions:
        if rid not in scn.terms:
            add(("terms",), f"region {rid} has no terms; give an actor id or shares for terms.{rid}")
    for winner, outcome in scn.war.outcomes.items():
        if winner not in actors:
            add(("war", "outcomes", winner), f"unknown actor; allowed: {', '.join(actors)}", winner, True)
            continue
        for rid, holder in outcome.items():
            if rid not in regions:
                add(("war", "outcomes", winner, rid), f"unknown region; allowed: {', '.join(scn.regions)}", rid, True)
                continue
            check_holder(("war", "outcomes", winner, rid), holder)
    if len(scn.events) > MAX_EVENTS:
        add(("events",), f"at most {MAX_EVENTS} events (each doubles the number of stage games)", len(scn.events), True)
    changeable = _changeable(scn)
    for eid, event in scn.events.items():
        for target, value in event.changes.items():
            path = ("events", eid, "changes", target)
            if target not in changeable:
                add(path, f"an event can change only: {CHANGEABLE}", target, True)
                continue
            model, key = changeable[target]
            try:
                if model == "value":
                    from pydantic import TypeAdapter

                    TypeAdapter(_REGION_VALUE).validate_python(value)
                else:
                    _validate_field(model, key, value)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    add(path, err["msg"].removeprefix("Value error, "), value, True)
    return problems


def _upper(v: float | Distribution) -> float:
    return v.bounds()[1] if isinstance(v, Distribution) else float(v)


def _coerce_changes(scn: Scenario) -> Scenario:
    """Parse event change values (numbers or distributions) once validated."""
    events = {}
    for eid, ev in scn.events.items():
        changes = {k: (v if isinstance(v, Distribution) else parse_number(v)) for k, v in ev.changes.items()}
        events[eid] = ev.model_copy(update={"changes": changes})
    return scn.model_copy(update={"events": events})


def validate_data(data: Any, file: str = "<scenario>", lines: _Lines | None = None, default_name: str | None = None) -> Scenario:
    """Validate an already-parsed mapping; raise :class:`ScenarioError` listing every problem."""
    lines = lines or _Lines()
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, None, "", "a scenario must be a YAML mapping at the top level")])
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from_pydantic(exc, file, lines)) from None
    problems = _semantic_problems(scn, data, file, lines)
    if problems:
        raise ScenarioError(problems)
    scn = _coerce_changes(scn)
    if scn.name is None and default_name:
        scn = scn.model_copy(update={"name": re.sub(r"[^A-Za-z0-9_.-]", "_", default_name)})
    return scn


def parse_scenario_text(
    text: str,
    file: str = "<scenario>",
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    default_name: str | None = None,
) -> Scenario:
    """Parse and validate scenario YAML text."""
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


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, Any] | list[tuple[str, Any]] | list[str] | None = None,
) -> Scenario:
    """Load, check and return a scenario file.

    Parameters
    ----------
    path
        The YAML file.
    overrides
        Key path -> value, or ``KEY=VALUE`` strings as given to ``--set``.

    Raises
    ------
    ScenarioError
        Listing every problem, each naming the file, line, key path and what is allowed.
    """
    path = Path(path)
    file = str(path)
    try:
        if path.is_dir():
            raise ScenarioError([Problem(file, None, "", "is a folder; give a scenario .yaml file")])
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError([Problem(file, None, "", f"the file is {size} bytes; scenarios are limited to {MAX_FILE_BYTES}")])
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem(file, None, "", "no such file")]) from None
    except PermissionError:
        raise ScenarioError([Problem(file, None, "", "cannot read the file (permission denied)")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(file, None, "", f"cannot read the file ({exc.strerror or exc})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(file, None, "", f"not UTF-8 text (byte {exc.start})")]) from None
    if overrides and isinstance(overrides, list) and overrides and isinstance(overrides[0], str):
        overrides = [parse_set_option(s) for s in overrides]
    return parse_scenario_text(text, file, overrides, default_name=path.stem)


def json_schema() -> dict:
    """The JSON Schema of the scenario format."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ceasefire-sim scenario"
    return schema
