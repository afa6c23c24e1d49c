"""A worker process killed during ``sim run --workers 2`` (as the out-of-memory killer
would) stops the run with exit code 1 and a message naming the process and its signal,
within seconds: never a run that waits forever for the dead worker's chunk, never a
result folder that looks complete. (On a Dask cluster the chunk is run again elsewhere
instead: ``tests/integration/test_dask.py``.)
"""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from tests.system.test_interrupt import (
    SIM,
    _assert_previous_intact_or_absent,
    _group,
    _kill_group,
    _previous_result,
    _start,
    _wait_group_gone,
    _wait_until_writing,
)

pytestmark = [
    pytest.mark.skipif(not SIM.exists(), reason=f"no {SIM} (install the package into the venv)"),
    pytest.mark.slow,
]


def _workers_of(pid: int) -> list[int]:
    return [p for p in _group(pid) if p != pid and _parent(p) == pid]


def _parent(pid: int) -> int | None:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def test_a_killed_worker_process_stops_the_run_with_a_message(tmp_path):
    out = tmp_path / "runs" / "out"
    out.parent.mkdir()
    _previous_result(out)
    proc = _start(out, workers=2)
    try:
        _wait_until_writing(proc, out)
        deadline = time.monotonic() + 60  # a loaded machine may take a while to fork them
        while len(workers := _workers_of(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2, workers
        time.sleep(0.5)  # into their first chunks
        t0 = time.monotonic()
        os.kill(workers[0], signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=60)
        elapsed = time.monotonic() - t0
        assert proc.returncode == 1, (proc.returncode, stderr)
        assert elapsed < 15, f"took {elapsed:.1f} s to notice"
        assert re.search(
            rf"error: worker process {workers[0]} died \(killed by signal 9 \(SIGKILL", stderr
        ), stderr
        assert "nothing was written" in stderr and "Traceback" not in stderr + stdout, stderr
        assert _wait_group_gone(proc.pid) == [], "the other worker outlives the run"
        _assert_previous_intact_or_absent(out, True)
    finally:
        _kill_group(proc.pid)
        proc.wait()
