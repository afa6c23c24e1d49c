"""A run: the draws split into chunks, solved by an executor, put together exactly.

Memory stays bounded: a chunk's working set is about 200 MB at the default chunk size
(:func:`sim.montecarlo.options.default_chunk`); the draws table is streamed to disk chunk
by chunk when a sink is given. Where the chunks are solved (here, local worker processes,
a Dask cluster) is the executor's business (:mod:`sim.montecarlo.executors`); results come
back in any order and :class:`sim.montecarlo.assembly.RunAssembly` puts them in place.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import pandas as pd

from sim.io import Result
from sim.montecarlo.arguments import checked_arguments
from sim.montecarlo.assembly import RunAssembly
from sim.montecarlo.budget import check_budget
from sim.montecarlo.chunk import solve_draws
from sim.montecarlo.executors import executor_kind, using_executor
from sim.montecarlo.options import RunOptions, check_options, default_chunk
from sim.montecarlo.posterior import Posterior, check_posterior
from sim.scenario import Scenario, load_scenario, parse_scenario_text, parse_set_option

__all__ = ["chunk_tasks", "map_chunks", "run", "run_options"]

T = TypeVar("T")


@checked_arguments
def run(
    scenario: Scenario | str | os.PathLike,
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int | None = None,
    overrides: Mapping[str, Any] | list[str] | list[tuple[str, Any]] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    draws_sink: Callable[[pd.DataFrame], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
    label: str | None = None,
    posterior: Posterior | str | os.PathLike | None = None,
    curves: bool = False,
    curves_sink: Callable[[pd.DataFrame], None] | None = None,
) -> Result:
    """Run a scenario's Monte Carlo and return a :class:`sim.io.Result`.

    Parameters
    ----------
    scenario
        A :class:`Scenario` or the path of a scenario file.
    draws, seed, sampler
        Override ``montecarlo.draws``, ``montecarlo.seed`` and ``montecarlo.sampler``.
        ``seed=0`` is a seed like any other.
    workers
        Worker processes that solve chunks in parallel (``processes``, or the
        ``LocalCluster`` of ``dask``; default: the usable CPUs, and no workers for
        ``local``). Results do not depend on it.
    overrides
        Key path -> value, ``KEY=VALUE`` strings or (key, value) pairs, applied first.
    chunk_size
        Draws per chunk (memory per chunk grows with it). Results do not depend on it.
    method, selection
        Override ``solver.method`` / ``solver.selection``.
    progress
        Called with (draws done, draws total) as chunks complete (in any order).
    draws_sink
        If given, each chunk's draws table is handed to it in draw order (e.g. streamed
        to a file) instead of being kept in memory; ``Result.draws`` is then empty.
    executor
        Where chunks are solved: ``local`` (here), ``processes`` (local worker
        processes) or ``dask`` (a Dask cluster), an open
        :class:`~sim.montecarlo.executors.Executor` (left open), or a
        ``distributed.Client``. Default: ``processes`` when ``workers`` > 1, ``dask``
        when ``scheduler`` is given, else ``local``. Results do not depend on it.
    scheduler
        A Dask scheduler's address for ``dask`` (default: ``SIM_DASK_SCHEDULER``, else a
        ``LocalCluster`` started for the run); see :mod:`sim.montecarlo.cluster`.
    label
        A name for the run, shown by ``sim show``, ``sim compare`` and the plots.
    posterior
        A calibration folder written by ``sim calibrate`` (or its
        :class:`~sim.montecarlo.posterior.Posterior`): the beliefs it holds are drawn from
        it, the rest from the scenario; the manifest records it. A belief the scenario
        does not have is an error; one whose prior differs from the calibration's is a
        :class:`~sim.errors.CalibrationWarning`.
    curves
        Also keep each draw's survival at every period (``Result.curves``, written as
        ``curves.parquet``: ``draw`` and ``p_holds.<t>`` for t = 0 .. horizon). Off by
        default; it changes no other number.
    curves_sink
        With ``curves``: each chunk's curves are handed to it in draw order instead of
        being kept in memory (``Result.curves`` is then None).
    """
    scn = _scenario(scenario, overrides)
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
        posterior=posterior,
        curves=curves,
    )
    streamed = {"streamed": draws_sink is not None, "curves_streamed": curves_sink is not None}
    check_budget(scn, opts, **streamed)  # before any chunk is built
    tasks = chunk_tasks(scn, opts)
    t0 = time.perf_counter()
    assembly = RunAssembly(scn, opts, len(tasks), draws_sink, curves_sink=curves_sink)
    with using_executor(executor, workers=workers, scheduler=scheduler) as ex:
        for i, part in ex.imap_unordered(solve_draws, tasks):
            assembly.add(i, part)
            if progress is not None:
                progress(assembly.done, opts.draws)
    return assembly.result(
        time.perf_counter() - t0, label=label, executor=ex.name, workers=ex.slots
    )


def run_options(
    scn: Scenario,
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
    posterior: Any = None,
    curves: bool = False,
) -> RunOptions:
    """The checked :class:`RunOptions` of a run of ``scn`` (None: the scenario's own)."""
    mc = scn.montecarlo
    opts = RunOptions(
        draws=int(mc.draws if draws is None else draws),
        seed=int(mc.seed if seed is None else seed),
        sampler=sampler or mc.sampler,
        chunk_size=int(chunk_size or default_chunk(scn)),
        workers=max(1, int(workers or 1)),
        method=method or scn.solver.method,
        selection=selection or scn.solver.selection,
        executor=executor_kind(executor, workers, scheduler),
        posterior=None if posterior is None else check_posterior(scn, posterior),
        curves=bool(curves),
    )
    check_options(opts)
    return opts


def chunk_tasks(scn: Scenario, opts: RunOptions) -> list[tuple]:
    """The tasks of a run for :func:`sim.montecarlo.solve_draws`, one per chunk."""
    step = opts.chunk_size
    return [(scn, opts, s, min(s + step, opts.draws)) for s in range(0, opts.draws, step)]


def _scenario(scenario: Scenario | str | os.PathLike, overrides: Any) -> Scenario:
    """The scenario to run: loaded from a path, or a loaded one with more overrides."""
    if not isinstance(scenario, Scenario):
        return load_scenario(scenario, overrides=overrides)
    if not overrides:
        return scenario
    items = (
        list(overrides.items())
        if isinstance(overrides, Mapping)
        else [parse_set_option(o) if isinstance(o, str) else tuple(o) for o in overrides]
    )
    if not scenario.source_text:
        raise ValueError("overrides need a scenario loaded from text; pass the path instead")
    # the scenario's own overrides first, then the new ones (later ones win)
    merged = [*scenario.overrides, *items]
    return parse_scenario_text(
        scenario.source_text,
        scenario.source_path or "<scenario>",
        merged,
        default_name=scenario.name,
    )


def map_chunks(
    fn: Callable[[Any], T],
    tasks: list,
    workers: int | None = None,
    *,
    executor: Any = None,
    scheduler: str | None = None,
) -> Iterable[T]:
    """``fn(task)`` for each task, in task order: here, in local worker processes, or on a
    Dask cluster (``executor`` and ``scheduler`` as for :func:`run`).

    ``fn`` must be a top-level function (worker processes import it by name); a run maps
    :func:`~sim.montecarlo.chunk.solve_draws` over its chunks, and ``sim calibrate`` its
    likelihoods (:mod:`sim.calibration`). The work goes through the executor layer
    (:func:`~sim.montecarlo.executors.using_executor`: a dead worker stops the run naming
    it, Ctrl-C is the parent's alone); results come back in any order and are handed on
    in task order, so they never depend on ``workers``.
    """
    with using_executor(executor, workers=workers, scheduler=scheduler) as ex:
        pending: dict[int, T] = {}
        nxt = 0
        for i, part in ex.imap_unordered(fn, tasks):
            pending[i] = part
            while nxt in pending:
                yield pending.pop(nxt)
                nxt += 1
