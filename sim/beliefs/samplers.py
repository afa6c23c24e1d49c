"""Samplers: uniform points in (0, 1) whose rows depend only on (seed, draw index).

:func:`uniform_points` returns points in (0, 1) for draws ``[start, stop)`` of a run of
``total`` draws; the caller maps column ``j`` through the ``ppf`` of parameter ``j``.
The rows of a draw never depend on how the caller slices ``[0, total)`` into chunks:

* draws are grouped into fixed blocks of ``block_size`` (independent of the caller's
  chunks); block ``b`` draws its randomness from :func:`block_generator` (seed,
  :data:`STREAM_PARAMS`, b);
* ``random``: i.i.d. uniforms.  Block ``b`` is the array ``rng.random((n_dims,
  block_size))`` transposed, so draws do not depend on ``total`` and column ``j`` does
  not depend on how many columns follow it;
* ``lhs``: a Latin hypercube per block.  With ``m = min(block_size, total - b *
  block_size)`` rows in the block, each column is an independent random permutation of
  the ``m`` strata ``[k/m, (k+1)/m)`` plus a uniform jitter inside the stratum.  So the
  design is an exact Latin hypercube when ``total <= block_size`` and otherwise a union
  of Latin hypercubes (each block stratified on its own), which keeps memory bounded and
  makes the chunking irrelevant.  A block's column ``j`` depends only on (seed, block,
  m, j): adding a parameter at the end leaves the earlier columns unchanged;
* ``sobol``: one scrambled Sobol' sequence over the whole run (scipy's ``qmc.Sobol`` with
  its default 30 bits, seeded by ``SeedSequence(seed, spawn_key=(STREAM_SOBOL,))``),
  fast-forwarded to ``start``.  Its balance properties hold for prefixes of ``2**k``
  draws, so powers of two are the best ``total``; scipy's warning about other sizes is
  silenced.  At most ``2**30`` draws.

Values are finally clipped to ``[U_CLIP, 1 - U_CLIP]`` (``U_CLIP = 1e-12``) so that they
are strictly inside (0, 1): a float draw can be exactly 0, a scrambled Sobol' point is 0
once in ``2**30``, and ``(k + jitter) / m`` can round up to 1.  For efficiency, callers
should use chunk boundaries that are multiples of ``block_size``: a chunk that cuts a
block regenerates the whole block (``random`` and ``lhs``); Sobol' fast-forwards in
O(start).

Random streams
--------------
:func:`block_generator` (seed, stream, block) is the one place where per-draw randomness
is derived from the run's seed: ``default_rng(SeedSequence(seed, spawn_key=(stream,
block)))``.  Stream ids are a registry: :data:`STREAM_PARAMS` (0, the parameter
samplers), :data:`STREAM_EVENTS` (1, event times), :data:`STREAM_BREAKS` (2, incidents
and sampled break times), :data:`STREAM_SOBOL` (3, the Sobol' scramble, used with the
one-element key ``(3,)``), :data:`STREAM_TYPES` (4, each draw's true type),
:data:`STREAM_SALTELLI` (5, the scramble of the Saltelli design, key ``(5,)``),
:data:`STREAM_BOOTSTRAP` (6, the bootstrap of sensitivity indices, key ``(6,)``),
:data:`STREAM_POSTERIOR` (7, the particle of a calibration's posterior each draw takes),
:data:`STREAM_CALIBRATION` (8, the moves of ``sim calibrate``).  A new user takes the
next free id.  Do not derive other streams with ``SeedSequence(seed).spawn(...)``: its
children have the spawn keys ``(0,)``, ``(1,)``, ... and would collide with this scheme.

``scipy.stats.qmc`` is imported only when a Sobol' sequence is drawn (see
:mod:`sim.beliefs.distributions` for why scipy is not imported at start-up).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from sim.beliefs.distributions import U_CLIP
from sim.names import DESIGNS, SAMPLERS

__all__ = [
    "METHODS",
    "STREAM_BOOTSTRAP",
    "STREAM_BREAKS",
    "STREAM_CALIBRATION",
    "STREAM_EVENTS",
    "STREAM_PARAMS",
    "STREAM_SALTELLI",
    "STREAM_POSTERIOR",
    "STREAM_SOBOL",
    "STREAM_TYPES",
    "DESIGNS",
    "block_generator",
    "saltelli_layout",
    "uniform_points",
]

STREAM_PARAMS = 0
"""Stream id of the parameter samplers (``random`` and ``lhs`` blocks)."""
STREAM_EVENTS = 1
"""Stream id reserved for event times (Monte Carlo layer)."""
STREAM_BREAKS = 2
"""Stream id reserved for incidents and sampled break times (Monte Carlo layer)."""
STREAM_SOBOL = 3
"""Stream id of the Sobol' scramble (spawn key ``(STREAM_SOBOL,)``, one per run)."""
STREAM_TYPES = 4
"""Stream id of each draw's true type, with private information (Monte Carlo layer)."""
STREAM_POSTERIOR = 7
"""Stream id of the particle each draw of a run takes from a calibration's posterior."""
STREAM_CALIBRATION = 8
"""Stream id of ``sim calibrate``'s resampling and moves (spawn keys ``(8, stage, ...)``)."""

STREAM_SALTELLI = 5
"""Stream id of the Saltelli design's scramble (spawn key ``(STREAM_SALTELLI,)``)."""
STREAM_BOOTSTRAP = 6
"""Stream id of the bootstrap of sensitivity indices (spawn key ``(STREAM_BOOTSTRAP,)``)."""

METHODS = SAMPLERS
"""Sampler names accepted by :func:`uniform_points` (and the designs of :data:`DESIGNS`)."""

_SOBOL_MAX_POINTS = 2**30  # scipy's qmc.Sobol default bits=30


def _check_int(value: Any, what: str, minimum: int = 0) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{what} must be an integer, got {type(value).__name__}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {value}")
    return value


def block_generator(seed: int, stream: int, block: int) -> np.random.Generator:
    """Generator of one block of one random stream of a run.

    ``default_rng(SeedSequence(seed, spawn_key=(stream, block)))``.  Use a registered
    stream id (``STREAM_PARAMS``, ``STREAM_EVENTS``, ``STREAM_BREAKS``, ...) and fixed
    blocks of draws, so results do not depend on chunking or worker count.
    """
    seed = _check_int(seed, "seed")
    stream = _check_int(stream, "stream")
    block = _check_int(block, "block")
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream, block)))


def _random_block(seed: int, block: int, n_dims: int, block_size: int) -> np.ndarray:
    rng = block_generator(seed, STREAM_PARAMS, block)
    return rng.random((n_dims, block_size)).T


def _lhs_block(seed: int, block: int, n_dims: int, m: int) -> np.ndarray:
    rng = block_generator(seed, STREAM_PARAMS, block)
    out = np.empty((m, n_dims))
    edges = np.arange(m + 1, dtype=np.float64) / m
    upper = np.nextafter(edges[1:], 0.0)
    for j in range(n_dims):  # column by column: column j does not depend on n_dims
        strata = rng.permutation(m)
        u = (strata + rng.random(m)) / m
        out[:, j] = np.minimum(np.maximum(u, edges[strata]), upper[strata])
    return out


def _sobol_rows(seed: int, n_dims: int, start: int, stop: int) -> np.ndarray:
    engine = _sobol_engine(seed, n_dims, STREAM_SOBOL)
    if start > 0:  # scipy's fast_forward(0) on a fresh engine fails
        engine.fast_forward(start)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The balance properties", category=UserWarning)
        return engine.random(stop - start)


def _sobol_engine(seed: int, n_dims: int, stream: int):
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream,)))
    try:
        return qmc.Sobol(n_dims, scramble=True, rng=rng)
    except TypeError:  # scipy < 1.15 names the argument `seed`
        return qmc.Sobol(n_dims, scramble=True, seed=rng)


def saltelli_layout(n_dims: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Where rows ``[start, stop)`` of a Saltelli design sit: (group, position) per row.

    Position 0 is A's row, ``1 + i`` is A's row with column ``i`` from B (``AB_i``), and
    ``n_dims + 1`` is B's row; the layout of SALib's ``sobol.analyze`` without second-order
    indices.
    """
    rows = np.arange(start, stop)
    return rows // (n_dims + 2), rows % (n_dims + 2)


def _saltelli_rows(seed: int, n_dims: int, start: int, stop: int) -> np.ndarray:
    group, pos = saltelli_layout(n_dims, start, stop)
    g0 = int(group[0])
    engine = _sobol_engine(seed, 2 * n_dims, STREAM_SALTELLI)
    if g0 > 0:
        engine.fast_forward(g0)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The balance properties", category=UserWarning)
        base = engine.random(int(group[-1]) - g0 + 1)
    a, b = base[group - g0, :n_dims], base[group - g0, n_dims:]
    out = np.where((pos == n_dims + 1)[:, None], b, a)
    swap = np.flatnonzero((pos >= 1) & (pos <= n_dims))
    out[swap, pos[swap] - 1] = b[swap, pos[swap] - 1]
    return out


def uniform_points(
    method: str,
    n_dims: int,
    start: int,
    stop: int,
    seed: int,
    total: int,
    block_size: int = 16384,
) -> np.ndarray:
    """Uniform points in (0, 1) for draws ``[start, stop)`` of a run of ``total`` draws.

    Parameters
    ----------
    method : {"random", "lhs", "sobol", "saltelli"}
    n_dims : int
        Number of columns (uncertain parameters); 0 gives shape ``(stop - start, 0)``.
    start, stop : int
        Draw range, ``0 <= start <= stop <= total``.
    seed : int
        Non-negative run seed.
    total : int
        Number of draws in the run (sets the last LHS block and the Sobol' limit).
    block_size : int
        Draws per fixed block for ``random`` and ``lhs``; part of the result's identity
        (changing it changes the draws).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(stop - start, n_dims)``, values in ``[U_CLIP, 1 - U_CLIP]``.
        Row ``i`` is the same whatever ``(start, stop)`` slicing is used; see the module
        docstring for the design of each method.
    """
    if method not in METHODS + DESIGNS:
        allowed = ", ".join(METHODS + DESIGNS)
        raise ValueError(f"unknown sampling method {method!r}; allowed: {allowed}")
    n_dims = _check_int(n_dims, "n_dims")
    start = _check_int(start, "start")
    stop = _check_int(stop, "stop")
    total = _check_int(total, "total")
    seed = _check_int(seed, "seed")
    block_size = _check_int(block_size, "block_size", minimum=1)
    if not start <= stop <= total:
        raise ValueError(f"need 0 <= start <= stop <= total, got {start}, {stop}, {total}")
    if method == "sobol" and total > _SOBOL_MAX_POINTS:
        raise ValueError(f"sobol supports at most 2**30 draws, got total={total}")
    if method == "saltelli" and total > _SOBOL_MAX_POINTS:
        raise ValueError(f"saltelli supports at most 2**30 draws, got total={total}")
    n = stop - start
    if n == 0 or n_dims == 0:
        return np.empty((n, n_dims), dtype=np.float64)
    if method == "sobol":
        out = _sobol_rows(seed, n_dims, start, stop)
    elif method == "saltelli":
        out = _saltelli_rows(seed, n_dims, start, stop)
    else:
        out = np.empty((n, n_dims), dtype=np.float64)
        for b in range(start // block_size, (stop - 1) // block_size + 1):
            b0 = b * block_size
            lo, hi = max(start, b0), min(stop, b0 + block_size)
            if method == "random":
                block = _random_block(seed, b, n_dims, block_size)
            else:
                block = _lhs_block(seed, b, n_dims, min(block_size, total - b0))
            out[lo - start : hi - start] = block[lo - b0 : hi - b0]
    return np.clip(out, U_CLIP, 1.0 - U_CLIP, out=out)
