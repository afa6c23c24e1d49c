"""Run options: what a run was asked for, checked once, and the chunk size it runs in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.beliefs import Categorical
from sim.names import DESIGNS, REMOVED_RULES, SAMPLERS, SELECTION_RULES, SOLVER_METHODS
from sim.scenario import Scenario

__all__ = [
    "DEFAULT_CHUNK",
    "RunOptions",
    "check_options",
    "default_chunk",
    "milestones",
    "solver_settings",
]

#: Largest default chunk, in draws. Chosen by measurement (``benchmarks/run.py``;
#: freeze_lines, 4,096 draws on the 2-core machine): 2.35 ms a draw in chunks of 2,048
#: against 2.63 in chunks of 4,096 and 2.53 in chunks of 1,024. Larger chunks spill the
#: model's per-period arrays (rows x regions) out of the CPU caches; smaller ones pay
#: numpy's per-call overhead more often. Chunks of 2,048 also give two workers ten
#: chunks of a 20,000-draw run to share instead of three. Chunking never changes an
#: answer (every draw's numbers come from its own blocks; sums are exact).
DEFAULT_CHUNK = 2048


@dataclass(frozen=True)
class RunOptions:
    """The settings of one run (the scenario's own, or as overridden by the caller).

    ``chunk_size``, ``workers`` and ``executor`` (where the chunks were solved, and by how
    many workers at once) change how a run is computed, never its numbers; ``posterior``
    draws the beliefs it holds from a calibration instead of the file. ``curves`` asks for
    each draw's survival at every period (``curves.parquet``); it adds a table and changes
    no other number. ``selection`` is a rule, or a :class:`~sim.beliefs.Categorical` of
    rules when the scenario samples it (each draw then takes one; see
    :mod:`sim.montecarlo.rules`).
    """

    draws: int
    seed: int
    sampler: str
    chunk_size: int
    workers: int
    method: str
    selection: str | Categorical
    executor: str = "local"
    #: The shared beliefs from a calibration (:class:`~sim.montecarlo.posterior.Posterior`).
    posterior: Any = field(default=None, compare=False)
    curves: bool = False


def solver_settings(opts: RunOptions) -> dict[str, Any]:
    """The structural settings a run rests on, as ``summary.json`` records them (``solver``).

    ``method`` and ``selection`` (the rule, or the text of a sampled choice such as
    ``choice([peaceful, qre])``); with a sampled rule also ``selection_weights``, each
    rule's probability in the order written.
    """
    sel = opts.selection
    out: dict[str, Any] = {"method": opts.method, "selection": str(sel)}
    if isinstance(sel, Categorical):
        out["selection_weights"] = sel.shares()
    return out


def milestones(scn: Scenario) -> dict[str, int]:
    """Headline horizons within the scenario's horizon: label -> period index."""
    ppy = scn.periods_per_year
    return {f"{y}y": y * ppy for y in (1, 2, 5, 10) if y * ppy <= scn.horizon}


def default_chunk(scn: Scenario) -> int:
    """Draws per chunk that keep a chunk's working set near 200 MB.

    Per draw the backward induction holds about 80 + 10 R float64 arrays per event state
    and 16 per period on the realised path (measured: freeze_lines, 8 states, 8 regions,
    49 periods, about 18 kB a draw).
    """
    S, R, T = 2 ** len(scn.events), len(scn.regions), scn.horizon
    per_draw = 8 * (S * (80 + 10 * R) + 16 * (T + 1))
    return int(max(64, min(DEFAULT_CHUNK, 200_000_000 // per_draw)))


def check_options(opts: RunOptions) -> None:
    """Raise ValueError naming the option and what is allowed."""
    if opts.draws < 1:
        raise ValueError(f"draws must be >= 1 (got {opts.draws})")
    if opts.seed < 0:
        raise ValueError(f"seed must be >= 0 (got {opts.seed})")
    if opts.sampler not in SAMPLERS + DESIGNS:
        allowed = ", ".join(SAMPLERS + DESIGNS)
        raise ValueError(f"sampler must be one of {allowed} (got {opts.sampler!r})")
    if opts.chunk_size < 1:
        raise ValueError(f"chunk size must be >= 1 (got {opts.chunk_size})")
    if opts.method not in SOLVER_METHODS:
        raise ValueError(
            f"solver method must be one of {', '.join(SOLVER_METHODS)} (got {opts.method!r})"
        )
    rules = opts.selection.values if isinstance(opts.selection, Categorical) else (opts.selection,)
    for rule in rules:
        if rule in REMOVED_RULES:
            raise ValueError(REMOVED_RULES[rule])
        if rule not in SELECTION_RULES:
            raise ValueError(
                f"selection must be one of {', '.join(SELECTION_RULES)} (got {rule!r})"
            )
