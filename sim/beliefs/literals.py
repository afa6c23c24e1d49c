"""Finite numbers as beliefs accept them: the one number syntax, and the error they raise.

Every parameter of a distribution, in the shorthand or in the mapping form, passes
:func:`finite_number` (or :func:`number_list` for the lists of ``choice``): an ``int`` or
``float`` that is finite (``bool`` is refused even though it is an ``int``), or a string
that is exactly one number in the syntax of :data:`NUMBER_RE`. The string case exists
because PyYAML (YAML 1.1) loads ``1e-3`` (an exponent without a dot) as a *string*;
``nan``, ``inf``, ``1_000`` and hex stay errors. Inputs are bounded
(:data:`MAX_TEXT_LENGTH` characters, :data:`MAX_LIST_LENGTH` list elements).

This module imports only numpy, so that the grammar and the distribution classes can
share it without importing each other.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "MAX_LIST_LENGTH",
    "MAX_TEXT_LENGTH",
    "NUMBER_RE",
    "DistributionError",
    "finite_number",
    "format_number",
    "number_list",
]

MAX_TEXT_LENGTH = 1000
"""Longest shorthand text accepted, in characters."""
MAX_LIST_LENGTH = 1000
"""Most elements accepted in a ``choice`` list."""

NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
"""The number syntax of the shorthand: ``3``, ``-0.25``, ``.5``, ``1.5e-3`` (a sign directly
attached; no ``_``, no hex, no ``nan`` or ``inf``)."""


class DistributionError(ValueError):
    """A distribution that is malformed, invalid or out of range.

    ``position`` is the 0-based character offset of the problem in the shorthand text,
    or ``None`` when it does not apply.
    """

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


def format_number(x: float) -> str:
    """Shortest text that reads back as exactly ``x`` (``1.0`` is written ``1``)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def finite_number(value: Any, what: str) -> float:
    """A finite float from an int/float (not bool) or a string holding exactly one number.

    Parameters
    ----------
    value
        The value as written (a number, or text that PyYAML did not read as one).
    what
        How the value is named in the message, e.g. ``"uniform: low"``.

    Raises
    ------
    DistributionError
        When ``value`` is a boolean, other text, another type, or not finite.
    """
    if isinstance(value, (bool, np.bool_)):
        raise DistributionError(f"{what} must be a number, got the boolean {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_TEXT_LENGTH or not NUMBER_RE.fullmatch(text):
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
        raise DistributionError(f"{what} must be finite, got {format_number(value)}")
    return value


def number_list(value: Any, what: str) -> tuple[float, ...]:
    """A tuple of finite floats from a list (at most :data:`MAX_LIST_LENGTH` elements).

    Each element passes :func:`finite_number`, named ``what[i]`` in messages.
    """
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (Sequence, np.ndarray)):
        raise DistributionError(
            f"{what} must be a list of numbers such as [1, 2, 3], got {type(value).__name__}"
        )
    if len(value) > MAX_LIST_LENGTH:
        raise DistributionError(
            f"{what} has {len(value)} elements; at most {MAX_LIST_LENGTH} are allowed"
        )
    return tuple(finite_number(v, f"{what}[{i}]") for i, v in enumerate(value))
