"""The field types of the format: numbers that may be distributions, built from the key table.

:func:`number` makes the annotated type of a number key: a finite number in a range, or a
distribution whose whole support lies in that range, with the error messages, the
serialisation and the JSON Schema that go with it. :func:`per_holder` wraps a number type
for the region effects that may differ by holder. :func:`key_type` gives the type of any
leaf key of :data:`sim.scenario.keys.KEYS` (numbers, whole numbers, plain numbers,
choices, text), so a type, its range and its description are stated once, in the table;
:func:`value_type` is the same without ``| None`` (an event's change of ``ceiling`` must
give a number).
"""

from __future__ import annotations

import copy
import functools
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from sim.beliefs import (
    DISTRIBUTIONS,
    Categorical,
    Choice,
    Distribution,
    DistributionError,
    looks_like_distribution,
    parse_categorical,
)
from sim.beliefs import parse as parse_number
from sim.scenario.keys import (
    BOOL,
    CHOICE,
    ID_PATTERN,
    NAME,
    NAME_PATTERN,
    NUMBER,
    REAL,
    TEXT,
    TEXT_LIST,
    WHOLE,
    Range,
    key,
)
from sim.text import text_problem

__all__ = [
    "NUMBER_SERIALISER",
    "Identifier",
    "Text",
    "key_type",
    "number",
    "value_type",
    "per_holder",
    "sampled_choice",
    "serialise_choice",
    "serialise_number",
]

Identifier = Annotated[str, Field(pattern=ID_PATTERN, strict=True)]
"""An id of an actor, a region or an event."""
Text = Annotated[str, Field(strict=True)]
"""Text, never a number or a boolean that YAML read."""

_NUMBER_JSON_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {
            "type": "string",
            "pattern": r"^\s*(" + "|".join(DISTRIBUTIONS) + r")\s*\(.*\)\s*$",
            "description": "distribution shorthand, e.g. uniform(0.1, 0.3)",
        },
        {
            "type": "object",
            "properties": {"dist": {"enum": list(DISTRIBUTIONS)}},
            "required": ["dist"],
        },
    ]
}


def _fmt(x: float) -> str:
    return f"{x:g}"


def serialise_number(value: Any, info: Any) -> Any:
    """A number field when dumped: a distribution becomes its shorthand text in JSON and
    its mapping form (``{dist: uniform, low: .., high: ..}``) in Python, both of which
    validate back to the same distribution."""
    if isinstance(value, Distribution):
        return value.to_shorthand() if info.mode_is_json() else value.to_dict()
    return value


NUMBER_SERIALISER = PlainSerializer(serialise_number)
"""The serialiser of every number field (see :func:`serialise_number`)."""


def _parse(value: Any, expected: str, where: str) -> float | Distribution:
    """A number or a distribution from what YAML gave; ValueError says what is allowed."""
    if isinstance(value, Distribution):
        return value
    if isinstance(value, bool):
        raise ValueError(
            f"{expected}, not a boolean (YAML reads yes/no/on/off/true/false as booleans)"
        )
    if value is None:
        raise ValueError(f"{expected}; the value is empty")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"must be a finite number {where}".rstrip())
        try:
            return float(value)
        except OverflowError:
            raise ValueError(f"{expected}; this number is too large") from None
    if isinstance(value, str) and not looks_like_distribution(value):
        try:
            return parse_number(value)  # a number PyYAML left as text, e.g. 1e-3
        except DistributionError:
            raise ValueError(expected) from None
    if isinstance(value, (str, dict)):
        try:
            return parse_number(value)
        except DistributionError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(expected)


def _check_support(parsed: Distribution, rng: Range) -> None:
    """A distribution must stay in the range; a ``choice`` may not touch an open end."""
    where = rng.where()
    blo, bhi = parsed.bounds()
    discrete = isinstance(parsed, Choice)
    inside = Range(rng.lo).contains(blo, lo_open=rng.lo_open and discrete) and Range(
        None, rng.hi
    ).contains(bhi, hi_open=rng.hi_open and discrete)
    if not inside:
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


def number(rng: Range | None = None, what: str = "") -> Any:
    """An annotated field type: a finite number in ``rng``, or a distribution whose whole
    support lies in that range.

    A continuous distribution may touch an open end of the range (it puts no mass on it,
    and the samplers never return the end point); a ``choice`` may not. ``what`` describes
    the number in the JSON Schema.
    """
    rng = rng or Range()
    where = rng.where()
    expected = (
        f"must be a finite number {where} or a distribution such as uniform(0.1, 0.3)".replace(
            "  ", " "
        )
    )

    def check(value: Any) -> float | Distribution:
        parsed = _parse(value, expected, where)
        if isinstance(parsed, Distribution):
            _check_support(parsed, rng)
        elif not rng.contains(parsed):
            raise ValueError(f"must be {where}")
        return parsed

    schema = copy.deepcopy(_NUMBER_JSON_SCHEMA)
    if rng.lo is not None:
        schema["anyOf"][0]["exclusiveMinimum" if rng.lo_open else "minimum"] = rng.lo
    if rng.hi is not None:
        schema["anyOf"][0]["exclusiveMaximum" if rng.hi_open else "maximum"] = rng.hi
    if what:
        schema["description"] = f"{what}; {rng.text()}, or a distribution"
    return Annotated[Any, BeforeValidator(check), NUMBER_SERIALISER, WithJsonSchema(schema)]


def per_holder(num_type: Any) -> Any:
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

    def serialise(v: Any, info: Any) -> Any:
        if isinstance(v, dict):
            return {k: serialise_number(x, info) for k, x in v.items()}
        return serialise_number(v, info)

    schema = copy.deepcopy(adapter.json_schema())
    per_actor = {
        "type": "object",
        "additionalProperties": schema,
        "description": "per holder: actor id -> effect",
    }
    return Annotated[
        Any,
        BeforeValidator(check),
        PlainSerializer(serialise),
        WithJsonSchema({"anyOf": [schema, per_actor]}),
    ]


def _text_check(max_chars: int | None, one_line: bool) -> Any:
    """A validator refusing control characters (and line breaks in one-line text) and text
    longer than ``max_chars`` (see :func:`sim.text.text_problem`)."""

    def check(value: str) -> str:
        problem = text_problem(value, max_chars=max_chars, one_line=one_line)
        if problem:
            raise ValueError(problem)
        return value

    return check


def _bounds(rng: Range) -> dict[str, float]:
    """pydantic's ``ge``/``gt``/``le``/``lt`` of a range."""
    out = {}
    if rng.lo is not None:
        out["gt" if rng.lo_open else "ge"] = rng.lo
    if rng.hi is not None:
        out["lt" if rng.hi_open else "le"] = rng.hi
    return out


def _quoted(names: tuple[str, ...]) -> str:
    """``'a', 'b' or 'c'``, as pydantic states the values of a ``Literal``."""
    q = [f"'{c}'" for c in names]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " or " + q[-1]


def serialise_choice(value: Any, info: Any) -> Any:
    """A sampled choice when dumped: a :class:`~sim.beliefs.Categorical` becomes its text
    in JSON and its mapping form in Python (both validate back to it); a name stays one."""
    if isinstance(value, Categorical):
        return value.to_shorthand() if info.mode_is_json() else value.to_dict()
    return value


def sampled_choice(choices: tuple[str, ...], removed: dict[str, str], what: str = "") -> Any:
    """The type of a choice that may be uncertain: one of ``choices``, or a
    :class:`~sim.beliefs.Categorical` of them (``choice([a, b], [3, 1])``, or the mapping
    form). A removed value, in either, raises its message; so does any other name. ``what``
    describes the key in the JSON Schema."""
    allowed = _quoted(choices)
    expected = f"must be {allowed}, or choice([...], [weights]) of them"

    def check_name(name: Any) -> str:
        if isinstance(name, str) and name in removed:
            raise ValueError(removed[name])
        if name not in choices:
            raise ValueError(expected)
        return name

    def check(value: Any) -> Any:
        if isinstance(value, (Categorical, dict)) or looks_like_distribution(value):
            try:
                belief = parse_categorical(value)
            except DistributionError as exc:
                raise ValueError(f"{exc}; the names are {allowed}") from None
            for name in belief.values:
                if name in removed:
                    raise ValueError(f"{belief}: {removed[name]}")
                if name not in choices:
                    raise ValueError(f"{belief}: unknown {name!r}; the names are {allowed}")
            return belief
        return check_name(value)

    schema: dict[str, Any] = {
        "anyOf": [
            {"enum": list(choices)},
            {
                "type": "string",
                "pattern": r"^\s*choice\s*\(.*\)\s*$",
                "description": f"uncertain: choice([names], [weights]) of {', '.join(choices)}",
            },
            {
                "type": "object",
                "properties": {
                    "dist": {"const": "choice"},
                    "values": {"type": "array", "items": {"enum": list(choices)}},
                    "weights": {"type": "array", "items": {"type": "number", "minimum": 0}},
                },
                "required": ["dist", "values"],
            },
        ]
    }
    if what:
        schema["description"] = what
    return Annotated[
        Any, BeforeValidator(check), PlainSerializer(serialise_choice), WithJsonSchema(schema)
    ]


@functools.cache
def value_type(path: str) -> Any:
    """The annotated type of a value given for a leaf key of the table.

    Numbers take the type of :func:`number` (wrapped by :func:`per_holder` for a per-holder
    key), whole numbers and plain numbers a strict ``int``/``float`` in their range,
    choices a ``Literal`` (:func:`sampled_choice` for one that may be uncertain), text a
    strict ``str`` (never empty when required; a ``name`` matching
    :data:`~sim.scenario.keys.NAME_PATTERN`), a list of text ``list[str]``. The same
    object is returned for the same path, so an event change of a key is checked by the
    very type of that key.
    """
    k = key(path)
    rng = k.range or Range()
    if k.kind == NUMBER:
        t = number(rng, k.description())
        return per_holder(t) if k.per_holder else t
    if k.kind == WHOLE:
        return Annotated[int, Field(strict=True, **_bounds(rng))]
    if k.kind == REAL:
        return Annotated[float, Field(strict=True, allow_inf_nan=False, **_bounds(rng))]
    if k.kind == CHOICE and k.sampled:
        return sampled_choice(k.choices, dict(k.removed or {}), k.description())
    if k.kind == CHOICE:
        if not k.removed:
            return Literal[k.choices]
        removed = dict(k.removed)

        def refuse_removed(value: Any) -> Any:
            if isinstance(value, str) and value in removed:
                raise ValueError(removed[value])
            return value

        return Annotated[Literal[k.choices], BeforeValidator(refuse_removed)]
    if k.kind == TEXT:
        checked = AfterValidator(_text_check(k.max_chars, k.one_line))
        if k.required:
            return Annotated[str, Field(strict=True, min_length=1), checked]
        return Annotated[Text, checked]
    if k.kind == NAME:
        return Annotated[
            str, Field(pattern=NAME_PATTERN, strict=True, max_length=k.max_chars or None)
        ]
    if k.kind == TEXT_LIST:
        return list[Annotated[Text, AfterValidator(_text_check(k.max_chars, k.one_line))]]
    if k.kind == BOOL:
        return Annotated[bool, Field(strict=True)]
    raise ValueError(f"{path} is a {k.kind}, not a leaf key with a type of its own")


@functools.cache
def key_type(path: str) -> Any:
    """The field type of a leaf key: :func:`value_type`, or ``value_type | None`` for a
    key that may be left out without a default value (``ceiling``, ``label``)."""
    t = value_type(path)
    k = key(path)
    return t | None if k.default is None and not k.required else t
