"""What a run will cost, estimated before it starts, and the refusal of one over budget.

:func:`estimate` adds up what a run holds in memory at its peak and guesses its wall time
from the size of the model; :func:`check_budget` refuses (:class:`~sim.errors.BudgetError`)
a run whose memory would exceed :func:`memory_budget` or whose time would exceed
:data:`TIME_BUDGET_SECONDS`, with advice that names the part that is too large and the
option that shrinks it. Everything is computed from sizes alone, before a single chunk
is built, so ``--draws 100000000 --chunk-size 1`` is refused at once instead of filling
memory with its list of chunks.

The parts of the peak (bytes), each calibrated by measuring the peak memory of runs of
the flagship (within about 15% of it from 300 MB to 500 MB):

* **program**: the interpreter and its libraries, :data:`PROGRAM_BYTES`;
* **chunks**: each worker solves one chunk at a time; a chunk's working set is about
  ``8 (S (80 + 10 R) + 16 (T + 1))`` bytes a draw (the formula of
  :func:`~sim.montecarlo.options.default_chunk`) times the measured
  :data:`WORKING_SET_FACTOR`, plus, in the chunks among the first
  :data:`~sim.montecarlo.chunk.POWER_DRAWS` draws, the balance of power of every state
  and period (``8 S (T + 1)`` bytes a draw);
* **power table**: the power paths kept for ``power.csv``, at most POWER_DRAWS draws at
  :data:`~sim.montecarlo.summary.POWER_POINTS` + 1 time points per state, whatever the
  horizon and the chunk size;
* **draws table**: held in memory when the draws are not streamed to a file (``sim run``
  streams them; ``sim.run`` keeps them unless given ``draws_sink``);
* **curves table**: with ``curves`` (``--save-curves``), each draw's survival at every
  period, ``8 (T + 2)`` bytes a draw, in memory unless streamed the same way;
* **chunk list**: the bookkeeping of every chunk, which tiny chunks make large.

The time is ``draws x S x (T + 1)`` stage games at :data:`SECONDS_PER_STAGE_GAME` each,
spread over the workers: a judgement calibrated on this project's scenarios (within a
factor of about two on a laptop or a shared server), meant to tell minutes from days.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sim.errors import BudgetError
from sim.montecarlo.chunk import POWER_DRAWS
from sim.montecarlo.options import RunOptions
from sim.montecarlo.summary import power_periods
from sim.scenario import Scenario

__all__ = [
    "BYTES_PER_CHUNK",
    "SECONDS_PER_STAGE_GAME",
    "TIME_BUDGET_SECONDS",
    "Estimate",
    "check_budget",
    "estimate",
    "human_bytes",
    "human_seconds",
    "memory_budget",
]

#: Wall seconds of one stage game of one draw (a period of an event state), measured on
#: freeze_lines (4e-6 to 1.2e-5 on a shared two-core server, depending on its load).
SECONDS_PER_STAGE_GAME = 6e-6
#: What the interpreter, numpy, pandas, pyarrow and the scenario take before any draw
#: (measured: about 180 MB for a run of 100 draws).
PROGRAM_BYTES = 180_000_000
#: Measured working set of a chunk over the formula of ``default_chunk`` (which counts
#: the model's arrays only, not numpy's temporaries): about 2 on freeze_lines at horizons
#: 80 and 400 and chunks of 2,048 to 8,192 draws.
WORKING_SET_FACTOR = 2.0
#: Bookkeeping bytes per chunk (its task, its sums, its part of the result).
BYTES_PER_CHUNK = 2_000
#: Longest run accepted: a week. A longer one is almost surely a typo in --draws.
TIME_BUDGET_SECONDS = 7 * 24 * 3600
#: Share of the machine's memory a run may plan to use.
MEMORY_SHARE = 0.8
#: Bytes per row of the draws table, per column (float64 or int64, plus text columns).
_BYTES_PER_CELL = 12


@dataclass(frozen=True)
class Estimate:
    """What a run will hold at its peak (bytes, by part) and about how long it takes."""

    parts: dict[str, int]
    seconds: float
    chunks: int

    @property
    def peak_bytes(self) -> int:
        """The sum of the parts."""
        return sum(self.parts.values())

    def text(self) -> str:
        """``about 3 min and 1.2 GB of memory``."""
        return f"about {human_seconds(self.seconds)} and {human_bytes(self.peak_bytes)} of memory"


def human_bytes(n: float) -> str:
    """``1.2 GB``, ``350 MB``, ``12 kB``."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}" if n < 10 * size else f"{n / size:.0f} {unit}"
    return f"{int(n)} bytes"


def human_seconds(s: float) -> str:
    """``40 s``, ``12 min``, ``3.5 hours``, ``12 days``."""
    if s < 60:
        return f"{max(s, 1):.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min"
    if s < 48 * 3600:
        return f"{s / 3600:.1f} hours"
    return f"{s / 86400:.0f} days"


def estimate(
    scn: Scenario, opts: RunOptions, *, streamed: bool, curves_streamed: bool = False
) -> Estimate:
    """The peak memory (by part) and wall time of running ``scn`` with ``opts``.

    ``streamed``: the draws table goes to a sink (a file) chunk by chunk rather than
    being kept in memory; ``curves_streamed``: so do the survival curves
    (``opts.curves``).
    """
    S, R, T = 2 ** len(scn.events), len(scn.regions), scn.horizon
    chunk = min(opts.chunk_size, opts.draws)
    chunks = -(-opts.draws // chunk)
    per_draw = 8 * (S * (80 + 10 * R) + 16 * (T + 1))
    power_chunk = 8 * S * (T + 1) * min(chunk, POWER_DRAWS)
    working = int(WORKING_SET_FACTOR * chunk * per_draw) + power_chunk
    busy = max(1, min(opts.workers, chunks))
    columns = len(scn.uncertain()) + (scn.sampled_selection is not None) + len(scn.events) + 20
    # streamed: the chunks in flight and the writer's pending row group (sim.io.writer)
    rows = min(opts.draws, chunk * busy + 65_536) if streamed else opts.draws
    parts = {
        "program": PROGRAM_BYTES,
        "chunks": busy * working,
        "power table": 8 * S * len(power_periods(T)) * min(opts.draws, POWER_DRAWS),
        "draws table": rows * columns * _BYTES_PER_CELL,
        "chunk list": chunks * BYTES_PER_CHUNK,
    }
    if opts.curves:
        curve_rows = min(opts.draws, chunk * busy + 65_536) if curves_streamed else opts.draws
        parts["curves table"] = curve_rows * (T + 2) * 8
    seconds = opts.draws * S * (T + 1) * SECONDS_PER_STAGE_GAME / busy
    return Estimate(parts, seconds, chunks)


def memory_budget() -> int:
    """Bytes a run may plan to use: :data:`MEMORY_SHARE` of the machine's memory (or of
    the control group's limit, when the run is in a container with a smaller one)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: assume a small machine
        total = 8 * 10**9
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as fh:
                limit = fh.read().strip()
        except OSError:
            continue
        if limit.isdigit() and 0 < int(limit) < total:
            total = int(limit)
    return int(total * MEMORY_SHARE)


_ADVICE = {
    "program": "this machine has too little memory for any run: free some memory",
    "chunks": "lower --chunk-size (each worker holds one chunk; the default is sized for "
    "about 200 MB) or use fewer --workers",
    "power table": "lower the horizon or the number of events (it holds the balance of "
    "power of every event state)",
    "draws table": "stream the draws to disk (sim.run(..., draws_sink=...); `sim run` "
    "does) or lower --draws",
    "curves table": "stream the curves to disk (sim.run(..., curves_sink=...); `sim run "
    "--save-curves` does) or lower --draws",
    "chunk list": "raise --chunk-size: the chunks are so small that keeping track of them "
    "costs more than solving them",
}


def check_budget(
    scn: Scenario, opts: RunOptions, *, streamed: bool, curves_streamed: bool = False
) -> Estimate:
    """The run's :class:`Estimate`; raise :class:`BudgetError` if it is over budget."""
    est = estimate(scn, opts, streamed=streamed, curves_streamed=curves_streamed)
    budget = memory_budget()
    if est.peak_bytes > budget:
        biggest = max(est.parts, key=lambda k: est.parts[k])
        shares = ", ".join(
            f"{name} {human_bytes(size)}"
            for name, size in sorted(est.parts.items(), key=lambda kv: -kv[1])
            if size >= 0.01 * est.peak_bytes
        )
        raise BudgetError(
            f"this run would need about {human_bytes(est.peak_bytes)} of memory ({shares}), "
            f"more than the {human_bytes(budget)} this machine allows a run; "
            f"the largest part is the {biggest}: {_ADVICE[biggest]}"
        )
    if est.seconds > TIME_BUDGET_SECONDS:
        raise BudgetError(
            f"this run would take about {human_seconds(est.seconds)} ({opts.draws:,} draws x "
            f"{2 ** len(scn.events)} event states x {scn.horizon + 1:,} periods); the limit is "
            f"{human_seconds(TIME_BUDGET_SECONDS)}: lower --draws (a few thousand give "
            "intervals of about a percentage point), the horizon, or the number of events, "
            "or use more --workers"
        )
    return est
