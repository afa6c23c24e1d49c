"""Extreme but valid values: results stay finite probabilities in [0, 1].

Discounts of 0.999999 and 0.000001, costs of 1e9 and 0, capacities of 1e-12 and 1e12,
hazards of 0 and 1, horizons of 1 and 2000 periods, one draw. Each run must give a
summary, survival curve, breakdown table and draws table whose probabilities are finite
and in [0, 1] (``sim.io.check_result``), a survival curve that never rises, and
intervals that hold their estimate. Where the model cannot give a finite answer it must
say so as an error (exit 1, a message), never as NaN in a result.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ModelError
from sim.io import check_result
from sim.montecarlo import run
from sim.scenario import load_scenario, parse_scenario_text
from tests.system.test_reliability import BASE, FREEZE, check_result_folder

TINY = yaml.safe_dump(BASE, sort_keys=False)


def _tiny(overrides: list[str]):
    from sim.scenario import parse_set_option

    return parse_scenario_text(
        TINY, "tiny.yaml", [parse_set_option(o) for o in overrides], default_name="tiny"
    )


def _freeze(overrides: list[str]):
    return load_scenario(FREEZE, overrides=["horizon=12", *overrides])


def _both(key: str, value: str) -> list[str]:
    return [f"actors.a.{key}={value}", f"actors.b.{key}={value}"]


def _assert_sane(res) -> None:
    check_result(res)  # every probability finite and in [0, 1]
    s = res.summary
    surv = res.survival
    v = surv["survival"].to_numpy(float)
    assert np.all(np.diff(v) <= 1e-12), "survival rises"
    assert np.all(surv["ci_low"].to_numpy(float) <= v + 1e-12)
    assert np.all(surv["ci_high"].to_numpy(float) >= v - 1e-12)
    assert v[0] == pytest.approx(s["p_accepted"]["estimate"], abs=1e-12)
    assert s["p_holds_end"]["estimate"] <= s["p_accepted"]["estimate"] + 1e-12
    if s["p_breaks_within_horizon"] > 0:
        assert sum(s["breakdown_by_actor"].values()) == pytest.approx(1.0, abs=1e-9)
        assert sum(s["breakdown_by_cause"].values()) == pytest.approx(1.0, abs=1e-9)
    # the per-draw story agrees with the headline
    d = res.draws
    assert len(d) == s["draws"]
    assert float(d["p_holds_end"].mean()) == pytest.approx(s["p_holds_end"]["estimate"], abs=1e-9)
    # with private information `accepted` is the true type's story and `p_accepted` the
    # mixture over the types that the headline sums
    acc = d["p_accepted"] if "p_accepted" in d else d["accepted"]
    assert float(acc.mean()) == pytest.approx(s["p_accepted"]["estimate"], abs=1e-12)
    broke = d["break_period"].notna().to_numpy()
    assert not np.any(broke & ~d["accepted"].to_numpy(bool)), "a rejected draw has a break period"


EXTREMES = {
    "discount 0.999999 (A)": ["actors.a.discount=0.999999"],
    "discount 0.999999 (both)": _both("discount", "0.999999"),
    "discount 0.000001 (A)": ["actors.a.discount=0.000001"],
    "discount 0.000001 (both)": _both("discount", "0.000001"),
    "discount 0.999999 and 0.000001": ["actors.a.discount=0.999999", "actors.b.discount=0.000001"],
    "cost 1e9 (A)": ["actors.a.war_cost=1e9"],
    "cost 1e9 (both)": _both("war_cost", "1e9"),
    "cost 0 (both)": _both("war_cost", "0"),
    "cost 1e9 and discount 0.999999": _both("war_cost", "1e9") + _both("discount", "0.999999"),
    "cost 0 and discount 0.999999": _both("war_cost", "0") + _both("discount", "0.999999"),
    "capacity 1e-12 (A)": ["actors.a.capacity=1e-12", "actors.a.ceiling=1e-12"],
    "capacity 1e12 (A)": ["actors.a.capacity=1e12", "actors.a.ceiling=1e12"],
    "capacity 1e-12 vs 1e12": [
        "actors.a.capacity=1e-12",
        "actors.a.ceiling=1e-12",
        "actors.b.capacity=1e12",
        "actors.b.ceiling=1e12",
    ],
    "capacity 1e-12 rebuilding to 1e12 (both)": _both("capacity", "1e-12")
    + _both("ceiling", "1e12")
    + _both("rebuild_rate", "0.5"),
    "capacity 1e12 falling to 1e-12 at once": [
        "actors.a.capacity=1e12",
        "actors.a.ceiling=1e-12",
        "actors.a.rebuild_rate=1",
    ],
    "incident hazard 0": ["war.incident_hazard=0"],
    "incident hazard 1": ["war.incident_hazard=1"],
    "event hazard 0": ["events.e1.hazard=0"],
    "event hazard 1": ["events.e1.hazard=1"],
    "rebuild rate 1": _both("rebuild_rate", "1"),
    "decisiveness 1e300": ["war.decisiveness=1e300"],
    "decisiveness 1e-9": ["war.decisiveness=1e-9"],
    "first strike 1e12": ["war.first_strike=1e12"],
    "first strike -0.999999 (a defender's edge)": ["war.first_strike=-0.999999"],
    "flows 1e12 and -1e12": ["actors.a.flow=1e12", "actors.b.flow=-1e12"],
    "war flow 1e12": ["actors.a.war_flow=1e12"],
    "horizon 1": ["horizon=1"],
    "horizon 2000": ["horizon=2000"],
    "horizon 2000, discount 0.999999, no incidents": ["horizon=2000", "war.incident_hazard=0"]
    + _both("discount", "0.999999"),
    "quantal response, discount 0.999999": ["solver.selection=qre", "solver.qre_precision=10"]
    + _both("discount", "0.999999"),
    "quantal response, precision 1e6": ["solver.selection=qre", "solver.qre_precision=1e6"],
    "quantal response, precision 0": ["solver.selection=qre", "solver.qre_precision=0"],
    "risk dominant, first strike 1e12": ["solver.selection=risk_dominant", "war.first_strike=1e12"],
}


@pytest.mark.parametrize("name", list(EXTREMES))
def test_extreme_values_give_finite_probabilities(name):
    scn = _tiny(EXTREMES[name])
    draws = 8 if "2000" in name else 40
    res = run(scn, draws=draws, seed=11)
    _assert_sane(res)


@pytest.mark.parametrize(
    "name",
    [
        "discount 0.999999 (both)",
        "cost 1e9 (both)",
        "capacity 1e-12 vs 1e12",
        "capacity 1e-12 rebuilding to 1e12 (both)",
        "incident hazard 1",
        "cost 0 and discount 0.999999",
    ],
)
def test_extreme_values_on_the_flagship_scenario(name):
    overrides = [
        o.replace("actors.a.", "actors.russia.")
        .replace("actors.b.", "actors.ukraine.")
        .replace("events.e1.", "events.support_fades.")
        for o in EXTREMES[name]
    ]
    # Russia's war cost is set by its types (a value of its own would be shadowed)
    overrides = [
        x
        for o in overrides
        for x in (
            [
                o.replace("actors.russia.", f"actors.russia.types.{t}.changes.actors.russia.")
                for t in ("maximalist", "limited")
            ]
            if o.startswith("actors.russia.war_cost=")
            else [o]
        )
    ]
    res = run(_freeze(overrides), draws=30, seed=3)
    _assert_sane(res)


def test_one_draw():
    res = run(_tiny([]), draws=1, seed=0)
    _assert_sane(res)
    ci = res.summary["p_accepted"]
    assert 0 <= ci["ci_low"] <= ci["estimate"] <= ci["ci_high"] <= 1


def test_known_answers_at_the_extremes():
    # every period an incident: an accepted ceasefire is gone after the first period
    res = run(_tiny(["war.incident_hazard=1"]), draws=20, seed=1)
    assert res.survival["survival"].iloc[1] == 0.0
    # war costs of 1e9 and no incidents: nobody ever attacks, so what is accepted holds
    res = run(_tiny(_both("war_cost", "1e9") + ["war.incident_hazard=0"]), draws=20, seed=1)
    assert res.summary["p_accepted"]["estimate"] == 1.0
    assert res.summary["p_holds_end"]["estimate"] == 1.0
    # 1e-12 against 1e12: A's win probability is 0 to within rounding, not NaN
    res = run(
        _tiny(
            [
                "actors.a.capacity=1e-12",
                "actors.a.ceiling=1e-12",
                "actors.b.capacity=1e12",
                "actors.b.ceiling=1e12",
            ]
        ),
        draws=10,
        seed=1,
    )
    assert np.all(res.draws["win_prob_a_t0"].to_numpy() < 1e-12)


def test_symmetric_tiny_capacities_rebuilding_to_huge_ones_are_even():
    """K(0) = 1e-12 rebuilding toward 1e12 on both sides: the contest is even at every t.

    (K(t) = Kmax - (Kmax - K0) q cancelled to exactly 0 here, so log K = -inf on both
    sides and the win probability was NaN.)
    """
    scn = _tiny(
        _both("capacity", "1e-12")
        + _both("ceiling", "1e12")
        + _both("rebuild_rate", "0.3")
        + [
            "regions.r1.effects.power=0",
            "regions.r1.effects.ceiling=0",
            "regions.r1.effects.growth=0",
            "events.e1.hazard=0",
        ]
    )
    res = run(scn, draws=10, seed=2)
    assert np.allclose(res.draws["win_prob_a_t0"].to_numpy(), 0.5, atol=0, rtol=1e-12)
    none = res.power[res.power["state"] == "none"]  # (the event cuts B's ceiling to 0.8)
    assert len(none) and np.allclose(none["median"].to_numpy(), 0.5, rtol=1e-12)
    _assert_sane(res)


def test_capacity_path_is_exact_at_the_start_and_never_zero():
    from sim.model import Inputs, Params
    from sim.montecarlo import RunOptions, sample_beliefs

    scn = _tiny(
        [
            "actors.a.capacity=1e-12",
            "actors.a.ceiling=1e12",
            "actors.a.rebuild_rate=1e-9",
            "actors.b.capacity=1e12",
            "actors.b.ceiling=1e-12",
            "actors.b.rebuild_rate=1",
        ]
    )
    opts = RunOptions(
        draws=4,
        seed=0,
        sampler="random",
        chunk_size=4,
        workers=1,
        method="batched",
        selection="peaceful",
    )
    m = Inputs(Params.from_samples(scn, sample_beliefs(scn, opts, 0, 4), 4), scn.actor_ids)
    assert np.all(m.log_capacity(0, 0) == math.log(1e-12))
    assert np.all(m.log_capacity(1, 0) == math.log(1e12))
    for t in (1, 2, 10, 1000, 10**6):
        for i in (0, 1):
            lk = m.log_capacity(i, t)
            assert np.all(np.isfinite(lk))
    # (state 0, before the event changes B's ceiling)
    assert np.allclose(
        m.log_capacity(1, 1)[:, 0], math.log(1e-12)
    )  # rate 1: at the ceiling after one period
    assert np.all(m.log_capacity(0, 1)[:, 0] > math.log(1e-12))


def _cli_run(tmp_path, scenario_text: str, *args: str):
    p = tmp_path / "s.yaml"
    p.write_text(scenario_text)
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["run", str(p), "--no-plots", "-q", "--out", str(out), *args])
    return res, out


@pytest.mark.parametrize(
    "name",
    [
        "discount 0.999999 (both)",
        "horizon 2000",
        "capacity 1e-12 vs 1e12",
        "cost 0 and discount 0.999999",
        "incident hazard 1",
    ],
)
def test_extreme_results_on_disk_are_finite(tmp_path, name):
    """summary.json, survival.csv and draws.parquet as written hold no NaN probability."""
    sets = [a for o in EXTREMES[name] for a in ("--set", o)]
    res, out = _cli_run(tmp_path, TINY, "--draws", "1" if "2000" in name else "25", *sets)
    assert res.exit_code == 0, res.output
    assert check_result_folder(out) is None


@pytest.mark.parametrize(
    "overrides",
    [
        ["actors.a.war_flow=1e306", "actors.a.discount=0.999999"],
        ["actors.a.flow=1e306", "actors.a.discount=0.999999", "war.incident_hazard=0"],
        ["actors.a.war_cost=1.7e308", "actors.a.war_flow=-1.7e308"],
    ],
)
def test_beyond_floating_point_is_an_error_not_a_nan(tmp_path, overrides):
    with pytest.raises(ModelError, match="not finite"):
        run(_tiny(overrides), draws=5, seed=1)
    sets = [a for o in overrides for a in ("--set", o)]
    res, out = _cli_run(tmp_path, TINY, "--draws", "5", *sets)
    text = res.stdout + res.stderr
    assert res.exit_code == 1 and text.startswith("error:") and "Traceback" not in text, text
    assert "discount < 1" in text  # says what to do
    assert not out.exists()


def test_workers_and_extremes_agree():
    """The pool path handles extreme values exactly like the in-process path."""
    scn = _tiny(
        _both("discount", "0.999999") + _both("capacity", "1e-12") + _both("ceiling", "1e12")
    )
    one = run(scn, draws=40, seed=5, chunk_size=10)
    two = run(scn, draws=40, seed=5, chunk_size=10, workers=2)
    assert one.summary == two.summary
    _assert_sane(two)


def test_extreme_base_is_not_mutated():
    """The shared BASE scenario stays as the fuzz tests expect it."""
    assert copy.deepcopy(BASE)["horizon"] == 3
