"""``--set KEY=VALUE``: parsing an override and applying overrides to a scenario's data.

A key path is dotted (``actors.russia.discount``); after ``events.<id>.changes.`` the rest
is one key, the target of the change. Overrides are applied to the data read from the
file before it is validated, so an overridden scenario is checked exactly like a file, and
a problem at an overridden key is reported in ``--set``.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

import yaml

from sim.beliefs import looks_like_distribution
from sim.scenario.problems import KeyLines, Problem, ScenarioError
from sim.scenario.yaml_load import compose, construct, is_refusal

__all__ = ["apply_overrides", "parse_set_option", "split_path"]


def split_path(key: str) -> tuple[str, ...]:
    """Split a dotted key path; after ``events.<id>.changes.`` and
    ``actors.<id>.types.<type>.changes.`` the rest is one key, the target of the change."""
    parts = tuple(key.split("."))
    if len(parts) > 3 and parts[0] == "events" and parts[2] == "changes":
        return (*parts[:3], ".".join(parts[3:]))
    if len(parts) > 5 and parts[0] == "actors" and parts[2] == "types" and parts[4] == "changes":
        return (*parts[:5], ".".join(parts[5:]))
    return parts


def _shadowed(data: dict, key: str) -> Problem | None:
    """A Problem when every type of an actor changes ``key``: the value set would never be
    used (each draw plays one of the types), so the ``--set`` would silently do nothing."""
    actors = data.get("actors")
    if not isinstance(actors, dict):
        return None
    for actor, spec in actors.items():
        types = spec.get("types") if isinstance(spec, dict) else None
        if not isinstance(types, dict) or not types:
            continue
        changes = [t.get("changes") if isinstance(t, dict) else None for t in types.values()]
        if all(isinstance(c, dict) and key in c for c in changes):
            ids = ", ".join(str(t) for t in types)
            return Problem(
                "--set",
                None,
                key,
                f"every type of {actor} ({ids}) sets this key, so a value here is never "
                f"used; set it per type (actors.{actor}.types.<type>.changes.{key}) or "
                f"choose a type with its prior (actors.{actor}.types.<type>.prior=1)",
            )
    return None


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
    lines = KeyLines()
    try:
        node = compose(raw, "--set", lines, split_path(key))
    except ScenarioError as exc:
        if raw[0] in "{[" or any(is_refusal(p) for p in exc.problems):
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
        return key, construct(node, "--set")
    except ScenarioError as exc:
        raise ScenarioError(
            [Problem("--set", None, key, p.message, raw, True) for p in exc.problems]
        ) from None


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
    data: dict, overrides: Mapping[str, Any] | list[tuple[str, Any]], lines: KeyLines | None = None
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
        problem = _set_path(data, path, key, value) or _shadowed(data, key)
        if problem is not None:
            problems.append(problem)
        elif lines is not None:
            lines.overridden.add(path)
    if problems:
        raise ScenarioError(problems)
    return data
