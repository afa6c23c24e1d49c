"""Tests for sim.scenario.schema: the models, their defaults, numbers(), frozen objects, dumps."""

from __future__ import annotations

import dataclasses
import json

import pytest
from pydantic import ValidationError

from sim.beliefs import Distribution, Uniform
from sim.scenario import (
    load_scenario,
    parse_scenario_text,
    validate_data,
)
from tests.unit.scenario.helpers import (
    FILE,
    FREEZE,
    dump,
    minimal,
    set_in,
    with_,
)


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
    data["solver"] = {"method": "batched", "selection": "qre", "qre_precision": "uniform(1, 9)"}
    data["montecarlo"] = {"draws": 10, "seed": 0, "sampler": "sobol"}
    scn = parse_scenario_text(dump(data), FILE)
    assert scn.name == "full-1.0" and scn.periods_per_year == 12
    assert scn.regions["r"].area_km2 == 100.5 and scn.regions["r"].note == "n"
    assert scn.terms["s"] == {"a": 0.25, "b": 0.75}
    assert scn.numbers()["war.outcomes.b.s.b"] == 1.0
    assert scn.numbers()["events.e.changes.actors.b.ceiling"] == 0.7
    assert scn.numbers()["regions.s.value.b"] == 0.0  # a missing value is 0
    assert list(scn.numbers())[-1] == "solver.qre_precision"  # after every other number


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
    assert as_json["events"]["sanctions_lifted"]["changes"] == {
        "actors.russia.flow": 0.0,
        "actors.russia.war_flow": "uniform(-0.1, 0)",
    }
    assert as_json["mechanisms"]["security_guarantee"]["cost"] == "uniform(2, 12)"
    assert validate_data(as_json).numbers() == scn.numbers()
    as_python = scn.model_dump()
    assert as_python["actors"]["russia"]["discount"] == {
        "dist": "uniform",
        "low": 0.97,
        "high": 0.99,
    }
    assert validate_data(as_python).numbers() == scn.numbers()
