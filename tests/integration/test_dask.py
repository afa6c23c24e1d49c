"""Runs and sweeps on a real Dask cluster are the bytes of the local path.

A ``dask.distributed.LocalCluster`` of two worker processes is started once for the
module. On it: ``sim run`` and ``sim sweep`` (through ``--scheduler``) write exactly the
files the local path writes; a worker killed while it solves a chunk changes nothing
(the scheduler runs the chunk again elsewhere); the LocalCluster that ``--executor dask``
starts by itself gives the same bytes; a worker with other code is refused; a scheduler
that cannot be reached is a one-line error naming the address; without dask installed,
``--executor dask`` says how to install it. Ctrl-C during a dask run is tested with real
subprocesses in ``tests/system/test_interrupt.py``.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.errors import ExecutorError
from sim.io import ResultWriter
from sim.io import writer as writer_mod
from sim.montecarlo import cluster as cluster_mod
from tests.helpers import FREEZE

distributed = pytest.importorskip("distributed")

FILES = ("summary.json", "survival.csv", "breakdown.csv", "power.csv", "draws.parquet")
RUN = ["--draws", "300", "--seed", "4", "--set", "horizon=8", "--chunk-size", "40", "--no-plots"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        scheduler_port=0,
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def same_files(a, b, names=FILES):
    return {name: (a / name).read_bytes() == (b / name).read_bytes() for name in names}


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "run"
    res = invoke("run", FREEZE, *RUN, "-q", "--out", out)
    assert res.exit_code == 0, res.output
    return out


def test_sim_run_on_a_scheduler_writes_the_bytes_of_the_local_path(
    client, local_run, tmp_path, monkeypatch
):
    monkeypatch.setattr(writer_mod, "ROW_GROUP", 25)  # several row groups, across chunks
    out = tmp_path / "dask"
    address = client.scheduler.address
    res = invoke(
        "run", FREEZE, *RUN, "-q", "--executor", "dask", "--scheduler", address, "--out", out
    )
    assert res.exit_code == 0, res.output
    again = tmp_path / "local_small_groups"
    assert invoke("run", FREEZE, *RUN, "-q", "--out", again).exit_code == 0
    assert all(same_files(again, out).values()), same_files(again, out)
    manifest = sim.load_result(out).manifest
    assert manifest["executor"] == "dask" and manifest["workers"] == 2


def test_the_scheduler_variable_picks_the_cluster_for_executor_dask_only(
    client, local_run, tmp_path
):
    env = {"SIM_DASK_SCHEDULER": client.scheduler.address}
    out = tmp_path / "by_variable"
    res = invoke("run", FREEZE, *RUN, "-q", "--executor", "dask", "--out", out, env=env)
    assert res.exit_code == 0, res.output
    assert all(same_files(local_run, out).values())
    assert sim.load_result(out).manifest["executor"] == "dask"
    plain = tmp_path / "plain"
    assert invoke("run", FREEZE, *RUN, "-q", "--out", plain, env=env).exit_code == 0
    assert sim.load_result(plain).manifest["executor"] == "local"


def test_sim_sweep_on_a_scheduler_writes_the_table_and_figure_of_the_local_path(client, tmp_path):
    args = ["sweep", FREEZE, "--vary", "war.first_strike=0:0.2:3", "--vary", "horizon=4,8"]
    args += ["--draws", "60", "--seed", "3", "-q"]
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert invoke(*args, "--out", local).exit_code == 0
    res = invoke(*args, "--out", dask, "--scheduler", client.scheduler.address)
    assert res.exit_code == 0, res.output
    assert same_files(local, dask, ("sweep.csv", "sweep.png")) == {
        "sweep.csv": True,
        "sweep.png": True,
    }


def test_a_worker_killed_while_solving_a_chunk_changes_no_byte(client, local_run, tmp_path):
    """The scheduler runs the chunk of a dead worker again on the other one."""
    reference = tmp_path / "reference"
    args = dict(draws=1200, seed=8, chunk_size=150)  # 8 chunks of about half a second each
    r = sim.run(FREEZE, **args)
    r.save(reference, plots=False)
    before = set(client.run(os.getpid).values())
    killed: list[int] = []

    def kill_a_busy_worker(done: int, total: int) -> None:
        if killed:
            return
        for address, keys in client.processing().items():
            if keys:
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return

    out = tmp_path / "with_a_kill"
    writer = ResultWriter(out)
    result = sim.run(
        FREEZE, **args, executor=client, progress=kill_a_busy_worker, draws_sink=writer.write_draws
    )
    writer.finish(result, plots=False)
    assert killed and killed[0] in before
    assert all(same_files(reference, out).values()), same_files(reference, out)
    deadline = time.monotonic() + 60  # the nanny restarts the worker
    while len(client.nthreads()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert killed[0] not in set(client.run(os.getpid).values())


def test_executor_dask_without_a_scheduler_starts_a_local_cluster(local_run, tmp_path):
    out = tmp_path / "own_cluster"
    res = invoke("run", FREEZE, *RUN, "-q", "--executor", "dask", "--workers", "2", "--out", out)
    assert res.exit_code == 0, res.output
    assert all(same_files(local_run, out).values())
    manifest = sim.load_result(out).manifest
    assert manifest["executor"] == "dask" and manifest["workers"] == 2


def test_a_worker_with_other_code_is_refused_by_name(client):
    class Strict(cluster_mod.DaskExecutor):
        expected_fingerprint = "sim 000000000000, numpy 0, scipy 0, python 3.0"

    with pytest.raises(ExecutorError) as info:
        Strict(client=client)
    message = str(info.value)
    assert "the Dask worker at tcp://" in message and "runs different code" in message
    assert cluster_mod.code_fingerprint() in message
    assert client.status == "running"  # the caller's client is left open


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_one_line_naming_the_address(monkeypatch):
    address = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    t0 = time.monotonic()
    res = invoke("run", FREEZE, *RUN, "-q", "--scheduler", address, "--out", "unused")
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the Dask scheduler at "), (
        lines
    )
    assert address in lines[0] and "Traceback" not in res.output
    assert time.monotonic() - t0 < cluster_mod.CONNECT_TIMEOUT + 5
    assert not os.path.exists("unused")


def test_a_listener_that_never_answers_times_out_in_one_line(monkeypatch):
    """A port that accepts but is no scheduler: the connect timeout, then one line."""
    monkeypatch.setattr(cluster_mod, "CONNECT_TIMEOUT", 1.0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    thread = threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True)
    thread.start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        t0 = time.monotonic()
        res = invoke("run", FREEZE, *RUN, "-q", "--executor", "dask", "--scheduler", address)
        elapsed = time.monotonic() - t0
    finally:
        server.close()
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and address in lines[0] and "within 1 s" in lines[0], lines
    assert elapsed < 10


def test_without_dask_installed_executor_dask_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)
    res = invoke("run", FREEZE, *RUN, "-q", "--executor", "dask", "--out", tmp_path / "x")
    assert res.exit_code == 1
    assert "pip install 'ceasefire-sim[dask]'" in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "x").exists()
    res = invoke("sweep", FREEZE, "--vary", "horizon=4,8", "--draws", "5", "--executor", "dask")
    assert res.exit_code == 1 and "not installed" in res.stderr


def test_sim_terms_on_the_cluster_gives_the_table_of_the_local_path(client):
    """Every term set is solved on the cluster's workers; the table is the same."""
    kw = dict(regions="crimea,land_bridge", draws=60, seed=3, overrides={"horizon": 8})
    local = sim.terms(FREEZE, **kw)
    on_dask = sim.terms(FREEZE, **kw, executor=client)
    assert local.to_csv() == on_dask.to_csv()


def test_a_calibration_on_the_cluster_is_the_local_one(client, tmp_path):
    """The likelihoods of every stage go to the cluster; weights and summary are the same."""
    from tests.integration.test_calibration import _pair

    files = _pair(tmp_path)
    local = sim.calibrate(files, draws=120, seed=9, inner=4)
    on_dask = sim.calibrate(files, draws=120, seed=9, inner=4, executor=client)
    assert len(local.summary["stages"]) > 1
    import pandas as pd

    pd.testing.assert_frame_equal(local.posterior, on_dask.posterior, check_exact=True)
    assert local.summary == on_dask.summary
