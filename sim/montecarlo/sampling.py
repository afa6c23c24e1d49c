"""Where a draw's numbers come from: sampled beliefs and the draw's own random stream.

Uniform points for the uncertain parameters come from :func:`sim.beliefs.uniform_points`,
whose rows depend only on (seed, draw index), never on how draws are chunked; each
draw's own random stream (event times, and the two uniforms that pick its story: when it
breaks and who breaks it) comes from fixed blocks of :data:`STORY_BLOCK` draws seeded by
``SeedSequence(seed, spawn_key=...)`` (:func:`sim.beliefs.block_generator`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim import beliefs
from sim.montecarlo.options import RunOptions
from sim.montecarlo.posterior import posterior_rows
from sim.scenario import Scenario

__all__ = ["STORY_BLOCK", "sample_beliefs", "story_uniforms"]

STORY_BLOCK = 16384


def sample_beliefs(scn: Scenario, opts: RunOptions, start: int, stop: int) -> dict[str, Any]:
    """Every number of the scenario for draws [start, stop), by key path.

    A sampled belief is an array over the draws; a fixed number is a float. The uncertain
    numbers take the sampler's columns in the order of ``scn.numbers()``. With a posterior
    (``opts.posterior``), its beliefs then replace theirs (:mod:`~sim.montecarlo.posterior`).
    """
    numbers = scn.numbers()
    uncertain = [p for p, v in numbers.items() if isinstance(v, beliefs.Distribution)]
    u = beliefs.uniform_points(opts.sampler, len(uncertain), start, stop, opts.seed, opts.draws)
    params: dict[str, Any] = {
        p: float(v) for p, v in numbers.items() if not isinstance(v, beliefs.Distribution)
    }
    for j, p in enumerate(uncertain):
        params[p] = numbers[p].ppf(u[:, j])
    if opts.posterior is not None:  # the shared beliefs from a calibration's posterior
        pick = story_uniforms(opts.seed, beliefs.STREAM_POSTERIOR, start, stop, 1)[:, 0]
        params.update(posterior_rows(opts.posterior, pick))
    return params


def story_uniforms(seed: int, stream: int, start: int, stop: int, width: int) -> np.ndarray:
    """Uniforms (stop-start, width) for draws [start, stop) from fixed seeded blocks."""
    out = np.empty((stop - start, width))
    if width == 0 or stop <= start:
        return out
    for b in range(start // STORY_BLOCK, (stop - 1) // STORY_BLOCK + 1):
        lo = b * STORY_BLOCK
        u = beliefs.block_generator(seed, stream, b).random((STORY_BLOCK, width))
        s, e = max(start, lo), min(stop, lo + STORY_BLOCK)
        out[s - start : e - start] = u[s - lo : e - lo]
    return out
