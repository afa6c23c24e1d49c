"""A belief about a name rather than a number: ``choice([peaceful, qre], [3, 1])``.

A structural setting of a scenario (the equilibrium selection rule, ``solver.selection``)
may itself be uncertain. :class:`Categorical` is that belief: names, each with a weight
(equal when omitted), written as the ``choice`` of numbers is
(:class:`~sim.beliefs.distributions.Choice`) but with names in the list::

    solver:
      selection: choice([peaceful, qre], [3, 1])       # or {dist: choice, values: [...]}

Each draw takes one name through :meth:`Categorical.pick`, the inverse of the cumulative
weights in the order the names are written, from one uniform of the sampler. Which names
are allowed is the caller's business (the scenario layer checks them against the rules);
the class refuses an empty list, a name twice, and weights that are not one non-negative
finite number per name with a positive total. The text forms are read by
:func:`sim.beliefs.grammar.parse_categorical`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.beliefs.literals import MAX_LIST_LENGTH, DistributionError, format_number, number_list

__all__ = ["NAME_RE", "Categorical"]

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
"""What a name in a categorical belief looks like (an identifier)."""


@dataclass(frozen=True)
class Categorical:
    """``choice([name, ...][, [weight, ...]])``: one of a few names, drawn with the weights.

    Attributes
    ----------
    values
        The names, in the order written (the order :meth:`pick` inverts).
    weights
        One non-negative weight per name (normalised), or ``None`` for equal ones.
    """

    values: tuple[str, ...]
    weights: tuple[float, ...] | None = None

    name = "choice"
    usage = "choice([name, ...], [weights])"

    def __post_init__(self) -> None:
        values = self.values
        if isinstance(values, (str, bytes)) or not isinstance(values, (tuple, list)):
            raise DistributionError(
                f"choice: values must be a [list] of names; usage: {self.usage}"
            )
        values = tuple(values)
        object.__setattr__(self, "values", values)
        if not values:
            raise DistributionError(f"choice: needs at least one name; usage: {self.usage}")
        if len(values) > MAX_LIST_LENGTH:
            raise DistributionError(f"choice: at most {MAX_LIST_LENGTH} names are allowed")
        for i, v in enumerate(values):
            if not isinstance(v, str) or not NAME_RE.fullmatch(v):
                raise DistributionError(
                    f"choice: value {i} ({v!r}) is not a name; usage: {self.usage}"
                )
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise DistributionError(
                f"choice: {', '.join(twice)} given more than once; name each value once "
                f"(weights say how likely it is); usage: {self.usage}"
            )
        if self.weights is None:
            return
        weights = number_list(self.weights, "choice: weights")
        object.__setattr__(self, "weights", weights)
        if len(weights) != len(values):
            raise DistributionError(
                f"choice: {len(values)} names but {len(weights)} weights; give one weight per "
                f"name or omit the weights for equal ones; usage: {self.usage}"
            )
        if any(w < 0 for w in weights):
            raise DistributionError(f"choice: weights must be >= 0; usage: {self.usage}")
        total = math.fsum(weights)
        if not (total > 0 and math.isfinite(total)):
            raise DistributionError(
                f"choice: weights must sum to a positive finite total, got "
                f"{format_number(total)}; usage: {self.usage}"
            )

    def probabilities(self) -> np.ndarray:
        """Normalised weights, in the order the names are written."""
        if self.weights is None:
            return np.full(len(self.values), 1.0 / len(self.values))
        return np.asarray(self.weights, dtype=np.float64) / math.fsum(self.weights)

    def shares(self) -> dict[str, float]:
        """Name -> probability, in the order written."""
        return dict(zip(self.values, (float(p) for p in self.probabilities()), strict=True))

    def pick(self, u: np.ndarray) -> np.ndarray:
        """The index of the name each uniform in [0, 1] falls on (int64, same shape).

        ``u`` in [F_{k-1}, F_k) of the cumulative weights gives name k; ``u = 1`` the last
        name with a positive weight; a name of weight 0 is never picked.
        """
        u = np.asarray(u, dtype=np.float64)
        if not np.all((u >= 0.0) & (u <= 1.0)):
            raise ValueError("pick: u must lie in [0, 1]")
        p = self.probabilities()
        cum = np.cumsum(p)
        last = int(np.flatnonzero(p > 0)[-1])
        cum[last:] = 1.0
        return np.minimum(np.searchsorted(cum, u, side="right"), last).astype(np.int64)

    def to_shorthand(self) -> str:
        """Canonical text, ``choice([a, b])`` or ``choice([a, b], [3, 1])``; it parses back
        to an equal object."""
        text = "choice([" + ", ".join(self.values) + "]"
        if self.weights is not None:
            text += ", [" + ", ".join(format_number(w) for w in self.weights) + "]"
        return text + ")"

    def to_dict(self) -> dict[str, Any]:
        """Mapping form, ``{dist: choice, values: [...], weights: [...]}``."""
        out: dict[str, Any] = {"dist": "choice", "values": list(self.values)}
        if self.weights is not None:
            out["weights"] = list(self.weights)
        return out

    def __str__(self) -> str:
        return self.to_shorthand()
