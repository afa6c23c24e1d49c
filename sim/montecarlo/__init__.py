"""The Monte Carlo layer: sample beliefs, solve draws in chunks, summarise exactly.

Reproducibility: one seed fixes every number. A draw's sampled beliefs depend only on
(seed, draw index) (:mod:`~sim.montecarlo.sampling`); headline sums are exact
fixed-point integers (:mod:`~sim.montecarlo.summary`), so the same scenario, seed and
draws give identical results whatever ``workers`` and ``chunk_size``. Modules:
:mod:`~sim.montecarlo.options` (what a run was asked for), :mod:`~sim.montecarlo.sampling`,
:mod:`~sim.montecarlo.chunk` (one chunk: sample, solve, tell each draw's story),
:mod:`~sim.montecarlo.summary` (the headline tables), :mod:`~sim.montecarlo.runner`
(:func:`run`, and :func:`map_chunks`, which other layers use to solve in chunks too),
:mod:`~sim.montecarlo.posterior` (a calibration's posterior, read back for a run).
"""

from sim.montecarlo.chunk import POWER_DRAWS, ChunkResult, solve_draws
from sim.montecarlo.options import (
    DEFAULT_CHUNK,
    RunOptions,
    check_options,
    default_chunk,
    milestones,
)
from sim.montecarlo.posterior import Posterior, check_posterior, load_posterior
from sim.montecarlo.runner import map_chunks, run
from sim.montecarlo.sampling import STORY_BLOCK, sample_beliefs, story_uniforms
from sim.montecarlo.summary import FIXED, Sums, Tables, finish

__all__ = [
    "DEFAULT_CHUNK",
    "FIXED",
    "POWER_DRAWS",
    "Posterior",
    "STORY_BLOCK",
    "ChunkResult",
    "RunOptions",
    "Sums",
    "Tables",
    "check_options",
    "check_posterior",
    "default_chunk",
    "finish",
    "load_posterior",
    "map_chunks",
    "milestones",
    "run",
    "sample_beliefs",
    "solve_draws",
    "story_uniforms",
]
