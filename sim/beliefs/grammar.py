"""The shorthand of a belief (``uniform(0.1, 0.3)``), its mapping form, and :func:`parse`.

Any number in a scenario may instead be a belief written as a distribution, either as a
shorthand string or as a mapping::

    rebuild_rate: triangular(0.05, 0.1, 0.3)
    war_cost:     {dist: normal, mu: 2.0, sd: 0.5, low: 0}

The shorthand is parsed by a small hand-written tokenizer and recursive-descent parser,
never evaluated::

    call := NAME '(' [arg (',' arg)*] ')'
    arg  := NUMBER | list | NAME '=' (NUMBER | list)
    list := '[' [NUMBER (',' NUMBER)*] ']'

Anything outside the grammar raises :class:`~sim.beliefs.DistributionError` (a
``ValueError``) whose message says what was wrong and what is allowed.  Inputs are bounded
(:data:`~sim.beliefs.MAX_TEXT_LENGTH` characters, :data:`~sim.beliefs.MAX_LIST_LENGTH`
list elements) and every number must be finite; ``bool`` is rejected even though it is an
``int``.

Because PyYAML (YAML 1.1) loads ``1e-3`` (an exponent without a dot) as a *string*,
:func:`parse` and :func:`from_mapping` accept a string that is exactly one number in the
shorthand's number syntax; ``nan``, ``inf``, ``1_000`` and hex stay errors.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.beliefs.categorical import Categorical
from sim.beliefs.distributions import (
    ALLOWED_FORMS,
    DISTRIBUTIONS,
    Distribution,
    unknown_distribution,
)
from sim.beliefs.literals import (
    MAX_LIST_LENGTH,
    MAX_TEXT_LENGTH,
    NUMBER_RE,
    DistributionError,
    finite_number,
    number_list,
)

__all__ = [
    "from_mapping",
    "looks_like_distribution",
    "parse",
    "parse_categorical",
    "parse_shorthand",
]

_WHITESPACE = " \t\r\n"
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_PUNCT = "()[],="
_SYNTAX_HINT = "a distribution is written name(arguments), e.g. uniform(0.1, 0.3)"


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "ident", one of _PUNCT, or "end"
    text: str
    pos: int


def _describe(tok: _Token) -> str:
    if tok.kind == "end":
        return "end of text"
    if tok.kind == "number":
        return f"number {tok.text}"
    if tok.kind == "ident":
        return f"name {tok.text!r}"
    return repr(tok.text)


class _Parser:
    """Lazy tokenizer + recursive descent for ``name '(' [arg (',' arg)*] ')'``.

    arg := NUMBER | list | IDENT '=' (NUMBER | list);  list := '[' [NUMBER (',' NUMBER)*] ']'
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.name: str | None = None
        self._peeked: _Token | None = None

    # -- errors
    def error(self, message: str, pos: int | None) -> DistributionError:
        if self.name is None:
            hint = f"{_SYNTAX_HINT}; {ALLOWED_FORMS}"
        else:
            hint = f"usage: {DISTRIBUTIONS[self.name].usage}"
        return DistributionError(f"{message}; {hint}", pos)

    # -- tokens
    def _scan(self) -> _Token:
        text, n = self.text, len(self.text)
        i = self.pos
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n:
            self.pos = i
            return _Token("end", "", i)
        ch = text[i]
        if ch in _PUNCT:
            self.pos = i + 1
            return _Token(ch, ch, i)
        m = NUMBER_RE.match(text, i)
        if m:
            end = m.end()
            if end < n and (text[end].isalnum() or text[end] in "._"):
                raise self.error(
                    f"malformed number {text[i : end + 1]!r}... at position {i}; numbers look "
                    "like 3, -0.25, 1.5e-3",
                    i,
                )
            self.pos = end
            return _Token("number", m.group(), i)
        m = _IDENT_RE.match(text, i)
        if m:
            self.pos = m.end()
            return _Token("ident", m.group(), i)
        if ch in "+-":
            raise self.error(
                f"unexpected character {ch!r} at position {i}: a sign must be directly "
                "followed by digits",
                i,
            )
        raise self.error(f"unexpected character {ch!r} at position {i}", i)

    def peek(self) -> _Token:
        if self._peeked is None:
            self._peeked = self._scan()
        return self._peeked

    def next(self) -> _Token:
        tok = self.peek()
        self._peeked = None
        return tok

    def expect(self, kinds: str, what: str) -> _Token:
        tok = self.next()
        if tok.kind not in kinds.split():
            raise self.error(
                f"expected {what} at position {tok.pos}, found {_describe(tok)}", tok.pos
            )
        return tok

    # -- grammar
    def parse(self) -> Distribution:
        tok = self.next()
        if tok.kind == "end":
            raise self.error("empty text", 0)
        if tok.kind == "number":
            raise self.error(
                f"expected a distribution name at position {tok.pos}, found {_describe(tok)} "
                "(a plain number needs no quotes)",
                tok.pos,
            )
        if tok.kind != "ident":
            raise self.error(
                f"expected a distribution name at position {tok.pos}, found {_describe(tok)}",
                tok.pos,
            )
        if tok.text not in DISTRIBUTIONS:
            raise unknown_distribution(tok.text, tok.pos)
        self.name = tok.text
        self.expect("(", f"'(' after {tok.text!r}")
        positional: list[tuple[Any, int]] = []
        keywords: dict[str, tuple[Any, int]] = {}
        if self.peek().kind == ")":
            self.next()
        else:
            while True:
                self.argument(positional, keywords)
                sep = self.expect(", )", "',' or ')'")
                if sep.kind == ")":
                    break
        end = self.next()
        if end.kind != "end":
            raise self.error(
                f"unexpected {_describe(end)} at position {end.pos} after the closing ')'",
                end.pos,
            )
        return self.bind(positional, keywords)

    def argument(
        self, positional: list[tuple[Any, int]], keywords: dict[str, tuple[Any, int]]
    ) -> None:
        tok = self.peek()
        if tok.kind == "ident":
            self.next()
            after = self.peek()
            if after.kind == "(":
                raise self.error(
                    f"nested call {tok.text}(...) at position {tok.pos} is not allowed: "
                    "arguments must be numbers, [lists] or key=number",
                    tok.pos,
                )
            if after.kind != "=" and tok.text.lower() in ("nan", "inf", "infinity"):
                raise self.error(
                    f"{tok.text!r} at position {tok.pos} is not allowed: numbers must be finite",
                    tok.pos,
                )
            if after.kind != "=":
                raise self.error(
                    f"unexpected name {tok.text!r} at position {tok.pos}: arguments must be "
                    "numbers, [lists] or key=number",
                    tok.pos,
                )
            self.next()
            if tok.text in keywords:
                raise self.error(f"{self.name}: {tok.text!r} given twice", tok.pos)
            keywords[tok.text] = (self.value(), tok.pos)
            return
        if keywords:
            raise self.error(
                f"{self.name}: positional argument at position {tok.pos} after a keyword argument",
                tok.pos,
            )
        positional.append((self.value(), tok.pos))

    def value(self) -> Any:
        tok = self.peek()
        if tok.kind == "[":
            return self.list()
        tok = self.expect("number", "a number or a [list]")
        return self.number(tok)

    def number(self, tok: _Token) -> float:
        value = float(tok.text)
        if not math.isfinite(value):
            raise self.error(f"number {tok.text} at position {tok.pos} is out of range", tok.pos)
        return value

    def list(self) -> tuple[float, ...]:
        start = self.next()
        items: list[float] = []
        if self.peek().kind == "]":
            self.next()
            return ()
        while True:
            tok = self.peek()
            if tok.kind == "[":
                raise self.error(f"nested list at position {tok.pos} is not allowed", tok.pos)
            items.append(self.number(self.expect("number", "a number in the list")))
            if len(items) > MAX_LIST_LENGTH:
                raise self.error(
                    f"list starting at position {start.pos} has more than {MAX_LIST_LENGTH} "
                    "elements",
                    start.pos,
                )
            sep = self.expect(", ]", "',' or ']' in the list")
            if sep.kind == "]":
                return tuple(items)

    def bind(
        self, positional: list[tuple[Any, int]], keywords: dict[str, tuple[Any, int]]
    ) -> Distribution:
        assert self.name is not None
        cls = DISTRIBUTIONS[self.name]
        names = cls.positional
        required = cls.required()
        if len(positional) > len(names):
            pos = positional[len(names)][1]
            count = str(len(names)) if len(names) == len(required) else f"at most {len(names)}"
            raise self.error(
                f"{self.name}: takes {count} positional arguments ({', '.join(names)}), "
                f"got {len(positional)}",
                pos,
            )
        kwargs: dict[str, Any] = {}
        for key, (value, _) in zip(names, positional, strict=False):
            kwargs[key] = value
        allowed = list(cls.parameter_names())
        for key, (value, pos) in keywords.items():
            if key not in allowed:
                raise self.error(
                    f"{self.name}: unknown keyword {key!r} at position {pos}; allowed keywords: "
                    f"{', '.join(allowed)}",
                    pos,
                )
            if key in kwargs:
                raise self.error(f"{self.name}: {key!r} given both by position and by name", pos)
            kwargs[key] = value
        missing = [key for key in required if key not in kwargs]
        if missing:
            raise self.error(
                f"{self.name}: missing {', '.join(missing)} (got {len(positional)} positional "
                f"argument{'' if len(positional) == 1 else 's'}, {len(required)} required)",
                None,
            )
        _check_kinds(self.name, kwargs)
        return DISTRIBUTIONS[self.name](**kwargs)


_LIST_PARAMS = {"values", "weights"}


def _check_kinds(name: str, kwargs: dict[str, Any]) -> None:
    usage = DISTRIBUTIONS[name].usage
    for key, value in kwargs.items():
        is_list = isinstance(value, tuple)
        if key in _LIST_PARAMS and not is_list:
            raise DistributionError(f"{name}: {key} must be a [list] of numbers; usage: {usage}")
        if key not in _LIST_PARAMS and is_list:
            raise DistributionError(f"{name}: {key} must be a number, not a list; usage: {usage}")


def parse_shorthand(text: str) -> Distribution:
    """Parse the strict shorthand ``name(arg, ...)`` into a :class:`Distribution`.

    Arguments are numbers (ints, decimals, scientific notation, a sign directly attached),
    ``[n, n, ...]`` lists (for ``choice``) and ``key=value`` for named parameters.
    Whitespace is free between tokens; names are lowercase.  Never evaluates anything.

    Raises
    ------
    DistributionError
        For anything outside the grammar or invalid parameters; the message says what is
        wrong and what is allowed, and ``.position`` points into ``text`` when it can.
    """
    if not isinstance(text, str):
        raise DistributionError(
            f"a distribution must be given as text, got {type(text).__name__}; {ALLOWED_FORMS}"
        )
    if len(text) > MAX_TEXT_LENGTH:
        raise DistributionError(
            f"distribution text too long ({len(text)} characters; at most {MAX_TEXT_LENGTH} "
            f"allowed); {ALLOWED_FORMS}"
        )
    return _Parser(text).parse()


_LOOKS_RE = re.compile(r"[ \t\r\n]*[A-Za-z_][A-Za-z0-9_]*[ \t\r\n]*\(", re.ASCII)


def looks_like_distribution(text: str) -> bool:
    """True when ``text`` starts like ``identifier(`` (leading whitespace allowed).

    Lets a loader report a malformed distribution instead of "expected a number".
    """
    return isinstance(text, str) and _LOOKS_RE.match(text, 0, MAX_TEXT_LENGTH + 1) is not None


def from_mapping(d: Mapping[str, Any]) -> Distribution:
    """Build a distribution from ``{dist: name, <parameters by name>}``.

    Parameter names are those of the shorthand (low/high, low/mode/high, mu/sd[/low/high],
    mu/sigma, a/b[/low/high], values/weights).  Unknown keys are rejected with the allowed
    ones named; the same validation as the shorthand applies.
    """
    if not isinstance(d, Mapping):
        raise DistributionError(
            f"a distribution mapping must be a mapping, got {type(d).__name__}; e.g. "
            "{dist: uniform, low: 0.1, high: 0.3}"
        )
    if "dist" not in d:
        keys = ", ".join(repr(k) for k in list(d)[:10])
        raise DistributionError(
            f"distribution mapping needs a 'dist' key (got keys {keys or 'none'}), e.g. "
            f"{{dist: uniform, low: 0.1, high: 0.3}}; allowed dist: {', '.join(DISTRIBUTIONS)}"
        )
    name = d["dist"]
    if not isinstance(name, str):
        raise DistributionError(
            f"dist must be a name, got {type(name).__name__}; "
            f"allowed dist: {', '.join(DISTRIBUTIONS)}"
        )
    if name not in DISTRIBUTIONS:
        raise unknown_distribution(name)
    cls = DISTRIBUTIONS[name]
    allowed = list(cls.parameter_names())
    kwargs: dict[str, Any] = {}
    for key, value in d.items():
        if key == "dist":
            continue
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            shown = repr(key) if len(repr(key)) <= 40 else repr(key)[:37] + "..."
            raise DistributionError(
                f"{name}: unknown key {shown}{hint}; allowed keys: dist, {', '.join(allowed)}"
            )
        if key in _LIST_PARAMS:
            kwargs[key] = number_list(value, f"{name}: {key}")
        else:
            kwargs[key] = finite_number(value, f"{name}: {key}")
    missing = [key for key in cls.required() if key not in kwargs]
    if missing:
        raise DistributionError(
            f"{name}: missing {', '.join(missing)}; required keys: dist, "
            f"{', '.join(cls.required())}; optional: {', '.join(cls.defaults) or 'none'}"
        )
    return cls(**kwargs)


def parse(value: Any) -> float | Distribution:
    """A scenario number: a finite float, or a :class:`Distribution`.

    ``int``/``float`` (not ``bool``) become ``float``; a string holding exactly one number
    (PyYAML reads ``1e-3`` as a string) becomes that float; other strings go to
    :func:`parse_shorthand`; mappings to :func:`from_mapping`; a :class:`Distribution` is
    returned unchanged.  Anything else raises :class:`DistributionError`.
    """
    if isinstance(value, Distribution):
        return value
    if isinstance(value, str):
        if len(value) <= MAX_TEXT_LENGTH and NUMBER_RE.fullmatch(value.strip()):
            return finite_number(value, "number")
        return parse_shorthand(value)
    if isinstance(value, Mapping):
        return from_mapping(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise DistributionError(
            f"expected a number or a distribution, got {type(value).__name__}; "
            f"{ALLOWED_FORMS}, or a mapping such as {{dist: uniform, low: 0.1, high: 0.3}}"
        )
    return finite_number(value, "number")


class _NamesParser(_Parser):
    """``choice '(' names [',' numbers] ')'`` with keyword forms ``values=`` / ``weights=``,
    where ``names := '[' NAME (',' NAME)* ']'`` (a categorical belief)."""

    def error(self, message: str, pos: int | None) -> DistributionError:
        return DistributionError(f"{message}; usage: {Categorical.usage}", pos)

    def categorical(self) -> Categorical:
        tok = self.next()
        if tok.kind != "ident" or tok.text != "choice":
            raise self.error(f"expected choice(...) at position {tok.pos}, found {_describe(tok)}",
                             tok.pos)  # fmt: skip
        self.expect("(", "'(' after 'choice'")
        args: dict[str, Any] = {}
        order = ("values", "weights")
        while self.peek().kind != ")":
            if len(args) == len(order):
                tok = self.peek()
                raise self.error(f"choice takes a list of names and a list of weights, found "
                                 f"{_describe(tok)} at position {tok.pos}", tok.pos)  # fmt: skip
            tok = self.peek()
            name = order[len(args)]
            if tok.kind == "ident" and tok.text in order:
                self.next()
                self.expect("=", f"'=' after {tok.text!r}")
                name = tok.text
            elif tok.kind == "ident":
                raise self.error(
                    f"name {tok.text!r} at position {tok.pos} outside a list: write "
                    "the names as a [list], e.g. choice([peaceful, qre])",
                    tok.pos,
                )
            if name in args:
                raise self.error(f"choice: {name!r} given twice", tok.pos)
            args[name] = self.names() if name == "values" else self.list()
            if self.peek().kind != ")":
                self.expect(",", "',' or ')'")
        self.next()
        end = self.next()
        if end.kind != "end":
            raise self.error(f"unexpected {_describe(end)} at position {end.pos} after the "
                             "closing ')'", end.pos)  # fmt: skip
        if "values" not in args:
            raise self.error("choice: missing the [list] of names", None)
        return Categorical(**args)

    def names(self) -> tuple[str, ...]:
        start = self.expect("[", "a [list] of names")
        items: list[str] = []
        while True:
            tok = self.expect("ident", "a name in the list")
            items.append(tok.text)
            if len(items) > MAX_LIST_LENGTH:
                raise self.error(f"list starting at position {start.pos} has more than "
                                 f"{MAX_LIST_LENGTH} elements", start.pos)  # fmt: skip
            if self.expect(", ]", "',' or ']' in the list").kind == "]":
                return tuple(items)


def parse_categorical(value: Any) -> Categorical:
    """A categorical belief from its text ``choice([a, b], [3, 1])`` (also
    ``choice(values=[a, b], weights=[3, 1])``) or its mapping ``{dist: choice, values: [a,
    b], weights: [3, 1]}``; never evaluates anything.

    Raises
    ------
    DistributionError
        For anything else; the message says what is wrong and how a choice is written.
    """
    if isinstance(value, Categorical):
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise DistributionError(f"text too long ({len(value)} characters; at most "
                                    f"{MAX_TEXT_LENGTH} allowed)")  # fmt: skip
        return _NamesParser(value).categorical()
    if isinstance(value, Mapping):
        if value.get("dist") != "choice":
            raise DistributionError(
                f"a mapping here must be {{dist: choice, values: [names], "
                f"weights: [numbers]}}, got dist {value.get('dist')!r}"
            )
        unknown = [str(k) for k in value if k not in ("dist", "values", "weights")]
        if unknown:
            raise DistributionError(f"choice: unknown key {unknown[0]!r}; allowed keys: dist, "
                                    "values, weights")  # fmt: skip
        if "values" not in value:
            raise DistributionError("choice: missing values, the [list] of names")
        weights = value.get("weights")
        return Categorical(
            tuple(value["values"]) if isinstance(value["values"], list) else value["values"],
            None if weights is None else number_list(weights, "choice: weights"),
        )
    raise DistributionError(f"expected choice([names], [weights]), got {type(value).__name__}")
