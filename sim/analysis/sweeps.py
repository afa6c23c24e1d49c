"""Sweeps: run one scenario over a grid of assumptions.

::

    table = sim.sweep("scenarios/freeze_lines.yaml",
                      vary={"actors.russia.rebuild_rate": "0.03:0.10:4",
                            "events.support_fades.hazard": [0.0, 0.02, 0.05]},
                      draws=2000)

Each varied key path is applied as an override (like ``--set``) on top of the scenario
and of any ``overrides``; a value may be a number, a word, or a distribution shorthand.
Every grid point runs with the same seed and number of draws: **common random numbers**,
so the other assumptions take the same sampled values at every grid point and the
differences between points are not Monte Carlo noise (curves come out smooth). Keep in
mind that fixing a varied assumption removes it from the sampled ones.

Any number of keys may be varied, up to :data:`MAX_POINTS` grid points in all (checked
from the sizes alone, before a single value list or grid is built). The table has one row
per grid point (the first key varies slowest): the varied values, then the headline
figures with their 95% intervals and the survival of an accepted ceasefire
(:func:`sim.analysis.headline_figures`). :func:`write_sweep` writes ``sweep.csv``,
``sweep.json`` and ``sweep.png`` (lines with bands for one key, a heatmap of P(holds 5
years) for two; with more keys, one heatmap of the first two per combination of the
others, see :func:`sim.plots.plot_sweep`) atomically, through the same
atomic folder as a run's result (:mod:`sim.io.atomic`); the figure is drawn by a function
the caller supplies (the command line passes :func:`sim.api.sweep_figure`, which draws
with :func:`sim.plots.save_sweep`), since analysis never imports plotting.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.comparison import headline_figures
from sim.errors import BudgetError
from sim.io import ResultError
from sim.io.atomic import AtomicFolder
from sim.io.manifest import file_list
from sim.montecarlo import RunOptions, default_chunk, run_many
from sim.montecarlo.arguments import check_run_arguments
from sim.montecarlo.budget import TIME_BUDGET_SECONDS, check_budget, human_seconds
from sim.scenario import (
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario_text,
    parse_set_option,
)

__all__ = [
    "MAX_POINTS",
    "USAGE",
    "SweepFigure",
    "grid_values",
    "parse_vary",
    "sweep",
    "write_sweep",
]

#: Version of ``sweep.json``: 1 lists every file of the folder (``files``), so a later
#: sweep into it knows that replacing it deletes nothing else.
SWEEP_FORMAT = 1
#: A larger grid is refused (a typo such as 0:1:1000 would otherwise run for hours).
MAX_POINTS = 2500
#: Draws the figure of a sweep table to a path in a format: ``figure(table, path, fmt)``.
SweepFigure = Callable[[pd.DataFrame, Path, str], Path]
_RANGE = re.compile(r"^\s*([^:]+):([^:]+):([^:]+)\s*$")
#: The forms of a ``--vary`` option, for messages.
USAGE = "KEY=START:STOP:NUM (e.g. actors.russia.rebuild_rate=0.03:0.1:5) or KEY=v1,v2,v3"


def _problem(key: str, message: str, value: Any = None) -> ScenarioError:
    return ScenarioError([Problem("--vary", None, key, message, value, value is not None)])


def parse_vary(text: str) -> tuple[str, list[Any]]:
    """Parse one ``--vary`` option into (key path, values).

    ``KEY=START:STOP:NUM`` gives ``NUM`` evenly spaced numbers from START to STOP
    (integers when START and STOP are integers and the steps are whole);
    ``KEY=v1,v2,v3`` gives the listed values, each read like a ``--set`` value (commas
    inside a distribution's brackets do not split). Raises :class:`ScenarioError` with a
    message naming the problem.
    """
    if "=" not in text:
        raise _problem("", f"expected {USAGE}", text)
    key, spec = text.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise _problem(key, "the key must be a dotted key path such as war.first_strike", text)
    return key, grid_values(key, spec)


def grid_values(key: str, spec: str | Sequence[Any] | np.ndarray) -> list[Any]:
    """The values of one varied key: a ``START:STOP:NUM`` or ``v1,v2`` string, or a list."""
    if isinstance(spec, np.ndarray):
        spec = spec.tolist()
    if isinstance(spec, (list, tuple)):
        if len(spec) > MAX_POINTS:  # before anything else looks at each value
            raise _problem(
                key, f"{len(spec):,} values; a sweep has at most {MAX_POINTS:,} grid points"
            )
        values = [v.item() if isinstance(v, np.generic) else v for v in spec]
        if not values:
            raise _problem(key, "no values to vary over", list(spec))
        return _distinct(key, values)
    if not isinstance(spec, str):
        raise _problem(key, f"expected a list of values or a string {USAGE.split('=', 1)[1]}", spec)
    spec = spec.strip()
    if not spec:
        raise _problem(key, f"no values; expected {USAGE}", spec)
    m = _RANGE.match(spec)
    if m and "(" not in spec:
        return _range(key, spec, *m.groups())
    if ":" in spec and "(" not in spec and "," not in spec:
        raise _problem(key, "a range is START:STOP:NUM, e.g. 0.03:0.1:5", spec)
    if spec.count(",") >= MAX_POINTS:
        raise _problem(
            key, f"{spec.count(',') + 1:,} values; a sweep has at most {MAX_POINTS:,} grid points"
        )
    items = _split_top_level(spec)
    if any(not item.strip() for item in items):
        raise _problem(key, "empty value in the list; write v1,v2,v3", spec)
    values = [parse_set_option(f"{key}={item.strip()}")[1] for item in items]
    return _distinct(key, values)


def _range(key: str, spec: str, start: str, stop: str, num: str) -> list[Any]:
    try:
        n = int(num)
    except ValueError:
        raise _problem(
            key, "NUM in START:STOP:NUM must be a whole number of grid points", spec
        ) from None
    if n < 1:
        raise _problem(key, "NUM in START:STOP:NUM must be at least 1", spec)
    if n > MAX_POINTS:
        raise _problem(key, f"{n:,} values; a sweep has at most {MAX_POINTS:,} grid points", spec)
    try:
        a, b = float(start), float(stop)
    except ValueError:
        raise _problem(key, "START and STOP in START:STOP:NUM must be numbers", spec) from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise _problem(key, "START and STOP must be finite numbers", spec)
    if n > 1 and a == b:
        raise _problem(key, "START and STOP are equal; give a range or a single value", spec)
    values = np.linspace(a, b, n)
    if _is_int(start) and _is_int(stop) and np.allclose(values, np.round(values)):
        return [int(round(v)) for v in values]
    return [float(np.round(v, 12)) for v in values]


def _is_int(text: str) -> bool:
    return re.fullmatch(r"\s*[+-]?\d+\s*", text) is not None


def _split_top_level(spec: str) -> list[str]:
    """Split at commas outside (), [] and {}."""
    out, depth, cur = [], 0, []
    for ch in spec:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _distinct(key: str, values: list[Any]) -> list[Any]:
    """``values``, refusing one listed twice (the same type and value); linear time for
    the hashable values (numbers, text), a scan for the rare others (mappings)."""
    seen: set = set()
    others: list = []
    for v in values:
        try:
            marker = (type(v), v)
            if marker in seen:
                raise _problem(key, "a value is listed twice", v)
            seen.add(marker)
        except TypeError:  # unhashable: a mapping or a list
            if any(type(v) is type(s) and v == s for s in others):
                raise _problem(key, "a value is listed twice", v) from None
            others.append(v)
    return values


def _as_items(
    overrides: Mapping[str, Any] | Sequence[str] | Sequence[tuple[str, Any]] | None,
) -> list[tuple]:
    if not overrides:
        return []
    if isinstance(overrides, Mapping):
        return list(overrides.items())
    return [parse_set_option(o) if isinstance(o, str) else tuple(o) for o in overrides]


def _as_vary(vary: Mapping[str, Any] | Sequence[str]) -> dict[str, list[Any]]:
    """``{key: spec}`` or ``["KEY=SPEC", ...]`` -> ``{key: values}``."""
    if isinstance(vary, str):
        vary = [vary]
    if isinstance(vary, Mapping):
        pairs = [(_vary_key(k), grid_values(k, v)) for k, v in vary.items()]
    elif isinstance(vary, (list, tuple)):
        pairs = [parse_vary(_vary_key(v)) for v in vary]
    else:
        raise TypeError(
            "vary must be a mapping {key path: values} or a list of 'KEY=SPEC' strings, "
            f"got {type(vary).__name__}"
        )
    total = math.prod(len(values) for _, values in pairs)
    if total > MAX_POINTS:  # before the grid is built
        raise _problem(
            ", ".join(k for k, _ in pairs),
            f"{total:,} grid points; at most {MAX_POINTS:,} (each is a full run)",
            total,
        )
    if not pairs:
        raise _problem("", f"nothing to vary; give {USAGE}")
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _problem(keys[0], "the same key path is varied twice")
    return dict(pairs)


def _vary_key(k: Any) -> str:
    if not isinstance(k, str):
        raise TypeError(f"vary: a key path must be text, got {type(k).__name__} {k!r}")
    return k


def _point_scenario(
    text: str, file: str, name: str, items: list[tuple[str, Any]], vary_keys: set[str]
) -> Scenario:
    try:
        return parse_scenario_text(text, file, items, default_name=name)
    except ScenarioError as exc:  # name --vary (not --set) for the varied keys
        raise ScenarioError(
            [
                dataclasses.replace(p, file="--vary")
                if p.file == "--set" and p.path in vary_keys
                else p
                for p in exc.problems
            ]
        ) from None


def sweep(
    scenario: Scenario | str | os.PathLike,
    vary: Mapping[str, Any] | Sequence[str],
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    overrides: Mapping[str, Any] | Sequence[str] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run ``scenario`` at every point of a grid over any number of key paths.

    Every grid point's chunks go to one executor (:func:`sim.montecarlo.run_many`); a
    point's figures are those of :func:`sim.run` with the same options.

    Parameters
    ----------
    scenario
        A :class:`Scenario` (its ``--set`` overrides are kept) or a scenario file.
    vary
        ``{key path: values}``: a list of values, a ``"START:STOP:NUM"`` range or a
        ``"v1,v2,v3"`` list; or ``["KEY=SPEC", ...]`` as given to ``--vary``.
    draws, seed, sampler
        As for :func:`sim.run`; the same at every grid point (common random numbers).
        Default: the scenario's ``montecarlo`` section.
    overrides
        Further key path -> value overrides applied at every point (the varied keys win).
    workers, executor, scheduler
        Where the chunks are solved, as for :func:`sim.run`; results do not depend on them.
    progress
        Called with (grid points done, grid points total) after each point.

    Returns
    -------
    DataFrame
        One row per grid point: the varied key paths, then ``p_accepted``,
        ``p_holds_<k>`` (each with ``_ci_low``/``_ci_high``),
        ``p_holds_if_accepted_<k>`` and ``median_duration_years``. ``attrs`` holds
        ``scenario``, ``title``, ``vary`` (the key paths), ``draws``, ``seed``,
        ``sampler`` and ``overrides``.

    Raises
    ------
    ScenarioError
        For a malformed ``vary``, more than :data:`MAX_POINTS` grid points, or a key path
        or value the scenario does not accept, before anything runs.
    TypeError, ValueError, BudgetError
        An argument of the wrong kind or range (``draws=2.5``), as :func:`sim.run`; grid
        points that together would take longer than a run may.
    """
    _check_arguments(scenario, draws, seed, sampler, overrides, workers, progress)
    grid = _as_vary(vary)
    base = _base_scenario(scenario)
    fixed = [(k, v) for k, v in [*base.overrides, *_as_items(overrides)] if k not in grid]
    keys = list(grid)
    points = list(itertools.product(*grid.values()))
    scenarios = _point_scenarios(base, fixed, keys, points)  # all checked before any runs
    mc = scenarios[0].montecarlo
    draws = int(mc.draws if draws is None else draws)
    seed = int(mc.seed if seed is None else seed)
    sampler = sampler or mc.sampler
    _check_sweep_budget(scenarios[0], draws, seed, sampler, workers, len(points))
    run = dict(draws=draws, seed=seed, sampler=sampler, workers=workers, progress=progress)
    figures = _headlines(scenarios, run, executor, scheduler)
    rows = [{**dict(zip(keys, point, strict=True)), **figures[i]} for i, point in enumerate(points)]
    table = _table(rows, grid)
    table.attrs.update(
        scenario=base.name,
        title=base.title,
        scenario_file=base.source_path or None,
        vary=keys,
        draws=draws,
        seed=seed,
        sampler=sampler,
        overrides=[[k, v] for k, v in fixed],
    )
    return table


def _headlines(
    scenarios: list[Scenario], run: dict[str, Any], executor: Any, scheduler: str | None
) -> dict[int, dict[str, Any]]:
    """The headline figures of every grid point, by index, through one executor."""
    return {
        i: headline_figures(result.summary)
        for i, result in run_many(scenarios, executor=executor, scheduler=scheduler, **run)
    }


def _check_arguments(scenario, draws, seed, sampler, overrides, workers, progress) -> None:
    """The arguments of :func:`sweep` that :func:`sim.montecarlo.run` also takes."""
    check_run_arguments(
        scenario=scenario,
        draws=draws,
        seed=seed,
        sampler=sampler,
        workers=workers,
        overrides=overrides,
        chunk_size=None,
        method=None,
        selection=None,
        progress=progress,
    )


def _check_sweep_budget(scn: Scenario, draws, seed, sampler, workers, points: int) -> None:
    """Refuse a sweep whose grid points together would take longer than a run may."""
    opts = RunOptions(
        draws=draws,
        seed=seed,
        sampler=sampler,
        chunk_size=default_chunk(scn),
        workers=int(workers or 1),
        method=scn.solver.method,
        selection=scn.solver.selection,
    )
    one = check_budget(scn, opts, streamed=False)  # memory is that of one point
    if one.seconds * points > TIME_BUDGET_SECONDS:
        raise BudgetError(
            f"this sweep would take about {human_seconds(one.seconds * points)} ({points:,} "
            f"grid points of about {human_seconds(one.seconds)} each); the limit is "
            f"{human_seconds(TIME_BUDGET_SECONDS)}: lower --draws or use fewer grid points"
        )


def _point_scenarios(
    base: Scenario, fixed: list[tuple[str, Any]], keys: list[str], points: list[tuple]
) -> list[Scenario]:
    """The scenario of every grid point: the fixed overrides, then the point's values."""
    text, file, name = base.source_text, base.source_path or "<scenario>", base.name
    return [
        _point_scenario(text, file, name, [*fixed, *zip(keys, p, strict=True)], set(keys))
        for p in points
    ]


def _table(rows: list[dict[str, Any]], grid: dict[str, list[Any]]) -> pd.DataFrame:
    """The rows as a table; a varied key with a non-number value keeps its values as given."""
    table = pd.DataFrame(rows)
    for k, values in grid.items():
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            table[k] = table[k].astype(object)
    return table


def _base_scenario(scenario: Scenario | str | os.PathLike) -> Scenario:
    if isinstance(scenario, Scenario):
        if not scenario.source_text:
            raise ValueError(
                "sweeps need a scenario loaded from text (sim.load_scenario); pass the path instead"
            )
        return scenario
    return load_scenario(scenario)


def write_sweep(
    table: pd.DataFrame,
    out: str | os.PathLike,
    *,
    plots: bool = True,
    fmt: str = "png",
    command: str | None = None,
    figure: SweepFigure | None = None,
) -> Path:
    """Write ``sweep.csv``, ``sweep.<fmt>`` and ``sweep.json`` (what was run) into ``out``.

    The folder is written like a run's result (:class:`sim.io.atomic.AtomicFolder`):
    into a hidden temporary folder beside ``out``, renamed into place when complete,
    replacing an earlier sweep or result only then and never a folder of other files.
    ``sweep.json`` is written last and marks the folder complete.

    Parameters
    ----------
    table
        A sweep table from :func:`sweep`.
    out
        The folder.
    plots
        Draw the figure, with ``figure``; this layer does not import plotting, so
        ``plots=True`` without a ``figure`` raises :class:`ResultError` before anything
        is written (never a silent folder without its figure).
    fmt
        Figure format: ``png``, ``svg`` or ``pdf``.
    command
        The command recorded in ``sweep.json`` (default: the process's command line).
    figure
        Draws the figure of a sweep table to a path in a format and returns the path:
        ``figure(table, path, fmt)``, e.g. :func:`sim.plots.save_sweep`.
    """
    if plots and figure is None:
        raise ResultError(
            "write_sweep needs figure= (e.g. sim.plots.save_sweep) to draw the sweep's figure, "
            "and nothing was written: pass it, or plots=False to write the tables only"
        )

    def fill(tmp: Path) -> None:
        table.to_csv(tmp / "sweep.csv", index=False)
        if plots and figure is not None:
            figure(table, tmp / f"sweep.{fmt}", fmt)
        meta = {"format_version": SWEEP_FORMAT, **table.attrs}
        meta.update(
            rows=len(table),
            command=command if command is not None else " ".join(sys.argv),
            files=file_list(tmp, exclude="sweep.json"),
        )
        with open(tmp / "sweep.json", "w", encoding="utf-8") as fh:  # last: marks it complete
            json.dump(meta, fh, indent=2, default=str)
            fh.write("\n")

    # only an empty folder or an earlier result/sweep is replaced
    return AtomicFolder(out).write("sweep", fill)
