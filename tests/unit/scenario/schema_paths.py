"""Reading the JSON Schema of the format by key path, independently of the key table.

The tests compare what the key table and the README state with what pydantic actually
enforces; this walks :func:`sim.scenario.json_schema` so that the comparison does not go
through the table it checks.
"""

from __future__ import annotations

import re
from typing import Any

from sim.scenario import json_schema

SCHEMA = json_schema()
PLACEHOLDER = re.compile(r"^<[a-z ]+>$")


def resolve(node: dict) -> dict:
    """Follow ``$ref`` and drop the ``null`` branch of an optional key."""
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    branches = [b for b in node.get("anyOf", []) if b.get("type") != "null"]
    if "anyOf" in node and len(branches) == 1:
        return resolve(branches[0])
    return node


def _entries(node: dict) -> dict | None:
    """The schema of the values of a mapping of ids (``None``: not such a mapping)."""
    node = resolve(node)
    if "patternProperties" in node:
        (value,) = node["patternProperties"].values()
        return value
    if isinstance(node.get("additionalProperties"), dict):
        return node["additionalProperties"]
    for branch in node.get("anyOf", []):
        found = _entries(branch)
        if found is not None:
            return found
    return None


def schema_at(pattern: str) -> dict:
    """The schema node of a key path pattern such as ``regions.<id>.effects.ceiling``."""
    node = SCHEMA
    for part in pattern.split("."):
        if PLACEHOLDER.match(part):
            found = _entries(node)
            assert found is not None, f"{pattern}: no mapping of ids at {part}"
            node = found
        else:
            node = resolve(node)["properties"][part]
    return node


def number_branch(node: dict) -> dict:
    """The plain-number branch (``type: number/integer``) of a number's schema."""
    node = resolve(node)
    if node.get("type") in ("number", "integer"):
        return node
    for branch in node.get("anyOf", []):
        found = number_branch(branch)
        if found:
            return found
    return {}


def limits(pattern: str) -> tuple[Any, Any, bool, bool]:
    """(lo, hi, lo_open, hi_open) of a number key as the JSON Schema states them."""
    node = number_branch(schema_at(pattern))
    lo_open = "exclusiveMinimum" in node
    hi_open = "exclusiveMaximum" in node
    lo = node.get("exclusiveMinimum", node.get("minimum"))
    hi = node.get("exclusiveMaximum", node.get("maximum"))
    return lo, hi, lo_open, hi_open


def properties_reached(patterns: list[str]) -> set[tuple[str, str]]:
    """(model title, property) of every property the key paths pass through."""
    seen = set()
    for pattern in patterns:
        node = SCHEMA
        for part in pattern.split("."):
            if PLACEHOLDER.match(part):
                node = _entries(node)
            else:
                node = resolve(node)
                seen.add((node["title"], part))
                node = node["properties"][part]
    return seen


def all_properties() -> set[tuple[str, str]]:
    """(model title, property) of every property of every model of the schema."""
    models = [SCHEMA, *SCHEMA["$defs"].values()]
    return {(m["title"], p) for m in models for p in m.get("properties", {})}
