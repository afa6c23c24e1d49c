"""``sim.terms``: every assignment of the contested regions, graded on the same draws."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from sim.analysis.terms.engine import solve_term_sets
from sim.analysis.terms.grid import parse_regions, parse_shares, term_sets
from sim.analysis.terms.table import table_attrs, terms_table
from sim.montecarlo import RunOptions, check_options, default_chunk
from sim.scenario import Scenario, load_scenario, parse_scenario_text, parse_set_option

__all__ = ["terms"]


def _scenario(scenario: Scenario | str | os.PathLike, overrides: Any) -> Scenario:
    """The scenario: loaded from a path, or a loaded one with more overrides (as sim.run)."""
    if not isinstance(scenario, Scenario):
        return load_scenario(scenario, overrides=overrides)
    if not overrides:
        return scenario
    items = (
        [parse_set_option(o) if isinstance(o, str) else tuple(o) for o in overrides]
        if not isinstance(overrides, Mapping)
        else list(overrides.items())
    )
    if not scenario.source_text:
        raise ValueError("overrides need a scenario loaded from text; pass the path instead")
    return parse_scenario_text(
        scenario.source_text,
        scenario.source_path or "<scenario>",
        [*scenario.overrides, *items],
        default_name=scenario.name,
    )


def terms(
    scenario: Scenario | str | os.PathLike,
    regions: str | Sequence[str],
    *,
    shares: str | Sequence[float] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int = 1,
    overrides: Mapping[str, Any] | list[str] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Any = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Grade every assignment of ``regions`` with the rest of the terms as in the file.

    Every term set is solved on the same Monte Carlo draws (common random numbers), so
    differences between rows are the terms' alone; the row of the file's own terms is
    exactly what :func:`sim.run` gives with the same seed and draws.

    Parameters
    ----------
    scenario
        A :class:`~sim.scenario.Scenario` or the path of a scenario file.
    regions
        The negotiated regions: ``"r1,r2"`` or a list of region ids.
    shares
        None: each region goes whole to one side (2**k term sets). Else A's share of
        each region takes every value of this grid (``"0,0.5,1"``, ``"0:1:5"`` or a
        list of numbers in [0, 1]).
    draws, seed, sampler, workers, overrides, chunk_size, method, selection
        As for :func:`sim.run`, the same for every term set; ``workers`` and
        ``chunk_size`` never change a number.
    executor, scheduler
        Where the draws are solved, as for :func:`sim.run`; nothing depends on it.
    progress
        Called with (draws solved, draws x term sets).

    Returns
    -------
    DataFrame
        One row per term set (:mod:`sim.analysis.terms`): ``term_set`` (its id), a
        column per region (the holder's actor id, or A's share), ``own_terms``,
        ``accepted`` and ``accepted_by_<actor>``, ``holds_<k>`` with their intervals,
        ``value_<actor>``, the main breaker and cause, the t = 0 references and
        ``pareto``. ``attrs`` says what was run.

    Raises
    ------
    ScenarioError
        For an unknown region, a bad share, or too many term sets, before anything runs.
    """
    base = _scenario(scenario, overrides)
    names = parse_regions(base, regions)
    grid = parse_shares(shares)
    sets = term_sets(base, names, grid)
    mc = base.montecarlo
    opts = RunOptions(
        draws=int(mc.draws if draws is None else draws),
        seed=int(mc.seed if seed is None else seed),
        sampler=sampler or mc.sampler,
        chunk_size=int(chunk_size or default_chunk(base)),
        workers=max(1, int(workers)),
        method=method or base.solver.method,
        selection=selection or base.solver.selection,
    )
    check_options(opts)
    t0 = time.perf_counter()
    outcomes = solve_term_sets(base, names, sets, opts, progress, executor, scheduler)
    table = terms_table(base, names, sets, outcomes, opts)
    table.attrs.update(table_attrs(base, names, grid, opts))
    table.attrs["wall_seconds"] = time.perf_counter() - t0
    return table
