"""`sim terms` and `sim.terms`: the own-terms row, common random numbers, the Fearon range.

The parsing of ``--regions`` / ``--shares``, the term sets, the Pareto front and the
stacking of term sets into one model call are tested in ``tests/unit/analysis``; the
figure in ``tests/unit/plots``.
"""

from __future__ import annotations

import json
import math
import sys

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.analysis import terms
from sim.cli import main
from sim.games import fearon_range
from tests.helpers import FREEZE, one_region, write

SHORT = {"horizon": 8}  # quarters: the 1 and 2-year figures, quick runs
REGIONS = "crimea,land_bridge"  # a region with a war bonus and one whose holder differs


def invoke(*args):
    return CliRunner().invoke(main, ["terms", *(str(a) for a in args)])


def _run_figures(summary: dict) -> dict:
    """A plain run's figures under the names of a terms row."""
    a, b = summary["actors"]
    rej = summary["rejected_by"]
    out = {
        "accepted": summary["p_accepted"]["estimate"],
        "accepted_ci_low": summary["p_accepted"]["ci_low"],
        "accepted_ci_high": summary["p_accepted"]["ci_high"],
        f"accepted_by_{a}": 1.0 - rej[a] - rej["both"],
        f"accepted_by_{b}": 1.0 - rej[b] - rej["both"],
        "breaks_within_horizon": summary["p_breaks_within_horizon"],
        "median_duration_years": summary["median_duration_years"],
    }
    for k, v in summary["p_holds"].items():
        out[f"holds_{k}"] = v["estimate"]
        out[f"holds_{k}_ci_low"] = v["ci_low"]
        out[f"holds_{k}_ci_high"] = v["ci_high"]
        out[f"holds_{k}_if_accepted"] = summary["p_holds_if_accepted"][k]
    return out


def _assert_row_is_run(row: pd.Series, result, rel: float = 0.0) -> None:
    """Every figure of the row is the run's, bit for bit (or within ``rel``)."""
    for key, value in _run_figures(result.summary).items():
        if value is None:
            assert pd.isna(row[key]), key
        else:
            assert row[key] == (pytest.approx(value, rel=rel, abs=0) if rel else value), key
    draws = result.draws
    assert row["fearon_low"] == pytest.approx(draws["fearon_low"].mean(), rel=1e-12)
    assert row["terms_share_a"] == pytest.approx(draws["terms_share_a"].mean(), rel=1e-12)
    for shares, col in ((result.summary["breakdown_by_cause"], "main_cause"),):
        if row["breaks_within_horizon"] > 0:
            assert row[col] == max(shares, key=shares.get)


@pytest.fixture(scope="module")
def flagship():
    """The flagship (Russian types, three events), two regions, 48 draws."""
    return terms(FREEZE, REGIONS, draws=48, seed=11, overrides=SHORT)


def test_the_own_terms_row_equals_a_plain_run(flagship):
    own = flagship[flagship["own_terms"]]
    assert len(own) == 1 and len(flagship) == 4
    result = sim.run(FREEZE, draws=48, seed=11, overrides=SHORT)
    _assert_row_is_run(own.iloc[0], result)
    assert own.iloc[0]["crimea"] == "russia" and own.iloc[0]["land_bridge"] == "russia"


def test_another_row_equals_the_run_of_its_set_options(flagship):
    """The file's terms of the named regions are fixed, so `--set` of a row's terms gives
    the same draws: the row is that run."""
    row = flagship[(flagship["crimea"] == "ukraine") & (flagship["land_bridge"] == "russia")]
    options = row.iloc[0]["set"].split()
    assert options == ["terms.crimea=ukraine", "terms.land_bridge=russia"]
    result = sim.run(FREEZE, draws=48, seed=11, overrides=[*options, "horizon=8"])
    _assert_row_is_run(row.iloc[0], result)


def test_terms_change_the_figures(flagship):
    """The terms matter: giving Crimea and the land bridge to Ukraine is accepted less."""
    by = flagship.set_index(["crimea", "land_bridge"])
    assert by.loc[("ukraine", "ukraine"), "accepted"] < by.loc[("russia", "russia"), "accepted"]
    assert (
        by.loc[("ukraine", "ukraine"), "value_ukraine"]
        != by.loc[("russia", "russia"), "value_ukraine"]
    )
    assert flagship["pareto"].any()


def test_workers_and_chunk_size_change_nothing(flagship):
    again = terms(FREEZE, REGIONS, draws=48, seed=11, overrides=SHORT, workers=2, chunk_size=37)
    pd.testing.assert_frame_equal(flagship, again)


def test_a_region_nobody_values_and_without_effect_changes_no_row(tmp_path):
    """Common random numbers: adding a region of no value and no effect, under either
    holder, leaves every figure of every row as it was."""
    text = FREEZE.read_text(encoding="utf-8")
    text = text.replace("regions:\n  crimea:", "regions:\n  nowhere:\n    label: Nowhere\n"
                        "    value: {russia: 0, ukraine: 0}\n  crimea:", 1)  # fmt: skip
    line = "terms:                  # the November 2022 line\n"
    text = text.replace(line, line + "  nowhere: ukraine\n")
    path = write(tmp_path, text, "dummy.yaml")
    with_dummy = terms(path, "crimea,nowhere", draws=40, seed=5, overrides=SHORT)
    without = terms(FREEZE, "crimea", draws=40, seed=5, overrides=SHORT)
    assert len(with_dummy) == 4 and len(without) == 2
    skip = {"term_set", "crimea", "nowhere", "own_terms", "set", "pareto"}
    for holder in ("russia", "ukraine"):
        pair = with_dummy[with_dummy["crimea"] == holder]
        ref = without[without["crimea"] == holder].iloc[0]
        for col in (c for c in with_dummy.columns if c not in skip):
            a, b = pair.iloc[0][col], pair.iloc[1][col]
            assert a == b or (pd.isna(a) and pd.isna(b)), col  # either holder: the same bits
            if isinstance(a, float) and col.startswith("value_"):
                # an extra zero term in a sum over regions may move the last bit
                assert a == pytest.approx(ref[col], rel=1e-12), col
            else:
                assert a == ref[col] or (pd.isna(a) and pd.isna(ref[col])), col


@pytest.mark.parametrize(
    "p,delta,cost_a,cost_b", [(0.5, 0.9, 1.0, 1.0), (0.3, 0.8, 0.5, 2.0), (0.7, 0.95, 3.0, 1.0)]
)
def test_the_accepted_shares_are_fearons_range(tmp_path, p, delta, cost_a, cost_b):
    """One region, constant power, no incidents: the terms are accepted exactly on
    Fearon's range of A's share, (p - (1-δ) c_A, p + (1-δ) c_B), and then hold forever."""
    path = write(
        tmp_path,
        one_region(p_now=p, delta=delta, cost_a=cost_a, cost_b=cost_b, share_a=0.05, horizon=44),
    )
    table = terms(path, "stake", shares="0:1:21", draws=3)
    low, high = fearon_range(p, (1 - delta) * cost_a, (1 - delta) * cost_b)
    shares = table["stake"].to_numpy(float)
    inside = (shares >= low - 1e-9) & (shares <= high + 1e-9)
    assert table["accepted"].tolist() == [1.0 if x else 0.0 for x in inside]
    assert table["holds_10y"].tolist() == table["accepted"].tolist()
    assert table["fearon_low"].to_numpy() == pytest.approx(low, abs=1e-12)
    assert table["fearon_high"].to_numpy() == pytest.approx(high, abs=1e-12)
    assert table["terms_share_a"].to_numpy() == pytest.approx(shares, abs=1e-12)
    assert table["in_fearon_range"].tolist() == [1.0 if x else 0.0 for x in inside]
    # each side's gain over war: its share kept forever against the war's lottery
    war_a, war_b = p / (1 - delta) - cost_a, (1 - p) / (1 - delta) - cost_b
    gain_a = [x / (1 - delta) - war_a if ok else 0.0 for x, ok in zip(shares, inside, strict=True)]
    gain_b = [
        (1 - x) / (1 - delta) - war_b if ok else 0.0 for x, ok in zip(shares, inside, strict=True)
    ]
    assert table["value_a"].to_numpy() == pytest.approx(gain_a, abs=1e-9)
    assert table["value_b"].to_numpy() == pytest.approx(gain_b, abs=1e-9)
    # every accepted split is efficient here: the frontier is the accepted range
    assert table["pareto"].tolist() == inside.tolist()
    # the file's share (0.05) is on the grid, and is its own row
    assert table.loc[table["own_terms"], "stake"].tolist() == [0.05]


def _without_types(tmp_path):
    """The flagship without Russia's types (its single aims as the prior mean)."""
    data = yaml.safe_load(FREEZE.read_text(encoding="utf-8"))
    del data["actors"]["russia"]["types"]
    return write(tmp_path, yaml.safe_dump(data, sort_keys=False), "no_types.yaml")


@pytest.mark.parametrize(
    "rule,types",
    [("peaceful", True), ("risk_dominant", True), ("payoff_dominant", True), ("qre", False)],
)
def test_every_selection_rule(tmp_path, rule, types):
    """Events, types (the Nash rules; qre has none) and each way of playing the stage
    game: the own row is the run."""
    path = FREEZE if types else _without_types(tmp_path)
    sets = {"horizon": 4, "solver.selection": rule}
    if rule == "qre":
        sets["solver.qre_precision"] = 4.0
    table = terms(path, "land_bridge", draws=16, seed=2, overrides=sets)
    result = sim.run(path, draws=16, seed=2, overrides=sets)
    # exact for every rule: the logit QRE's iterations stop game by game, so a draw's
    # figures do not depend on the draws (or term sets) solved beside it
    _assert_row_is_run(table[table["own_terms"]].iloc[0], result, rel=0)
    assert table.attrs["solver"]["selection"] == rule


def test_a_belief_about_a_share_keeps_every_draw(tmp_path):
    """A share that is a belief: its own row is the run, and the other beliefs keep their
    draws (the grid rows share them with the own row)."""
    data = yaml.safe_load(one_region(p_now=0.5, draws=20, sampler="lhs"))
    data["terms"]["stake"] = {"a": "uniform(0.3, 0.7)"}
    data["actors"]["a"]["war_cost"] = "uniform(0.2, 2)"
    path = write(tmp_path, yaml.safe_dump(data, sort_keys=False))
    table = terms(path, "stake", shares="0.4,0.6", draws=20)
    assert len(table) == 3 and bool(table.iloc[0]["own_terms"])
    assert table.iloc[0]["stake"] == "a: uniform(0.3, 0.7)"
    result = sim.run(path, draws=20)
    _assert_row_is_run(table.iloc[0], result)


def test_the_command_writes_the_folder(tmp_path, monkeypatch):
    out = tmp_path / "deals"
    args = [FREEZE, "--regions", REGIONS, "--draws", 12, "--seed", 3, "--set", "horizon=4",
            "--out", out]  # fmt: skip
    monkeypatch.setattr(sys, "argv", ["sim", "terms", *(str(a) for a in args)])  # as typed
    res = invoke(*args)
    assert res.exit_code == 0, res.output
    assert "file's terms" in res.output and "frontier" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["terms.csv", "terms.json", "terms.png"]
    table = pd.read_csv(out / "terms.csv")
    assert list(table.columns[:4]) == ["term_set", "crimea", "land_bridge", "own_terms"]
    assert {"accepted", "holds_1y", "value_russia", "value_ukraine", "main_breaker",
            "main_cause", "fearon_low", "nash_share_a", "pareto"} <= set(table.columns)  # fmt: skip
    meta = json.loads((out / "terms.json").read_text())
    assert meta["regions"] == ["crimea", "land_bridge"] and meta["draws"] == 12
    assert len(meta["rows"]) == 4 and meta["command"].startswith("sim terms")
    assert all(r["median_duration_years"] is None or math.isfinite(r["median_duration_years"])
               for r in meta["rows"])  # fmt: skip
    # a second run replaces the first (terms.json marks the folder as ours)
    res = invoke(FREEZE, "--regions", "crimea", "--draws", 4, "--set", "horizon=4", "--out", out,
                 "--no-plots", "-q")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["terms.csv", "terms.json"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--regions", "crimea,atlantis"], "--regions: atlantis: no such region"),
        (["--regions", "crimea,crimea"], "named twice"),
        (["--regions", "crimea", "--shares", "0,1.5"], "in [0, 1]"),
        (["--regions", "crimea", "--shares", "half"], "--shares"),
        (
            [
                "--regions",
                "crimea,donbas_2014,donbas_2022,land_bridge,nuclear_plant,claimed_rest,"
                "free_ukraine,independence",
                "--shares",
                "0:1:3",
            ],
            "at most 4,096",
        ),
        (["--regions", "crimea", "--set", "horizon=0"], "horizon"),
    ],
)
def test_bad_input_is_one_message_and_exit_1(tmp_path, args, message):
    res = invoke(FREEZE, *args, "--draws", 2, "--out", tmp_path / "out")
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


def test_a_folder_of_other_files_is_refused_before_the_work(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    res = invoke(FREEZE, "--regions", "crimea", "--draws", 2, "--out", out)
    assert res.exit_code == 1 and "terms.json" in res.output
    assert (out / "notes.txt").read_text() == "keep me"


def test_an_interrupted_write_leaves_no_folder(tmp_path):
    """The figure fails half-way: nothing is left that looks like an output."""
    from sim.analysis import write_terms

    table = terms(FREEZE, "crimea", draws=4, overrides={"horizon": 4})

    def broken(table, path, fmt):
        path.write_bytes(b"half a figure")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_terms(table, tmp_path / "out", figure=broken)
    assert list(tmp_path.iterdir()) == []


def test_the_command_takes_the_executor_options(tmp_path):
    """`sim terms --executor processes --workers 2` writes the table of the local path."""
    args = [FREEZE, "--regions", REGIONS, "--draws", 24, "--seed", 3, "--set", "horizon=4",
            "--no-plots", "-q"]  # fmt: skip
    local, pooled = tmp_path / "local", tmp_path / "pooled"
    assert invoke(*args, "--out", local).exit_code == 0
    res = invoke(*args, "--out", pooled, "--executor", "processes", "--workers", 2)
    assert res.exit_code == 0, res.output
    assert (local / "terms.csv").read_bytes() == (pooled / "terms.csv").read_bytes()
    bad = invoke(*args, "--out", tmp_path / "bad", "--executor", "nowhere")
    assert bad.exit_code != 0 and "nowhere" in bad.output
