"""The Python API refuses arguments it would otherwise misread (campaign case 7).

``draws=2.5`` used to run 2 draws, ``draws=True`` one, ``seed=-0.5`` seed 0; a dict, YAML
text or a string of overrides failed later with a message about something else.
"""

from __future__ import annotations

import pytest

import sim
from sim.montecarlo.arguments import MAX_DRAWS, MAX_SEED, whole
from sim.scenario.keys import key
from tests.helpers import FREEZE

QUICK = {"horizon": 4}


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        ({"draws": 2.5}, ValueError, "draws must be a whole number >= 1"),
        (
            {"draws": True},
            TypeError,
            "draws must be a whole number >= 1 and <= 100,000,000, got a boolean",
        ),
        ({"draws": 0}, ValueError, "draws must be"),
        ({"draws": 10**12}, ValueError, "<= 100,000,000, got 1,000,000,000,000"),
        ({"draws": "10"}, TypeError, "got str"),
        ({"seed": -0.5}, ValueError, "seed must be a whole number >= 0"),
        ({"seed": -1}, ValueError, "seed must be"),
        ({"seed": 2**63}, ValueError, "seed must be"),
        ({"workers": 0}, ValueError, "workers must be"),
        ({"chunk_size": 1.5}, ValueError, "chunk_size must be"),
        ({"sampler": "lhss"}, ValueError, "sampler must be one of random, lhs, sobol"),
        ({"method": 3}, TypeError, "method must be one of"),
        ({"progress": "yes"}, TypeError, "progress must be a function"),
        ({"draws_sink": 1}, TypeError, "draws_sink must be a function"),
        ({"label": 3}, TypeError, "label must be text"),
        ({"label": "two\nlines"}, ValueError, "label holds a line break"),
        ({"label": "x" * 81}, ValueError, "at most 80 characters"),
        ({"overrides": "war.first_strike=0"}, TypeError, "got one string; wrap it in a list"),
        ({"overrides": 3}, TypeError, "overrides must be a mapping"),
        ({"overrides": [("war.first_strike",)]}, TypeError, "item 0 is"),
    ],
)
def test_sim_run_refuses_bad_arguments_naming_them(kwargs, error, message):
    args = {"draws": 10, "overrides": QUICK, **kwargs}
    with pytest.raises(error) as info:
        sim.run(FREEZE, **args)
    assert message in str(info.value)


def test_a_dict_or_yaml_text_is_not_a_scenario():
    with pytest.raises(TypeError, match="scenario must be a Scenario .* got a dict"):
        sim.run({"title": "x"}, draws=10)
    with pytest.raises(ValueError, match="looks like YAML text, not the path of a file"):
        sim.run(FREEZE.read_text(encoding="utf-8"), draws=10)
    with pytest.raises(TypeError, match="got int"):
        sim.run(3, draws=10)


def test_what_is_allowed_runs_as_given():
    pairs = sim.run(FREEZE, draws=10.0, seed=3, overrides=[("horizon", 4), "war.first_strike=0"])
    assert pairs.summary["draws"] == 10 and pairs.summary["seed"] == 3  # 10.0 is whole
    assert pairs.changes == ["horizon=4", "war.first_strike=0"]
    mapping = sim.run(FREEZE, draws=10, seed=3, overrides={"horizon": 4, "war.first_strike": 0})
    assert mapping.summary["p_accepted"] == pairs.summary["p_accepted"]


def test_sim_sweep_checks_the_same_arguments():
    with pytest.raises(ValueError, match="draws must be"):
        sim.sweep(FREEZE, vary={"war.first_strike": "0,0.1"}, draws=2.5, overrides=QUICK)
    with pytest.raises(TypeError, match="vary must be a mapping"):
        sim.sweep(FREEZE, vary=3, draws=10)
    with pytest.raises(TypeError, match="overrides must be"):
        sim.sweep(FREEZE, vary={"war.first_strike": "0,0.1"}, draws=10, overrides="horizon=4")


def test_the_limits_are_the_key_table_s_and_the_command_line_s():
    from sim.cli.runs import MAX_DRAWS as CLI_DRAWS
    from sim.cli.runs import MAX_SEED as CLI_SEED

    assert MAX_DRAWS == key("montecarlo.draws").range.hi == CLI_DRAWS
    assert MAX_SEED == key("montecarlo.seed").range.hi == CLI_SEED
    assert whole(None, "x", 1) is None and whole(1e4, "x", 1) == 10_000
