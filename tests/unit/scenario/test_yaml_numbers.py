"""Numbers mean what they say whatever reads the file: YAML 1.1-only forms are refused.

PyYAML reads YAML 1.1, where ``1:30`` is 90, ``010`` is 8, ``1_0`` is 10 and ``0b101`` is
5; YAML 1.2 reads them as text or as 10. Each is refused, in a file and in ``--set``, with
what to write instead; plain decimal numbers read as before. Region values whose sum
overflows the normalisation are refused too.
"""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, load_scenario, parse_scenario_text
from tests.helpers import FREEZE
from tests.unit.scenario.helpers import FILE, check, dump, minimal

YAML11 = [("1:30", "90"), ("010", "8"), ("1_0", "10"), ("0b101", "5"), ("0x10", "16")]


def _with_horizon(form: str) -> str:
    return dump(minimal()).replace("horizon: 4", f"horizon: {form}")


@pytest.mark.parametrize("form,read", YAML11)
def test_yaml11_number_forms_are_refused_in_files(form, read):
    p = check(_with_horizon(form), "horizon", f"YAML 1.1 reads {form} as {read}", "decimal")
    assert p.line == 2


@pytest.mark.parametrize("form,read", YAML11)
def test_yaml11_number_forms_are_refused_in_set(form, read):
    with pytest.raises(ScenarioError) as info:
        load_scenario(FREEZE, [f"horizon={form}"])
    (problem,) = info.value.problems
    assert problem.file == "--set" and problem.path == "horizon"
    assert f"YAML 1.1 reads {form} as {read}" in problem.message


def test_yaml11_forms_are_refused_inside_lists_and_as_floats_too():
    data = minimal()
    data["actors"]["a"]["war_cost"] = {"dist": "choice", "values": ["X"], "weights": [1]}
    text = dump(data).replace("- X", "- 1_000.5")
    check(text, "actors.a.war_cost.values.0", "YAML 1.1 reads 1_000.5 as 1000.5")
    check(dump(minimal()).replace("war_cost: 1.0", "war_cost: 1:30.5", 1), "actors.a.war_cost")


@pytest.mark.parametrize(
    "form,value", [("90", 90), ("+5", 5), ("1.5e+3", 1500.0), ("0.25", 0.25), (".5", 0.5)]
)
def test_decimal_numbers_read_as_before(form, value):
    text = dump(minimal()).replace("war_cost: 1.0", f"war_cost: {form}", 1)
    assert parse_scenario_text(text, FILE).actors["a"].war_cost == value


def test_quoted_forms_are_text_not_numbers():
    data = minimal()
    data["title"] = "1:30"
    assert parse_scenario_text(dump(data), FILE).title == "1:30"


@pytest.mark.parametrize("values", [(1e308, 1e308), (1e308, "uniform(1e307, 1.7e308)")])
def test_region_values_that_overflow_the_normalising_sum_are_refused(values):
    data = minimal()
    data["regions"]["r"]["value"]["a"] = values[0]
    data["regions"]["r2"] = {"value": {"a": values[1], "b": 1.0}}
    data["terms"]["r2"] = "b"
    p = check(data, "regions", "actor a", "cannot be normalised", "scale them all down")
    assert "1.8e308" in p.message


def test_large_values_that_do_not_overflow_are_accepted():
    data = minimal()
    data["regions"]["r"]["value"]["a"] = 1e307
    data["regions"]["r2"] = {"value": {"a": 1e307, "b": 1.0}}
    data["terms"]["r2"] = "b"
    assert parse_scenario_text(dump(data), FILE).regions["r2"].value["a"] == 1e307
