"""``--executor``, ``--workers`` and ``--scheduler`` on ``sim run`` and ``sim sweep``.

The same bytes from every executor (local processes here; a Dask cluster in
``tests/integration/test_dask.py``), the note when fewer workers are started than asked,
and options that contradict each other refused with exit code 1 and a message naming them.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.montecarlo.executors import usable_cpus
from tests.helpers import FREEZE

FILES = ("summary.json", "survival.csv", "breakdown.csv", "power.csv", "draws.parquet")
RUN = ["--draws", "90", "--seed", "6", "--set", "horizon=6", "--chunk-size", "20", "--no-plots"]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_thousand_workers_start_one_per_chunk_and_say_so(tmp_path):
    local, many = tmp_path / "local", tmp_path / "many"
    assert invoke("run", FREEZE, *RUN, "-q", "--out", local).exit_code == 0
    res = invoke("run", FREEZE, *RUN, "--workers", "1000", "--out", many)
    assert res.exit_code == 0, res.output
    cpus = usable_cpus()
    expected = (
        f"note: 1000 worker processes asked for, {2 * cpus} started "
        f"(at most 2 per CPU, and this machine has {cpus})"
        if 2 * cpus < 5
        else "note: 1000 worker processes asked for, 5 started (one per chunk, and there are 5)"
    )
    assert expected in res.stderr, res.stderr
    for name in FILES:
        assert (local / name).read_bytes() == (many / name).read_bytes(), name
    manifest = sim.load_result(many).manifest
    assert manifest["executor"] == "processes" and 2 <= manifest["workers"] <= 5


def test_quiet_keeps_the_note_off_stderr(tmp_path):
    res = invoke("run", FREEZE, *RUN, "-q", "--workers", "1000", "--out", tmp_path / "q")
    assert res.exit_code == 0 and res.stderr == ""


def test_a_sweep_on_local_processes_writes_the_table_of_the_local_path(tmp_path):
    args = ["sweep", FREEZE, "--vary", "war.first_strike=0,0.1,0.2", "--draws", "30"]
    args += ["--set", "horizon=4", "--seed", "2", "--no-plots", "-q"]
    a, b = tmp_path / "a", tmp_path / "b"
    assert invoke(*args, "--out", a).exit_code == 0
    res = invoke(*args, "--out", b, "--executor", "processes", "--workers", "2")
    assert res.exit_code == 0, res.output
    assert (a / "sweep.csv").read_bytes() == (b / "sweep.csv").read_bytes()


@pytest.mark.parametrize(
    "options,message",
    [
        (["--executor", "local", "--workers", "2"], "--executor local solves every chunk"),
        (["--executor", "processes", "--scheduler", "tcp://h:1"], "--scheduler is for --executor"),
        (["--scheduler", "nonsense"], "--scheduler must be a Dask scheduler's address"),
        (["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "sizes the LocalCluster"),
        (["--executor", "threads"], "'threads' is not one of 'local', 'processes', 'dask'"),
    ],
)
@pytest.mark.parametrize("command", ["run", "sweep"])
def test_options_that_contradict_each_other_exit_1_naming_them(tmp_path, command, options, message):
    pytest.importorskip("distributed")
    args = [command, FREEZE, "--draws", "5", "-q", "--out", tmp_path / "out"]
    if command == "sweep":
        args += ["--vary", "horizon=3,4"]
    res = invoke(*args, *options)
    assert res.exit_code == 1, res.output
    assert message in res.stderr and "Traceback" not in res.output, res.stderr
    assert not (tmp_path / "out").exists()
