"""A run put together from its chunks' results, in whatever order they arrive.

Executors hand chunk results back as they complete (:mod:`sim.montecarlo.executors`);
:class:`RunAssembly` makes the same :class:`~sim.io.Result` of them whatever that order:

* the headline sums are exact integers (:class:`sim.montecarlo.summary.Sums`), so adding
  them in any order gives the same bits;
* the draws table goes to the sink (or into memory) in draw order: a chunk that comes
  early waits until the chunks before it are in. So do the survival curves, when the run
  asks for them (``curves_sink``, or into memory). The executors keep few tasks in flight
  past the first unfinished one, so few wait;
* the power paths (the first draws only) are put in draw order at the end.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from sim.io import Result
from sim.io.labels import annotate
from sim.montecarlo.chunk import ChunkResult
from sim.montecarlo.options import RunOptions
from sim.montecarlo.summary import Sums, finish
from sim.scenario import Scenario

__all__ = ["RunAssembly"]


class RunAssembly:
    """Collects the chunk results of one run and makes its :class:`~sim.io.Result`.

    Parameters
    ----------
    scn, opts
        The run.
    n_chunks
        How many chunks the run has (chunk ``i`` holds draws ``i * opts.chunk_size`` on).
    draws_sink
        Called with each chunk's draws table, in draw order; None: kept in memory.
    keep_draws
        False: the draws tables are dropped (``Result.draws`` is empty), e.g. for a
        sweep, which needs only the headline figures.
    curves_sink
        Called with each chunk's survival curves, in draw order, when the run has them
        (:attr:`RunOptions.curves`); None: kept in memory (``Result.curves``).
    """

    def __init__(
        self,
        scn: Scenario,
        opts: RunOptions,
        n_chunks: int,
        draws_sink: Callable[[pd.DataFrame], None] | None = None,
        keep_draws: bool = True,
        curves_sink: Callable[[pd.DataFrame], None] | None = None,
    ):
        self.scn, self.opts, self.n_chunks = scn, opts, n_chunks
        self.sink, self.keep = draws_sink, keep_draws
        self.curves_sink = curves_sink
        self.curve_frames: list[pd.DataFrame] = []
        self.total: Sums | None = None
        self.power: dict[int, np.ndarray] = {}
        self.frames: list[pd.DataFrame] = []
        self.waiting: dict[int, ChunkResult] = {}
        self.next_chunk = 0
        self.chunks_in = 0
        #: Draws whose chunk is in (in any order).
        self.done = 0

    @property
    def complete(self) -> bool:
        """Every chunk is in."""
        return self.chunks_in == self.n_chunks

    def add(self, index: int, part: ChunkResult) -> None:
        """Take the result of chunk ``index``."""
        self.total = part.sums if self.total is None else self.total + part.sums
        if part.power is not None:
            self.power[part.start] = part.power
        self.chunks_in += 1
        self.done += len(part.draws)
        if not self.keep:
            return
        self.waiting[index] = part
        while self.next_chunk in self.waiting:
            ready = self.waiting.pop(self.next_chunk)
            self.next_chunk += 1
            if self.sink is not None:
                self.sink(ready.draws)
            else:
                self.frames.append(ready.draws)
            if ready.curves is None:
                continue
            if self.curves_sink is not None:
                self.curves_sink(ready.curves)
            else:
                self.curve_frames.append(ready.curves)

    def result(self, wall_seconds: float, label: str | None = None, **options: object) -> Result:
        """The run's Result, once every chunk is in; ``options`` update its RunOptions.

        Its summary records ``label`` and the scenario's changes (:func:`sim.io.labels.annotate`).
        """
        if not self.complete or self.total is None:
            raise RuntimeError(f"{self.chunks_in} of {self.n_chunks} chunks are in")
        opts = dataclasses.replace(self.opts, **options) if options else self.opts
        power_parts = [self.power[s] for s in sorted(self.power)]
        tables = finish(self.scn, opts, self.total, power_parts)
        return Result(
            scenario=self.scn,
            summary=annotate(tables.summary, self.scn, label),
            survival=tables.survival,
            breakdown=tables.breakdown,
            power=tables.power,
            beliefs=tables.beliefs,
            draws=pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame(),
            options=opts,
            wall_seconds=wall_seconds,
            curves=pd.concat(self.curve_frames, ignore_index=True) if self.curve_frames else None,
        )
