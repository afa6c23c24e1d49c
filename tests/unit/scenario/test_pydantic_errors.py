"""Tests for sim.scenario.pydantic_errors: unknown, missing and mistyped keys and ids."""

from __future__ import annotations

import pytest

from tests.unit.scenario.helpers import (
    check,
    del_in,
    dump,
    line_of,
    line_of_path,
    minimal,
    problems_of,
    set_in,
    with_,
)


def test_every_problem_is_reported_at_once():
    data = with_("actors.a.discount", 1.5)
    set_in(data, "horizon", 0)
    set_in(data, "solver.method", "scipy")
    problems = problems_of(data)
    assert {p.path for p in problems} == {"actors.a.discount", "horizon", "solver.method"}


@pytest.mark.parametrize(
    "path, allowed",
    [
        ("colour", "allowed keys here: name, title, description, sources, period, horizon, actors"),
        ("actors.a.discont", "did you mean discount?"),
        ("regions.r.effects.speed", "allowed keys here: ceiling, growth, power"),
        ("regions.r.area", "area_km2"),
        ("war.outcome", "did you mean outcomes?"),
        ("solver.seed", "allowed keys here: method, selection"),
        ("montecarlo.sampling", "did you mean sampler?"),
        ("events.e.hazzard", "did you mean hazard?"),
    ],
)
def test_unknown_keys_rejected(path, allowed):
    data = with_(path, 1)
    if path.startswith("events."):
        set_in(data, "events.e.hazard", 0.1)
    text = dump(data)
    p = check(text, path, "unknown key", allowed, line=line_of(text, path.split(".")[-1] + ":"))
    assert not p.has_value


@pytest.mark.parametrize(
    "path, parent_needle",
    [
        ("title", None),
        ("horizon", None),
        ("actors", None),
        ("regions", None),
        ("terms", None),
        ("actors.a.discount", "a:"),
        ("actors.b.war_cost", "b:"),
        ("actors.a.capacity", "a:"),
        ("regions.r.value", "r:"),
    ],
)
def test_required_keys(path, parent_needle):
    data = del_in(minimal(), path)
    text = dump(data)
    p = check(text, path, "required key is missing", only=False)
    assert p.line == (line_of(text, parent_needle) if parent_needle else None)
    assert not p.has_value


def test_event_needs_a_hazard_or_a_date():
    text = dump(with_("events.e", {"changes": {}}))
    check(
        text,
        "events.e",
        "give the event a hazard (per period), a date (at_years), or both",
        line=line_of_path(text, "events.e"),
    )


@pytest.mark.parametrize(
    "path, key",
    [
        ("actors", "Russia"),
        ("regions", "Crimea"),
        ("events", "support-fades"),
        ("regions.r.value", "A"),
    ],
)
def test_ids_must_be_lower_case_identifiers(path, key):
    data = minimal()
    node = data
    for part in path.split("."):
        node = node.setdefault(part, {})
    node[key] = (
        {"hazard": 0.1}
        if path == "events"
        else (1 if path == "regions.r.value" else {"value": {"a": 1}})
    )
    text = dump(data)
    p = check(
        text,
        f"{path}.{key}",
        "lower-case letters, digits and underscores",
        only=False,
        line=line_of(text, f"{key}:"),
    )
    assert not p.has_value


def test_regions_must_not_be_empty():
    data = with_("regions", {})
    data["terms"] = {}
    text = dump(data)
    check(text, "regions", "at least 1", line=line_of(text, "regions:"), only=False)
