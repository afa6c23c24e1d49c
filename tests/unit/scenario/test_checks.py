"""Tests for sim.scenario.checks: cross-references, sums and event changes."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from sim.beliefs import Distribution
from sim.beliefs import parse as parse_number
from sim.scenario import (
    CHANGEABLE,
    MAX_EVENTS,
    validate_data,
)
from sim.scenario.checks import check_change
from sim.scenario.keys import changeable_keys
from tests.unit.scenario.helpers import (
    check,
    dump,
    line_of,
    line_of_path,
    minimal,
    with_,
)

CHANGE_CASES = [  # (target, a valid value, an invalid value, what the message says is allowed)
    ("actors.a.discount", 0.95, 1.0, "(0, 1)"),
    ("actors.a.capacity", 1.5, 0, "> 0"),
    ("terms.r.a", 0.0, 1.5, "[0, 1]"),
    ("actors.b.war_cost", "uniform(0.5, 2)", -1, ">= 0"),
    ("actors.b.ceiling", 0.7, 0, "> 0"),
    ("actors.a.rebuild_rate", 0.2, 1.5, "[0, 1]"),
    ("actors.a.flow", -0.5, ".nan", "finite"),
    ("actors.b.war_flow", "normal(0, 0.1)", True, "not a boolean"),
    ("regions.r.value.a", 0.2, -0.1, ">= 0"),
    ("regions.r.effects.ceiling", 0.1, -1, "> -1"),
    ("regions.r.effects.growth", -0.05, 2, "[-1, 1]"),
    (
        "regions.r.effects.power",
        {"dist": "uniform", "low": 0, "high": 0.2},
        "uniform(-2, 0)",
        "> -1",
    ),
    ("war.decisiveness", 2.0, 0, "> 0"),
    (
        "war.first_strike",
        "triangular(0, 0.1, 0.3)",
        "uniform(0.3, 0.1)",
        "low (0.3) must be < high (0.1)",
    ),
    ("war.incident_hazard", 0.01, "normal(0.01, 0.01)", "truncate"),
]


def test_change_cases_cover_every_changeable_kind():
    scn = validate_data(minimal())
    changeable = changeable_keys(scn.actor_ids, scn.region_ids)
    kinds = set(changeable.values())
    covered = {changeable[target] for target, *_ in CHANGE_CASES}
    assert covered == kinds


@pytest.mark.parametrize(
    "target, good, bad, allowed", CHANGE_CASES, ids=[c[0] for c in CHANGE_CASES]
)
def test_event_change_of_each_kind(target, good, bad, allowed):
    scn = validate_data(with_("events.e", {"hazard": 0.1, "changes": {target: good}}))
    got = scn.numbers()[f"events.e.changes.{target}"]
    assert isinstance(got, (float, Distribution))
    assert got == parse_number(good)
    assert scn.events["e"].changes[target] == got
    # the same value is rejected as a change exactly as it would be at the key itself
    text = dump(with_("events.e", {"hazard": 0.1, "changes": {target: "@"}})).replace(
        "'@'", str(bad)
    )
    check(text, f"events.e.changes.{target}", allowed, line=line_of(text, target))


def test_event_change_values_are_checked_like_the_key_they_change():
    for target, _, bad, _ in CHANGE_CASES:
        scn = validate_data(minimal())
        kind = changeable_keys(scn.actor_ids, scn.region_ids)[target]
        with pytest.raises(ValidationError):
            check_change(kind, yaml.safe_load(str(bad)))


@pytest.mark.parametrize("n", [1, 3])
def test_exactly_two_actors(n):
    data = minimal()
    if n == 1:
        del data["actors"]["b"]
        del data["regions"]["r"]["value"]["b"]
    else:
        data["actors"]["c"] = dict(data["actors"]["a"])
    text = dump(data)
    p = check(
        text, "actors", f"exactly two actors are needed, found {n}", line=line_of(text, "actors:")
    )
    assert p.value == list(data["actors"])


def test_more_than_max_events():
    data = minimal()
    data["events"] = {f"e{i}": {"hazard": 0.01} for i in range(MAX_EVENTS + 1)}
    text = dump(data)
    check(text, "events", f"at most {MAX_EVENTS} events", line=line_of(text, "events:"))
    data["events"].pop("e0")
    validate_data(data)


@pytest.mark.parametrize(
    "holder, path, allowed",
    [
        ("c", "terms.r", "unknown actor; allowed: a, b"),
        ({"c": 1.0}, "terms.r.c", "unknown actor; allowed: a, b"),
        ({"a": 0.5, "b": 0.6}, "terms.r", "shares must sum to 1 (they sum to 1.1)"),
        ({"a": 0.2, "b": 0.2}, "terms.r", "shares must sum to 1 (they sum to 0.4)"),
        (
            {"a": "uniform(0.2, 0.8)", "b": "uniform(0.2, 0.8)"},
            "terms.r",
            "give one actor's share only",
        ),
        ({"a": "uniform(0.2, 1.2)"}, "terms.r.a", "in [0, 1]"),
        ({"a": -0.1}, "terms.r.a", "in [0, 1]"),
        ({}, "terms.r", "give an actor id or shares such as {a: 0.5, b: 0.5}"),
        (5, "terms.r", "must be an actor id"),
        (["a"], "terms.r", "or each actor's share, e.g. {a: 0.5, b: 0.5}"),
        (None, "terms.r", "must be an actor id"),
        ("A", "terms.r", "must be an actor id (a, b)"),
    ],
)
def test_terms(holder, path, allowed):
    text = dump(with_("terms.r", holder))
    p = check(text, path, allowed, line=line_of_path(text, path))
    assert p.has_value


def test_terms_name_existing_regions_and_cover_all():
    data = with_("terms.q", "b")
    text = dump(data)
    p = check(text, "terms.q", "unknown region; allowed: r", line=line_of(text, "q: b"))
    assert p.value == "q"
    data = minimal()
    data["regions"]["s"] = {"value": {"a": 1}}
    text = dump(data)
    check(text, "terms", "region s has no terms", line=line_of(text, "terms:"))


@pytest.mark.parametrize(
    "outcomes, path, allowed",
    [
        ({"c": {}}, "war.outcomes.c", "unknown actor; allowed: a, b"),
        ({"a": {"q": "a"}}, "war.outcomes.a.q", "unknown region; allowed: r"),
        ({"a": {"r": "c"}}, "war.outcomes.a.r", "unknown actor"),
        ({"b": {"r": {"a": 0.7, "b": 0.7}}}, "war.outcomes.b.r", "shares must sum to 1"),
        ({"b": {"r": {"b": 2}}}, "war.outcomes.b.r.b", "in [0, 1]"),
        ({"b": {"r": 0.5}}, "war.outcomes.b.r", "must be an actor id"),
    ],
)
def test_outcomes(outcomes, path, allowed):
    text = dump(with_("war.outcomes", outcomes))
    check(text, path, allowed, line=line_of_path(text, path))


def test_region_values_name_existing_actors():
    text = dump(with_("regions.r.value.c", 1.0))
    p = check(
        text, "regions.r.value.c", "unknown actor; allowed: a, b", line=line_of(text, "c: 1.0")
    )
    assert p.value == "c"


@pytest.mark.parametrize("value", [0, 0.0, "choice([0, 1])", "uniform(0, 0)"])
def test_actor_valuing_no_region(value):
    text = dump(with_("regions.r.value.b", value))
    if value == "uniform(0, 0)":  # invalid distribution: reported as such
        check(text, "regions.r.value.b", "must be < high")
        return
    check(
        text,
        "regions",
        "actor b values no region",
        "regions.<id>.value.b > 0",
        line=line_of(text, "regions:"),
    )
    # a missing value is 0 too
    data = minimal()
    del data["regions"]["r"]["value"]["a"]
    check(data, "regions", "actor a values no region")


def test_an_event_may_leave_an_actor_valuing_nothing():
    """Values are in units fixed before any event (the stake at signing), so an event
    may shrink an actor's stake to nothing: a leadership that wants none of it."""
    data = with_("events.e", {"hazard": 0.1, "changes": {"regions.r.value.b": 0}})
    scn = validate_data(data)
    assert scn.numbers()["events.e.changes.regions.r.value.b"] == 0.0


@pytest.mark.parametrize(
    "target, allowed",
    [
        ("actors.a.foo", "foo is not a key an event can change"),
        ("actors.a.discont", "(did you mean actors.a.discount?)"),
        ("actors.c.discount", "unknown actor 'c' (allowed: a, b)"),
        ("actors.a.label", "label is not a key an event can change"),
        ("regions.q.value.a", "unknown region 'q' (allowed: r)"),
        ("regions.r.value.c", "unknown actor 'c' (allowed: a, b)"),
        ("regions.r.effects.speed", "speed is not a key an event can change"),
        ("horizon", "an event can change only"),
        ("actors", "an event can change only"),
        ("war.outcomes", "outcomes is not a key an event can change"),
    ],
)
def test_unknown_event_change_target(target, allowed):
    text = dump(with_("events.e", {"hazard": 0.1, "changes": {target: 0.5}}))
    p = check(
        text,
        f"events.e.changes.{target}",
        allowed,
        CHANGEABLE,
        line=line_of(text, f"{target}: 0.5"),
    )
    assert not p.has_value
