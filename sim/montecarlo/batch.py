"""Many runs in one stream of chunks: a sweep's grid points, a search's candidates.

:func:`run_many` is the one call that a command running many scenarios makes (``sim
sweep`` today; a terms search or a calibration the same way): every run's chunks go to one
executor as one stream of tasks, so the workers stay busy even when each run is a single
chunk, and each run's :class:`~sim.io.Result` is handed back as soon as its last chunk is
in. A run's numbers are those of :func:`sim.montecarlo.run` with the same options,
whatever the executor and whatever else runs beside it (a chunk depends only on its task).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sim.io import Result
from sim.montecarlo.assembly import RunAssembly
from sim.montecarlo.chunk import solve_draws
from sim.montecarlo.executors import using_executor
from sim.montecarlo.runner import chunk_tasks, run_options
from sim.scenario import Scenario

__all__ = ["run_many"]


def run_many(
    scenarios: Sequence[Scenario],
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    workers: int | None = None,
    executor: Any = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, Result]]:
    """Run every scenario; yield ``(index, Result)`` as each run completes.

    Parameters
    ----------
    scenarios
        Loaded scenarios.
    draws, seed, sampler, chunk_size, method, selection
        As for :func:`sim.montecarlo.run`, the same for every run; None: each
        scenario's own.
    workers, executor, scheduler
        Where the chunks are solved, as for :func:`sim.montecarlo.run`; one executor
        serves every run.
    progress
        Called with (runs done, runs total) after each run.

    Yields
    ------
    tuple of (int, Result)
        The scenario's index and its Result, whose ``draws`` is empty (only the headline
        tables are kept, so memory does not grow with the number of runs) and whose
        ``wall_seconds`` counts from the start of :func:`run_many`.
    """
    runs = []
    for scn in scenarios:
        opts = run_options(
            scn,
            draws=draws,
            seed=seed,
            sampler=sampler,
            chunk_size=chunk_size,
            method=method,
            selection=selection,
            workers=workers,
            executor=executor,
            scheduler=scheduler,
        )
        runs.append((scn, opts, chunk_tasks(scn, opts)))
    tasks, owner = [], []  # owner[task index] = (run index, chunk index within the run)
    for r, (_, _, run_tasks) in enumerate(runs):
        tasks += run_tasks
        owner += [(r, c) for c in range(len(run_tasks))]
    t0 = time.perf_counter()
    open_runs: dict[int, RunAssembly] = {}
    finished = 0
    with using_executor(executor, workers=workers, scheduler=scheduler) as ex:
        for i, part in ex.imap_unordered(solve_draws, tasks):
            r, c = owner[i]
            scn, opts, run_tasks = runs[r]
            assembly = open_runs.setdefault(
                r, RunAssembly(scn, opts, len(run_tasks), keep_draws=False)
            )
            assembly.add(c, part)
            if assembly.complete:
                del open_runs[r]
                finished += 1
                result = assembly.result(
                    time.perf_counter() - t0, executor=ex.name, workers=ex.slots
                )
                if progress is not None:
                    progress(finished, len(runs))
                yield r, result
