"""Interrupted and concurrent runs never leave a result folder that looks complete.

Each test starts ``.venv/bin/sim run`` as a subprocess in its own process group (as a
terminal does), waits until the run is writing (its hidden ``.NAME.tmp-PID-xxxxxxxx``
folder exists), then:

* Ctrl-C (SIGINT to the whole group, as a terminal sends it): exit code 130 within a
  few seconds, a message, no traceback, the ``--out`` folder absent or still holding the
  previous complete result, no temporary folder left, no worker process left;
* SIGTERM: the same, with exit code 143; SIGHUP (a closed terminal): the same, with 129;
* ``kill -9``: the temporary folder stays, is recognisable, is refused by
  ``load_result``, and the next run into the same parent removes it;
* the same with ``--executor dask`` (a LocalCluster of two worker processes): Ctrl-C
  cancels the futures and stops the cluster's workers within seconds, without a
  traceback from them;
* two runs into the same ``--out`` at once: one complete, self-consistent result (the
  manifest's sha256s match, summary, manifest and draws table agree), and a reader
  polling the folder meanwhile never reads a mix.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.io import ResultError, load_result
from tests.system.test_reliability import FREEZE, check_result_folder

SIM = Path(sys.executable).with_name("sim")
BIG = 5_000_000  # draws: far more than a test waits for
STARTUP = 120.0  # seconds a loaded machine may need before the run writes (imports, loading)

pytestmark = pytest.mark.skipif(
    not SIM.exists(), reason=f"no {SIM} (install the package into the venv)"
)


def _start(
    out: Path, *, draws: int = BIG, seed: int = 2, workers: int = 1, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    cmd = [
        str(SIM),
        "run",
        str(FREEZE),
        "--draws",
        str(draws),
        "--seed",
        str(seed),
        "--no-plots",
        "-q",
        "--out",
        str(out),
        "--workers",
        str(workers),
        *extra,
    ]
    # A job started in the background by a non-interactive shell inherits SIGINT as
    # ignored (and Python then installs no Ctrl-C handler); reset it so the test does not
    # depend on how pytest itself was launched.
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _temp_folders(parent: Path, name: str, pid: int | None = None) -> list[Path]:
    pat = re.compile(
        rf"^\.{re.escape(name)}\.(tmp|old)-{pid if pid is not None else '[0-9]+'}-[0-9a-f]{{8}}$"
    )
    return [p for p in parent.iterdir() if pat.match(p.name)] if parent.is_dir() else []


def _wait_until_writing(proc: subprocess.Popen, out: Path) -> Path:
    """Wait for the run's temporary folder; then give it a second of solving."""
    t_end = time.monotonic() + STARTUP
    while time.monotonic() < t_end:
        found = [p for p in _temp_folders(out.parent, out.name, proc.pid) if ".tmp-" in p.name]
        if found:
            time.sleep(1.0)
            assert proc.poll() is None, f"the run ended early: {proc.communicate()}"
            return found[0]
        if proc.poll() is not None:
            pytest.fail(f"the run ended before writing: {proc.returncode} {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the run did not start writing in time")


def _group(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def _wait_group_gone(pgid: int, timeout: float = 20.0) -> list[int]:
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        left = _group(pgid)
        if not left:
            return []
        time.sleep(0.1)
    return _group(pgid)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _previous_result(out: Path, seed: int = 1) -> None:
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(FREEZE),
            "--draws",
            "40",
            "--seed",
            str(seed),
            "--no-plots",
            "-q",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert load_result(out).summary["seed"] == seed


def _assert_previous_intact_or_absent(out: Path, had_previous: bool) -> None:
    if had_previous:
        assert load_result(out).summary["seed"] == 1
        assert check_result_folder(out) is None
    else:
        assert not out.exists()
    assert not _temp_folders(out.parent, out.name)
    visible = sorted(p.name for p in out.parent.iterdir() if not p.name.startswith("."))
    assert visible == (["out"] if had_previous else []), visible


pytestmark = [pytestmark, pytest.mark.slow]


@pytest.mark.parametrize(
    "workers,previous,to_group",
    [(1, True, True), (2, True, True), (1, False, True), (2, False, False)],
)
def test_ctrl_c_stops_promptly_and_leaves_no_partial_result(tmp_path, workers, previous, to_group):
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    if previous:
        _previous_result(out)
    proc = _start(out, workers=workers)
    try:
        _wait_until_writing(proc, out)
        if workers > 1:
            assert len(_group(proc.pid)) >= 1 + workers, "the worker processes did not start"
        t0 = time.monotonic()
        if to_group:
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        else:
            os.kill(proc.pid, signal.SIGINT)  # the parent alone: it must stop its workers
        stdout, stderr = proc.communicate(timeout=30)
        elapsed = time.monotonic() - t0
        assert proc.returncode == 130, (proc.returncode, stderr)
        assert elapsed < 10, f"took {elapsed:.1f} s to stop"
        assert "interrupted" in stderr and "run the command again" in stderr, stderr
        assert "Traceback" not in stderr + stdout, stderr
        assert _wait_group_gone(proc.pid) == [], "worker processes linger after Ctrl-C"
        _assert_previous_intact_or_absent(out, previous)
    finally:
        _kill_group(proc.pid)
        proc.wait()


def _wait_until_workers(proc: subprocess.Popen, n: int) -> None:
    """Wait until ``n`` worker processes run beside the parent, then a few seconds more
    (the LocalCluster ignores Ctrl-C while it starts, and the run has to reach its chunks)."""
    t_end = time.monotonic() + STARTUP
    while len(_group(proc.pid)) < 1 + n:
        if proc.poll() is not None or time.monotonic() > t_end:
            proc.kill()
            pytest.fail(f"the workers did not start: {proc.communicate()}")
        time.sleep(0.1)
    time.sleep(4.0)


@pytest.mark.parametrize("to_group", [True, False])
def test_ctrl_c_stops_a_dask_run_and_its_local_cluster(tmp_path, to_group):
    pytest.importorskip("distributed")
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    _previous_result(out)
    proc = _start(out, workers=2, extra=("--executor", "dask"))
    try:
        _wait_until_writing(proc, out)
        _wait_until_workers(proc, 2)
        t0 = time.monotonic()
        (os.killpg if to_group else os.kill)(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
        elapsed = time.monotonic() - t0
        assert proc.returncode == 130, (proc.returncode, stderr)
        assert elapsed < 10, f"took {elapsed:.1f} s to stop"
        assert "interrupted" in stderr and "Traceback" not in stderr + stdout, stderr
        assert "KeyboardInterrupt" not in stderr, stderr
        assert _wait_group_gone(proc.pid) == [], "dask worker processes linger after Ctrl-C"
        _assert_previous_intact_or_absent(out, True)
    finally:
        _kill_group(proc.pid)
        proc.wait()


def test_sigterm_cleans_up_like_ctrl_c(tmp_path):
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    _previous_result(out)
    proc = _start(out, workers=2)
    try:
        _wait_until_writing(proc, out)
        os.kill(proc.pid, signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 143, (proc.returncode, stderr)
        assert "terminated" in stderr and "Traceback" not in stderr, stderr
        assert _wait_group_gone(proc.pid) == []
        _assert_previous_intact_or_absent(out, True)
    finally:
        _kill_group(proc.pid)
        proc.wait()


@pytest.mark.parametrize("workers,to_group", [(1, False), (2, True)])
def test_sighup_is_handled_like_sigterm(tmp_path, workers, to_group):
    """A closed terminal hangs up the run (its whole process group, workers too): exit 129,
    a message, no BrokenPipe traceback, no temporary folder, the earlier result intact."""
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    _previous_result(out)
    proc = _start(out, workers=workers)
    try:
        _wait_until_writing(proc, out)
        if to_group:
            os.killpg(proc.pid, signal.SIGHUP)
        else:
            os.kill(proc.pid, signal.SIGHUP)
        stdout, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 129, (proc.returncode, stderr)
        assert "hung up (SIGHUP" in stderr, stderr
        assert "Traceback" not in stderr + stdout and "BrokenPipe" not in stderr, stderr
        assert _wait_group_gone(proc.pid) == []
        _assert_previous_intact_or_absent(out, True)
    finally:
        _kill_group(proc.pid)
        proc.wait()


@pytest.mark.parametrize(
    "workers,previous,extra", [(1, True, ()), (2, False, ()), (2, False, ("--executor", "dask"))]
)
def test_kill_9_leaves_only_a_recognisable_temporary_folder(tmp_path, workers, previous, extra):
    if extra:
        pytest.importorskip("distributed")
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    if previous:
        _previous_result(out)
    proc = _start(out, workers=workers, extra=extra)
    try:
        tmp = _wait_until_writing(proc, out)
        if extra:
            _wait_until_workers(proc, workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        # the workers notice their parent is gone and exit
        assert _wait_group_gone(proc.pid, timeout=60) == [], "worker processes outlive a killed run"
    finally:
        _kill_group(proc.pid)
        proc.wait()
    assert tmp.is_dir() and re.fullmatch(rf"\.out\.tmp-{proc.pid}-[0-9a-f]{{8}}", tmp.name)
    with pytest.raises(ResultError, match="temporary folder"):
        load_result(tmp)
    if previous:
        assert load_result(out).summary["seed"] == 1  # the earlier result is untouched
    else:
        with pytest.raises(ResultError, match="not a folder"):
            load_result(out)
    visible = sorted(p.name for p in out.parent.iterdir() if not p.name.startswith("."))
    assert visible == (["out"] if previous else [])
    # the next run into the same parent removes the dead run's folder
    res = CliRunner().invoke(
        main,
        ["run", str(FREEZE), "--draws", "20", "--seed", "3", "--no-plots", "-q", "--out", str(out)],
    )
    assert res.exit_code == 0, res.output
    assert not tmp.exists() and not _temp_folders(out.parent, "out")
    assert check_result_folder(out) is None and load_result(out).summary["seed"] == 3


def test_two_runs_into_the_same_folder_leave_one_complete_result(tmp_path):
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    _previous_result(out, seed=1)
    seen: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        # a `sim compare` reading the folder meanwhile sees one whole result or a refusal
        while not stop.is_set():
            try:
                r = load_result(out)
            except ResultError:
                seen.append("refused")
                continue
            s, m = r.summary, r.manifest
            ok = (
                s["seed"] == m["seed"]
                and s["draws"] == m["draws"] == len(r.draws)
                and abs(float(r.draws["p_holds_end"].mean()) - s["p_holds_end"]["estimate"]) < 1e-9
            )
            seen.append(
                f"seed {s['seed']}" if ok else f"MIXED {s['seed']} {m['seed']} {len(r.draws)}"
            )

    draws = {2: 3000, 3: 3001}
    procs = [_start(out, draws=n, seed=seed) for seed, n in draws.items()]
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        outs = [p.communicate(timeout=600) for p in procs]
    finally:
        stop.set()
        t.join(timeout=60)
        for p in procs:
            _kill_group(p.pid)
            p.wait()
    for p, (_, e) in zip(procs, outs, strict=True):
        assert p.returncode == 0, e
        assert "Traceback" not in e
    assert check_result_folder(out) is None  # manifest sha256s, summary = manifest = draws
    final = load_result(out)
    assert final.summary["seed"] in draws and final.summary["draws"] == draws[final.summary["seed"]]
    assert not _temp_folders(out.parent, "out")
    assert not [s for s in seen if s.startswith("MIXED")], seen
    assert any(s.startswith("seed") for s in seen)


def test_concurrent_writers_in_one_process_never_mix(tmp_path):
    """Many writers swapping results into one folder while a reader polls it."""
    from sim.montecarlo import run
    from tests.system.test_extremes import _tiny

    results = {seed: run(_tiny([]), draws=5 + seed, seed=seed) for seed in range(6)}
    out = tmp_path / "out"
    errors: list[BaseException] = []
    bad: list[str] = []
    stop = threading.Event()

    def writer(seed: int) -> None:
        try:
            for _ in range(4):
                results[seed].save(out, plots=False)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def reader() -> None:
        while not stop.is_set():
            try:
                r = load_result(out)
            except ResultError:
                continue
            if not (
                r.summary["seed"] == r.manifest["seed"] and len(r.draws) == 5 + r.summary["seed"]
            ):
                bad.append(f"{r.summary['seed']} {r.manifest['seed']} {len(r.draws)}")

    threads = [threading.Thread(target=writer, args=(s,)) for s in results]
    rt = threading.Thread(target=reader)
    rt.start()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stop.set()
    rt.join()
    assert not errors, errors
    assert not bad, bad
    assert check_result_folder(out) is None
    assert not _temp_folders(tmp_path, "out")
