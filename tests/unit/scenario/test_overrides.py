"""Tests for sim.scenario.overrides: ``--set`` parsing, application and its problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.beliefs import Uniform
from sim.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    apply_overrides,
    load_scenario,
    parse_scenario_text,
    parse_set_option,
)
from tests.unit.scenario.helpers import (
    FILE,
    FUZZ,
    JUNK,
    assert_loads_or_scenario_error,
    dump,
    line_of,
    minimal,
    the_problem,
    with_,
)


def test_overrides_of_each_kind(tmp_path):
    path = tmp_path / "s.yaml"
    data = minimal()
    data["sources"] = ["one"]
    data["events"] = {"e": {"hazard": 0.1, "changes": {"actors.b.ceiling": 0.5}}}
    path.write_text(dump(data))
    sets = [
        "actors.a.discount=0.95",  # a number
        "war.first_strike=uniform(0,0.2)",  # a distribution, war: absent in the file
        "solver.method=nashpy",  # a word
        "events.e.changes.actors.b.ceiling=0.7",  # an event change (dots after changes.)
        "events.e.changes.war.first_strike=0.3",  # a new event change
        'regions.r.value={a: 2, b: "uniform(0.5, 1)"}',  # a flow mapping
        "sources.0=two",  # a list item
        "title=Freeze: the line",  # text that is not one YAML scalar
        "description='quoted'",
    ]
    scn = load_scenario(path, overrides=sets)
    numbers = scn.numbers()
    assert numbers["actors.a.discount"] == 0.95
    assert numbers["war.first_strike"] == Uniform(0.0, 0.2)
    assert scn.solver.method == "nashpy"
    assert numbers["events.e.changes.actors.b.ceiling"] == 0.7
    assert numbers["events.e.changes.war.first_strike"] == 0.3
    assert numbers["regions.r.value.a"] == 2.0 and numbers["regions.r.value.b"] == Uniform(0.5, 1.0)
    assert (
        scn.sources == ["two"] and scn.title == "Freeze: the line" and scn.description == "quoted"
    )
    assert scn.source_text == path.read_text()  # the file as written; overrides on the side
    assert dict(scn.overrides)["solver.method"] == "nashpy"
    # the same as pairs or a mapping
    pairs = [parse_set_option(s) for s in sets]
    assert load_scenario(path, overrides=pairs).numbers() == numbers
    assert load_scenario(path, overrides=dict(pairs)).numbers() == numbers
    assert parse_scenario_text(path.read_text(), str(path), pairs).numbers() == numbers


@pytest.mark.parametrize(
    "option, expected",
    [
        ("actors.russia.discount=0.95", ("actors.russia.discount", 0.95)),
        (" horizon = 8 ", ("horizon", 8)),
        ("war.first_strike=uniform(0,0.2)", ("war.first_strike", "uniform(0,0.2)")),
        ("solver.method=nashpy", ("solver.method", "nashpy")),
        ("x={a: 1, b: [1, 2]}", ("x", {"a": 1, "b": [1, 2]})),
        ("x=", ("x", "")),
        ("x=~", ("x", None)),
        ("x=a=b", ("x", "a=b")),
    ],
)
def test_parse_set_option(option, expected):
    assert parse_set_option(option) == expected


def test_apply_overrides_copies_and_creates():
    data = minimal()
    out = apply_overrides(data, {"war.first_strike": 0.1, "actors.a.discount": 0.5})
    assert out["war"] == {"first_strike": 0.1} and out["actors"]["a"]["discount"] == 0.5
    assert data == minimal()


def set_problems(*sets: str, data: dict | None = None, tmp: Path) -> list[Problem]:
    path = tmp / "s.yaml"
    path.write_text(dump(data or minimal()))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides=list(sets))
    for p in info.value.problems:
        assert p.file == "--set" and p.line is None, str(p)
        assert str(p).startswith("--set: ")
    return info.value.problems


@pytest.mark.parametrize(
    "option, path, allowed",
    [
        ("actors.a.discount=1.5", "actors.a.discount", "must be in (0, 1)"),
        ("actors.a.discount=uniform(0.5, 1.2)", "actors.a.discount", "in (0, 1)"),
        ("war.first_strike=uniform(0, -0.2)", "war.first_strike", "low (0) must be < high (-0.2)"),
        ("solver.method=scipy", "solver.method", "'batched' or 'nashpy'"),
        ("horizon=abc", "horizon", "whole number"),
        ("actors.a.colour=red", "actors.a.colour", "unknown key"),
        ("regions.r.value={a: 1, b: uniform(0.3, 1.0)}", "regions.r.value.b", "quote it"),
        ("regions.r.value={a: 1, a: 2}", "regions.r.value.a", "duplicate key"),
        ("terms.r=c", "terms.r", "unknown actor"),
        ("events.e.changes.actors.b.ceiling=0.7", "events.e", "a hazard (per period), a date"),
        ("actors.a.discount=!!python/object/apply:os.system [ls]", "actors.a.discount", "YAML tag"),
        ("actors.a.discount=*x", "actors.a.discount", "YAML aliases"),
        ("title=[1, 2", "title", "YAML syntax error"),
        ("horizon.x=1", "horizon.x", "horizon is not a mapping, so it has no key 'x'"),
        ("sources.3=x", "sources.3", "sources is a list of 1 item; give an index from 0 to 0"),
    ],
)
def test_set_errors_say_set(option, path, allowed, tmp_path):
    data = minimal()
    data["sources"] = ["one"]
    problems = set_problems(option, data=data, tmp=tmp_path)
    p = the_problem(problems, path)
    assert allowed in p.message


def test_set_event_change_checked(tmp_path):
    data = with_("events.e", {"hazard": 0.1})
    [p] = set_problems("events.e.changes.actors.b.ceiling=0", data=data, tmp=tmp_path)
    assert p.path == "events.e.changes.actors.b.ceiling" and "> 0" in p.message
    [p] = set_problems("events.e.changes.actors.b.speed=1", data=data, tmp=tmp_path)
    assert "an event can change only" in p.message


def test_set_problems_are_reported_together_and_file_problems_keep_lines(tmp_path):
    data = with_("montecarlo.draws", 0)
    path = tmp_path / "s.yaml"
    path.write_text(dump(data))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides=["actors.a.discount=2", "horizon=0"])
    by_path = {p.path: p for p in info.value.problems}
    assert set(by_path) == {"actors.a.discount", "horizon", "montecarlo.draws"}
    assert by_path["horizon"].file == "--set" and by_path["horizon"].line is None
    assert by_path["montecarlo.draws"].file == str(path)
    assert by_path["montecarlo.draws"].line == line_of(dump(data), "draws: 0")


@pytest.mark.parametrize(
    "option, allowed",
    [
        ("no_equals_sign", "expected KEY=VALUE"),
        ("=1", "dotted key path"),
        ("a..b=1", "dotted key path"),
        (".a=1", "dotted key path"),
    ],
)
def test_malformed_set_option(option, allowed, tmp_path):
    problems = set_problems(option, "also_bad", tmp=tmp_path)
    assert len(problems) == 2 and allowed in problems[0].message


def _load_with_set(option: str) -> Scenario:
    return parse_scenario_text(dump(minimal()), FILE, [parse_set_option(option)])


@settings(FUZZ, max_examples=50)
@given(option=st.text(max_size=40), key=st.text(max_size=20), value=JUNK)
def test_fuzz_set_options(option, key, value):
    assert_loads_or_scenario_error(_load_with_set, option)
    assert_loads_or_scenario_error(_load_with_set, f"{key}={option}")
    assert_loads_or_scenario_error(parse_scenario_text, dump(minimal()), FILE, [(key, value)])
    assert_loads_or_scenario_error(parse_scenario_text, dump(minimal()), FILE, {key: value})
