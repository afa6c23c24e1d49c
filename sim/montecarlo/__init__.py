"""The Monte Carlo layer: sample beliefs, solve draws in chunks, summarise exactly.

Reproducibility: one seed fixes every number. A draw's sampled beliefs depend only on
(seed, draw index) (:mod:`~sim.montecarlo.sampling`); headline sums are exact
fixed-point integers (:mod:`~sim.montecarlo.summary`), so the same scenario, seed and
draws give identical results whatever ``workers`` and ``chunk_size``. Modules:
:mod:`~sim.montecarlo.options` (what a run was asked for), :mod:`~sim.montecarlo.sampling`,
:mod:`~sim.montecarlo.chunk` (one chunk: sample, solve, tell each draw's story),
:mod:`~sim.montecarlo.summary` (the headline tables), :mod:`~sim.montecarlo.runner`
(:func:`run`), :mod:`~sim.montecarlo.batch` (:func:`run_many`: many runs in one stream of
chunks), :mod:`~sim.montecarlo.executors` (where chunks are solved: here, local worker
processes, or a Dask cluster, :mod:`~sim.montecarlo.cluster`) and
:mod:`~sim.montecarlo.assembly` (chunk results put together in any order).
"""

from sim.montecarlo.assembly import RunAssembly
from sim.montecarlo.batch import run_many
from sim.montecarlo.chunk import POWER_DRAWS, ChunkResult, solve_draws
from sim.montecarlo.executors import (
    EXECUTORS,
    Executor,
    LocalExecutor,
    ProcessExecutor,
    open_executor,
    using_executor,
)
from sim.montecarlo.options import (
    DEFAULT_CHUNK,
    RunOptions,
    check_options,
    default_chunk,
    milestones,
)
from sim.montecarlo.runner import run
from sim.montecarlo.sampling import STORY_BLOCK, draw_stories, sample_beliefs, story_uniforms
from sim.montecarlo.summary import FIXED, Sums, Tables, finish

__all__ = [
    "DEFAULT_CHUNK",
    "EXECUTORS",
    "FIXED",
    "POWER_DRAWS",
    "STORY_BLOCK",
    "ChunkResult",
    "Executor",
    "LocalExecutor",
    "ProcessExecutor",
    "RunAssembly",
    "RunOptions",
    "Sums",
    "Tables",
    "check_options",
    "default_chunk",
    "finish",
    "milestones",
    "open_executor",
    "run",
    "run_many",
    "sample_beliefs",
    "solve_draws",
    "draw_stories",
    "story_uniforms",
    "using_executor",
]
