"""Mechanisms end to end: Korea with and without its machinery, paired through sim compare."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

KOREA = Path(__file__).resolve().parents[2] / "scenarios" / "korea_1953.yaml"
DRAWS = 400


def _mechanism_ids() -> list[str]:
    return list(sim.load_scenario(KOREA).mechanisms)


@pytest.fixture(scope="module")
def korea_runs(tmp_path_factory):
    """Korea as written, and the same draws with every mechanism switched off."""
    root = tmp_path_factory.mktemp("korea")
    base, bare = root / "korea", root / "korea_bare"
    without = [a for m in _mechanism_ids() for a in ("--without", m)]
    for out, extra in ((base, []), (bare, without)):
        res = CliRunner().invoke(
            main,
            ["run", str(KOREA), "--draws", str(DRAWS), "--seed", "3", "--out", str(out),
             "--no-plots", "-q", *extra],
        )  # fmt: skip
        assert res.exit_code == 0, res.output
    return base, bare


def test_korea_has_its_machinery():
    kinds = {m.kind for m in sim.load_scenario(KOREA).mechanisms.values()}
    assert {"guarantee", "restraint", "peacekeepers", "monitoring"} <= kinds


def test_without_its_mechanisms_the_korean_armistice_holds_less_often(korea_runs):
    """The armistice's machinery (the DMZ, the US guarantee and forces, Rhee's restraint,
    the commission, the patrons) raises P(holds 10 years) over all draws: the paired
    difference on the same draws is negative without it, its interval below zero."""
    base, bare = korea_runs
    table = sim.paired(base, bare)
    row = table.loc["holds 10y"]
    assert row["diff"] < 0 and row["ci_high"] < 0, row
    # pairing is what makes the interval narrow: the unpaired one is wider
    assert row["ci_high"] - row["ci_low"] < row["unpaired_ci_high"] - row["unpaired_ci_low"]
    # the same draws: every uncertain number of both runs is identical
    a, b = sim.load_result(base), sim.load_result(bare)
    for key in a.scenario.uncertain():
        assert a.draws[key].equals(b.draws[key]), key


def test_sim_compare_prints_the_paired_differences(korea_runs):
    base, bare = korea_runs
    res = CliRunner().invoke(main, ["compare", str(base), str(bare), "--years", "10"])
    assert res.exit_code == 0, res.output
    assert "on the same draws" in res.output and "paired 95% CI" in res.output
    diff = sim.paired(base, bare).loc["holds 10y", "diff"]
    assert f"{diff:+.1%}" in res.output


def test_sim_compare_says_when_runs_do_not_share_draws(korea_runs, tmp_path):
    base, _ = korea_runs
    other = tmp_path / "other_seed"
    res = CliRunner().invoke(
        main, ["run", str(KOREA), "--draws", str(DRAWS), "--seed", "4", "--out", str(other),
               "--no-plots", "-q"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["compare", str(base), str(other)])
    assert res.exit_code == 0, res.output
    assert "not paired" in res.output and "seed" in res.output
