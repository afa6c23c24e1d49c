"""Tests for sim.scenario.numbers: number types, ranges and distributions in a range."""

from __future__ import annotations

import math

import pytest

from tests.unit.scenario.helpers import (
    check,
    dump,
    line_of,
    line_of_path,
    minimal,
    set_in,
    with_,
)

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
        ("solver.selection", "best", "'peaceful', 'risk_dominant', 'payoff_dominant' or 'qre'"),
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
