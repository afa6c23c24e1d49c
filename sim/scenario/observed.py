"""The ``observed`` block: what happened after a ceasefire, checked against its scenario.

``sim calibrate`` (:mod:`sim.calibration`) weighs a scenario's beliefs by how probable
they make what happened; ``sim run`` ignores the block. An observation is one of:

* **acceptance** alone: ``accepted: true`` (or ``false``: the terms were refused);
* **a break**: ``broke_after_years: 7.03``: the ceasefire was accepted and broke in the
  period that holds that time (period ``floor(years * periods per year)``); with
  ``broke_before_years: 8``, in that period or a later one that begins before 8 years (a
  window, for a model whose timing is not meant to be exact to the period); optionally
  ``broken_by`` an actor id, ``both`` or ``incident``;
* **a duration**: ``held_at_least_years: 70``: accepted, and still holding after that
  many whole periods (a censored observation);
* **a reference class**: ``survival: {1: 0.54, 2: 0.42, 5: 0.29}`` with ``cases: 48``:
  of that many agreed ceasefires, these shares still held after so many years. Each case
  is a ceasefire of its own: it shares with the others (and with the other cases of a
  calibration) only the shared beliefs, and draws the rest of the file's beliefs, its
  event times and its true type for itself.

A break, a duration or a table implies ``accepted: true``. The times must lie within the
horizon; a table's times must be whole periods and its shares may not rise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from sim.scenario.schema import Scenario

__all__ = ["BREAKERS", "break_periods", "elapsed_periods", "observed_problems", "table_periods"]

#: What ``broken_by`` may name besides an actor id.
BREAKERS = ("both", "incident")

Add = Callable[..., None]


def elapsed_periods(years: float, periods_per_year: int) -> int:
    """The whole periods in ``years``: ``floor(years * periods_per_year)``.

    A break after 7.03 years in quarters falls in period 28 (the quarter from 7.0 to 7.25
    years); a ceasefire that held 7.03 years held 28 whole quarters. A tolerance of 1e-9
    keeps 2.0 years from becoming 7.999... quarters.
    """
    return int(math.floor(years * periods_per_year + 1e-9))


def break_periods(after: float, before: float | None, periods_per_year: int) -> tuple[int, int]:
    """The first and last period (inclusive) of a break observed after ``after`` years and,
    with ``before``, before ``before`` years: the periods that begin in [after, before)
    besides the one holding ``after``."""
    first = elapsed_periods(after, periods_per_year)
    if before is None:
        return first, first
    last = int(math.ceil(before * periods_per_year - 1e-9)) - 1
    return first, max(first, last)


def table_periods(years: float, periods_per_year: int) -> int | None:
    """The period index of a survival table's time, or None unless it is whole periods."""
    t = years * periods_per_year
    return int(round(t)) if abs(t - round(t)) <= 1e-9 else None


def observed_problems(scn: Scenario, add: Add) -> None:
    """Add every problem of ``scn.observed`` through ``add(path, message, value, has_value)``."""
    obs = scn.observed
    if obs is None:
        return
    given = [
        k
        for k in ("broke_after_years", "held_at_least_years", "survival")
        if getattr(obs, k) is not None
    ]
    if not given and obs.accepted is None:
        add(("observed",), "give what happened: accepted, broke_after_years, "
            "held_at_least_years or survival")  # fmt: skip
        return
    if len(given) > 1:
        add(("observed",), f"give one of broke_after_years, held_at_least_years and survival, "
            f"not {' and '.join(given)}")  # fmt: skip
    if given and obs.accepted is False:
        add(("observed", "accepted"), f"{given[0]} says the ceasefire was agreed; leave "
            "accepted out or set it to true", False, True)  # fmt: skip
    _break(scn, add)
    if obs.held_at_least_years is not None:
        _within(scn, add, ("observed", "held_at_least_years"), obs.held_at_least_years, 0)
    if obs.survival is not None:
        _table(scn, add)
    elif obs.cases != 1:
        add(("observed", "cases"), "cases counts the ceasefires of a survival table; give "
            "observed.survival too, or leave cases out", obs.cases, True)  # fmt: skip


def _within(scn: Scenario, add: Add, path: tuple[str, ...], years: float, last: int) -> None:
    """A time whose whole periods must be at most ``horizon - last``."""
    if elapsed_periods(years, scn.periods_per_year) > scn.horizon - last:
        _beyond(scn, add, path, years)


def _beyond(scn: Scenario, add: Add, path: tuple[str, ...], years: float) -> None:
    add(path, f"lies beyond the horizon of {scn.horizon} periods "
        f"({scn.horizon / scn.periods_per_year:g} years); lengthen horizon or observe an "
        "earlier time", years, True)  # fmt: skip


def _break(scn: Scenario, add: Add) -> None:
    """A break lies within the horizon and names a known breaker."""
    obs = scn.observed
    assert obs is not None
    if obs.broke_after_years is not None:
        _within(scn, add, ("observed", "broke_after_years"), obs.broke_after_years, 1)
    before = obs.broke_before_years
    if before is not None:
        path = ("observed", "broke_before_years")
        if obs.broke_after_years is None:
            add(path, "closes a window that broke_after_years opens; give it too", before, True)
        elif before <= obs.broke_after_years:
            add(path, f"must be later than broke_after_years ({obs.broke_after_years:g})",
                before, True)  # fmt: skip
        else:
            last = break_periods(obs.broke_after_years, before, scn.periods_per_year)[1]
            if last > scn.horizon - 1:
                _beyond(scn, add, path, before)
    if obs.broken_by is None:
        return
    if obs.broke_after_years is None:
        add(("observed", "broken_by"), "says who broke the ceasefire; give broke_after_years "
            "too", obs.broken_by, True)  # fmt: skip
    allowed = [*scn.actor_ids, *BREAKERS]
    if obs.broken_by not in allowed:
        add(("observed", "broken_by"), f"unknown breaker; allowed: {', '.join(allowed)}",
            obs.broken_by, True)  # fmt: skip


def _table(scn: Scenario, add: Add) -> None:
    """A survival table: whole periods within the horizon, shares that never rise."""
    obs = scn.observed
    assert obs is not None and obs.survival is not None
    table: dict[float, float] = obs.survival
    path = ("observed", "survival")
    if not table:
        add(path, "give the share still holding after some years, e.g. {1: 0.54, 5: 0.29}")
        return
    ppy = scn.periods_per_year
    for years in table:
        t = table_periods(years, ppy)
        if t is None:
            add((*path, _fmt(years)), f"is not a whole number of {scn.period}s; give times "
                f"in steps of {1 / ppy:g} years", years, True)  # fmt: skip
        elif t > scn.horizon:
            _within(scn, add, (*path, _fmt(years)), years, 0)
    times = sorted(table)
    rising = [b for a, b in zip(times, times[1:], strict=False) if table[b] > table[a] + 1e-12]
    if rising:
        add(path, "a share still holding cannot rise with time (a ceasefire that broke stays "
            "broken)", {_fmt(y): table[y] for y in times}, True)  # fmt: skip


def _fmt(years: Any) -> str:
    return f"{years:g}"
