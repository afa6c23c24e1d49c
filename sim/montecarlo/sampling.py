"""Where a draw's numbers come from: sampled beliefs and the draw's own random stream.

Uniform points for the uncertain parameters come from :func:`sim.beliefs.uniform_points`,
whose rows depend only on (seed, draw index), never on how draws are chunked; each
draw's own random stream (event times, and the two uniforms that pick its story: when it
breaks and who breaks it) comes from fixed blocks of :data:`STORY_BLOCK` draws seeded by
``SeedSequence(seed, spawn_key=...)`` (:func:`sim.beliefs.block_generator`).

In a Saltelli design (``sim run --design saltelli``) the rows of a group that hold A's
beliefs in all columns but one (A's own row and each ``AB_i``) share one stream, and B's
row has another (:func:`draw_stories`): the event times are then an input like the
beliefs, held fixed where A's columns are, so a belief's total index counts its
interactions with the events but not the events' own share (with a stream per row, every
belief's total index would hold the whole share of the events).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim import beliefs
from sim.montecarlo.options import RunOptions
from sim.montecarlo.posterior import posterior_rows
from sim.montecarlo.rules import design_keys, sampled_rule
from sim.names import SELECTION_KEY
from sim.scenario import Scenario

__all__ = ["STORY_BLOCK", "draw_stories", "sample_beliefs", "story_uniforms"]

STORY_BLOCK = 16384


def sample_beliefs(scn: Scenario, opts: RunOptions, start: int, stop: int) -> dict[str, Any]:
    """Every number of the scenario for draws [start, stop), by key path.

    A sampled belief is an array over the draws; a fixed number is a float. The uncertain
    numbers take the sampler's columns in the order of ``scn.numbers()``; a sampled
    selection rule takes the last column, and ``"solver.selection"`` holds each draw's
    rule (an array of names; :mod:`~sim.montecarlo.rules`). With a posterior
    (``opts.posterior``), its beliefs then replace theirs (:mod:`~sim.montecarlo.posterior`).
    """
    numbers = scn.numbers()
    uncertain = [p for p, v in numbers.items() if isinstance(v, beliefs.Distribution)]
    width = len(design_keys(scn, opts))
    u = beliefs.uniform_points(opts.sampler, width, start, stop, opts.seed, opts.draws)
    params: dict[str, Any] = {
        p: float(v) for p, v in numbers.items() if not isinstance(v, beliefs.Distribution)
    }
    for j, p in enumerate(uncertain):
        params[p] = numbers[p].ppf(u[:, j])
    rule = sampled_rule(opts)
    if rule is not None:
        params[SELECTION_KEY] = np.array(rule.values, dtype=object)[rule.pick(u[:, -1])]
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


def draw_stories(
    scn: Scenario,
    opts: RunOptions,
    start: int,
    stop: int,
    width: int,
    stream: int = beliefs.STREAM_EVENTS,
) -> np.ndarray:
    """The event-and-story uniforms of draws [start, stop): :func:`story_uniforms`.

    Row ``i`` of ``stream`` (``STREAM_EVENTS``, or ``STREAM_TYPES`` for the true types)
    for draw ``i``; in a Saltelli design, row
    ``2 g`` for the rows of group ``g`` built on A's row and ``2 g + 1`` for its B row
    (see the module docstring).
    """
    if opts.sampler != "saltelli":
        return story_uniforms(opts.seed, stream, start, stop, width)
    d = len(design_keys(scn, opts))
    group, pos = beliefs.saltelli_layout(d, start, stop)
    rows = 2 * group + (pos == d + 1)
    lo, hi = int(rows.min()), int(rows.max()) + 1
    return story_uniforms(opts.seed, stream, lo, hi, width)[rows - lo]
