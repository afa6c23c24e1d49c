"""The selection rule as a sampled assumption, through whole runs (issue 20, "structural
choices are beliefs too"): each draw is its rule's plain run, the headline is their
draw-weighted mix and says what it rests on, and the sensitivity output ranks the rule."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.analysis import sensitivity_table
from sim.cli import main
from sim.errors import CalibrationError
from sim.scenario import parse_scenario_text
from tests.helpers import one_region, write

RULES = ("peaceful", "risk_dominant", "qre")


def _text(selection, draws=240, sampler="lhs", precision="uniform(2, 8)") -> str:
    """A stag hunt in part of the space (a large first-strike bonus makes (Attack, Attack)
    an equilibrium beside (Hold, Hold)), so the rules play differently."""
    data = yaml.safe_load(
        one_region(
            p_now=0.5,
            cost_a=1.6,
            cost_b="uniform(0.8, 2.4)",
            incident="0.02",
            horizon=6,
            draws=draws,
            sampler=sampler,
        )  # fmt: skip
    )
    data["war"]["first_strike"] = "uniform(0.0, 0.9)"
    data["solver"] = {"selection": selection}
    if precision is not None:
        data["solver"]["qre_precision"] = precision
    return yaml.safe_dump(data, sort_keys=False)


def _scn(selection, **kw):
    return parse_scenario_text(_text(selection, **kw), "<mix>", default_name="mix")


MIX = "choice([peaceful, risk_dominant, qre], [2, 1, 1])"


@pytest.fixture(scope="module")
def mixed():
    return sim.run(_scn(MIX), seed=5)


@pytest.fixture(scope="module")
def plains():
    """Each rule forced on every draw of the same file (same beliefs, no rule column)."""
    return {rule: sim.run(_scn(MIX), seed=5, selection=rule) for rule in RULES}


def test_each_draw_is_its_rules_plain_run(mixed, plains):
    d = mixed.draws
    rules = d["solver.selection"]
    assert str(rules.dtype) == "string"
    assert rules.value_counts().to_dict() == {"peaceful": 120, "risk_dominant": 60, "qre": 60}
    for rule, plain in plains.items():
        assert "solver.selection" not in plain.draws
        rows = (rules == rule).to_numpy()
        pd.testing.assert_frame_equal(
            d[rows].drop(columns="solver.selection").reset_index(drop=True),
            plain.draws[rows].reset_index(drop=True),
            check_exact=True,
        )
    # the rules differ on these draws, so the test above compares something
    p = {r: plains[r].draws["p_holds_5y"].to_numpy() for r in RULES}
    assert not np.array_equal(p["peaceful"], p["risk_dominant"])
    assert not np.array_equal(p["peaceful"], p["qre"])


def test_the_headline_is_the_draw_weighted_mix(mixed, plains):
    rules = mixed.draws["solver.selection"].to_numpy()
    mix = pd.concat([plains[r].draws[rules == r] for r in RULES]).sort_values("draw")
    s = mixed.summary
    assert s["p_accepted"]["estimate"] == pytest.approx(mix["accepted"].mean(), abs=1e-12)
    for label in ("1y", "5y"):
        want = mix[f"p_holds_{label}"].mean()
        assert s["p_holds"][label]["estimate"] == pytest.approx(want, abs=1e-12)
    assert s["solver"] == {
        "method": "batched",
        "selection": MIX,
        "selection_weights": {"peaceful": 0.5, "risk_dominant": 0.25, "qre": 0.25},
    }
    for rule in RULES:
        assert plains[rule].summary["solver"] == {"method": "batched", "selection": rule}


def test_chunks_and_workers_do_not_change_a_mixed_run(mixed):
    """Chunks of 7 draws often lack a rule; the parts go back in draw order, to the bit
    (the quantal response's iterations stop game by game, so a qre draw does not depend
    on the draws solved beside it)."""
    nash = _scn("choice([peaceful, risk_dominant], [1, 3])", precision=None)
    a, b = sim.run(nash, seed=5), sim.run(nash, seed=5, chunk_size=7, workers=2)
    pd.testing.assert_frame_equal(a.draws, b.draws, check_exact=True)
    assert json.dumps(a.summary, sort_keys=True) == json.dumps(b.summary, sort_keys=True)
    pd.testing.assert_frame_equal(a.power, b.power, check_exact=True)
    other = sim.run(_scn(MIX), seed=5, chunk_size=7, workers=2)
    pd.testing.assert_frame_equal(mixed.draws, other.draws, check_exact=True)
    assert json.dumps(mixed.summary, sort_keys=True) == json.dumps(other.summary, sort_keys=True)


def test_a_choice_of_one_rule_is_the_plain_file():
    plain = sim.run(_scn("risk_dominant", precision=None), seed=2)
    one = sim.run(_scn("choice([risk_dominant])", precision=None), seed=2)
    assert (one.draws["solver.selection"] == "risk_dominant").all()
    pd.testing.assert_frame_equal(
        one.draws.drop(columns="solver.selection"), plain.draws, check_exact=True
    )
    for table in ("survival", "breakdown", "power"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(plain, table), check_exact=True)
    a, b = dict(one.summary), dict(plain.summary)
    assert a.pop("solver")["selection_weights"] == {"risk_dominant": 1.0}
    b.pop("solver")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_a_rule_given_to_the_run_replaces_the_choice_exactly():
    """selection= forces one rule for every draw: the run is then the plain file's, to the
    bit (no rule column, and the sampler's columns those of the plain file)."""
    for sampler in ("random", "sobol"):
        plain = sim.run(_scn("peaceful", precision=None, sampler=sampler), seed=4)
        chosen = _scn("choice([peaceful, risk_dominant])", precision=None, sampler=sampler)
        forced = sim.run(chosen, seed=4, selection="peaceful")
        pd.testing.assert_frame_equal(forced.draws, plain.draws, check_exact=True)
        a, b = dict(forced.summary), dict(plain.summary)
        a.pop("scenario"), b.pop("scenario")
        assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_the_tornado_compares_the_rules(mixed):
    table = sensitivity_table(mixed)
    row = table.set_index("key").loc["solver.selection"]
    d = mixed.draws
    means = d.groupby("solver.selection")["p_holds_5y"].mean()
    counts = d["solver.selection"].value_counts()
    levels = list(mixed.summary["solver"]["selection_weights"])
    assert row["low"] == pytest.approx(means.min()) and row["high"] == pytest.approx(means.max())
    assert row["swing"] == pytest.approx(means.max() - means.min()) and row["swing"] > 0
    assert levels[int(row["min"])] == means.idxmin() and levels[int(row["max"])] == means.idxmax()
    assert (row["n_low"], row["n_high"]) == (counts[means.idxmin()], counts[means.idxmax()])
    from sim.plots.sensitivity import range_text

    text = range_text(mixed, "solver.selection", row["min"], row["max"])
    assert text == f"lowest under {means.idxmin()}, highest under {means.idxmax()}"


def test_the_indices_rank_the_rule_given_data_and_saltelli():
    scn = _scn(MIX, draws=8 * 60)
    given = sim.sensitivity(sim.run(scn, seed=1))
    assert "solver.selection" in set(given["key"])
    design = sim.run(scn, seed=1, sampler="saltelli")
    d = len(scn.uncertain()) + 1  # the rule is the design's last column
    assert len(design.draws) % (d + 2) == 0
    table = sim.sensitivity(design)
    assert table.attrs["design"] == "saltelli" and table.attrs["note"] == ""
    sobol = table[(table["method"] == "sobol") & (table["key"] == "solver.selection")]
    assert set(sobol["measure"]) == {"S1", "ST"}
    # the rule matters in this stag hunt: its total index is clearly above zero
    assert sobol.set_index("measure").loc["ST", "index"] > 0.05


def test_the_headline_says_what_it_rests_on(tmp_path):
    path = write(tmp_path, _text(MIX, draws=80))
    out = tmp_path / "r"
    run = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--no-plots"])
    assert run.exit_code == 0, run.output
    want = "selection sampled: peaceful 50% / risk_dominant 25% / qre 25% · solver batched"
    show = CliRunner().invoke(main, ["show", str(out)])
    for output in (run.output, show.output):
        assert want in " ".join(output.split())
        assert "each draw is played under its own rule" in output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["selection"] == MIX
    plain = write(tmp_path, _text("qre", draws=20), "plain.yaml")
    run = CliRunner().invoke(main, ["run", str(plain), "--out", str(tmp_path / "p"), "--no-plots"])
    assert "selection qre · solver batched" in " ".join(run.output.split())
    assert "each draw is played" not in run.output


def test_sim_terms_plays_each_draw_under_its_rule():
    """The file's own terms row of sim terms is the mixed run (each draw under its rule
    there too; the Nash rules, so to the bit)."""
    scn = _scn("choice([peaceful, risk_dominant], [1, 3])", draws=120, precision=None)
    table = sim.terms(scn, "stake", shares=[0.3, 0.7], seed=2)
    run = sim.run(scn, seed=2)
    own = table[table["own_terms"]].iloc[0]
    assert own["accepted"] == run.summary["p_accepted"]["estimate"]
    for label, v in run.summary["p_holds"].items():
        assert own[f"holds_{label}"] == v["estimate"]
    assert table.attrs["solver"]["selection_weights"] == {"peaceful": 0.25, "risk_dominant": 0.75}
    forced = sim.run(scn, seed=2, selection="peaceful")
    assert forced.summary["p_holds"]["5y"] != run.summary["p_holds"]["5y"]


def test_calibration_refuses_a_sampled_rule(tmp_path):
    data = yaml.safe_load(_text(MIX, draws=20))
    data["observed"] = {"accepted": True, "held_at_least_years": 2}
    with pytest.raises(CalibrationError, match="one selection rule"):
        sim.calibrate([write(tmp_path, yaml.safe_dump(data))], draws=20)


def test_explain_restricts_the_rule_like_the_true_type(tmp_path):
    """Under risk_dominant this stag hunt is never signed: PRIM's box keeps the other rules
    and says so in words (one dimension for two rules, one indicator per rule for more)."""
    data = yaml.safe_load(
        one_region(
            p_now=0.5,
            cost_a=1.6,
            cost_b="uniform(1.5, 1.7)",
            first_strike=0.8,
            horizon=4,
            draws=400,
            sampler="lhs",
            incident="uniform(0.0, 0.1)",
        )  # fmt: skip
    )
    data["solver"] = {"selection": "choice([peaceful, risk_dominant])"}
    path = write(tmp_path, yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "r"
    assert CliRunner().invoke(main, ["run", str(path), "--out", str(out), "-q"]).exit_code == 0
    explained = CliRunner().invoke(main, ["explain", str(out), "--outcome", "accepted"])
    assert explained.exit_code == 0, explained.output
    assert "the stage games are played under the peaceful rule" in explained.output
    folder = tmp_path / "r_explain_accepted"
    found = json.loads((folder / "discovery.json").read_text())
    assert found["boxes"][0]["restrictions"]["solver.selection"] == [0.0, 0.0]
    assert found["dimensions"]["solver.selection"]["kind"] == "rule"
    assert (folder / "discovery.png").exists()
    data["solver"] = {"selection": "choice([risk_dominant, payoff_dominant, peaceful])"}
    scn = parse_scenario_text(yaml.safe_dump(data), "<three>", default_name="three")
    found3 = sim.analysis.discover(sim.run(scn, seed=1), outcome="accepted", sensitivity=False)
    kept = found3.boxes[0]["restrictions"]
    assert kept.get("solver.selection.risk_dominant") == [0.0, 0.0]
    assert "not played under the risk_dominant rule" in found3.boxes[0]["finding"]
