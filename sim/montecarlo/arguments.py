"""The arguments of ``sim.run`` and ``sim.sweep``, checked before anything is built.

Python would let ``draws=2.5`` become 2, ``draws=True`` become 1 and ``seed=-0.5`` become
0; a dict or a YAML text passed as the scenario would fail later with a message about a
file. Each function here raises a :class:`TypeError` (a wrong kind of value) or a
:class:`ValueError` (a value out of range) naming the argument and what is allowed.

A judgement on whole numbers: a float that is whole (``draws=1e4``) is accepted, as
notebooks compute such numbers, and anything else that is not an integer is refused
(``2.5``, a boolean, text); the alternative, integers only, would refuse ``1e4``.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sim.io.labels import check_label
from sim.names import DESIGNS, SAMPLERS, SELECTION_RULES, SOLVER_METHODS
from sim.scenario import Scenario
from sim.scenario.keys import key

__all__ = [
    "MAX_DRAWS",
    "MAX_SEED",
    "check_overrides",
    "check_run_arguments",
    "check_scenario_argument",
    "checked_arguments",
    "whole",
]

#: The limits of ``montecarlo.draws`` and ``montecarlo.seed`` (the key table's).
MAX_DRAWS = int(key("montecarlo.draws").range.hi)
MAX_SEED = int(key("montecarlo.seed").range.hi)


def whole(value: Any, name: str, lo: int, hi: int | None = None) -> int | None:
    """``value`` as an int in [lo, hi], or None if it is None; raise naming ``name``."""
    if value is None:
        return None
    allowed = f"a whole number >= {lo:,}" + (f" and <= {hi:,}" if hi is not None else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        got = "a boolean" if isinstance(value, bool) else type(value).__name__
        raise TypeError(f"{name} must be {allowed}, got {got} {value!r}")
    if isinstance(value, numbers.Integral):
        n = int(value)
    elif math.isfinite(value) and float(value).is_integer():
        n = int(value)
    else:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    if n < lo or (hi is not None and n > hi):
        raise ValueError(f"{name} must be {allowed}, got {n:,}")
    return n


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(allowed)}, got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _callable(value: Any, name: str, what: str) -> None:
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be a function {what} or None, got {type(value).__name__}")


def check_scenario_argument(scenario: Any, name: str = "scenario") -> None:
    """A :class:`Scenario` or the path of a scenario file; refuse data and YAML text."""
    if isinstance(scenario, Scenario):
        return
    if isinstance(scenario, Mapping):
        raise TypeError(
            f"{name} must be a Scenario (sim.load_scenario(path)) or the path of a scenario "
            "file, got a dict; for data in memory use sim.scenario.validate_data(data), "
            "or write it to a .yaml file"
        )
    if isinstance(scenario, str) and ("\n" in scenario or scenario.lstrip().startswith("{")):
        raise ValueError(
            f"{name} looks like YAML text, not the path of a file; give the path, or parse the "
            "text with sim.scenario.parse_scenario_text(text)"
        )
    if not isinstance(scenario, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be a Scenario or the path of a scenario file, "
            f"got {type(scenario).__name__}"
        )


def check_overrides(overrides: Any, name: str = "overrides") -> None:
    """``{key path: value}``, or a list of ``"KEY=VALUE"`` strings or (key path, value) pairs."""
    allowed = (
        f"{name} must be a mapping {{key path: value}} or a list of 'KEY=VALUE' strings or "
        "(key path, value) pairs"
    )
    if overrides is None or isinstance(overrides, Mapping):
        if overrides is not None and not all(isinstance(k, str) for k in overrides):
            raise TypeError(f"{allowed}; a key is not text")
        return
    if isinstance(overrides, (str, bytes)):
        raise TypeError(f"{allowed}, got one string; wrap it in a list: [{overrides!r}]")
    if not isinstance(overrides, (list, tuple)):
        raise TypeError(f"{allowed}, got {type(overrides).__name__}")
    for i, item in enumerate(overrides):
        if isinstance(item, str):
            continue
        if isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str):
            continue
        raise TypeError(f"{allowed}; item {i} is {item!r}")


def check_run_arguments(
    *,
    scenario: Any,
    draws: Any,
    seed: Any,
    sampler: Any,
    workers: Any,
    overrides: Any,
    chunk_size: Any,
    method: Any,
    selection: Any,
    progress: Any,
    draws_sink: Any = None,
    label: Any = None,
    curves: Any = False,
    curves_sink: Any = None,
) -> None:
    """Raise TypeError/ValueError for the first argument of ``sim.run`` that is not allowed.

    ``selection`` is checked by :func:`sim.montecarlo.options.check_options`, which knows
    the rules that were removed and what replaced them.
    """
    check_scenario_argument(scenario)
    whole(draws, "draws", 1, MAX_DRAWS)
    whole(seed, "seed", 0, MAX_SEED)
    _choice(sampler, "sampler", SAMPLERS + DESIGNS)
    if workers is not None:  # None: the executor's default
        whole(workers, "workers", 1)
    check_overrides(overrides)
    whole(chunk_size, "chunk_size", 1)
    _choice(method, "method", SOLVER_METHODS)
    if selection is not None and not isinstance(selection, str):
        raise TypeError(
            f"selection must be one of {', '.join(SELECTION_RULES)}, got {type(selection).__name__}"
        )
    _callable(progress, "progress", "(done, total)")
    _callable(draws_sink, "draws_sink", "(table)")
    if not isinstance(curves, bool):
        raise TypeError(f"curves must be True or False, got {type(curves).__name__}")
    _callable(curves_sink, "curves_sink", "(table)")
    if curves_sink is not None and not curves:
        raise ValueError("curves_sink needs curves=True (without it the run has no curves)")
    check_label(label)


_F = TypeVar("_F", bound=Callable[..., Any])
_CHECKED = tuple(inspect.signature(check_run_arguments).parameters)


def checked_arguments(func: _F) -> _F:
    """Decorate ``sim.montecarlo.run``: its arguments pass :func:`check_run_arguments`
    (those it names; others are the function's own business) before the body runs.

    The signature and docstring are the function's (``inspect.signature`` and ``help``
    see through the wrapper), so the facade still states them once.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        check_run_arguments(**{k: v for k, v in bound.arguments.items() if k in _CHECKED})
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
