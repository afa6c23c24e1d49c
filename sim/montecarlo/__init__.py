"""The Monte Carlo layer: sample beliefs, solve draws in chunks, summarise exactly.

Reproducibility: one seed fixes every number. A draw's sampled beliefs depend only on
(seed, draw index) (:mod:`~sim.montecarlo.sampling`); headline sums are exact
fixed-point integers (:mod:`~sim.montecarlo.summary`), so the same scenario, seed and
draws give identical results whatever ``workers`` and ``chunk_size``. Modules:
:mod:`~sim.montecarlo.options` (what a run was asked for), :mod:`~sim.montecarlo.sampling`,
:mod:`~sim.montecarlo.chunk` (one chunk: sample, solve, tell each draw's story),
:mod:`~sim.montecarlo.summary` (the headline tables), :mod:`~sim.montecarlo.runner`
(:func:`run`, and :func:`map_chunks`, which other layers use to solve in chunks too),
:mod:`~sim.montecarlo.batch` (:func:`run_many`: many runs in one stream of chunks),
:mod:`~sim.montecarlo.executors` (where chunks are solved: here, local worker processes,
or a Dask cluster, :mod:`~sim.montecarlo.cluster`), :mod:`~sim.montecarlo.assembly`
(chunk results put together in any order) and :mod:`~sim.montecarlo.posterior` (a
calibration's posterior, read back for a run).
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
    solver_settings,
)
from sim.montecarlo.posterior import Posterior, check_posterior, load_posterior
from sim.montecarlo.rules import design_keys, sampled_rule, solve_by_rule
from sim.montecarlo.runner import map_chunks, run
from sim.montecarlo.sampling import STORY_BLOCK, draw_stories, sample_beliefs, story_uniforms
from sim.montecarlo.summary import FIXED, Sums, Tables, finish

__all__ = [
    "DEFAULT_CHUNK",
    "EXECUTORS",
    "FIXED",
    "POWER_DRAWS",
    "Posterior",
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
    "check_posterior",
    "default_chunk",
    "design_keys",
    "finish",
    "load_posterior",
    "map_chunks",
    "milestones",
    "open_executor",
    "run",
    "run_many",
    "sample_beliefs",
    "sampled_rule",
    "solve_by_rule",
    "solve_draws",
    "solver_settings",
    "draw_stories",
    "story_uniforms",
    "using_executor",
]
