"""`sim run` and `sim show` end to end: the result folder, the headline, exit codes, the
progress bar, and files that do not depend on chunks or workers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.cli.progress import ProgressBar
from sim.io import writer as writer_mod
from tests.helpers import FREEZE


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
    monkeypatch.setattr(ProgressBar, "DELAY", delay)
    fake = _FakeTTY(tty)
    bar = ProgressBar(quiet, file=fake)
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
    monkeypatch.setattr(writer_mod, "ROW_GROUP", row_group)
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
        "cause.shift",
        "cause.terms",
        "cause.preemption",
        "cause.information",
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
