"""Tests for sim.scenario: the scenario format, its loader, its messages and ``--set``.

Every failing case starts from ``tests/data/minimal.yaml`` (see :func:`minimal`) and
changes one thing, then checks that :class:`ScenarioError` names the key path, the line
(where the YAML has one) and what is allowed.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import math
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sim.beliefs import parse as parse_number
from sim.beliefs.distributions import Distribution, Uniform
from sim.scenario import (
    CHANGEABLE,
    MAX_DEPTH,
    MAX_EVENTS,
    MAX_FILE_BYTES,
    Problem,
    Scenario,
    ScenarioError,
    apply_overrides,
    json_schema,
    load_scenario,
    parse_scenario_text,
    parse_set_option,
    split_path,
    validate_data,
)
from sim.scenario.checks import check_change
from sim.scenario.keys import changeable_keys
from tests.helpers import DATA, ROOT  # noqa: E402

FREEZE = ROOT / "scenarios" / "freeze_lines.yaml"
FILE = "s.yaml"

# ----------------------------------------------------------------------------- helpers


def minimal() -> dict:
    """A fresh copy of the minimal valid scenario as a dict."""
    return yaml.safe_load((DATA / "minimal.yaml").read_text())


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def set_in(data: dict, path: str, value: Any) -> dict:
    """Set a dotted key path (creating mappings); returns ``data``."""
    parts = split_path(path)
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return data


def del_in(data: dict, path: str) -> dict:
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]
    return data


def with_(path: str, value: Any) -> dict:
    """The minimal scenario with one key path changed."""
    return set_in(minimal(), path, value)


def problems_of(source: dict | str, overrides=None) -> list[Problem]:
    """The problems ScenarioError reports for a dict (dumped to YAML) or YAML text."""
    text = source if isinstance(source, str) else dump(source)
    with pytest.raises(ScenarioError) as info:
        parse_scenario_text(text, FILE, overrides)
    problems = info.value.problems
    assert problems, "a ScenarioError must list at least one problem"
    for p in problems:
        assert isinstance(p, Problem)
        assert "\n" not in str(p), f"one line per problem: {str(p)!r}"
    return problems


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line of the first line containing ``needle`` (after the line holding
    ``after``, if given)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i + 1 for i in range(start, len(lines)) if needle in lines[i])


def line_of_path(text: str, path: str) -> int:
    """1-based line of a key path in block-style YAML: each key searched after the last."""
    lines, start, found = text.splitlines(), 0, None
    for key in split_path(path):
        found = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key}:"))
        start = found + 1
    return found + 1


def the_problem(problems: list[Problem], path: str) -> Problem:
    found = [p for p in problems if p.path == path]
    assert len(found) == 1, f"expected one problem at {path!r}, got {[str(p) for p in problems]}"
    return found[0]


def check(
    source: dict | str, path: str, *allowed: str, line: int | None | str = "any", only: bool = True
) -> Problem:
    """Assert the source fails with a problem at ``path`` whose message contains every
    ``allowed`` text, on ``line`` (when given). ``only``: no other problem is reported."""
    problems = problems_of(source)
    if only:
        assert len(problems) == 1, [str(p) for p in problems]
    p = the_problem(problems, path)
    for text in allowed:
        assert text in p.message, f"{text!r} not in {p.message!r}"
    if line != "any":
        assert p.line == line, str(p)
    assert p.file == FILE
    where = f"{FILE}:{p.line}:" if p.line is not None else f"{FILE}:"
    assert str(p).startswith(f"{where} {path}: " if path else f"{where} {p.message}")
    return p


# ------------------------------------------------------------------------ passing cases


def test_freeze_lines_loads():
    # The flagship scenario is edited by its own author: check what loading guarantees,
    # not its current numbers.
    scn = load_scenario(FREEZE)
    assert scn.name == "freeze_lines"
    assert scn.actor_ids == ("russia", "ukraine")
    assert scn.source_path == str(FREEZE) and scn.source_text == FREEZE.read_text()
    numbers = scn.numbers()
    assert isinstance(numbers["actors.russia.discount"], Distribution)
    for eid, event in scn.events.items():
        assert numbers[f"events.{eid}.hazard"] == event.hazard
        for target, value in event.changes.items():
            assert isinstance(value, (float, Distribution))
            assert numbers[f"events.{eid}.changes.{target}"] == value
    uncertain = scn.uncertain()
    assert uncertain and list(uncertain) == [
        k for k, v in numbers.items() if isinstance(v, Distribution)
    ]
    assert all(isinstance(v, float) for k, v in numbers.items() if k not in uncertain)


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_is_valid(path):
    scn = load_scenario(path)
    assert scn.name and len(scn.actor_ids) == 2
    jsonschema.Draft202012Validator(json_schema()).validate(yaml.safe_load(path.read_text()))


def test_minimal_scenario_and_defaults():
    scn = validate_data(minimal())
    assert scn.title == "Minimal test scenario" and scn.name is None
    assert scn.period == "year" and scn.sources == [] and scn.events == {}
    assert (scn.solver.method, scn.solver.selection) == ("batched", "peaceful")
    assert (scn.montecarlo.draws, scn.montecarlo.seed, scn.montecarlo.sampler) == (2000, 0, "lhs")
    assert scn.war.decisiveness == 1.0 and scn.war.outcomes == {}
    numbers = scn.numbers()
    assert "actors.a.ceiling" not in numbers  # no ceiling: the model uses the capacity
    assert numbers["actors.b.rebuild_rate"] == 0.0 and numbers["regions.r.effects.power"] == 0.0
    assert scn.uncertain() == {}
    named = parse_scenario_text(dump(minimal()), "x/My file.yaml", default_name="My file")
    assert named.name == "My_file"


def test_every_documented_key_path_is_accepted():
    data = minimal()
    data.update(name="full-1.0", description="d", sources=["s1", "s2"], period="month", horizon=12)
    set_in(data, "actors.a.ceiling", 1.5)
    set_in(data, "actors.a.rebuild_rate", 0.1)
    set_in(data, "actors.a.flow", -0.1)
    set_in(data, "actors.a.label", "A")
    data["regions"]["r"].update(
        effects={"ceiling": 0.1, "growth": 0.01, "power": 0.05},
        area_km2=100.5,
        note="n",
        label="R",
        population=1000,
    )
    data["regions"]["s"] = {"value": {"a": 0.5}}
    data["terms"]["s"] = {"a": 0.25, "b": 0.75}
    data["war"] = {
        "decisiveness": 2,
        "first_strike": 0.1,
        "incident_hazard": 0.01,
        "outcomes": {"a": {}, "b": {"r": "b", "s": {"b": 1.0}}},
    }
    data["events"] = {
        "e": {"hazard": 0.05, "label": "E", "note": "n", "changes": {"actors.b.ceiling": 0.7}}
    }
    data["solver"] = {"method": "nashpy", "selection": "mixed"}
    data["montecarlo"] = {"draws": 10, "seed": 0, "sampler": "sobol"}
    scn = parse_scenario_text(dump(data), FILE)
    assert scn.name == "full-1.0" and scn.periods_per_year == 12
    assert scn.regions["r"].area_km2 == 100.5 and scn.regions["r"].note == "n"
    assert scn.terms["s"] == {"a": 0.25, "b": 0.75}
    assert scn.numbers()["war.outcomes.b.s.b"] == 1.0
    assert scn.numbers()["events.e.changes.actors.b.ceiling"] == 0.7
    assert scn.numbers()["regions.s.value.b"] == 0.0  # a missing value is 0


@pytest.mark.parametrize(
    "mapping, shorthand",
    [
        ({"dist": "uniform", "low": 0.1, "high": 0.3}, "uniform(0.1, 0.3)"),
        ({"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.3}, "triangular(0.1, 0.2, 0.3)"),
        (
            {"dist": "normal", "mu": 0.5, "sd": 0.1, "low": 0.0, "high": 1.0},
            "normal(0.5, 0.1, low=0, high=1)",
        ),
        ({"dist": "beta", "a": 2, "b": 3}, "beta(2, 3)"),
        ({"dist": "choice", "values": [0.2, 0.8], "weights": [1, 3]}, "choice([0.2, 0.8], [1, 3])"),
    ],
)
def test_distribution_mapping_form_equals_shorthand(mapping, shorthand):
    by_map = validate_data(with_("events.e", {"hazard": mapping})).numbers()["events.e.hazard"]
    by_text = validate_data(with_("events.e", {"hazard": shorthand})).numbers()["events.e.hazard"]
    assert isinstance(by_map, Distribution) and by_map == by_text


def test_numbers_pyyaml_reads_as_text_are_numbers():
    # PyYAML (YAML 1.1) reads 1e-3 as a string
    scn = parse_scenario_text(dump(minimal()).replace("war_cost: 1.0", "war_cost: 1e-3"), FILE)
    assert scn.actors["a"].war_cost == 0.001


def test_shares_as_mappings():
    data = minimal()
    data["regions"]["s"] = {"value": {"a": 1, "b": 1}}
    data["regions"]["t"] = {"value": {"a": 1, "b": 1}}
    data["terms"] = {"r": {"a": 0.3, "b": 0.7}, "s": {"b": 0.4}, "t": {"a": "uniform(0.2, 0.8)"}}
    scn = validate_data(data)
    numbers = scn.numbers()
    assert (
        numbers["terms.r.a"] == 0.3 and numbers["terms.r.b"] == 0.7 and numbers["terms.s.b"] == 0.4
    )
    assert numbers["terms.t.a"] == Uniform(0.2, 0.8) and "terms.t.a" in scn.uncertain()


def test_outcome_mapping():
    data = minimal()
    data["regions"]["s"] = {"value": {"a": 1, "b": 1}}
    data["terms"]["s"] = "b"
    data["war"] = {
        "outcomes": {
            "a": {"s": {"a": 0.5, "b": 0.5}},
            "b": {"r": "b", "s": {"b": "uniform(0.5, 1)"}},
        }
    }
    scn = validate_data(data)
    assert scn.war.outcomes["b"]["r"] == "b"
    assert scn.numbers()["war.outcomes.a.s.a"] == 0.5
    assert scn.uncertain()["war.outcomes.b.s.b"] == Uniform(0.5, 1.0)


CHANGE_CASES = [  # (target, a valid value, an invalid value, what the message says is allowed)
    ("actors.a.discount", 0.95, 1.0, "(0, 1)"),
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


def test_loaded_objects_are_frozen():
    scn = load_scenario(FREEZE)
    with pytest.raises(ValidationError, match="frozen"):
        scn.title = "x"
    with pytest.raises(ValidationError, match="frozen"):
        scn.actors["russia"].discount = 0.5
    with pytest.raises(ValidationError, match="frozen"):
        scn.regions["crimea"].effects.power = 0.5
    with pytest.raises(ValidationError, match="frozen"):
        scn.events["support_fades"].hazard = 0.5
    with pytest.raises(ValidationError, match="frozen"):
        scn.war.first_strike = 0.5
    with pytest.raises(ValidationError, match="frozen"):
        scn.montecarlo.draws = 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        scn.actors["russia"].discount.low = 0.1


def test_dump_round_trips():
    scn = load_scenario(FREEZE)
    as_json = json.loads(scn.model_dump_json())
    assert as_json["actors"]["russia"]["discount"] == "uniform(0.97, 0.99)"
    assert as_json["events"]["support_fades"]["changes"] == {
        "actors.ukraine.ceiling": "uniform(0.6, 0.9)"
    }
    assert validate_data(as_json).numbers() == scn.numbers()
    as_python = scn.model_dump()
    assert as_python["actors"]["russia"]["discount"] == {
        "dist": "uniform",
        "low": 0.97,
        "high": 0.99,
    }
    assert validate_data(as_python).numbers() == scn.numbers()


def test_json_schema_is_valid_and_accepts_the_scenarios():
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(yaml.safe_load(FREEZE.read_text()))
    validator.validate(minimal())
    validator.validate(json.loads(load_scenario(FREEZE).model_dump_json()))
    assert not validator.is_valid({**minimal(), "colour": "red"})  # unknown keys
    assert not validator.is_valid(with_("actors.a.discount", 1.5))
    assert not validator.is_valid(with_("solver.method", "scipy"))
    assert not validator.is_valid(with_("horizon", 0))


def test_public_api():
    assert list(inspect.signature(load_scenario).parameters) == ["path", "overrides"]
    assert list(inspect.signature(parse_scenario_text).parameters) == [
        "text",
        "file",
        "overrides",
        "default_name",
    ]
    assert [f.name for f in dataclasses.fields(Problem)] == [
        "file",
        "line",
        "path",
        "message",
        "value",
        "has_value",
    ]
    assert issubclass(ScenarioError, ValueError)
    for name in ("numbers", "uncertain"):
        assert callable(getattr(Scenario, name))
    assert "regions.<id>.value.<actor>" in CHANGEABLE
    err = ScenarioError(
        [Problem("f", 3, "a.b", "must be x", 1.5, True), Problem("f", None, "", "bad")]
    )
    assert str(err) == "f:3: a.b: must be x (got 1.5)\nf: bad"


def test_every_problem_is_reported_at_once():
    data = with_("actors.a.discount", 1.5)
    set_in(data, "horizon", 0)
    set_in(data, "solver.method", "scipy")
    problems = problems_of(data)
    assert {p.path for p in problems} == {"actors.a.discount", "horizon", "solver.method"}


# ------------------------------------------------------------------ types and ranges

RANGE_CASES = [  # (key path, bad value, line needle, allowed texts)
    ("actors.a.discount", 1.0, "discount: 1.0", ["(0, 1)"]),
    ("actors.a.discount", 0, "discount: 0", ["(0, 1)"]),
    ("actors.a.discount", "uniform(0.5, 1.2)", "discount: uniform", ["[0.5, 1.2]", "in (0, 1)"]),
    ("actors.a.discount", "choice([0.5, 1])", "discount: choice", ["in (0, 1)"]),
    ("actors.a.discount", "high", "discount: high", ["in (0, 1)", "distribution such as uniform("]),
    ("actors.a.war_cost", -1, "war_cost: -1", [">= 0"]),
    ("actors.a.capacity", 0, "capacity: 0", ["> 0"]),
    ("actors.b.rebuild_rate", 1.5, "rebuild_rate", ["[0, 1]"]),
    ("regions.r.value.b", -1, "b: -1", [">= 0"]),
    ("regions.r.effects.power", -1, "power", ["> -1"]),
    ("war.first_strike", -1.0, "first_strike", ["> -1"]),
    ("war.decisiveness", 0, "decisiveness", ["> 0"]),
    ("war.incident_hazard", 1.5, "incident_hazard", ["[0, 1]"]),
    (
        "war.incident_hazard",
        "normal(0.01, 0.01)",
        "incident_hazard",
        ["[-inf, inf]", "in [0, 1]", "truncate"],
    ),
    ("events.e.hazard", -0.1, "hazard", ["[0, 1]"]),
    ("events.e.hazard", "beta(2, 2, high=2)", "hazard", ["[0, 2]", "in [0, 1]"]),
    ("terms.r.a", 1.5, "a: 1.5", ["[0, 1]"]),
]


@pytest.mark.parametrize(
    "path, value, needle, allowed", RANGE_CASES, ids=[f"{c[0]}={c[1]}" for c in RANGE_CASES]
)
def test_number_out_of_range(path, value, needle, allowed):
    data = minimal()
    if path.startswith("terms."):
        data["terms"]["r"] = {}
    set_in(data, path, value)
    text = dump(data)
    p = check(text, path, *allowed, line=line_of(text, needle))
    assert p.has_value and p.value == value


@pytest.mark.parametrize("yaml_value", [".nan", ".NaN", ".inf", "-.inf", ".Inf"])
@pytest.mark.parametrize(
    "path", ["actors.a.discount", "actors.a.flow", "regions.r.value.a", "war.first_strike"]
)
def test_nan_and_infinity_rejected(path, yaml_value):
    text = dump(with_(path, "@")).replace("'@'", yaml_value)
    p = check(text, path, "finite", line=line_of(text, yaml_value))
    assert p.has_value and not math.isfinite(p.value)


@pytest.mark.parametrize("yaml_value", ["yes", "no", "true", "False", "on"])
def test_bool_where_a_number_is_expected(yaml_value):
    text = dump(with_("actors.a.capacity", "@")).replace("'@'", yaml_value)
    p = check(
        text,
        "actors.a.capacity",
        "> 0",
        "not a boolean",
        line=line_of(text, "capacity: " + yaml_value),
    )
    assert isinstance(p.value, bool)


@pytest.mark.parametrize(
    "path, yaml_value, allowed",
    [
        ("horizon", "true", "whole number, not a boolean"),
        ("montecarlo.draws", "yes", "whole number, not a boolean"),
        ("regions.r.area_km2", "true", "number, not a boolean"),
        ("regions.r.population", "no", "number, not a boolean"),
    ],
)
def test_bool_where_an_integer_or_plain_number_is_expected(path, yaml_value, allowed):
    text = dump(with_(path, "@")).replace("'@'", yaml_value)
    check(text, path, allowed, line=line_of_path(text, path))


@pytest.mark.parametrize(
    "path, value, allowed",
    [
        ("horizon", 0, ">= 1"),
        ("horizon", 2.5, "whole number"),
        ("horizon", "4", "whole number"),
        ("horizon", None, "whole number; the value is empty"),
        ("montecarlo.draws", 0, ">= 1"),
        ("montecarlo.draws", -5, ">= 1"),
        ("montecarlo.seed", -1, ">= 0"),
        ("montecarlo.sampler", "grid", "'random', 'lhs' or 'sobol'"),
        ("solver.method", "scipy", "'batched' or 'nashpy'"),
        ("solver.selection", "best", "'peaceful', 'risk_dominant', 'payoff_dominant' or 'mixed'"),
        ("period", "week", "'year', 'quarter' or 'month'"),
        ("title", "", "must not be empty"),
        ("title", 5, "must be text"),
        ("name", "a b", "letters, digits"),
        ("sources", "one source", "must be a list"),
        ("sources", ["ok", 3], "must be text"),  # reported at sources.1
        ("regions.r.area_km2", -1, "> 0"),
        ("regions.r.area_km2", ".inf", "finite"),
        ("regions.r.note", 5, "must be text"),
        ("actors.a.label", ["x"], "must be text"),
        ("actors.a", 5, "must be a mapping"),
        ("war", [1], "must be a mapping"),
        ("regions.r.value", 1.0, "must be a mapping"),
    ],
)
def test_wrong_type_or_range(path, value, allowed):
    shown = path + ".1" if path == "sources" and isinstance(value, list) else path
    text = dump(with_(path, value))
    if value == ".inf":
        text = text.replace("'.inf'", ".inf")
    check(
        text,
        shown,
        allowed,
        line=line_of_path(text, path) if shown == path else line_of(text, "- 3"),
    )


@pytest.mark.parametrize(
    "path, value, allowed",
    [
        ("actors.a.discount", "uniform(0.9, 0.5)", "low (0.9) must be < high (0.5)"),
        ("actors.a.war_cost", "normal(1, 0)", "sd (0) must be > 0"),
        ("actors.a.war_cost", "normal(1, -1, low=0)", "sd (-1) must be > 0"),
        ("actors.a.war_cost", "triangular(1, 3, 2)", "mode (3) must lie in [low, high]"),
        ("actors.a.war_cost", "lognormal(0, 0)", "sigma (0) must be > 0"),
        ("actors.a.war_cost", "beta(0, 1)", "a (0) must be > 0"),
        ("actors.a.war_cost", "choice([1, 2], [1])", "2 values but 1 weights"),
        ("actors.a.war_cost", "unifrom(0, 1)", "did you mean 'uniform'"),
        ("actors.a.war_cost", "uniform(0, 1", "expected ',' or ')'"),
        ("actors.a.war_cost", "uniform(0, nan)", "numbers must be finite"),
        ("actors.a.war_cost", "__import__('os').system('x')", "allowed: uniform(low, high)"),
        (
            "actors.a.war_cost",
            {"dist": "uniform", "low": 0.9, "high": 0.5},
            "low (0.9) must be < high (0.5)",
        ),
        ("actors.a.war_cost", {"dist": "uniform", "lo": 0, "high": 1}, "unknown key 'lo'"),
        ("actors.a.war_cost", {"low": 0, "high": 1}, "needs a 'dist' key"),
        ("actors.a.war_cost", {"dist": "normal", "mu": 1, "sd": 0}, "sd (0) must be > 0"),
    ],
)
def test_invalid_distribution_parameters(path, value, allowed):
    text = dump(with_(path, value))
    p = check(
        text, path, allowed, line=line_of(text, "war_cost" if "war_cost" in path else "discount")
    )
    assert p.has_value and p.value == value


# ------------------------------------------------------------------ keys and structure


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


def test_event_hazard_required():
    text = dump(with_("events.e", {"changes": {}}))
    check(text, "events.e.hazard", "required key is missing", line=line_of_path(text, "events.e"))


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


def test_regions_must_not_be_empty():
    data = with_("regions", {})
    data["terms"] = {}
    text = dump(data)
    check(text, "regions", "at least 1", line=line_of(text, "regions:"), only=False)


# ------------------------------------------------------------------ cross-references


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


def test_actor_valuing_no_region_after_an_event():
    data = with_("events.e", {"hazard": 0.1, "changes": {"regions.r.value.b": 0}})
    text = dump(data)
    check(
        text,
        "events.e.changes",
        "once e happened, actor b values no region",
        line=line_of(text, "changes:"),
    )
    data["regions"]["s"] = {"value": {"a": 1, "b": "uniform(0, 1)"}}
    data["terms"]["s"] = "b"
    validate_data(data)  # another region keeps a positive value


@pytest.mark.parametrize(
    "target, allowed",
    [
        ("actors.a.foo", "foo is not a key an event can change"),
        ("actors.a.discont", "(did you mean actors.a.discount?)"),
        ("actors.c.discount", "unknown actor 'c' (allowed: a, b)"),
        ("actors.a.capacity", "capacity is not a key an event can change"),
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


# ------------------------------------------------------------------ YAML-level problems


def yaml_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].file == FILE
    return problems[0]


def test_duplicate_keys():
    text = dump(minimal()) + "horizon: 5\n"
    p = check(text, "horizon", "duplicate key (first given on line 2)", line=len(text.splitlines()))
    assert not p.has_value
    nested = dump(minimal()).replace(
        "    discount: 0.9\n", "    discount: 0.9\n    discount: 0.8\n", 1
    )
    check(nested, "actors.a.discount", "duplicate key (first given on line 5)", line=6)
    flow = dump(minimal()).replace("r: a", "{r: a, r: b}").replace("terms:\n  {", "terms: {")
    check(flow, "terms.r", "duplicate key", line=line_of(flow, "terms:"))


@pytest.mark.parametrize(
    "key, kind",
    [
        ("1", "a number"),
        ("1.5", "a number"),
        ("yes", "a boolean"),
        ("off", "a boolean"),
        ("null", "empty"),
        ("~", "empty"),
        ("2022-11-11", "a date"),
    ],
)
def test_non_string_keys(key, kind):
    text = dump(minimal()) + f"{key}: x\n"
    p = check(
        text,
        "",
        f"keys must be text; YAML reads this key as {kind}",
        f'quote it, e.g. "{key}":',
        line=len(text.splitlines()),
    )
    assert str(p).startswith(f"{FILE}:{p.line}: keys must be text")
    nested = dump(minimal()).replace("  a:\n    discount", f"  {key}: x\n  a:\n    discount", 1)
    check(nested, "actors", f"YAML reads this key as {kind}", line=line_of(nested, f"{key}: x"))


def test_complex_and_merge_keys():
    p = yaml_problem(dump(minimal()) + "? [a, b]\n: 1\n")
    assert "keys must be plain text, not a list or mapping" in p.message
    p = yaml_problem(dump(minimal()) + "war:\n  <<: {first_strike: 0.1}\n")
    assert p.path == "war" and "merge keys (<<) are not allowed" in p.message


def test_yaml_syntax_error_has_line_and_no_newline():
    text = dump(minimal()).replace("horizon: 4", "horizon: [4")
    p = yaml_problem(text)
    assert p.message.startswith("YAML syntax error") and p.line is not None and p.path == ""
    text = "title: x\nhorizon: 4\n  bad indent: 1\n"
    p = yaml_problem(text)
    assert p.message.startswith("YAML syntax error") and p.line == 3


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty_file(text):
    p = yaml_problem(text)
    assert (
        "the file is empty" in p.message
        and "title, horizon, actors, regions and terms" in p.message
    )


@pytest.mark.parametrize(
    "text, line", [("- 1\n- 2\n", 1), ("just text\n", 1), ("# c\n42\n", 2), ("[1, 2]", 1)]
)
def test_non_mapping_document(text, line):
    p = yaml_problem(text)
    assert "must be a YAML mapping" in p.message and p.line == line


def test_several_documents():
    p = yaml_problem(dump(minimal()) + "---\ntitle: again\n")
    assert "expected a single document" in p.message


@pytest.mark.parametrize(
    "value, shown",
    [
        ("!!python/object/apply:os.system ['touch MARKER']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!timestamp 2020-01-01", "!!timestamp"),
        ("!custom x", "!custom"),
    ],
)
def test_custom_tags_refused(value, shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = dump(minimal()).replace("title: Minimal test scenario", f"title: {value}")
    p = yaml_problem(text)
    assert f"YAML tag {shown} is not allowed" in p.message and p.line == line_of(text, "title:")
    assert not (tmp_path / "MARKER").exists()


def test_python_tag_file_is_refused_and_nothing_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "python_tag.yaml")
    [p] = info.value.problems
    assert p.line == 2 and "YAML tag !!python/object/apply:os.system is not allowed" in p.message
    assert not (tmp_path / "MARKER").exists()


def test_alias_bomb_refused_before_expanding():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "billion_laughs.yaml")
    [p] = info.value.problems
    assert p.line == 2 and "YAML anchors (&a) are not allowed" in p.message
    p = yaml_problem(dump(minimal()) + "war: *w\n")
    assert "YAML aliases (*w) are not allowed" in p.message


def test_deep_nesting_refused():
    p = yaml_problem("title: " + "[" * 5000 + "]" * 5000)
    assert f"nested more than {MAX_DEPTH} deep" in p.message
    p = yaml_problem("title: " + "{a: " * 3000 + "1" + "}" * 3000)
    assert "nested more than" in p.message


def test_overlong_number_refused():
    text = dump(minimal()).replace("horizon: 4", "horizon: " + "9" * 5000)
    check(text, "horizon", "too long", line=2)
    text = dump(minimal()).replace("capacity: 1.0", "capacity: 1" + "0" * 400, 1)
    check(text, "actors.a.capacity", "too long")


def test_invalid_date_is_reported_at_its_key():
    text = dump(minimal()) + "description: 2022-13-45\n"
    p = check(
        text,
        "description",
        "not a valid one (month must be in 1..12)",
        "quote it",
        line=len(text.splitlines()),
    )
    assert p.value == "2022-13-45"


def test_control_characters_refused():
    p = yaml_problem("title: x\nhorizon: \x00\n")
    assert p.line == 2 and "#x0000 is not allowed" in p.message


def test_unquoted_distribution_in_flow_mapping_is_one_clear_problem():
    with pytest.raises(ScenarioError) as info:
        load_scenario(DATA / "flow_split.yaml")
    [p] = info.value.problems
    assert p.path == "regions.r.value.b" and p.line == 8
    assert (
        "'uniform(0.3, 1.0)'" in p.message and 'quote it, e.g. b: "uniform(0.3, 1.0)"' in p.message
    )
    assert "one key per line" in p.message and "[key]" not in str(p) and "1.0)" not in p.path
    # split in the middle of a mapping, with several commas
    text = dump(minimal()).replace(
        "    value:\n      a: 1.0\n      b: 1.0", "    value: {b: normal(1, 0.1, low=0), a: 2}"
    )
    [p] = problems_of(text)
    assert p.path == "regions.r.value.b" and '"normal(1, 0.1, low=0)"' in p.message
    # in a flow list (sources)
    text = dump(minimal()) + "sources: [Kagan (2022, AEI), Powell (2006)]\n"
    [p] = problems_of(text)
    assert p.path == "sources.0" and '"Kagan (2022, AEI)"' in p.message
    # a choice in a flow mapping is a YAML syntax error: say how to fix it
    text = dump(minimal()).replace(
        "    value:\n      a: 1.0\n      b: 1.0",
        "    value: {a: choice([4.0, 0.5], [0.6, 0.4]), b: 1}",
    )
    [p] = problems_of(text)
    assert p.message.startswith("YAML syntax error") and "quote distributions" in p.message


def test_quoted_distribution_in_flow_mapping_is_fine():
    text = dump(minimal()).replace(
        "    value:\n      a: 1.0\n      b: 1.0", '    value: {a: 1.0, b: "uniform(0.3, 1.0)"}'
    )
    assert parse_scenario_text(text, FILE).numbers()["regions.r.value.b"] == Uniform(0.3, 1.0)


# ------------------------------------------------------------------ files


def test_directory(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    [p] = info.value.problems
    assert p.file == str(tmp_path) and "is a folder" in p.message


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    [p] = info.value.problems
    assert p.file == str(tmp_path / "nope.yaml") and p.message == "no such file"


def test_non_utf8_bytes(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(dump(minimal()).encode() + "note: café\n".encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert (
        "not UTF-8" in p.message
        and "0xe9" in p.message
        and p.line == len(dump(minimal()).splitlines()) + 1
    )


def test_utf8_with_bom(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + dump(minimal()).encode())
    assert load_scenario(path).title == "Minimal test scenario"


def test_file_over_1_mb(tmp_path):
    path = tmp_path / "big.yaml"
    text = dump(minimal()) + "description: " + "x" * MAX_FILE_BYTES + "\n"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert f"larger than {MAX_FILE_BYTES} bytes" in p.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
def test_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(fifo)


# ------------------------------------------------------------------ --set problems


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
        ("events.e.changes.actors.b.ceiling=0.7", "events.e.hazard", "required key is missing"),
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


# ------------------------------------------------------------------ fuzzing

# Light fuzzing (the whole file must stay well under 40 s on a shared 2-core machine).
_FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_YAMLISH = st.lists(
    st.sampled_from(
        list("abtrsx019.-_:,{}[]()'\"!&*#|>?%@<~ \t\n\x00\u00e9")
        + ["uniform(", "!!python/", "actors:", "\n  ", "\n- ", ": ", "yes", ".nan", "1e999"]
    ),
    max_size=60,
).map("".join)


def _assert_loads_or_scenario_error(load, *args) -> None:
    """``load(*args)`` returns a Scenario or raises ScenarioError with one-line problems;
    any other exception fails the test."""
    try:
        assert isinstance(load(*args), Scenario)
    except ScenarioError as exc:
        assert exc.problems and all("\n" not in str(p) for p in exc.problems)


@_FUZZ
@given(text=_YAMLISH)
def test_fuzz_yamlish_text(text):
    _assert_loads_or_scenario_error(parse_scenario_text, text, FILE)


@_FUZZ
@given(text=_YAMLISH)
def test_fuzz_text_appended_to_a_valid_scenario(text):
    _assert_loads_or_scenario_error(parse_scenario_text, dump(minimal()) + text, FILE)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


_JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**320)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "uniform(0, 1)",
            "uniform(1, 0)",
            "normal(0, 1)",
            "choice([0, 1])",
            "a",
            "b",
            "r",
            "e",
            "beta(2, 2, low=-1)",
            "uniform(0,",
            "actors.a.discount",
            "regions.r.value.a",
        ]
    )
    | st.fixed_dictionaries(
        {"dist": st.sampled_from(["uniform", "normal", "nope"])},
        optional={
            "low": st.floats(),
            "high": st.floats(),
            "mu": st.integers(),
            "sd": st.integers(),
        },
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _base_for_mutation() -> dict:
    data = minimal()
    data["war"] = {"first_strike": "uniform(0, 0.2)", "outcomes": {"b": {"r": {"b": 0.5}}}}
    data["events"] = {"e": {"hazard": 0.1, "changes": {"actors.b.ceiling": 0.5}}}
    data["sources"] = ["s"]
    return data


@_FUZZ
@given(data=st.data())
def test_fuzz_mutations_of_a_valid_scenario(data):
    scenario = _base_for_mutation()
    paths = _paths(scenario)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        node = scenario
        try:
            for part in path[:-1]:
                node = node[part]
            if action == "replace":
                node[path[-1]] = data.draw(_JUNK)
            elif action == "delete" and isinstance(node, dict):
                node.pop(path[-1], None)
            elif isinstance(node, dict):
                node[data.draw(st.text(max_size=8))] = data.draw(_JUNK)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation changed the shape
    _assert_loads_or_scenario_error(parse_scenario_text, dump(scenario), FILE)
    _assert_loads_or_scenario_error(validate_data, copy.deepcopy(scenario), FILE)


def _load_with_set(option: str) -> Scenario:
    return parse_scenario_text(dump(minimal()), FILE, [parse_set_option(option)])


@settings(_FUZZ, max_examples=50)
@given(option=st.text(max_size=40), key=st.text(max_size=20), value=_JUNK)
def test_fuzz_set_options(option, key, value):
    _assert_loads_or_scenario_error(_load_with_set, option)
    _assert_loads_or_scenario_error(_load_with_set, f"{key}={option}")
    _assert_loads_or_scenario_error(parse_scenario_text, dump(minimal()), FILE, [(key, value)])
    _assert_loads_or_scenario_error(parse_scenario_text, dump(minimal()), FILE, {key: value})
