"""Turning pydantic's validation errors into :class:`~sim.scenario.problems.Problem` s.

pydantic reports an error at a ``loc`` that mixes key paths with the names of union
branches; it is mapped back to the key path of the data, and its message rewritten in the
words of the format (``must be in [0, 1]``, ``unknown key (did you mean ...?); allowed keys
here: ...``).
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.problems import KeyLines, Problem, dedupe, one_line, problem_at
from sim.scenario.schema import Actor, Event, Region, Scenario

__all__ = ["problems_from_pydantic"]


def _fmt(x: float) -> str:
    return f"{x:g}"


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
        listed = ", ".join(allowed) if allowed else "(see `sim schema`)"
        return f"unknown key{hint}; allowed keys here: {listed}"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch":
        if key_error or loc[-1:] != ("name",) or len(loc) > 1:
            return (
                "ids must be lower-case letters, digits and underscores, "
                "starting with a letter (e.g. land_bridge)"
            )
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
    if kind == "string_too_long":
        n = ctx.get("max_length")
        got = f"is {len(value):,} characters long" if isinstance(value, str) else "is too long"
        return f"{got}; at most {n:,} characters are allowed"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping (key: value lines){empty_hint}"
    if kind == "list_type":
        return f"must be a list (one '- item' per line){empty_hint}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"must have at least {n} entr{'y' if n == 1 else 'ies'}"
    return one_line(err["msg"].replace("Input should be", "must be"))


def problems_from_pydantic(
    exc: ValidationError, data: Any, file: str, lines: KeyLines
) -> list[Problem]:
    """The problems of a scenario's data that pydantic found, one per error, each at its
    key path and line, saying what is allowed.

    The only union in the format is an actor id | {actor: share}: a value that matches
    neither gets one message, not one per branch.
    """
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
                        problem_at(
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
            named = f" ({', '.join(actors)})" if actors else ""
            message = f"must be an actor id{named} or each actor's share, e.g. {example}"
        has_value = err["type"] not in ("missing", "extra_forbidden") and not key_error
        problem = problem_at(file, lines, loc, message, err.get("input"), has_value)
        if err["type"] == "missing" and len(loc) == 1:  # a top-level key: no line to point at
            problem = dataclasses.replace(problem, line=None)
        out.append(problem)
    return dedupe(out)


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
