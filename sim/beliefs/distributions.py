"""Uncertain beliefs as distributions, their strict shorthand, and uniform-point samplers.

Any number in a scenario may instead be a belief written as a distribution, either as a
shorthand string or as a mapping::

    rebuild_rate: triangular(0.05, 0.1, 0.3)
    war_cost:     {dist: normal, mu: 2.0, sd: 0.5, low: 0}

Distributions
-------------
``uniform(low, high)``, ``triangular(low, mode, high)``, ``normal(mu, sd[, low=, high=])``
(truncated when ``low``/``high`` are given), ``lognormal(mu, sigma)`` (parameters of the
underlying normal), ``beta(a, b[, low=, high=])`` (rescaled from [0, 1] to [low, high]) and
``choice([values], [weights])`` (a discrete assumption; equal weights when omitted).
Each is a frozen dataclass with a vectorised ``ppf``, ``bounds``, ``mean``, ``to_shorthand``
(canonical text that parses back to an equal object) and ``to_dict`` (the mapping form).
Every parameter can also be passed by name in the shorthand (``uniform(low=0, high=1)``);
the optional ``low``/``high`` of ``normal`` and ``beta`` are keyword-only.

``ppf`` is monotone and finite for every u in [0, 1] (anything else is a ``ValueError``).
A finite bound is returned exactly at u = 0 or 1; towards an infinite bound u is clipped
into [U_CLIP, 1 - U_CLIP] (``U_CLIP = 1e-12``, about 7.03 sd for a normal).  Interior u of
``beta`` and truncated ``normal`` are clipped the same way because scipy's inverses can
return nan within 1e-16 of 0 or 1.  Beyond the spec: ``beta`` shapes are limited to
:data:`MAX_BETA_SHAPE` (scipy's ``betaincinv`` gives wrong, non-monotone quantiles for some
larger ones), a truncated normal's interval must hold :data:`MIN_TRUNCATION_MASS` of its
probability, and parameters whose quantiles or mean overflow float64 are rejected.

The shorthand is parsed by a small hand-written tokenizer and recursive-descent parser,
never evaluated.  Anything outside the grammar raises :class:`DistributionError` (a
``ValueError``) whose message says what was wrong and what is allowed.  Inputs are bounded
(:data:`MAX_TEXT_LENGTH` characters, :data:`MAX_LIST_LENGTH` list elements) and every
number must be finite; ``bool`` is rejected even though it is an ``int``.

Because PyYAML (YAML 1.1) loads ``1e-3`` (an exponent without a dot) as a *string*,
:func:`parse` and :func:`from_mapping` accept a string that is exactly one number in the
shorthand's number syntax; ``nan``, ``inf``, ``1_000`` and hex stay errors.

Equality is structural: two objects are equal when written the same way, so
``choice([1, 2])`` (weights omitted) and ``choice([1, 2], [1, 1])`` describe the same
distribution but are not ``==``.

Samplers
--------
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
one-element key ``(3,)``).  A new user takes the next free id.  Do not derive other
streams with ``SeedSequence(seed).spawn(...)``: its children have the spawn keys
``(0,)``, ``(1,)``, ... and would collide with this scheme.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy import special, stats
from scipy.stats import qmc

from sim.names import SAMPLERS

__all__ = [
    "ALLOWED_FORMS",
    "MAX_BETA_SHAPE",
    "MAX_LIST_LENGTH",
    "MAX_TEXT_LENGTH",
    "METHODS",
    "MIN_TRUNCATION_MASS",
    "STREAM_BREAKS",
    "STREAM_EVENTS",
    "STREAM_PARAMS",
    "STREAM_SOBOL",
    "U_CLIP",
    "Beta",
    "Choice",
    "Distribution",
    "DistributionError",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "block_generator",
    "from_mapping",
    "looks_like_distribution",
    "parse",
    "parse_shorthand",
    "uniform_points",
]

MAX_TEXT_LENGTH = 1000
"""Longest shorthand text accepted, in characters."""
MAX_LIST_LENGTH = 1000
"""Most elements accepted in a ``choice`` list."""
U_CLIP = 1e-12
"""Uniform points are kept in [U_CLIP, 1 - U_CLIP]; so is ``u`` before an unbounded ppf."""
MIN_TRUNCATION_MASS = 1e-6
"""Least probability the truncation interval of a normal must carry."""
MAX_BETA_SHAPE = 1e4
"""Largest a or b accepted by ``beta`` (scipy's inverse is unreliable beyond)."""
_FAR = 40.0  # standard-normal tail beyond 40 sd is below the smallest float64
_TINY = float(np.finfo(np.float64).tiny)

STREAM_PARAMS = 0
"""Stream id of the parameter samplers (``random`` and ``lhs`` blocks)."""
STREAM_EVENTS = 1
"""Stream id reserved for event times (Monte Carlo layer)."""
STREAM_BREAKS = 2
"""Stream id reserved for incidents and sampled break times (Monte Carlo layer)."""
STREAM_SOBOL = 3
"""Stream id of the Sobol' scramble (spawn key ``(STREAM_SOBOL,)``, one per run)."""

METHODS = SAMPLERS
"""Sampler names accepted by :func:`uniform_points`."""

_SOBOL_MAX_POINTS = 2**30  # scipy's qmc.Sobol default bits=30


class DistributionError(ValueError):
    """A distribution that is malformed, invalid or out of range.

    ``position`` is the 0-based character offset of the problem in the shorthand text,
    or ``None`` when it does not apply.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


# ----------------------------------------------------------------------------- numbers

_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _fmt(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` (``1.0`` is written ``1``)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def _number(value: Any, what: str) -> float:
    """A finite float from an int/float (not bool) or a string holding exactly one number."""
    if isinstance(value, (bool, np.bool_)):
        raise DistributionError(f"{what} must be a number, got the boolean {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_TEXT_LENGTH or not _NUMBER_RE.fullmatch(text):
            shown = value if len(value) <= 40 else value[:37] + "..."
            raise DistributionError(
                f"{what} must be a number, got the text {shown!r}; "
                "allowed: a finite number such as 0.5, -2 or 1e-3"
            )
        value = float(text)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        try:
            value = float(value)
        except OverflowError:
            raise DistributionError(f"{what} must be finite; this integer is too large") from None
    else:
        raise DistributionError(
            f"{what} must be a number, got {type(value).__name__}; "
            "allowed: a finite number such as 0.5, -2 or 1e-3"
        )
    if not math.isfinite(value):
        raise DistributionError(f"{what} must be finite, got {_fmt(value)}")
    return value


def _number_list(value: Any, what: str) -> tuple[float, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, np.ndarray)):
        raise DistributionError(
            f"{what} must be a list of numbers such as [1, 2, 3], got {type(value).__name__}"
        )
    if len(value) > MAX_LIST_LENGTH:
        raise DistributionError(
            f"{what} has {len(value)} elements; at most {MAX_LIST_LENGTH} are allowed"
        )
    return tuple(_number(v, f"{what}[{i}]") for i, v in enumerate(value))


def _as_u(u: Any) -> np.ndarray:
    arr = np.asarray(u, dtype=np.float64)
    if not np.all((arr >= 0.0) & (arr <= 1.0)):  # also catches NaN
        raise ValueError("ppf: u must lie in [0, 1]")
    return arr


# ------------------------------------------------------------------------ distributions


@dataclass(frozen=True)
class Distribution:
    """Base class of the frozen distribution objects.

    Subclasses declare ``name`` (the shorthand name), ``positional`` (the parameters that
    may be given by position, in order), ``defaults`` (the optional parameters and their
    defaults; those not in ``positional`` are keyword-only) and ``usage``.  Every parameter
    may also be given by name.
    """

    name: ClassVar[str] = ""
    positional: ClassVar[tuple[str, ...]] = ()
    defaults: ClassVar[dict[str, Any]] = {}
    usage: ClassVar[str] = ""

    @classmethod
    def required(cls) -> tuple[str, ...]:
        """Parameters without a default."""
        return tuple(k for k in cls.positional if k not in cls.defaults)

    @classmethod
    def parameter_names(cls) -> tuple[str, ...]:
        """All parameter names: positional ones in order, then keyword-only ones."""
        return cls.positional + tuple(k for k in cls.defaults if k not in cls.positional)

    def __post_init__(self) -> None:
        self._validate()
        with np.errstate(all="ignore"):
            ends = self.ppf(np.array([0.0, U_CLIP, 0.5, 1.0 - U_CLIP, 1.0]))
            mean = self.mean()
        if not (np.all(np.isfinite(ends)) and math.isfinite(mean)):
            raise DistributionError(
                f"{self.name}: parameters too extreme (quantiles or mean overflow float64); "
                f"usage: {self.usage}"
            )

    def _set(self, field: str, value: Any) -> None:
        object.__setattr__(self, field, value)

    def _validate(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function, vectorised over ``u`` in [0, 1]; float64, same shape."""
        raise NotImplementedError

    def bounds(self) -> tuple[float, float]:
        """Support ``(lo, hi)``, possibly infinite."""
        raise NotImplementedError

    def mean(self) -> float:
        """Mean of the distribution."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """Parameters by name, optional ones only when they differ from their default."""
        out: dict[str, Any] = {}
        for key in self.parameter_names():
            value = getattr(self, key)
            if key not in self.defaults or value != self.defaults[key]:
                out[key] = value
        return out

    def to_shorthand(self) -> str:
        """Canonical shorthand text; ``parse_shorthand(d.to_shorthand()) == d``."""
        parts = []
        for key, value in self.params().items():
            text = (
                "[" + ", ".join(_fmt(v) for v in value) + "]"
                if isinstance(value, tuple)
                else _fmt(value)
            )
            parts.append(text if key in self.positional else f"{key}={text}")
        return f"{self.name}({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """Mapping form; ``from_mapping(d.to_dict()) == d``."""
        out: dict[str, Any] = {"dist": self.name}
        for key, value in self.params().items():
            out[key] = list(value) if isinstance(value, tuple) else value
        return out

    def __str__(self) -> str:
        return self.to_shorthand()


@dataclass(frozen=True)
class Uniform(Distribution):
    """``uniform(low, high)``: constant density on [low, high], low < high."""

    low: float
    high: float

    name: ClassVar[str] = "uniform"
    positional: ClassVar[tuple[str, ...]] = ("low", "high")
    usage: ClassVar[str] = "uniform(low, high)"

    def _validate(self) -> None:
        self._set("low", _number(self.low, "uniform: low"))
        self._set("high", _number(self.high, "uniform: high"))
        if not self.low < self.high:
            raise DistributionError(
                f"uniform: low ({_fmt(self.low)}) must be < high ({_fmt(self.high)}); "
                f"usage: {self.usage}"
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = _as_u(u)
        return np.clip(self.low + u * (self.high - self.low), self.low, self.high)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def mean(self) -> float:
        return 0.5 * self.low + 0.5 * self.high


@dataclass(frozen=True)
class Triangular(Distribution):
    """``triangular(low, mode, high)``: low <= mode <= high, low < high."""

    low: float
    mode: float
    high: float

    name: ClassVar[str] = "triangular"
    positional: ClassVar[tuple[str, ...]] = ("low", "mode", "high")
    usage: ClassVar[str] = "triangular(low, mode, high)"

    def _validate(self) -> None:
        for key in self.positional:
            self._set(key, _number(getattr(self, key), f"triangular: {key}"))
        lo, mo, hi = self.low, self.mode, self.high
        if not lo < hi:
            raise DistributionError(
                f"triangular: low ({_fmt(lo)}) must be < high ({_fmt(hi)}); usage: {self.usage}"
            )
        if not lo <= mo <= hi:
            raise DistributionError(
                f"triangular: mode ({_fmt(mo)}) must lie in [low, high] = "
                f"[{_fmt(lo)}, {_fmt(hi)}]; usage: {self.usage}"
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = _as_u(u)
        lo, mo, hi = self.low, self.mode, self.high
        width = hi - lo
        c = (mo - lo) / width
        # sqrt(u) * sqrt(width * (mo - lo)) cannot overflow; each branch is monotone, and
        # capping at the mode keeps the join monotone under rounding
        scale_left = math.sqrt(width) * math.sqrt(mo - lo)
        scale_right = math.sqrt(width) * math.sqrt(hi - mo)
        left = np.minimum(lo + np.sqrt(u) * scale_left, mo)
        right = np.maximum(hi - np.sqrt(1.0 - u) * scale_right, mo)
        return np.clip(np.where(u < c, left, right), lo, hi)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def mean(self) -> float:
        return min(max(self.low / 3 + self.mode / 3 + self.high / 3, self.low), self.high)


@dataclass(frozen=True)
class Normal(Distribution):
    """``normal(mu, sd[, low=, high=])``; truncated to [low, high] when either is given.

    sd > 0; low < high; the interval must hold at least ``MIN_TRUNCATION_MASS`` of the
    untruncated normal's probability.
    """

    mu: float
    sd: float
    low: float | None = None
    high: float | None = None

    name: ClassVar[str] = "normal"
    positional: ClassVar[tuple[str, ...]] = ("mu", "sd")
    defaults: ClassVar[dict[str, Any]] = {"low": None, "high": None}
    usage: ClassVar[str] = "normal(mu, sd[, low=, high=])"

    def _validate(self) -> None:
        self._set("mu", _number(self.mu, "normal: mu"))
        self._set("sd", _number(self.sd, "normal: sd"))
        for key in ("low", "high"):
            if getattr(self, key) is not None:
                self._set(key, _number(getattr(self, key), f"normal: {key}"))
        if not self.sd > 0:
            raise DistributionError(
                f"normal: sd ({_fmt(self.sd)}) must be > 0; usage: {self.usage}"
            )
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise DistributionError(
                f"normal: low ({_fmt(self.low)}) must be < high ({_fmt(self.high)}); "
                f"usage: {self.usage}"
            )
        if self.truncated:
            a, b = self._standard_bounds()
            # P(a < Z < b), computed on the side that does not lose precision
            if a > 0:
                mass = special.ndtr(-a) - special.ndtr(-b)
            else:
                mass = special.ndtr(b) - special.ndtr(a)
            if not mass >= MIN_TRUNCATION_MASS:
                lo, hi = self.bounds()
                raise DistributionError(
                    f"normal: the truncation interval [{_fmt(lo)}, {_fmt(hi)}] holds only "
                    f"{mass:.3g} of the probability of normal({_fmt(self.mu)}, {_fmt(self.sd)}); "
                    f"it must hold at least {MIN_TRUNCATION_MASS:g} (check mu, sd, low, high); "
                    f"usage: {self.usage}"
                )

    @property
    def truncated(self) -> bool:
        return self.low is not None or self.high is not None

    def _standard_bounds(self) -> tuple[float, float]:
        """Bounds in sd units; beyond 40 sd (no float64 mass) they count as infinite."""
        lo, hi = self.bounds()
        a, b = (lo - self.mu) / self.sd, (hi - self.mu) / self.sd
        return (-math.inf if a < -_FAR else a, math.inf if b > _FAR else b)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = _as_u(u)
        inner = np.clip(u, U_CLIP, 1.0 - U_CLIP)
        if not self.truncated:
            return self.mu + self.sd * special.ndtri(inner)
        # u is kept in [U_CLIP, 1 - U_CLIP] (scipy's truncnorm.ppf can return nan for u
        # within 1e-16 of 1), a finite bound is returned exactly at u = 0 or 1 (loc + scale * a
        # can cancel badly), and rounding is clipped back inside [low, high]
        lo, hi = self.bounds()
        a, b = self._standard_bounds()
        x = stats.truncnorm.ppf(inner, a, b, loc=self.mu, scale=self.sd)
        if lo > -math.inf:
            x = np.where(u == 0.0, lo, x)
        if hi < math.inf:
            x = np.where(u == 1.0, hi, x)
        return np.clip(np.asarray(x, dtype=np.float64), lo, hi)

    def bounds(self) -> tuple[float, float]:
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )

    def mean(self) -> float:
        if not self.truncated:
            return self.mu
        a, b = self._standard_bounds()
        lo, hi = self.bounds()
        return float(np.clip(stats.truncnorm.mean(a, b, loc=self.mu, scale=self.sd), lo, hi))


@dataclass(frozen=True)
class LogNormal(Distribution):
    """``lognormal(mu, sigma)``: exp of normal(mu, sigma); sigma > 0."""

    mu: float
    sigma: float

    name: ClassVar[str] = "lognormal"
    positional: ClassVar[tuple[str, ...]] = ("mu", "sigma")
    usage: ClassVar[str] = "lognormal(mu, sigma)"

    def _validate(self) -> None:
        self._set("mu", _number(self.mu, "lognormal: mu"))
        self._set("sigma", _number(self.sigma, "lognormal: sigma"))
        if not self.sigma > 0:
            raise DistributionError(
                f"lognormal: sigma ({_fmt(self.sigma)}) must be > 0; usage: {self.usage} "
                "(mu and sigma are the mean and sd of the underlying normal)"
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = np.clip(_as_u(u), U_CLIP, 1.0 - U_CLIP)
        return np.exp(self.mu + self.sigma * special.ndtri(u))

    def bounds(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def mean(self) -> float:
        try:
            return math.exp(self.mu + 0.5 * self.sigma**2)
        except OverflowError:
            return math.inf


@dataclass(frozen=True)
class Beta(Distribution):
    """``beta(a, b[, low=, high=])``: 0 < a, b <= 1e4, rescaled from [0, 1] to [low, high].

    The upper limit on a and b is ours, not the spec's: scipy's ``betaincinv`` returns
    wrong, non-monotone quantiles for some larger shapes (e.g. a = 1000, b = 5.6e5), and
    such a beta is nearly a point mass anyway (sd < 0.005 on [0, 1]).
    """

    a: float
    b: float
    low: float = 0.0
    high: float = 1.0

    name: ClassVar[str] = "beta"
    positional: ClassVar[tuple[str, ...]] = ("a", "b")
    defaults: ClassVar[dict[str, Any]] = {"low": 0.0, "high": 1.0}
    usage: ClassVar[str] = "beta(a, b[, low=, high=])"

    def _validate(self) -> None:
        for key in ("a", "b", "low", "high"):
            self._set(key, _number(getattr(self, key), f"beta: {key}"))
        for key in ("a", "b"):
            value = getattr(self, key)
            if not value > 0:
                raise DistributionError(
                    f"beta: {key} ({_fmt(value)}) must be > 0; usage: {self.usage}"
                )
            if value > MAX_BETA_SHAPE:
                raise DistributionError(
                    f"beta: {key} ({_fmt(value)}) must be <= {MAX_BETA_SHAPE:g} (a nearly "
                    "constant value is better written normal(mu, sd, low=, high=)); "
                    f"usage: {self.usage}"
                )
        if not self.low < self.high:
            raise DistributionError(
                f"beta: low ({_fmt(self.low)}) must be < high ({_fmt(self.high)}); "
                f"usage: {self.usage}"
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        # u = 0 and 1 give low and high; other u are kept in [U_CLIP, 1 - U_CLIP] because
        # scipy's betaincinv can return nan far in the tails (e.g. a=2, b=4, u=1e-300), and
        # results that underflow (small a) are flushed to 0: betaincinv returns the smallest
        # normal float for some u and 0 for larger ones, which is not monotone
        u = _as_u(u)
        inner = np.clip(u, U_CLIP, 1.0 - U_CLIP)
        x = special.betaincinv(self.a, self.b, inner)
        x = np.where(x <= _TINY, 0.0, x)
        x = np.where((u == 0.0) | (u == 1.0), u, x)
        return np.clip(self.low + x * (self.high - self.low), self.low, self.high)

    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    def mean(self) -> float:
        mean = self.low + (self.high - self.low) * (self.a / (self.a + self.b))
        return min(max(mean, self.low), self.high)


@dataclass(frozen=True)
class Choice(Distribution):
    """``choice([v1, v2, ...][, [w1, w2, ...]])``: a discrete assumption.

    Weights are non-negative with a positive total (normalised); equal when omitted
    (stored as ``None``).  ``ppf`` is the quantile function: values are taken in
    increasing order (ties in the order written) and ``u`` in [0, 1) falls on value k
    when it lies in [F_{k-1}, F_k) of the cumulative weights; ``u = 1`` gives the largest
    value with positive weight.  A value of weight 0 is never returned.
    """

    values: tuple[float, ...]
    weights: tuple[float, ...] | None = None

    name: ClassVar[str] = "choice"
    positional: ClassVar[tuple[str, ...]] = ("values", "weights")
    defaults: ClassVar[dict[str, Any]] = {"weights": None}
    usage: ClassVar[str] = "choice([values], [weights])"

    def _validate(self) -> None:
        values = _number_list(self.values, "choice: values")
        self._set("values", values)
        if not values:
            raise DistributionError(f"choice: needs at least one value; usage: {self.usage}")
        if self.weights is None:
            return
        weights = _number_list(self.weights, "choice: weights")
        self._set("weights", weights)
        if len(weights) != len(values):
            raise DistributionError(
                f"choice: {len(values)} values but {len(weights)} weights; give one weight "
                f"per value or omit the weights for equal ones; usage: {self.usage}"
            )
        for i, w in enumerate(weights):
            if w < 0:
                raise DistributionError(
                    f"choice: weights must be >= 0, got {_fmt(w)} at index {i}; usage: {self.usage}"
                )
        try:
            total = math.fsum(weights)
        except OverflowError:
            total = math.inf
        if not (total > 0 and math.isfinite(total)):
            raise DistributionError(
                f"choice: weights must sum to a positive finite total, got {_fmt(total)}; "
                f"usage: {self.usage}"
            )

    def probabilities(self) -> np.ndarray:
        """Normalised weights, in the order the values are written."""
        if self.weights is None:
            return np.full(len(self.values), 1.0 / len(self.values))
        w = np.asarray(self.weights, dtype=np.float64)
        return w / math.fsum(self.weights)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        u = _as_u(u)
        values = np.asarray(self.values, dtype=np.float64)
        order = np.argsort(values, kind="stable")
        p = self.probabilities()[order]
        cum = np.cumsum(p)
        last = int(np.flatnonzero(p > 0)[-1])
        cum[last:] = 1.0  # rounding never lets u < 1 fall past the last positive weight
        idx = np.minimum(np.searchsorted(cum, u, side="right"), last)
        return values[order][idx]

    def bounds(self) -> tuple[float, float]:
        support = np.asarray(self.values)[self.probabilities() > 0]
        return (float(support.min()), float(support.max()))

    def mean(self) -> float:
        try:
            mean = math.fsum(p * v for p, v in zip(self.probabilities(), self.values, strict=True))
        except OverflowError:
            return math.inf
        lo, hi = self.bounds()
        return min(max(mean, lo), hi)  # rounding of the weights must not leave the support


_REGISTRY: dict[str, type[Distribution]] = {
    cls.name: cls for cls in (Uniform, Triangular, Normal, LogNormal, Beta, Choice)
}
ALLOWED_FORMS = "allowed: " + ", ".join(cls.usage for cls in _REGISTRY.values())
"""Human-readable list of the accepted shorthand forms, used in error messages."""


def _unknown_name(name: str, position: int | None = None) -> DistributionError:
    close = difflib.get_close_matches(name, list(_REGISTRY), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if name.lower() in _REGISTRY and name != name.lower():
        hint = " (names are lowercase)"
    shown = name if len(name) <= 40 else name[:37] + "..."
    return DistributionError(f"unknown distribution {shown!r}{hint}; {ALLOWED_FORMS}", position)


def _build(name: str, kwargs: dict[str, Any]) -> Distribution:
    cls = _REGISTRY[name]
    return cls(**kwargs)


# ------------------------------------------------------------------------------ parsing

_WHITESPACE = " \t\r\n"
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_PUNCT = "()[],="
_SYNTAX_HINT = "a distribution is written name(arguments), e.g. uniform(0.1, 0.3)"


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "ident", one of _PUNCT, or "end"
    text: str
    pos: int


def _describe(tok: _Token) -> str:
    if tok.kind == "end":
        return "end of text"
    if tok.kind == "number":
        return f"number {tok.text}"
    if tok.kind == "ident":
        return f"name {tok.text!r}"
    return repr(tok.text)


class _Parser:
    """Lazy tokenizer + recursive descent for ``name '(' [arg (',' arg)*] ')'``.

    arg := NUMBER | list | IDENT '=' (NUMBER | list);  list := '[' [NUMBER (',' NUMBER)*] ']'
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.name: str | None = None
        self._peeked: _Token | None = None

    # -- errors
    def error(self, message: str, pos: int | None) -> DistributionError:
        if self.name is None:
            hint = f"{_SYNTAX_HINT}; {ALLOWED_FORMS}"
        else:
            hint = f"usage: {_REGISTRY[self.name].usage}"
        return DistributionError(f"{message}; {hint}", pos)

    # -- tokens
    def _scan(self) -> _Token:
        text, n = self.text, len(self.text)
        i = self.pos
        while i < n and text[i] in _WHITESPACE:
            i += 1
        if i >= n:
            self.pos = i
            return _Token("end", "", i)
        ch = text[i]
        if ch in _PUNCT:
            self.pos = i + 1
            return _Token(ch, ch, i)
        m = _NUMBER_RE.match(text, i)
        if m:
            end = m.end()
            if end < n and (text[end].isalnum() or text[end] in "._"):
                raise self.error(
                    f"malformed number {text[i : end + 1]!r}... at position {i}; numbers look "
                    "like 3, -0.25, 1.5e-3",
                    i,
                )
            self.pos = end
            return _Token("number", m.group(), i)
        m = _IDENT_RE.match(text, i)
        if m:
            self.pos = m.end()
            return _Token("ident", m.group(), i)
        if ch in "+-":
            raise self.error(
                f"unexpected character {ch!r} at position {i}: a sign must be directly "
                "followed by digits",
                i,
            )
        raise self.error(f"unexpected character {ch!r} at position {i}", i)

    def peek(self) -> _Token:
        if self._peeked is None:
            self._peeked = self._scan()
        return self._peeked

    def next(self) -> _Token:
        tok = self.peek()
        self._peeked = None
        return tok

    def expect(self, kinds: str, what: str) -> _Token:
        tok = self.next()
        if tok.kind not in kinds.split():
            raise self.error(
                f"expected {what} at position {tok.pos}, found {_describe(tok)}", tok.pos
            )
        return tok

    # -- grammar
    def parse(self) -> Distribution:
        tok = self.next()
        if tok.kind == "end":
            raise self.error("empty text", 0)
        if tok.kind == "number":
            raise self.error(
                f"expected a distribution name at position {tok.pos}, found {_describe(tok)} "
                "(a plain number needs no quotes)",
                tok.pos,
            )
        if tok.kind != "ident":
            raise self.error(
                f"expected a distribution name at position {tok.pos}, found {_describe(tok)}",
                tok.pos,
            )
        if tok.text not in _REGISTRY:
            raise _unknown_name(tok.text, tok.pos)
        self.name = tok.text
        self.expect("(", f"'(' after {tok.text!r}")
        positional: list[tuple[Any, int]] = []
        keywords: dict[str, tuple[Any, int]] = {}
        if self.peek().kind == ")":
            self.next()
        else:
            while True:
                self.argument(positional, keywords)
                sep = self.expect(", )", "',' or ')'")
                if sep.kind == ")":
                    break
        end = self.next()
        if end.kind != "end":
            raise self.error(
                f"unexpected {_describe(end)} at position {end.pos} after the closing ')'",
                end.pos,
            )
        return self.bind(positional, keywords)

    def argument(
        self, positional: list[tuple[Any, int]], keywords: dict[str, tuple[Any, int]]
    ) -> None:
        tok = self.peek()
        if tok.kind == "ident":
            self.next()
            after = self.peek()
            if after.kind == "(":
                raise self.error(
                    f"nested call {tok.text}(...) at position {tok.pos} is not allowed: "
                    "arguments must be numbers, [lists] or key=number",
                    tok.pos,
                )
            if after.kind != "=" and tok.text.lower() in ("nan", "inf", "infinity"):
                raise self.error(
                    f"{tok.text!r} at position {tok.pos} is not allowed: numbers must be finite",
                    tok.pos,
                )
            if after.kind != "=":
                raise self.error(
                    f"unexpected name {tok.text!r} at position {tok.pos}: arguments must be "
                    "numbers, [lists] or key=number",
                    tok.pos,
                )
            self.next()
            if tok.text in keywords:
                raise self.error(f"{self.name}: {tok.text!r} given twice", tok.pos)
            keywords[tok.text] = (self.value(), tok.pos)
            return
        if keywords:
            raise self.error(
                f"{self.name}: positional argument at position {tok.pos} after a keyword argument",
                tok.pos,
            )
        positional.append((self.value(), tok.pos))

    def value(self) -> Any:
        tok = self.peek()
        if tok.kind == "[":
            return self.list()
        tok = self.expect("number", "a number or a [list]")
        return self.number(tok)

    def number(self, tok: _Token) -> float:
        value = float(tok.text)
        if not math.isfinite(value):
            raise self.error(f"number {tok.text} at position {tok.pos} is out of range", tok.pos)
        return value

    def list(self) -> tuple[float, ...]:
        start = self.next()
        items: list[float] = []
        if self.peek().kind == "]":
            self.next()
            return ()
        while True:
            tok = self.peek()
            if tok.kind == "[":
                raise self.error(f"nested list at position {tok.pos} is not allowed", tok.pos)
            items.append(self.number(self.expect("number", "a number in the list")))
            if len(items) > MAX_LIST_LENGTH:
                raise self.error(
                    f"list starting at position {start.pos} has more than {MAX_LIST_LENGTH} "
                    "elements",
                    start.pos,
                )
            sep = self.expect(", ]", "',' or ']' in the list")
            if sep.kind == "]":
                return tuple(items)

    def bind(
        self, positional: list[tuple[Any, int]], keywords: dict[str, tuple[Any, int]]
    ) -> Distribution:
        assert self.name is not None
        cls = _REGISTRY[self.name]
        names = cls.positional
        required = cls.required()
        if len(positional) > len(names):
            pos = positional[len(names)][1]
            count = str(len(names)) if len(names) == len(required) else f"at most {len(names)}"
            raise self.error(
                f"{self.name}: takes {count} positional arguments ({', '.join(names)}), "
                f"got {len(positional)}",
                pos,
            )
        kwargs: dict[str, Any] = {}
        for key, (value, _) in zip(names, positional, strict=False):
            kwargs[key] = value
        allowed = list(cls.parameter_names())
        for key, (value, pos) in keywords.items():
            if key not in allowed:
                raise self.error(
                    f"{self.name}: unknown keyword {key!r} at position {pos}; allowed keywords: "
                    f"{', '.join(allowed)}",
                    pos,
                )
            if key in kwargs:
                raise self.error(f"{self.name}: {key!r} given both by position and by name", pos)
            kwargs[key] = value
        missing = [key for key in required if key not in kwargs]
        if missing:
            raise self.error(
                f"{self.name}: missing {', '.join(missing)} (got {len(positional)} positional "
                f"argument{'' if len(positional) == 1 else 's'}, {len(required)} required)",
                None,
            )
        _check_kinds(self.name, kwargs)
        return _build(self.name, kwargs)


_LIST_PARAMS = {"values", "weights"}


def _check_kinds(name: str, kwargs: dict[str, Any]) -> None:
    usage = _REGISTRY[name].usage
    for key, value in kwargs.items():
        is_list = isinstance(value, tuple)
        if key in _LIST_PARAMS and not is_list:
            raise DistributionError(f"{name}: {key} must be a [list] of numbers; usage: {usage}")
        if key not in _LIST_PARAMS and is_list:
            raise DistributionError(f"{name}: {key} must be a number, not a list; usage: {usage}")


def parse_shorthand(text: str) -> Distribution:
    """Parse the strict shorthand ``name(arg, ...)`` into a :class:`Distribution`.

    Arguments are numbers (ints, decimals, scientific notation, a sign directly attached),
    ``[n, n, ...]`` lists (for ``choice``) and ``key=value`` for named parameters.
    Whitespace is free between tokens; names are lowercase.  Never evaluates anything.

    Raises
    ------
    DistributionError
        For anything outside the grammar or invalid parameters; the message says what is
        wrong and what is allowed, and ``.position`` points into ``text`` when it can.
    """
    if not isinstance(text, str):
        raise DistributionError(
            f"a distribution must be given as text, got {type(text).__name__}; {ALLOWED_FORMS}"
        )
    if len(text) > MAX_TEXT_LENGTH:
        raise DistributionError(
            f"distribution text too long ({len(text)} characters; at most {MAX_TEXT_LENGTH} "
            f"allowed); {ALLOWED_FORMS}"
        )
    return _Parser(text).parse()


_LOOKS_RE = re.compile(r"[ \t\r\n]*[A-Za-z_][A-Za-z0-9_]*[ \t\r\n]*\(", re.ASCII)


def looks_like_distribution(text: str) -> bool:
    """True when ``text`` starts like ``identifier(`` (leading whitespace allowed).

    Lets a loader report a malformed distribution instead of "expected a number".
    """
    return isinstance(text, str) and _LOOKS_RE.match(text, 0, MAX_TEXT_LENGTH + 1) is not None


def from_mapping(d: Mapping[str, Any]) -> Distribution:
    """Build a distribution from ``{dist: name, <parameters by name>}``.

    Parameter names are those of the shorthand (low/high, low/mode/high, mu/sd[/low/high],
    mu/sigma, a/b[/low/high], values/weights).  Unknown keys are rejected with the allowed
    ones named; the same validation as the shorthand applies.
    """
    if not isinstance(d, Mapping):
        raise DistributionError(
            f"a distribution mapping must be a mapping, got {type(d).__name__}; e.g. "
            "{dist: uniform, low: 0.1, high: 0.3}"
        )
    if "dist" not in d:
        keys = ", ".join(repr(k) for k in list(d)[:10])
        raise DistributionError(
            f"distribution mapping needs a 'dist' key (got keys {keys or 'none'}), e.g. "
            f"{{dist: uniform, low: 0.1, high: 0.3}}; allowed dist: {', '.join(_REGISTRY)}"
        )
    name = d["dist"]
    if not isinstance(name, str):
        raise DistributionError(
            f"dist must be a name, got {type(name).__name__}; allowed dist: {', '.join(_REGISTRY)}"
        )
    if name not in _REGISTRY:
        raise _unknown_name(name)
    cls = _REGISTRY[name]
    allowed = list(cls.parameter_names())
    kwargs: dict[str, Any] = {}
    for key, value in d.items():
        if key == "dist":
            continue
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            shown = repr(key) if len(repr(key)) <= 40 else repr(key)[:37] + "..."
            raise DistributionError(
                f"{name}: unknown key {shown}{hint}; allowed keys: dist, {', '.join(allowed)}"
            )
        if key in _LIST_PARAMS:
            kwargs[key] = _number_list(value, f"{name}: {key}")
        else:
            kwargs[key] = _number(value, f"{name}: {key}")
    missing = [key for key in cls.required() if key not in kwargs]
    if missing:
        raise DistributionError(
            f"{name}: missing {', '.join(missing)}; required keys: dist, "
            f"{', '.join(cls.required())}; optional: {', '.join(cls.defaults) or 'none'}"
        )
    return _build(name, kwargs)


def parse(value: Any) -> float | Distribution:
    """A scenario number: a finite float, or a :class:`Distribution`.

    ``int``/``float`` (not ``bool``) become ``float``; a string holding exactly one number
    (PyYAML reads ``1e-3`` as a string) becomes that float; other strings go to
    :func:`parse_shorthand`; mappings to :func:`from_mapping`; a :class:`Distribution` is
    returned unchanged.  Anything else raises :class:`DistributionError`.
    """
    if isinstance(value, Distribution):
        return value
    if isinstance(value, str):
        if len(value) <= MAX_TEXT_LENGTH and _NUMBER_RE.fullmatch(value.strip()):
            return _number(value, "number")
        return parse_shorthand(value)
    if isinstance(value, Mapping):
        return from_mapping(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise DistributionError(
            f"expected a number or a distribution, got {type(value).__name__}; "
            f"{ALLOWED_FORMS}, or a mapping such as {{dist: uniform, low: 0.1, high: 0.3}}"
        )
    return _number(value, "number")


# ----------------------------------------------------------------------------- samplers


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
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM_SOBOL,)))
    try:
        engine = qmc.Sobol(n_dims, scramble=True, rng=rng)
    except TypeError:  # scipy < 1.15 names the argument `seed`
        engine = qmc.Sobol(n_dims, scramble=True, seed=rng)
    if start > 0:  # scipy's fast_forward(0) on a fresh engine fails
        engine.fast_forward(start)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The balance properties", category=UserWarning)
        return engine.random(stop - start)


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
    method : {"random", "lhs", "sobol"}
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
    if method not in METHODS:
        raise ValueError(f"unknown sampling method {method!r}; allowed: {', '.join(METHODS)}")
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
    n = stop - start
    if n == 0 or n_dims == 0:
        return np.empty((n, n_dims), dtype=np.float64)
    if method == "sobol":
        out = _sobol_rows(seed, n_dims, start, stop)
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
