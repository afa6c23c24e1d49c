"""Solving many term sets on the same draws: common random numbers, shared sampling.

The Monte Carlo draws of a run depend only on the seed and on the uncertain numbers of
the scenario, never on its terms. So for every chunk of draws the beliefs are sampled
once, with the file's own scenario (:func:`sim.montecarlo.sample_beliefs`), and so are
each draw's event times (:func:`sim.montecarlo.story_uniforms`); every term set is then
solved on exactly those numbers, with only ``terms.<region>`` replaced. Two term sets
differ in their figures because of their terms alone, never by sampling noise (common
random numbers), and the file's own terms give bit for bit the figures of ``sim run``
with the same seed and draws (the tests check it).

A belief about a negotiated region's share (``terms.r.<actor>: uniform(...)``) keeps
its sampler column, so the other beliefs keep theirs; the term sets that fix that share
are then not the same draws as ``sim run --set terms.r=...`` would be (that run has one
column fewer), though they are the same draws as the other rows.

What is shared, and what is not. Sampling, reading the parameters and the event times
are done once per chunk of draws instead of once per term set, and the term sets of a
chunk are stacked into one call of the model (the rows of term set j are the chunk's
draws again, with j's terms: :func:`stacked_samples`), so its per-period work in Python
is shared too; a chunk holds about ``chunk_size`` rows in all, so memory stays as in
``sim run``. The backward induction itself is not shared: every value in it, from the
stage games to the commitment test, depends on the terms through the peace flows (and,
where a region carries an effect, through the capacity paths). Judgement: a finer
sharing (the capacity paths and war values of term sets that hold the regions with
effects alike) would need hooks deep inside the model's phases; the alternative taken
is the model's own call on stacked rows, so that a term set is solved exactly as ``sim
run`` solves it (the model's figures for a draw do not depend on the other draws of its
call). Tasks go to worker processes; the sums are exact, so the figures do not depend
on ``workers`` or ``chunk_size``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from sim import beliefs
from sim.analysis.terms.grid import TermSet
from sim.errors import ModelError
from sim.model import TOL, ChunkOutput, take_rows
from sim.montecarlo import (
    RunOptions,
    Sums,
    map_chunks,
    sample_beliefs,
    solve_by_rule,
    story_uniforms,
)
from sim.montecarlo.summary import chunk_sums
from sim.scenario import Scenario

__all__ = [
    "EXTRAS",
    "Extras",
    "TermOutcome",
    "grid_scenario",
    "plan",
    "solve_block",
    "solve_term_sets",
    "stacked_samples",
]

#: Per-draw figures a term set reports beside the run's own sums: each side's gain over
#: war at t = 0, the t = 0 references, and whether the terms' split is in Fearon's range.
EXTRAS = (
    "gain_a",
    "gain_b",
    "fearon_low",
    "fearon_high",
    "nash_share_a",
    "terms_share_a",
    "in_fearon_range",
)
#: Fixed point: sums in units of 2**-60 in Python integers, exact (a value of at least
#: 2**-8 in magnitude is a whole number of units, so a mean of equal values is that value).
SCALE = 60


@dataclass
class Extras:
    """Exact sums of the per-draw figures in :data:`EXTRAS` (and how many were finite)."""

    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXTRAS, 0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXTRAS, 0))

    def __add__(self, other: Extras) -> Extras:
        return Extras(
            {k: self.totals[k] + other.totals[k] for k in EXTRAS},
            {k: self.counts[k] + other.counts[k] for k in EXTRAS},
        )

    def mean(self, key: str) -> float:
        """The mean over the draws where the figure is finite (NaN where none is)."""
        n = self.counts[key]
        return float(Fraction(self.totals[key], n << SCALE)) if n else math.nan


@dataclass
class TermOutcome:
    """What one term set gives over the draws solved so far: the run's sums and extras."""

    sums: Sums
    extras: Extras

    def __add__(self, other: TermOutcome) -> TermOutcome:
        return TermOutcome(self.sums + other.sums, self.extras + other.extras)


def _exact(x: np.ndarray) -> tuple[int, int]:
    """Exact fixed-point sum of the finite values of ``x``, and how many there are."""
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    q = np.rint(np.ldexp(x[ok], SCALE))
    if not np.all(np.isfinite(q)):
        raise ModelError("a term set's gain over war is beyond the range of floating point")
    return sum(int(v) for v in q.tolist()), int(ok.sum())


def _extras(out: ChunkOutput) -> Extras:
    """The extras of one chunk's outcome."""
    gain = out.gain if out.gain is not None else np.full((out.accepted.shape[0], 2), np.nan)
    share, low, high = out.terms_share_a, out.fearon_low, out.fearon_high
    # within the model's tolerance for payoff comparisons, as acceptance is decided
    inside = (share >= low - TOL) & (share <= high + TOL)
    in_range = np.where(np.isfinite(low) & np.isfinite(high), inside.astype(float), np.nan)
    per_draw = {
        "gain_a": gain[:, 0],
        "gain_b": gain[:, 1],
        "fearon_low": out.fearon_low,
        "fearon_high": out.fearon_high,
        "nash_share_a": out.nash_share_a,
        "terms_share_a": share,
        "in_fearon_range": in_range,
    }
    ex = Extras()
    for k, v in per_draw.items():
        ex.totals[k], ex.counts[k] = _exact(v)
    return ex


def grid_scenario(base: Scenario, regions: Sequence[str]) -> Scenario:
    """``base`` with each negotiated region's terms written as A's share.

    The structure every term set is solved with: A's share of those regions is then read
    from the samples (:func:`stacked_samples`), one value per row, so that term sets
    that give a region to different holders can be solved in one model call.
    """
    a = base.actor_ids[0]
    terms = dict(base.terms)
    for r in regions:
        terms[r] = {a: 0.0}
    return base.model_copy(update={"terms": terms})


def _own_share(base: Scenario, samples: dict, r: str) -> np.ndarray | float:
    """A's share of region r under the file's terms, as ``Params`` reads it."""
    a, b = base.actor_ids
    holder = base.terms[r]
    if isinstance(holder, str):
        return 1.0 if holder == a else 0.0
    if a in holder:
        return samples[f"terms.{r}.{a}"]
    return 1.0 - np.asarray(samples[f"terms.{r}.{b}"], dtype=float)


def stacked_samples(
    base: Scenario, regions: Sequence[str], sets: Sequence[TermSet], samples: dict, n: int
) -> dict:
    """The draws of every term set one after the other (n rows each), for one model call.

    Every sampled number repeats the same n draws for each term set (common random
    numbers); ``terms.<region>.<A>`` holds each row's share of the negotiated regions.
    """
    k = len(sets)
    out: dict = {}
    for path, v in samples.items():
        out[path] = np.tile(v, k) if isinstance(v, np.ndarray) else v
    a = base.actor_ids[0]
    for r in regions:
        cols = []
        for t in sets:
            h = t.holdings[r]
            share = (
                _own_share(base, samples, r)
                if t.own
                else ((1.0 if h == a else 0.0) if isinstance(h, str) else float(h))
            )
            cols.append(np.broadcast_to(np.asarray(share, dtype=float), (n,)))
        out[f"terms.{r}.{a}"] = np.concatenate(cols)
    return out


def solve_block(task: tuple) -> list[tuple[int, TermOutcome]]:
    """Solve draws [start, stop) for a block of term sets in one model call.

    The beliefs and event times are sampled once; the term sets' rows are stacked
    (:func:`stacked_samples`) and split again after the model. ``task`` is (scenario,
    regions, [(index, TermSet), ...], options, start, stop): a top-level function, so
    that worker processes can run it.
    """
    base, regions, block, opts, start, stop = task
    n, k = stop - start, len(base.events)
    samples = sample_beliefs(base, opts, start, stop)  # once for every term set
    event_u = story_uniforms(opts.seed, beliefs.STREAM_EVENTS, start, stop, k + 2)[:, :k]
    scn = grid_scenario(base, regions)
    sets = [t for _, t in block]
    stacked = stacked_samples(base, regions, sets, samples, n)
    # as sim.montecarlo.solve_draws: overflow at the edge of sense becomes a ModelError; a
    # sampled selection rule is each draw's own, the same for every term set
    with np.errstate(over="ignore", invalid="ignore"):
        out = solve_by_rule(
            scn,
            stacked,
            np.tile(event_u, (len(sets), 1)),
            method=opts.method,
            selection=opts.selection,
        )
    parts = []
    for j, (index, _) in enumerate(block):
        mine = take_rows(out, slice(j * n, (j + 1) * n))
        parts.append((index, TermOutcome(chunk_sums(mine), _extras(mine))))
    return parts


#: Rows below which a model call costs mostly its fixed per-period work in Python.
MIN_ROWS = 1024


def plan(draws: int, count: int, chunk_size: int, workers: int) -> list[tuple[int, int, range]]:
    """Tasks (start, stop, term-set indices) of at most about ``chunk_size`` rows each.

    Every task holds whole term sets over a range of draws, as many draws as fit when
    all the term sets are stacked, and at least one; with several workers, enough tasks
    to keep them busy, each of at least :data:`MIN_ROWS` rows where there are as many.
    """
    per = max(1, chunk_size // count)  # draws per task with every term set in it
    if workers > 1:  # a few tasks per worker, but none so small that its overhead dominates
        spread = max(math.ceil(draws / (4 * workers)), math.ceil(MIN_ROWS / count))
        per = min(per, spread)
    size = min(count, chunk_size)  # term sets per task: all of them unless they do not fit
    return [
        (s, min(s + per, draws), range(i, min(i + size, count)))
        for s in range(0, draws, per)
        for i in range(0, count, size)
    ]


def solve_term_sets(
    base: Scenario,
    regions: Sequence[str],
    sets: Sequence[TermSet],
    opts: RunOptions,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> list[TermOutcome]:
    """Every term set's outcome over the run's draws, on the same draws.

    Parameters
    ----------
    base
        The scenario with the file's own terms (its draws are every term set's).
    regions
        The negotiated regions.
    sets
        The term sets (:func:`sim.analysis.terms.grid.term_sets`).
    opts
        The run's options (draws, seed, sampler, chunk size, workers, solver).
    progress
        Called with (draws solved, draws x term sets) as tasks finish.
    executor, scheduler
        Where the tasks are solved, as for :func:`sim.run` (:func:`sim.montecarlo.map_chunks`);
        the results never depend on it.
    """
    tasks = [
        (base, list(regions), [(i, sets[i]) for i in block], opts, start, stop)
        for start, stop, block in plan(opts.draws, len(sets), opts.chunk_size, opts.workers)
    ]
    totals: list[TermOutcome | None] = [None] * len(sets)
    done, total = 0, opts.draws * len(sets)
    # an executor given has its own workers; one worker is the default (none to start)
    workers = opts.workers if opts.workers > 1 and executor is None else None
    parts = map_chunks(solve_block, tasks, workers, executor=executor, scheduler=scheduler)
    for task, part in zip(tasks, parts, strict=True):
        for index, outcome in part:
            prev = totals[index]
            totals[index] = outcome if prev is None else prev + outcome
        done += (task[5] - task[4]) * len(part)
        if progress is not None:
            progress(done, total)
    assert all(t is not None for t in totals)  # every term set was in a task of every chunk
    return [t for t in totals if t is not None]
