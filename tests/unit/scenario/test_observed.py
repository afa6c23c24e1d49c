"""The observed block (what happened, for sim calibrate): its forms and every problem."""

from __future__ import annotations

import pytest

from sim.scenario import ScenarioError, load_scenario, parse_scenario_text, validate_data
from sim.scenario.observed import break_periods, elapsed_periods, table_periods
from tests.helpers import ROOT
from tests.unit.scenario.helpers import FILE, check, dump, line_of, minimal, problems_of

SCN = ROOT / "scenarios"


def observed(**block) -> dict:
    data = minimal()  # yearly periods, horizon 4
    data["observed"] = block
    return data


@pytest.mark.parametrize(
    "block",
    [
        {"accepted": True},
        {"accepted": False},
        {"broke_after_years": 0.0},
        {"accepted": True, "broke_after_years": 2.5, "broken_by": "b"},
        {"broke_after_years": 1, "broke_before_years": 3, "broken_by": "incident"},
        {"held_at_least_years": 4},
        {"survival": {1: 0.5, 2: 0.5, 4: 0.1}, "cases": 12, "note": "a table"},
    ],
)
def test_every_form_loads(block):
    scn = validate_data(observed(**block))
    assert scn.observed is not None
    assert scn.numbers() == validate_data(minimal()).numbers()  # sim run ignores it


def test_periods_of_the_times():
    assert elapsed_periods(7.03, 4) == 28  # the quarter from 7.0 to 7.25 years
    assert elapsed_periods(2.0, 4) == 8 and elapsed_periods(0.999999999999, 1) == 1
    assert break_periods(6.0, 8.0, 4) == (24, 31)  # the quarters beginning in [6, 8)
    assert break_periods(6.1, 6.2, 4) == (24, 24)
    assert break_periods(7.03, None, 4) == (28, 28)
    assert table_periods(5, 4) == 20 and table_periods(0.3, 4) is None


def test_the_shipped_cases_say_what_happened():
    minsk = load_scenario(SCN / "minsk_2015.yaml").observed
    korea = load_scenario(SCN / "korea_1953.yaml").observed
    ref = load_scenario(SCN / "reference_truce.yaml").observed
    assert (minsk.broke_after_years, minsk.broke_before_years, minsk.broken_by) == (6, 8, "russia")
    assert korea.accepted and korea.held_at_least_years == 70
    assert ref.survival == {1.0: 0.54, 2.0: 0.42, 5.0: 0.29} and ref.cases == 48


@pytest.mark.parametrize(
    "block,path,words",
    [
        ({}, "observed", ["give what happened"]),
        ({"cases": 3}, "observed", ["give what happened"]),
        ({"broke_after_years": 4}, "observed.broke_after_years", ["beyond the horizon of 4"]),
        ({"held_at_least_years": 5.5}, "observed.held_at_least_years", ["beyond the horizon"]),
        ({"broke_after_years": 1, "broken_by": "c"}, "observed.broken_by",
         ["unknown breaker", "allowed: a, b, both, incident"]),
        ({"broken_by": "a", "accepted": True}, "observed.broken_by", ["give broke_after_years"]),
        ({"broke_before_years": 2, "accepted": True}, "observed.broke_before_years",
         ["broke_after_years"]),
        ({"broke_after_years": 2, "broke_before_years": 2}, "observed.broke_before_years",
         ["later than broke_after_years"]),
        ({"broke_after_years": 2, "broke_before_years": 4.5}, "observed.broke_before_years",
         ["beyond the horizon"]),
        ({"accepted": False, "held_at_least_years": 2}, "observed.accepted",
         ["says the ceasefire was agreed"]),
        ({"held_at_least_years": 2, "broke_after_years": 1}, "observed",
         ["give one of", "not broke_after_years and held_at_least_years"]),
        ({"held_at_least_years": 2, "cases": 5}, "observed.cases", ["survival table"]),
        ({"survival": {1: 0.5, 3: 0.6}}, "observed.survival", ["cannot rise"]),
        ({"survival": {}}, "observed.survival", ["give the share"]),
        ({"survival": {9: 0.5}}, "observed.survival.9", ["beyond the horizon"]),
    ],
)  # fmt: skip
def test_problems_name_the_key_and_what_is_allowed(block, path, words):
    check(observed(**block), path, *words)


def test_a_table_time_must_be_whole_periods():
    data = observed(survival={0.5: 0.8, 1: 0.6})
    data["period"], data["horizon"] = "quarter", 8
    validate_data(data)  # half a year is two quarters
    data["period"] = "year"
    data["horizon"] = 4
    check(data, "observed.survival.0.5", "not a whole number of years")


@pytest.mark.parametrize(
    "path,value,words",
    [
        ("accepted", "yes", ["boolean"]),
        ("cases", 0, [">= 1"]),
        ("held_at_least_years", 0, ["> 0"]),
        ("survival", {1: 1.5}, ["<= 1"]),
        ("colour", "red", ["unknown key"]),
    ],
)
def test_types_and_ranges_of_each_key(path, value, words):
    data = observed(accepted=True)
    data["observed"][path] = value
    problems = problems_of(data)
    assert any(p.path.startswith(f"observed.{path}") for p in problems), [str(p) for p in problems]
    text = " ".join(p.message for p in problems).lower()
    assert all(w.lower() in text for w in words), text


def test_problems_carry_the_line_of_the_key():
    text = dump(observed(broke_after_years=1, broken_by="zed"))
    p = check(text, "observed.broken_by", "unknown breaker")
    assert p.line == line_of(text, "broken_by")
    assert str(p).startswith(f"{FILE}:{p.line}: observed.broken_by: unknown breaker")


def test_number_keys_only_in_a_survival_table():
    text = dump(minimal()) + "regions2:\n  1: 0.5\n"
    with pytest.raises(ScenarioError, match="keys must be text"):
        parse_scenario_text(text, FILE)
    fine = dump(observed(survival={1: 0.5}))
    assert parse_scenario_text(fine, FILE).observed.survival == {1.0: 0.5}


def test_set_reaches_the_observed_block():
    text = dump(observed(held_at_least_years=2))
    scn = parse_scenario_text(text, FILE, [("observed.held_at_least_years", 3.0)])
    assert scn.observed.held_at_least_years == 3.0
    with pytest.raises(ScenarioError, match="beyond the horizon"):
        parse_scenario_text(text, FILE, [("observed.held_at_least_years", 30.0)])
