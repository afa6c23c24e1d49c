"""The executor layer: one interface over here, local processes and (elsewhere) Dask.

The Dask executor on a real cluster is tested in ``tests/integration/test_dask.py``; here:
results and their order, the bound on tasks in flight, errors and cancellation, a dead
worker process (a stop with a message, never a hang), the cap on worker processes, the
options that contradict each other, a missing dask, and a run assembled from chunks that
arrive in any order.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
import threading
import time

import pytest

from sim.errors import ExecutorError
from sim.montecarlo import (
    RunAssembly,
    chunk,
    executors,
    open_executor,
    run,
    solve_draws,
)
from sim.montecarlo.executors import LocalExecutor, ProcessExecutor, executor_kind
from sim.montecarlo.runner import chunk_tasks, run_options
from sim.scenario import load_scenario
from tests.helpers import FREEZE

SHORT = {"horizon": 4}


def square(x: int) -> int:
    return x * x


def slow_first(x: int) -> int:
    time.sleep(0.6 if x == 0 else 0.01)
    return x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("task three is bad")
    time.sleep(0.05)
    return x


def die_on_two(x: int) -> int:
    if x == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    time.sleep(0.05)
    return x


def sleep_forever(x: int) -> int:
    time.sleep(3600)
    return x


@pytest.mark.parametrize("kind,workers", [("local", None), ("processes", 2)])
def test_results_come_back_whole_in_any_order_or_in_task_order(kind, workers):
    with open_executor(kind, workers=workers) as ex:
        pairs = list(ex.imap_unordered(square, range(12)))
        assert sorted(pairs) == [(i, i * i) for i in range(12)]
        assert list(ex.imap(square, range(12))) == [i * i for i in range(12)]
    assert ex.name == kind


def test_progress_counts_tasks_as_they_complete():
    seen = []
    with open_executor("processes", workers=2) as ex:
        list(ex.imap_unordered(square, range(5), progress=lambda d, t: seen.append((d, t))))
    assert seen == [(d, 5) for d in range(1, 6)]


def test_few_results_wait_for_a_slow_first_task():
    """Tasks in flight past the first unfinished one are bounded by the window, so the
    results that ``imap`` holds back for a slow first task are too."""
    with ProcessExecutor(2, notice=lambda m: None) as ex:
        order = [i for i, _ in ex.imap_unordered(slow_first, range(40))]
        window = ex.window
    assert window == 4
    assert sorted(order) == list(range(40))
    # task 0 takes 0.6 s and the others 0.01 s: without the window every other task
    # would finish first; with it, at most window - 1 do
    assert order.index(0) <= window - 1, order


def test_an_error_in_a_task_reaches_the_caller_and_cancels_the_rest():
    with open_executor("processes", workers=2) as ex:
        with pytest.raises(ValueError, match="task three is bad"):
            list(ex.imap_unordered(fail_on_three, range(50)))
    with pytest.raises(ValueError, match="task three is bad"):
        list(LocalExecutor().imap_unordered(fail_on_three, range(5)))


def test_a_dead_worker_process_stops_the_run_with_a_message_instead_of_a_hang():
    t0 = time.monotonic()
    with pytest.raises(ExecutorError) as info:
        with open_executor("processes", workers=2) as ex:
            list(ex.imap_unordered(die_on_two, range(8)))
    assert time.monotonic() - t0 < 30
    message = str(info.value)
    assert re.search(r"worker process \d+ died \(killed by signal 9 \(SIGKILL", message), message
    assert "out-of-memory killer" in message and "nothing was written" in message


def test_ctrl_c_terminates_busy_workers_at_once():
    pids: list[int] = []
    others = set(_children())  # e.g. a fork server that an earlier test started

    def ctrl_c() -> None:
        pids.extend(p for p in _children() if p not in others)
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(1.5, ctrl_c)
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with open_executor("processes", workers=2) as ex:
            timer.start()
            list(ex.imap_unordered(sleep_forever, range(4)))
    assert time.monotonic() - t0 < 15
    assert len(pids) == 2, pids
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)], "worker processes outlive the interrupt"


def _children() -> list[int]:
    me = str(os.getpid())
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[1] == me and fields[0] != "Z":
                out.append(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_worker_processes_are_capped_at_the_tasks_and_the_cpus_saying_so(monkeypatch):
    notes: list[str] = []
    with ProcessExecutor(1000, notice=notes.append) as ex:
        assert sorted(x for _, x in ex.imap_unordered(square, range(3))) == [0, 1, 4]
        assert ex.slots == 3
    assert notes == ["1000 worker processes asked for, 3 started (one per chunk, and there are 3)"]
    monkeypatch.setattr(executors, "usable_cpus", lambda: 1)
    notes.clear()
    with ProcessExecutor(1000, notice=notes.append) as ex:
        list(ex.imap_unordered(square, range(50)))
        assert ex.slots == executors.PER_CPU == 2
    assert notes == [
        "1000 worker processes asked for, 2 started (at most 2 per CPU, and this machine has 1)"
    ]
    notes.clear()
    with ProcessExecutor(4, notice=notes.append) as ex:  # one task: solved here, no pool
        assert list(ex.imap_unordered(_pid, [])) == []
        assert [r for _, r in ex.imap_unordered(_pid, [0])] == [os.getpid()]
    assert "none started" in notes[0]


def _pid(_: object) -> int:
    return os.getpid()


def test_the_default_executor_follows_the_options():
    assert executor_kind(None, None) == "local"
    assert executor_kind(None, 1) == "local"
    assert executor_kind(None, 2) == "processes"
    assert executor_kind(None, None, "tcp://h:8786") == "dask"
    assert executor_kind("dask", 4) == "dask"
    with pytest.raises(ExecutorError, match="one of local, processes, dask"):
        executor_kind("threads", None)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"executor": "local", "workers": 2}, "--executor local solves every chunk in this"),
        ({"executor": "processes", "scheduler": "tcp://h:1"}, "--scheduler is for --executor dask"),
        ({"executor": "processes", "workers": 0}, "--workers must be at least 1"),
        ({"executor": "dask", "scheduler": "nonsense"}, "--scheduler must be a Dask scheduler"),
        ({"executor": "dask", "scheduler": "tcp://h:1", "workers": 2}, "sizes the LocalCluster"),
    ],
)
def test_options_that_contradict_each_other_are_refused_by_name(kwargs, message):
    pytest.importorskip("distributed")
    with pytest.raises(ExecutorError, match=message):
        open_executor(**kwargs)


def test_without_dask_the_dask_executor_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ExecutorError) as info:
        open_executor("dask")
    assert "pip install 'ceasefire-sim[dask]'" in str(info.value)
    with pytest.raises(ExecutorError, match="not installed"):
        run(FREEZE, draws=5, overrides=SHORT, executor="dask")


def test_a_run_put_together_from_chunks_in_any_order_is_the_same_run():
    scn = load_scenario(FREEZE, overrides=SHORT)
    opts = run_options(scn, draws=70, seed=5, chunk_size=16)
    tasks = chunk_tasks(scn, opts)
    parts = [solve_draws(t) for t in tasks]
    reference = run(scn, draws=70, seed=5, chunk_size=16)
    for order in (list(range(len(parts)))[::-1], random.Random(3).sample(range(len(parts)), 5)):
        sunk = []
        assembly = RunAssembly(scn, opts, len(parts), draws_sink=sunk.append)
        for i in order:
            assert not assembly.complete
            assembly.add(i, parts[i])
        assert assembly.complete and assembly.done == 70
        result = assembly.result(0.0)
        assert [int(f["draw"].iloc[0]) for f in sunk] == [0, 16, 32, 48, 64]
        assert result.summary == reference.summary
        assert result.survival.equals(reference.survival)
        assert result.breakdown.equals(reference.breakdown)
        assert result.power.equals(reference.power)
    assert chunk.POWER_DRAWS > 70  # every chunk carried power paths, so their order mattered
    in_memory = RunAssembly(scn, opts, len(parts))
    for i in (2, 0, 4, 1, 3):
        in_memory.add(i, parts[i])
    assert in_memory.result(0.0).draws.equals(reference.draws)
    with pytest.raises(RuntimeError, match="4 of 5 chunks"):
        partial = RunAssembly(scn, opts, len(parts))
        for i in range(4):
            partial.add(i, parts[i])
        partial.result(0.0)
