"""A run: the draws split into chunks, solved (here or in worker processes), summed.

Memory stays bounded: a chunk's working set is about 200 MB at the default chunk size
(:func:`sim.montecarlo.options.default_chunk`); the draws table is streamed to disk chunk
by chunk when a sink is given.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from sim.io import Result
from sim.montecarlo.chunk import solve_draws
from sim.montecarlo.options import RunOptions, check_options, default_chunk
from sim.montecarlo.posterior import Posterior, check_posterior
from sim.montecarlo.summary import Sums, finish
from sim.scenario import Scenario, load_scenario, parse_scenario_text, parse_set_option

__all__ = ["map_chunks", "run"]

T = TypeVar("T")


def run(
    scenario: Scenario | str | os.PathLike,
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int = 1,
    overrides: Mapping[str, Any] | list[str] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    draws_sink: Callable[[pd.DataFrame], None] | None = None,
    posterior: Posterior | str | os.PathLike | None = None,
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
        Processes that solve chunks in parallel. Results do not depend on it.
    overrides
        Key path -> value (or ``KEY=VALUE`` strings), applied before validation.
    chunk_size
        Draws per chunk (memory per chunk grows with it). Results do not depend on it.
    method, selection
        Override ``solver.method`` / ``solver.selection``.
    progress
        Called with (draws done, draws total) after each chunk.
    draws_sink
        If given, each chunk's draws table is handed to it (e.g. streamed to a file)
        instead of being kept in memory; ``Result.draws`` is then empty.
    posterior
        A calibration folder written by ``sim calibrate`` (or its
        :class:`~sim.montecarlo.posterior.Posterior`): the beliefs it holds are drawn from
        it, the rest from the scenario; the manifest records it. A belief the scenario
        does not have is an error; one whose prior differs from the calibration's is a
        :class:`~sim.errors.CalibrationWarning`.
    """
    scn = _scenario(scenario, overrides)
    mc = scn.montecarlo
    opts = RunOptions(
        draws=int(mc.draws if draws is None else draws),
        seed=int(mc.seed if seed is None else seed),
        sampler=sampler or mc.sampler,
        chunk_size=int(chunk_size or default_chunk(scn)),
        workers=max(1, int(workers)),
        method=method or scn.solver.method,
        selection=selection or scn.solver.selection,
        posterior=None if posterior is None else check_posterior(scn, posterior),
    )
    check_options(opts)
    step = opts.chunk_size
    tasks = [(scn, opts, s, min(s + step, opts.draws)) for s in range(0, opts.draws, step)]
    t0 = time.perf_counter()
    total, power_parts, frames = _gather(tasks, opts, progress, draws_sink)
    tables = finish(scn, opts, total, power_parts)
    return Result(
        scenario=scn,
        summary=tables.summary,
        survival=tables.survival,
        breakdown=tables.breakdown,
        power=tables.power,
        beliefs=tables.beliefs,
        draws=pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(),
        options=opts,
        wall_seconds=time.perf_counter() - t0,
    )


def _gather(
    tasks: list[tuple],
    opts: RunOptions,
    progress: Callable[[int, int], None] | None,
    draws_sink: Callable[[pd.DataFrame], None] | None,
) -> tuple[Sums, list[np.ndarray], list[pd.DataFrame]]:
    """The chunks' sums added in task order, their power rows, and their draws tables
    (kept, or handed to ``draws_sink``)."""
    total: Sums | None = None
    power_parts: list[np.ndarray] = []
    frames: list[pd.DataFrame] = []
    done = 0
    for part in map_chunks(solve_draws, tasks, opts.workers):
        total = part.sums if total is None else total + part.sums
        if part.power is not None:
            power_parts.append(part.power)
        if draws_sink is not None:
            draws_sink(part.draws)
        else:
            frames.append(part.draws)
        done += len(part.draws)
        if progress is not None:
            progress(done, opts.draws)
    assert total is not None  # draws >= 1: at least one chunk
    return total, power_parts, frames


def _scenario(scenario: Scenario | str | os.PathLike, overrides: Any) -> Scenario:
    """The scenario to run: loaded from a path, or a loaded one with more overrides."""
    if not isinstance(scenario, Scenario):
        return load_scenario(scenario, overrides=overrides)
    if not overrides:
        return scenario
    items = (
        [parse_set_option(o) for o in overrides]
        if isinstance(overrides, list)
        else list(overrides.items())
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


def map_chunks(fn: Callable[[Any], T], tasks: list, workers: int) -> Iterable[T]:
    """``fn(task)`` for each task, in task order, here or by a pool of worker processes.

    ``fn`` must be a top-level function (worker processes import it by name); a run maps
    :func:`~sim.montecarlo.chunk.solve_draws` over its chunks, and ``sim calibrate`` its
    likelihoods (:mod:`sim.calibration`). The order of the results never depends on
    ``workers``.
    """
    if workers == 1 or len(tasks) == 1:
        for task in tasks:
            yield fn(task)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    with ctx.Pool(min(workers, len(tasks)), initializer=_worker_init) as pool:
        try:
            yield from pool.imap(fn, tasks)
        except BaseException:
            pool.terminate()
            raise


def _worker_init() -> None:
    """Worker processes ignore Ctrl-C: the parent alone handles it.

    The parent terminates the pool, so a Ctrl-C in a terminal, which reaches every
    process of the group, stops a run with one message instead of a traceback per
    worker. SIGTERM (which the pool's terminate sends) gets its default action back,
    whatever handler the parent had.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
