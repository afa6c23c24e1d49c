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

    The public entry is :func:`sim.run` (:func:`sim.api.run`), whose docstring states
    every parameter; this function takes the same ones. ``posterior`` is a calibration
    folder or its :class:`~sim.montecarlo.posterior.Posterior` (a belief the scenario does
    not have is an error; a prior that differs from the calibration's a
    :class:`~sim.errors.CalibrationWarning`); ``executor`` may also be an open
    :class:`~sim.montecarlo.executors.Executor`, left open (see
    :mod:`sim.montecarlo.cluster` for ``scheduler``). Progress and the sinks see the
    chunks in draw order; the results depend on none of the ways of computing them.
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
