"""Which beliefs the cases share: the rule, --shared patterns, and what they replace."""

from __future__ import annotations

import pytest

from sim.calibration import CalibrationError, find_shared
from sim.scenario import load_scenario
from tests.helpers import ROOT
from tests.unit.calibration.helpers import incident_case, scenario

SCN = ROOT / "scenarios"


def _case(name: str, **numbers):
    data = incident_case(name, observed={"held_at_least_years": 1})
    for path, value in numbers.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
    return scenario(data)


def test_the_shipped_cases_share_what_they_copy_under_the_same_prior():
    cases = [
        load_scenario(SCN / f"{n}.yaml") for n in ("minsk_2015", "korea_1953", "reference_truce")
    ]
    got = find_shared(cases)
    assert list(got.priors) == ["war.decisiveness", "war.first_strike", "war.incident_hazard"]
    assert got.cases["war.decisiveness"] == ("minsk_2015", "korea_1953", "reference_truce")
    # Korea keeps the flagship's first strike (its DMZ is a mechanism that cuts it) but
    # counts incidents per year: that belief is its own
    assert got.cases["war.first_strike"] == ("minsk_2015", "korea_1953", "reference_truce")
    assert got.cases["war.incident_hazard"] == ("minsk_2015", "reference_truce")
    assert not got.named and not got.notes


def test_one_case_shares_all_its_beliefs_but_a_class_none():
    one = _case("one", **{"actors.a.war_cost": "uniform(1.5, 3)"})
    assert list(find_shared([one]).priors) == ["actors.a.war_cost", "war.incident_hazard"]
    table = scenario(incident_case("cls", observed={"survival": {1: 0.9}, "cases": 10}))
    assert find_shared([table]).priors == {}
    assert list(find_shared([table], ["war.*"]).priors) == ["war.incident_hazard"]


def test_different_priors_are_different_beliefs_unless_named():
    a = _case("a", **{"actors.a.war_cost": "uniform(1.5, 3)"})
    b = _case("b", **{"actors.a.war_cost": "uniform(1.5, 4)"})
    c = _case("c", **{"actors.a.war_cost": 2.5})
    auto = find_shared([a, b, c])
    assert list(auto.priors) == ["war.incident_hazard"]
    named = find_shared([a, b, c], ["actors.?.war_cost"])
    assert named.priors["actors.a.war_cost"].to_shorthand() == "uniform(1.5, 3)"
    assert named.cases["actors.a.war_cost"] == ("a", "b", "c")
    assert named.named == ("actors.a.war_cost",)
    assert len(named.notes) == 2 and "b's own uniform(1.5, 4) is replaced" in named.notes[0]
    assert "c's own 2.5 is replaced" in named.notes[1]


def test_a_pattern_that_names_nothing_is_an_error():
    with pytest.raises(CalibrationError, match="--shared actors.z.discount: no case has a belief"):
        find_shared([_case("a")], ["actors.z.discount"])
