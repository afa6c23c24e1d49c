"""The distributions a belief may follow: frozen dataclasses with a vectorised ``ppf``.

``uniform(low, high)``, ``triangular(low, mode, high)``, ``normal(mu, sd[, low=, high=])``
(truncated when ``low``/``high`` are given), ``lognormal(mu, sigma)`` (parameters of the
underlying normal), ``beta(a, b[, low=, high=])`` (rescaled from [0, 1] to [low, high]) and
``choice([values], [weights])`` (a discrete assumption; equal weights when omitted).
Each is a frozen dataclass with a vectorised ``ppf``, ``bounds``, ``mean``, ``to_shorthand``
(canonical text that parses back to an equal object) and ``to_dict`` (the mapping form).
Every parameter can also be passed by name in the shorthand (``uniform(low=0, high=1)``);
the optional ``low``/``high`` of ``normal`` and ``beta`` are keyword-only. The text forms
are read by :mod:`sim.beliefs.grammar`.

``ppf`` is monotone and finite for every u in [0, 1] (anything else is a ``ValueError``).
A finite bound is returned exactly at u = 0 or 1; towards an infinite bound u is clipped
into [U_CLIP, 1 - U_CLIP] (``U_CLIP = 1e-12``, about 7.03 sd for a normal).  Interior u of
``beta`` and truncated ``normal`` are clipped the same way because scipy's inverses can
return nan within 1e-16 of 0 or 1.  Beyond the spec: ``beta`` shapes are limited to
:data:`MAX_BETA_SHAPE` (scipy's ``betaincinv`` gives wrong, non-monotone quantiles for some
larger ones), a truncated normal's interval must hold :data:`MIN_TRUNCATION_MASS` of its
probability, and parameters whose quantiles or mean overflow float64 are rejected.

Equality is structural: two objects are equal when written the same way, so
``choice([1, 2])`` (weights omitted) and ``choice([1, 2], [1, 1])`` describe the same
distribution but are not ``==``.

scipy is imported inside the methods that need it (``special`` for the normal, lognormal
and beta quantiles, ``stats`` only for a truncated normal), not at import: checking a
scenario (``sim validate``, ``sim schema``) then never loads ``scipy.stats``, which costs
more than half a second. The judgement: a few function-level imports (a dictionary look-up
once loaded) against a slower start of every command; the alternative, a module-level
import, is simpler to read.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.beliefs.literals import (
    DistributionError,
    finite_number,
    format_number,
    number_list,
)

__all__ = [
    "ALLOWED_FORMS",
    "DISTRIBUTIONS",
    "MAX_BETA_SHAPE",
    "MIN_TRUNCATION_MASS",
    "U_CLIP",
    "Beta",
    "Choice",
    "Distribution",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
    "unknown_distribution",
]

U_CLIP = 1e-12
"""Uniform points are kept in [U_CLIP, 1 - U_CLIP]; so is ``u`` before an unbounded ppf."""
MIN_TRUNCATION_MASS = 1e-6
"""Least probability the truncation interval of a normal must carry."""
MAX_BETA_SHAPE = 1e4
"""Largest a or b accepted by ``beta`` (scipy's inverse is unreliable beyond)."""
CHECK_U = np.array([0.0, U_CLIP, 0.5, 1.0 - U_CLIP, 1.0])
"""Where a distribution's quantiles must be finite (checked when it is made)."""
#: The standard normal quantiles (scipy.special.ndtri) of CHECK_U clipped into
#: [U_CLIP, 1 - U_CLIP], to the bit (a test checks them against scipy): the check of a
#: normal or lognormal then needs no scipy, which costs more than half of `sim validate`.
CHECK_Z = np.array(
    [-7.034483825301131, -7.034483825301131, 0.0, 7.0344869100478356, 7.0344869100478356]
)
_FAR = 40.0  # standard-normal tail beyond 40 sd is below the smallest float64
_TINY = float(np.finfo(np.float64).tiny)
_fmt = format_number


def _as_u(u: Any) -> np.ndarray:
    arr = np.asarray(u, dtype=np.float64)
    if not np.all((arr >= 0.0) & (arr <= 1.0)):  # also catches NaN
        raise ValueError("ppf: u must lie in [0, 1]")
    return arr


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
            ends = self._ends()
            mean = self.mean()
        if not (np.all(np.isfinite(ends)) and math.isfinite(mean)):
            raise DistributionError(
                f"{self.name}: parameters too extreme (quantiles or mean overflow float64); "
                f"usage: {self.usage}"
            )

    def _set(self, field: str, value: Any) -> None:
        object.__setattr__(self, field, value)

    def _ends(self) -> np.ndarray:
        """The quantiles whose finiteness the constructor checks (at :data:`CHECK_U`)."""
        return self.ppf(CHECK_U)

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
        self._set("low", finite_number(self.low, "uniform: low"))
        self._set("high", finite_number(self.high, "uniform: high"))
        if not self.low < self.high:
            raise DistributionError(
                f"uniform: low ({_fmt(self.low)}) must be < high ({_fmt(self.high)}); "
                f"usage: {self.usage}"
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function; see :meth:`Distribution.ppf`."""
        u = _as_u(u)
        return np.clip(self.low + u * (self.high - self.low), self.low, self.high)

    def bounds(self) -> tuple[float, float]:
        """Support ``(lo, hi)``; see :meth:`Distribution.bounds`."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Mean of the distribution."""
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
            self._set(key, finite_number(getattr(self, key), f"triangular: {key}"))
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
        """Quantile function; see :meth:`Distribution.ppf`."""
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
        """Support ``(lo, hi)``; see :meth:`Distribution.bounds`."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Mean of the distribution."""
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
        self._set("mu", finite_number(self.mu, "normal: mu"))
        self._set("sd", finite_number(self.sd, "normal: sd"))
        for key in ("low", "high"):
            if getattr(self, key) is not None:
                self._set(key, finite_number(getattr(self, key), f"normal: {key}"))
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
            from scipy import special

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

    def _ends(self) -> np.ndarray:
        """See :meth:`Distribution._ends`: the same numbers as ``ppf(CHECK_U)``."""
        if self.truncated:
            return self.ppf(CHECK_U)
        return self.mu + self.sd * CHECK_Z

    @property
    def truncated(self) -> bool:
        """True when ``low`` or ``high`` is given."""
        return self.low is not None or self.high is not None

    def _standard_bounds(self) -> tuple[float, float]:
        """Bounds in sd units; beyond 40 sd (no float64 mass) they count as infinite."""
        lo, hi = self.bounds()
        a, b = (lo - self.mu) / self.sd, (hi - self.mu) / self.sd
        return (-math.inf if a < -_FAR else a, math.inf if b > _FAR else b)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function; see :meth:`Distribution.ppf`."""
        u = _as_u(u)
        inner = np.clip(u, U_CLIP, 1.0 - U_CLIP)
        if not self.truncated:
            from scipy import special

            return self.mu + self.sd * special.ndtri(inner)
        from scipy import stats  # only a truncated normal needs it

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
        """Support ``(lo, hi)``; see :meth:`Distribution.bounds`."""
        return (
            -math.inf if self.low is None else self.low,
            math.inf if self.high is None else self.high,
        )

    def mean(self) -> float:
        """Mean of the distribution (of the truncated one when truncated)."""
        if not self.truncated:
            return self.mu
        from scipy import stats

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
        self._set("mu", finite_number(self.mu, "lognormal: mu"))
        self._set("sigma", finite_number(self.sigma, "lognormal: sigma"))
        if not self.sigma > 0:
            raise DistributionError(
                f"lognormal: sigma ({_fmt(self.sigma)}) must be > 0; usage: {self.usage} "
                "(mu and sigma are the mean and sd of the underlying normal)"
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantile function; see :meth:`Distribution.ppf`."""
        from scipy import special

        u = np.clip(_as_u(u), U_CLIP, 1.0 - U_CLIP)
        return np.exp(self.mu + self.sigma * special.ndtri(u))

    def _ends(self) -> np.ndarray:
        """See :meth:`Distribution._ends`: the same numbers as ``ppf(CHECK_U)``."""
        return np.exp(self.mu + self.sigma * CHECK_Z)

    def bounds(self) -> tuple[float, float]:
        """Support ``(lo, hi)``; see :meth:`Distribution.bounds`."""
        return (0.0, math.inf)

    def mean(self) -> float:
        """Mean of the distribution."""
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
            self._set(key, finite_number(getattr(self, key), f"beta: {key}"))
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
        """Quantile function; see :meth:`Distribution.ppf`."""
        # u = 0 and 1 give low and high; other u are kept in [U_CLIP, 1 - U_CLIP] because
        # scipy's betaincinv can return nan far in the tails (e.g. a=2, b=4, u=1e-300), and
        # results that underflow (small a) are flushed to 0: betaincinv returns the smallest
        # normal float for some u and 0 for larger ones, which is not monotone
        from scipy import special

        u = _as_u(u)
        inner = np.clip(u, U_CLIP, 1.0 - U_CLIP)
        x = special.betaincinv(self.a, self.b, inner)
        x = np.where(x <= _TINY, 0.0, x)
        x = np.where((u == 0.0) | (u == 1.0), u, x)
        return np.clip(self.low + x * (self.high - self.low), self.low, self.high)

    def bounds(self) -> tuple[float, float]:
        """Support ``(lo, hi)``; see :meth:`Distribution.bounds`."""
        return (self.low, self.high)

    def mean(self) -> float:
        """Mean of the distribution."""
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
        values = number_list(self.values, "choice: values")
        self._set("values", values)
        if not values:
            raise DistributionError(f"choice: needs at least one value; usage: {self.usage}")
        if self.weights is None:
            return
        weights = number_list(self.weights, "choice: weights")
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
        """Quantile function; see :meth:`Distribution.ppf`."""
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
        """Support ``(lo, hi)``; see :meth:`Distribution.bounds`."""
        support = np.asarray(self.values)[self.probabilities() > 0]
        return (float(support.min()), float(support.max()))

    def mean(self) -> float:
        """Mean of the distribution."""
        try:
            mean = math.fsum(p * v for p, v in zip(self.probabilities(), self.values, strict=True))
        except OverflowError:
            return math.inf
        lo, hi = self.bounds()
        return min(max(mean, lo), hi)  # rounding of the weights must not leave the support


DISTRIBUTIONS: dict[str, type[Distribution]] = {
    cls.name: cls for cls in (Uniform, Triangular, Normal, LogNormal, Beta, Choice)
}
"""The distribution classes by shorthand name, in the order the messages list them."""
ALLOWED_FORMS = "allowed: " + ", ".join(cls.usage for cls in DISTRIBUTIONS.values())
"""Human-readable list of the accepted shorthand forms, used in error messages."""


def unknown_distribution(name: str, position: int | None = None) -> DistributionError:
    """The error for a name that is not a distribution, suggesting the closest one."""
    close = difflib.get_close_matches(name, list(DISTRIBUTIONS), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    if name.lower() in DISTRIBUTIONS and name != name.lower():
        hint = " (names are lowercase)"
    shown = name if len(name) <= 40 else name[:37] + "..."
    return DistributionError(f"unknown distribution {shown!r}{hint}; {ALLOWED_FORMS}", position)
