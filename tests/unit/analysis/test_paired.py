"""Paired differences on the same draws (``--without``), against unpaired ones."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import sim
from sim.analysis import PairingError, paired, selection_notes
from sim.scenario import ScenarioError, load_scenario
from tests.helpers import one_region, write


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    data = yaml.safe_load(one_region(p_now=0.5, p_next=0.7, horizon=12, draws=400))
    data["actors"]["a"].update(war_cost="uniform(0.2, 3)", ceiling="uniform(0.8, 4)",
                               rebuild_rate="uniform(0.1, 1)")  # fmt: skip
    data["actors"]["b"].update(war_cost="uniform(0.2, 3)")
    data["war"].update(first_strike="uniform(0, 0.4)", incident_hazard="uniform(0, 0.05)")
    data["terms"]["stake"] = {"a": "uniform(0.1, 0.9)"}
    data["mechanisms"] = {
        "guard": {"kind": "guarantee", "side": "b", "cost": "uniform(0, 3)"},
        "dmz": {"kind": "peacekeepers", "first_strike_cut": "uniform(0.5, 1)",
                "incident_cut": 0.5},
    }  # fmt: skip
    return write(tmp_path_factory.mktemp("p"), yaml.safe_dump(data), "two_mechanisms.yaml")


def test_without_keeps_the_draws_and_switches_the_mechanism_off(scenario_file):
    full = sim.run(load_scenario(scenario_file), seed=5)
    off = sim.run(load_scenario(scenario_file, without=["guard"]), seed=5)
    beliefs = list(load_scenario(scenario_file).uncertain())
    assert full.draws[beliefs].equals(off.draws[beliefs])
    assert not full.survival["survival"].equals(off.survival["survival"])
    assert off.scenario.mechanisms["guard"].enabled is False
    assert ("mechanisms.guard.enabled", False) in off.scenario.overrides


def test_an_unknown_mechanism_is_refused(scenario_file):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(scenario_file, without=["nope"])
    assert "--without" in str(exc.value) and "allowed: dmz, guard" in str(exc.value)


def test_the_paired_interval_is_narrower_than_the_unpaired_one(scenario_file):
    full = sim.run(load_scenario(scenario_file), seed=5)
    off = sim.run(load_scenario(scenario_file, without=["guard", "dmz"]), seed=5)
    table = paired(off, full)  # the effect of adding both mechanisms
    for name, row in table.iterrows():
        width = row["ci_high"] - row["ci_low"]
        assert width < row["unpaired_ci_high"] - row["unpaired_ci_low"], name
        assert row["diff"] == pytest.approx(row["b"] - row["a"])
    # the figures agree with each run's own summary
    assert table.loc["holds 5y", "b"] == pytest.approx(full.summary["p_holds"]["5y"]["estimate"])
    cond = full.survival.set_index("years")["survival_if_accepted"]
    assert table.loc["holds 5y", "b_if_accepted"] == pytest.approx(cond.loc[5.0])
    assert np.isfinite(table["ci_low_if_accepted"].dropna()).all()


def test_runs_on_other_draws_are_not_paired(scenario_file):
    a = sim.run(load_scenario(scenario_file), seed=5)
    b = sim.run(load_scenario(scenario_file), seed=6)
    with pytest.raises(PairingError, match="seed"):
        paired(a, b)


def test_a_sentence_when_unconditional_and_conditional_disagree_in_sign():
    import pandas as pd

    table = pd.DataFrame(
        [{"figure": "holds 10y", "diff": -0.05, "ci_low": -0.07, "ci_high": -0.03,
          "diff_if_accepted": 0.08, "ci_low_if_accepted": 0.05, "ci_high_if_accepted": 0.11},
         {"figure": "holds 5y", "diff": -0.05, "ci_low": -0.07, "ci_high": -0.03,
          "diff_if_accepted": 0.01, "ci_low_if_accepted": -0.01, "ci_high_if_accepted": 0.03}]
    ).set_index("figure")  # fmt: skip
    notes = selection_notes(table, "the DMZ")
    assert len(notes) == 1 and notes[0].startswith("holds 10y: with the DMZ a ceasefire is less")
