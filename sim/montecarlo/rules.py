"""Each draw's selection rule, when the rule is itself a belief, and a chunk solved by rule.

With ``solver.selection: choice([peaceful, qre], [3, 1])`` the equilibrium selection rule
is a sampled assumption like any uncertain number: it takes the sampler's column after
every uncertain number (:func:`design_keys`), so a file with one rule keeps its draws, and
each draw's rule is the choice's inverse at that column's uniform
(:meth:`sim.beliefs.Categorical.pick`). A chunk is then solved one rule at a time, each on
its own draws, and the parts are laid back in draw order (:func:`solve_by_rule`, with
:func:`sim.model.take_rows` / :func:`sim.model.put_rows`): a draw's numbers are those it
has in a run of its rule alone. A rule given to the run (``selection=`` of
:func:`sim.run`) replaces the choice, and the draws have no rule column.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.beliefs import Categorical
from sim.model import ChunkOutput, Params, put_rows, solve_chunk
from sim.names import SELECTION_KEY
from sim.scenario import Scenario

__all__ = ["design_keys", "sampled_rule", "solve_by_rule", "take_samples"]


def sampled_rule(opts: Any) -> Categorical | None:
    """The run's selection rule as a belief (``opts.selection`` a choice), or None."""
    sel = getattr(opts, "selection", None)
    return sel if isinstance(sel, Categorical) else None


def design_keys(scn: Scenario, opts: Any) -> list[str]:
    """The sampler's columns, in order: every uncertain number, then the rule when sampled."""
    keys = list(scn.uncertain())
    return keys + [SELECTION_KEY] if sampled_rule(opts) is not None else keys


def take_samples(samples: dict[str, Any], rows: np.ndarray) -> dict[str, Any]:
    """The sampled values of draws ``rows``: each array cut, fixed numbers kept."""
    return {p: v[rows] if isinstance(v, np.ndarray) else v for p, v in samples.items()}


def solve_by_rule(
    scn: Scenario,
    samples: dict[str, Any],
    event_u: np.ndarray,
    *,
    method: str,
    selection: str | Categorical,
    keep_power: bool = False,
) -> ChunkOutput:
    """Solve a chunk's draws, each under its own rule when the rule is sampled.

    Parameters
    ----------
    scn
        The scenario.
    samples
        The chunk's values by key path (:func:`sim.montecarlo.sample_beliefs`); with a
        sampled rule, ``samples["solver.selection"]`` holds each draw's rule.
    event_u
        (n, k) the uniforms of each draw's event times.
    method, selection
        The solver method, and the rule (a name) or the sampled choice.
    keep_power
        Keep A's neutral win probability per state and period (every draw of the chunk).
    """
    n = len(event_u)
    if not isinstance(selection, Categorical):
        params = Params.from_samples(scn, samples, n)
        return solve_chunk(
            scn, params, event_u, method=method, selection=selection, keep_power=keep_power
        )
    rules = np.asarray(samples[SELECTION_KEY])
    parts = []
    for rule in selection.values:
        rows = np.flatnonzero(rules == rule)
        if rows.size == 0:
            continue
        sub = take_samples(samples, rows)
        params = Params.from_samples(scn, sub, rows.size)
        out = solve_chunk(
            scn, params, event_u[rows], method=method, selection=rule, keep_power=keep_power
        )
        parts.append((rows, out))
    return put_rows(parts, n)
