"""One chunk of draws: sample, solve, tell each draw's story, and sum exactly.

:func:`solve_draws` is the unit of work of a run (a top-level function, so worker
processes can run it): draws [start, stop) are sampled, solved by the model, and turned
into rows of the draws table and exact sums for the headline figures
(:class:`sim.montecarlo.summary.Sums`), and, on request, rows of ``curves.parquet``
(each draw's survival at every period).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim import beliefs
from sim.model import ChunkOutput
from sim.montecarlo.options import RunOptions, milestones
from sim.montecarlo.rules import solve_by_rule
from sim.montecarlo.sampling import draw_stories, sample_beliefs
from sim.montecarlo.summary import Sums, chunk_sums, power_periods
from sim.names import CAUSES, SELECTION_KEY
from sim.scenario import Scenario

__all__ = ["POWER_DRAWS", "ChunkResult", "solve_draws"]

#: A's win probability per state and period is kept for the first draws only (for plots).
POWER_DRAWS = 1000


@dataclass
class ChunkResult:
    """What a chunk hands back to the run: its rows, its exact sums, its power paths, and
    (when the run asks for them, :attr:`RunOptions.curves`) its survival curves."""

    start: int
    draws: pd.DataFrame
    sums: Sums
    power: np.ndarray | None
    curves: pd.DataFrame | None = None


def solve_draws(task: tuple[Scenario, RunOptions, int, int]) -> ChunkResult:
    """Solve draws [start, stop) of a run; ``task`` is (scenario, options, start, stop)."""
    scn, opts, start, stop = task
    n = stop - start
    k = len(scn.events)
    samples = sample_beliefs(scn, opts, start, stop)
    # per draw: event times, when it breaks, who breaks it; its true type, with types, from
    # a stream of its own (so that a file with types keeps the event times of one without)
    story_u = draw_stories(scn, opts, start, stop, k + 2)
    # Parameters at the edge of sense (flows of 1e306 over 1 - δ = 1e-6) overflow to inf;
    # the model's finiteness checks turn that into a ModelError naming the cause, so the
    # floating-point warnings on the way there are noise, not news.
    # A sampled selection rule: each draw is solved under its own (sim.montecarlo.rules).
    with np.errstate(over="ignore", invalid="ignore"):
        out = solve_by_rule(
            scn,
            samples,
            story_u[:, :k],
            method=opts.method,
            selection=opts.selection,
            keep_power=start < POWER_DRAWS,
        )
    told = out
    if out.types is not None:
        type_u = draw_stories(scn, opts, start, stop, 1, beliefs.STREAM_TYPES)[:, 0]
        told = _true_type(out, type_u)
    story = _stories(scn, told, story_u[:, k], story_u[:, k + 1])
    draws = _draws_table(scn, start, samples, out, told, story)
    power = None
    if out.power is not None:  # only the periods power.csv reports: bounded whatever T
        power = out.power[: min(n, POWER_DRAWS - start)][:, :, power_periods(scn.horizon)]
    curves = _curves_table(start, out) if opts.curves else None
    return ChunkResult(start, draws, chunk_sums(out), power, curves)


@dataclass
class _Story:
    broke: np.ndarray  # (n,) bool: the draw's ceasefire breaks within the horizon
    period: np.ndarray  # (n,) the break period (0 where it does not break)
    who: np.ndarray  # (n,) 0 A, 1 B, 2 both, 3 incident
    cause: np.ndarray  # (n,) cause code of the break


def _stories(scn: Scenario, out, u_when: np.ndarray, u_who: np.ndarray) -> _Story:
    """A story per draw: invert the survival curve with one uniform, pick the breaker with
    a second, in proportion to the category probabilities at the break period."""
    surv = out.survival
    n, T = surv.shape[0], scn.horizon
    target = u_when * surv[:, 0]
    broke_by = surv[:, 1:] <= target[:, None]  # (n, T) True from the break period on
    broke = out.accepted.astype(bool) & broke_by[:, -1] if T else np.zeros(n, bool)
    tb = np.where(broke, np.argmax(broke_by, axis=1), 0)
    idx = np.arange(n)
    cats = np.stack(
        [
            out.p_a_only[idx, tb],
            out.p_b_only[idx, tb],
            out.p_both[idx, tb],
            out.p_incident[idx, tb],
        ],
        axis=1,
    )
    tot = cats.sum(axis=1, keepdims=True)
    cum = np.cumsum(cats, axis=1) / np.where(tot > 0, tot, 1.0)
    who = np.minimum((u_who[:, None] > cum).sum(axis=1), 3)
    incident = len(CAUSES) - 1
    return _Story(broke, tb, who, np.where(who == 3, incident, out.cause[idx, tb]))


@dataclass
class _Told:
    """A draw's story with private information: the outcomes of its true type."""

    type_index: np.ndarray  # (n,)
    accepted: np.ndarray
    rejected_by: np.ndarray
    reject_cause: np.ndarray
    survival: np.ndarray
    p_a_only: np.ndarray
    p_b_only: np.ndarray
    p_both: np.ndarray
    p_incident: np.ndarray
    cause: np.ndarray


def _true_type(out: ChunkOutput, u_type: np.ndarray) -> _Told:
    """Draw each draw's true type from its prior with one uniform; its outcomes tell the
    story (the chunk's probabilities stay mixtures over the types)."""
    ty = out.types
    assert ty is not None
    cum = np.cumsum(ty.prior, axis=1)
    j = np.minimum((u_type[:, None] >= cum).sum(axis=1), ty.prior.shape[1] - 1)
    rows = np.arange(j.size)
    return _Told(
        j, ty.accepted[rows, j], ty.rejected_by[rows, j], ty.reject_cause[rows, j],
        ty.survival[rows, j], ty.p_a_only[rows, j], ty.p_b_only[rows, j], ty.p_both[rows, j],
        ty.p_incident[rows, j], ty.cause[rows, j],
    )  # fmt: skip


def _text(values: np.ndarray, present: np.ndarray) -> pd.arrays.StringArray:
    """A text column: ``values`` where ``present``, missing (NA, null in parquet) elsewhere."""
    return pd.array(np.where(present, values, None), dtype="string")


def _periods(per: np.ndarray, horizon: int) -> pd.arrays.IntegerArray:
    """A period column: the period where it is within the horizon, missing elsewhere."""
    within = per <= horizon
    arr = pd.array(np.where(within, per, 0).astype(np.int64), dtype="Int64")
    arr[~within] = pd.NA
    return arr


def _draws_table(
    scn: Scenario, start: int, samples: dict[str, Any], out: ChunkOutput, told, story: _Story
) -> pd.DataFrame:
    """The chunk's rows of ``draws.parquet``: sampled beliefs, then the draw's outcome.

    A sampled selection rule is the last belief column, ``solver.selection`` (text). The
    story columns tell what happened in the draw (with types: to its true type):
    ``accepted``; for a rejection ``rejected_by`` and ``rejection_cause``; for a breakdown
    within the horizon ``break_period``, ``break_year``, ``breaker`` (the summary's
    categories: an actor id, ``both`` or ``incident``) and ``cause``. A column that does
    not apply to a draw is missing (NA), never ``''``. The ``p_`` columns are its
    probabilities (with types: mixtures over the types with the prior). Every column is
    documented in README.md ("Reading the output"); a test holds the two together.
    """
    n, T = out.survival.shape[0], scn.horizon
    a, b = scn.actor_ids
    breaker_names = np.array([a, b, "both", "incident"], dtype=object)
    cause_names = np.array(CAUSES, dtype=object)
    rej_names = np.array([None, a, b, "both"], dtype=object)
    broke = story.broke
    accepted = told.accepted.astype(bool)
    cols: dict[str, Any] = {"draw": np.arange(start, start + n, dtype=np.int64)}
    for p, v in samples.items():
        if p == SELECTION_KEY:  # the draw's rule, when it is sampled: text
            cols[p] = pd.array(v, dtype="string")
        elif isinstance(v, np.ndarray):
            cols[p] = v
    cols["accepted"] = accepted
    cols["rejected_by"] = _text(rej_names[told.rejected_by], ~accepted)
    cols["rejection_cause"] = _text(cause_names[np.maximum(told.reject_cause, 0)], ~accepted)
    cols["break_period"] = _periods(np.where(broke, story.period, T + 1), T)
    cols["break_year"] = pd.array(
        np.where(broke, story.period / scn.periods_per_year, np.nan), dtype="Float64"
    )
    cols["breaker"] = _text(breaker_names[story.who], broke)
    cols["cause"] = _text(cause_names[story.cause], broke)
    if out.types is not None:
        ty = out.types
        cols["type"] = pd.array(np.array(ty.ids, dtype=object)[told.type_index], dtype="string")
        cols["p_accepted"] = out.accepted
        for j, tid in enumerate(ty.ids):
            cols[f"ruled_out_period.{tid}"] = _periods(ty.ruled_out[:, j], T)
    for label, t in milestones(scn).items():
        cols[f"p_holds_{label}"] = out.survival[:, t]
    cols["p_holds_end"] = out.survival[:, T]
    cols["win_prob_a_t0"] = out.p0
    cols["fearon_low"] = out.fearon_low
    cols["fearon_high"] = out.fearon_high
    cols["nash_share_a"] = pd.array(out.nash_share_a, dtype="Float64")  # NaN -> NA
    cols["terms_share_a"] = out.terms_share_a
    for e, eid in enumerate(scn.event_ids):
        cols[f"event_period.{eid}"] = _periods(out.event_period[:, e], T)
    return pd.DataFrame(cols)


def _curves_table(start: int, out: ChunkOutput) -> pd.DataFrame:
    """The chunk's rows of ``curves.parquet``: per draw, ``p_holds.<t>`` for t = 0 .. T,
    the probability that it is accepted and still holds after t periods (the columns
    ``p_holds_<k>y`` and ``p_holds_end`` of the draws table are some of them)."""
    n, width = out.survival.shape
    cols: dict[str, Any] = {"draw": np.arange(start, start + n, dtype=np.int64)}
    for t in range(width):
        cols[f"p_holds.{t}"] = out.survival[:, t]
    return pd.DataFrame(cols)
