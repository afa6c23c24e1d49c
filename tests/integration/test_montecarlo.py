"""The Monte Carlo layer: one seed fixes everything, confidence bands, samplers, results."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.scenario import parse_scenario_text
from tests.helpers import FREEZE, one_region

SHORT = {"horizon": 12}


@pytest.fixture(scope="module")
def reference():
    return sim.run(FREEZE, draws=300, seed=11, overrides=SHORT, chunk_size=300)


@pytest.mark.parametrize("chunk_size,workers", [(64, 1), (97, 1), (128, 2), (1000, 2)])
def test_same_seed_same_numbers_whatever_chunks_and_workers(reference, chunk_size, workers):
    other = sim.run(
        FREEZE, draws=300, seed=11, overrides=SHORT, chunk_size=chunk_size, workers=workers
    )
    pd.testing.assert_frame_equal(reference.draws, other.draws, check_exact=True)
    assert json.dumps(reference.summary, sort_keys=True) == json.dumps(
        other.summary, sort_keys=True
    )
    pd.testing.assert_frame_equal(reference.survival, other.survival, check_exact=True)
    pd.testing.assert_frame_equal(reference.breakdown, other.breakdown, check_exact=True)


@pytest.mark.parametrize("sampler", ["random", "lhs", "sobol"])
def test_draw_rows_do_not_depend_on_the_total(sampler):
    """Draw i of a 300-draw random/sobol run equals draw i of a 200-draw run (LHS is
    stratified over the block, so it differs by design)."""
    a = sim.run(FREEZE, draws=300, seed=2, sampler=sampler, overrides=SHORT)
    b = sim.run(FREEZE, draws=200, seed=2, sampler=sampler, overrides=SHORT)
    same = a.draws.iloc[:200].reset_index(drop=True).equals(b.draws)
    assert same == (sampler != "lhs")


def test_different_seeds_differ(reference):
    other = sim.run(FREEZE, draws=300, seed=12, overrides=SHORT)
    assert not reference.draws["actors.russia.discount"].equals(
        other.draws["actors.russia.discount"]
    )


def test_draws_table_columns(reference):
    d = reference.draws
    for col in [
        "draw",
        "accepted",
        "rejected_by",
        "break_period",
        "breaker",
        "cause",
        "fearon_low",
        "fearon_high",
        "nash_share_a",
        "terms_share_a",
        "win_prob_a_t0",
        "p_holds_1y",
        "actors.russia.discount",
        "events.support_fades.hazard",
    ]:
        assert col in d.columns, col
    assert len(d) == 300 and (d["draw"] == np.arange(300)).all()
    broke = d["break_period"].notna()
    assert (d.loc[broke, "accepted"]).all()
    assert set(d.loc[broke, "cause"]) <= {"commitment", "preemption", "terms", "incident"}
    assert set(d.loc[~d["accepted"], "rejected_by"]) <= {"russia", "ukraine", "both"}
    assert (d.loc[d["accepted"], "rejected_by"] == "").all()


def test_summary_keys(reference):
    s = reference.summary
    for key in [
        "p_accepted",
        "p_holds",
        "median_duration_periods",
        "breakdown_by_actor",
        "breakdown_by_cause",
        "rejected_by",
    ]:
        assert key in s
    assert set(s["p_holds"]) == {"1y", "2y"}  # horizon 12 quarters = 3 years
    for v in s["p_holds"].values():
        assert 0 <= v["ci_low"] <= v["estimate"] <= v["ci_high"] <= 1


def _incident_text(lo: float, hi: float, sampler: str, draws: int) -> str:
    return one_region(
        share_a=0.5,
        incident=f"uniform({lo}, {hi})",
        horizon=10,
        cost_a=5,
        cost_b=5,
        draws=draws,
        sampler=sampler,
    )


def _true_survival(lo: float, hi: float, t: int) -> float:
    # E[(1 - λ)^t] for λ ~ uniform(lo, hi)
    return ((1 - lo) ** (t + 1) - (1 - hi) ** (t + 1)) / ((t + 1) * (hi - lo))


def test_confidence_band_covers_the_closed_form_at_the_nominal_rate():
    """Only an uncertain incident hazard λ ~ U(0.02, 0.3): S(t) = E[(1-λ)^t] in closed
    form. Over 120 seeds the 95% band at t = 5 covers it about 95% of the time."""
    scn = parse_scenario_text(_incident_text(0.02, 0.3, "random", 100), "<t>", default_name="t")
    truth = _true_survival(0.02, 0.3, 5)
    hits = 0
    for seed in range(120):
        s = sim.run(scn, seed=seed).survival.iloc[5]
        hits += s["ci_low"] <= truth <= s["ci_high"]
    # binomial(120, 0.95): mean 114, sd 2.4; a too-narrow band would give far fewer
    assert 105 <= hits <= 120


def test_lhs_and_sobol_converge_faster_than_random():
    truth = _true_survival(0.02, 0.3, 10)
    err = {}
    for sampler in ("random", "lhs", "sobol"):
        scn = parse_scenario_text(_incident_text(0.02, 0.3, sampler, 256), "<t>", default_name="t")
        est = [sim.run(scn, seed=seed).survival["survival"].iloc[10] for seed in range(20)]
        err[sampler] = float(np.sqrt(np.mean((np.array(est) - truth) ** 2)))
    assert err["lhs"] < err["random"] / 5
    assert err["sobol"] < err["random"] / 5


def test_save_and_load_round_trip(reference, tmp_path):
    path = reference.save(tmp_path / "run", plots=False)
    back = sim.load_result(path)
    assert back.summary == json.loads(json.dumps(reference.summary))
    pd.testing.assert_frame_equal(back.draws, reference.draws, check_exact=True)
    pd.testing.assert_frame_equal(back.survival, reference.survival, check_exact=True)
    pd.testing.assert_frame_equal(back.breakdown, reference.breakdown, check_exact=True)
    m = back.manifest
    assert m["seed"] == 11 and m["draws"] == 300 and m["sampler"] == "lhs"
    assert m["scenario_text"] == FREEZE.read_text(encoding="utf-8")
    assert len(m["scenario_sha256"]) == 64
    assert m["overrides"] == [["horizon", 12]]
    assert back.scenario is not None and back.scenario.horizon == 12
    for name in ("summary.json", "draws.parquet", "survival.csv"):
        assert name in m["files"]


def test_load_refuses_an_incomplete_folder(reference, tmp_path):
    path = reference.save(tmp_path / "run", plots=False)
    (path / "manifest.json").unlink()
    with pytest.raises(sim.io.ResultError, match="not a complete result"):
        sim.load_result(path)


def test_load_refuses_a_changed_file(reference, tmp_path):
    path = reference.save(tmp_path / "run", plots=False)
    with open(path / "survival.csv", "a") as fh:
        fh.write("0,0,0,0,0,0\n")
    with pytest.raises(sim.io.ResultError, match="sha256"):
        sim.load_result(path)


def test_cli_run_end_to_end(tmp_path):
    out = tmp_path / "fl"
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(FREEZE),
            "--draws",
            "60",
            "--seed",
            "3",
            "--out",
            str(out),
            "--set",
            "horizon=8",
            "--set",
            "war.first_strike=uniform(0, 0.1)",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "accepted" in res.output and "holds 1y" in res.output and "holds 2y" in res.output
    assert "if accepted" in res.output and "60 draws" in res.output
    # actors are named by their labels, not their ids
    assert "Russia" in res.output and "russia" not in res.output.replace("scenarios", "")
    for name in ("summary.json", "draws.parquet", "survival.csv", "manifest.json", "survival.png"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["draws"] == 60 and summary["seed"] == 3 and summary["horizon_periods"] == 8
    draws = pd.read_parquet(out / "draws.parquet")
    assert draws["war.first_strike"].between(0, 0.1).all()
    surv = pd.read_csv(out / "survival.csv")
    assert list(surv.columns[:5]) == ["period", "years", "survival", "ci_low", "ci_high"]
    # `sim show` prints the same headline
    shown = CliRunner().invoke(main, ["show", str(out)])
    assert shown.exit_code == 0 and "holds 2y" in shown.output


def test_cli_run_default_folder_is_results_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(
        main, ["run", str(FREEZE), "--draws", "20", "--set", "horizon=4", "--no-plots", "-q"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "results" / "freeze_lines" / "summary.json").is_file()
    assert not (tmp_path / "results" / "freeze_lines" / "survival.png").exists()


def test_cli_bad_set_is_a_clear_error(tmp_path):
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(FREEZE),
            "--draws",
            "5",
            "--set",
            "actors.russia.discount=1.5",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert res.exit_code == 1
    assert "actors.russia.discount" in res.output and "--set" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x").exists()


def test_python_m_sim_works():
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "sim", "--help"], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0 and "run" in res.stdout and "validate" in res.stdout


def test_overrides_on_an_overridden_scenario_add_up():
    scn = sim.load_scenario(FREEZE, overrides={"horizon": 8})
    res = sim.run(scn, draws=10, overrides={"war.first_strike": 0.0})
    assert res.scenario.horizon == 8 and res.scenario.war.first_strike == 0.0
    assert res.summary["horizon_periods"] == 8


def test_usage_errors_exit_with_1():
    res = CliRunner().invoke(main, ["run", str(FREEZE), "--draws", "0"])
    assert res.exit_code == 1 and "--draws" in res.output
    res = CliRunner().invoke(main, ["no-such-command"])
    assert res.exit_code == 1
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0


class _FakeTTY:
    def __init__(self, tty: bool):
        import io

        self.buf, self.tty = io.StringIO(), tty

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> int:
        return self.buf.write(s)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(
    "tty,quiet,delay,shown",
    [
        (True, False, 0.0, True),
        (True, True, 0.0, False),
        (False, False, 0.0, False),
        (True, False, 60.0, False),
    ],
)
def test_progress_bar_only_on_a_terminal_for_long_runs(monkeypatch, tty, quiet, delay, shown):
    from sim import cli

    monkeypatch.setattr(cli._progress, "DELAY", delay)
    fake = _FakeTTY(tty)
    bar = cli._progress(quiet, file=fake)
    with bar as update:
        if update is not None:
            sim.run(
                FREEZE, draws=40, seed=1, overrides={"horizon": 4}, chunk_size=10, progress=update
            )
    assert (bar.bar is not None) == shown
    if shown:
        assert bar.bar.tasks[0].completed == 40 and bar.bar.tasks[0].total == 40


@pytest.mark.parametrize("row_group", [65536, 25])
def test_cli_sampler_chunks_and_workers_give_identical_folders(tmp_path, monkeypatch, row_group):
    """Through the CLI: --sampler is used, and --chunk-size/--workers change no number
    (nor a byte of the files, with one row group or several)."""
    monkeypatch.setattr(sim.io.results, "ROW_GROUP", row_group)
    args = [
        "run",
        str(FREEZE),
        "--draws",
        "90",
        "--seed",
        "4",
        "--sampler",
        "sobol",
        "--set",
        "horizon=6",
        "--no-plots",
        "-q",
    ]
    a = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a"), "--chunk-size", "90"])
    b = CliRunner().invoke(
        main, [*args, "--out", str(tmp_path / "b"), "--chunk-size", "16", "--workers", "2"]
    )
    assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
    for name in ("summary.json", "survival.csv", "breakdown.csv", "power.csv", "draws.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["sampler"] == "sobol"
    assert summary["actor_labels"] == {"russia": "Russia", "ukraine": "Ukraine"}
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert (
        manifest["chunk_size"] == 16 and manifest["workers"] == 2 and manifest["sampler"] == "sobol"
    )
    breakdown = pd.read_csv(tmp_path / "a" / "breakdown.csv")
    assert list(breakdown.columns) == [
        "period",
        "years",
        "breaker.russia",
        "breaker.ukraine",
        "breaker.both",
        "breaker.incident",
        "cause.commitment",
        "cause.preemption",
        "cause.terms",
        "cause.incident",
    ]
    assert len(breakdown) == 6
    power = pd.read_csv(tmp_path / "a" / "power.csv")
    assert set(power["state"]) == {
        "none",
        "support_fades",
        "sanctions_lifted",
        "leadership_change",
        "support_fades+sanctions_lifted",
        "support_fades+leadership_change",
        "sanctions_lifted+leadership_change",
        "support_fades+sanctions_lifted+leadership_change",
    }
    assert ((power["q05"] <= power["median"]) & (power["median"] <= power["q95"])).all()


def test_power_table_says_how_many_draws_it_rests_on():
    from sim import plots

    res = sim.run(FREEZE, draws=1200, seed=1, overrides={"horizon": 4}, chunk_size=500)
    assert (res.power["draws"] == 1000).all()  # the first 1000 draws, across chunks
    ax = plots.plot_power(res)
    assert "first 1,000 of 1,200 draws" in ax.get_title()
    small = sim.run(FREEZE, draws=50, seed=1, overrides={"horizon": 4})
    assert (small.power["draws"] == 50).all()
    assert "first" not in plots.plot_power(small).get_title()
