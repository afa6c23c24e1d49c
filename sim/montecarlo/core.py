"""The Monte Carlo layer: sample beliefs, solve draws in chunks, summarise.

Reproducibility: one seed fixes every number. Uniform points for the uncertain
parameters come from :func:`sim.beliefs.uniform_points`, whose rows depend only on
(seed, draw index), never on how draws are chunked; each draw's own random stream
(event times, and the two uniforms that pick its story: when it breaks and who breaks
it) comes from fixed blocks of draws seeded by ``SeedSequence(seed, spawn_key=...)``.
Headline sums are accumulated in exact fixed-point integers (2**-40 resolution), so
adding chunks in any order gives the same bits: the same scenario, seed and draws give
identical results whatever ``workers`` and ``chunk_size``.

Memory stays bounded: a chunk's working set is about 200 MB at the default chunk size
(see ``_default_chunk``); the draws table is streamed to disk chunk by chunk when a
writer is given.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from sim import beliefs as dist
from sim.model import ChunkOutput, event_state_labels, solve_chunk
from sim.names import CAUSES, SAMPLERS, SELECTION_RULES, SOLVER_METHODS
from sim.scenario import Scenario, load_scenario, parse_set_option

__all__ = ["run", "RunOptions", "milestones", "DEFAULT_CHUNK", "POWER_DRAWS"]

DEFAULT_CHUNK = 8192
STORY_BLOCK = 16384
#: A's win probability per state and period is kept for the first draws only (for plots).
POWER_DRAWS = 1000
POWER_POINTS = 400
FIXED = 2**40  # fixed-point scale for exact, order-independent sums


def milestones(scn: Scenario) -> dict[str, int]:
    """Headline horizons within the scenario's horizon: label -> period index."""
    ppy = scn.periods_per_year
    return {f"{y}y": y * ppy for y in (1, 2, 5, 10) if y * ppy <= scn.horizon}


@dataclass(frozen=True)
class RunOptions:
    draws: int
    seed: int
    sampler: str
    chunk_size: int
    workers: int
    method: str
    selection: str


def _fixed(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Exact fixed-point sum of values in about [-1, 1] along ``axis`` (object ints)."""
    q = np.rint(np.asarray(x, dtype=float) * FIXED).astype(np.int64)
    return np.asarray(q.sum(axis=axis), dtype=object)


def _stream(seed: int, stream: int, start: int, stop: int, width: int) -> np.ndarray:
    """Uniforms (stop-start, width) for draws [start, stop) from fixed seeded blocks."""
    out = np.empty((stop - start, width))
    if width == 0 or stop <= start:
        return out
    for b in range(start // STORY_BLOCK, (stop - 1) // STORY_BLOCK + 1):
        lo = b * STORY_BLOCK
        u = dist.block_generator(seed, stream, b).random((STORY_BLOCK, width))
        s, e = max(start, lo), min(stop, lo + STORY_BLOCK)
        out[s - start : e - start] = u[s - lo : e - lo]
    return out


def _sample_params(scn: Scenario, opts: RunOptions, start: int, stop: int) -> dict[str, Any]:
    numbers = scn.numbers()
    uncertain = [p for p, v in numbers.items() if isinstance(v, dist.Distribution)]
    u = dist.uniform_points(opts.sampler, len(uncertain), start, stop, opts.seed, opts.draws)
    params: dict[str, Any] = {
        p: float(v) for p, v in numbers.items() if not isinstance(v, dist.Distribution)
    }
    for j, p in enumerate(uncertain):
        params[p] = numbers[p].ppf(u[:, j])
    return params


def _worker_init() -> None:
    """Worker processes ignore Ctrl-C: the parent alone handles it (it terminates the
    pool), so a Ctrl-C in a terminal, which reaches every process of the group, stops a
    run with one message instead of a traceback per worker. SIGTERM (which the pool's
    terminate sends) gets its default action back, whatever handler the parent had."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _chunk(args: tuple) -> dict[str, Any]:
    """Solve draws [start, stop): a top-level function so worker processes can run it."""
    scn, opts, start, stop = args
    n = stop - start
    k = len(scn.events)
    params = _sample_params(scn, opts, start, stop)
    story_u = _stream(opts.seed, dist.STREAM_EVENTS, start, stop, k + 2)
    keep_power = start < POWER_DRAWS
    # Parameters at the edge of sense (flows of 1e306 over 1 - δ = 1e-6) overflow to inf;
    # the model's finiteness checks turn that into a ModelError naming the cause, so the
    # floating-point warnings on the way there are noise, not news.
    with np.errstate(over="ignore", invalid="ignore"):
        out = solve_chunk(
            scn,
            params,
            n,
            story_u[:, :k],
            method=opts.method,
            selection=opts.selection,
            keep_power=keep_power,
        )
    return _summarise_chunk(scn, opts, start, params, out, story_u[:, k], story_u[:, k + 1])


def _summarise_chunk(scn, opts, start, params, out: ChunkOutput, u_when, u_who) -> dict[str, Any]:
    n, T = out.survival.shape[0], scn.horizon
    surv = out.survival
    a, b = scn.actor_ids
    # --- a story per draw: invert the survival curve with one uniform, pick the breaker
    # with a second, in proportion to the category probabilities at the break period.
    s0 = surv[:, 0]
    target = u_when * s0
    broke_by = surv[:, 1:] <= target[:, None]  # (n, T) True from the break period on
    broke = out.accepted & broke_by[:, -1] if T else np.zeros(n, bool)
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
    breaker_names = np.array([a, b, "both", "none"], dtype=object)
    cause_of = np.where(who == 3, 3, out.cause[idx, tb])
    cause_names = np.array(CAUSES, dtype=object)
    rej_names = np.array(["", a, b, "both"], dtype=object)

    ppy = scn.periods_per_year
    cols: dict[str, Any] = {"draw": np.arange(start, start + n, dtype=np.int64)}
    for p, v in params.items():
        if isinstance(v, np.ndarray):
            cols[p] = v
    cols["accepted"] = out.accepted
    cols["rejected_by"] = rej_names[out.rejected_by]
    cols["break_period"] = pd.array(np.where(broke, tb, 0), dtype="Int64")
    cols["break_period"][~broke] = pd.NA
    cols["break_year"] = np.where(broke, tb / ppy, np.nan)
    cols["breaker"] = np.where(broke, breaker_names[who], "")
    cols["cause"] = np.where(
        broke,
        cause_names[cause_of],
        np.where(out.accepted, "", cause_names[np.maximum(out.reject_cause, 0)]),
    )
    for label, t in milestones(scn).items():
        cols[f"p_holds_{label}"] = surv[:, t]
    cols["p_holds_end"] = surv[:, T]
    cols["win_prob_a_t0"] = out.p0
    cols["fearon_low"] = out.fearon_low
    cols["fearon_high"] = out.fearon_high
    cols["nash_share_a"] = out.nash_share_a
    cols["terms_share_a"] = out.terms_share_a
    for e, eid in enumerate(scn.event_ids):
        per = out.event_period[:, e]
        arr = pd.array(np.where(per <= T, per, 0).astype(np.int64), dtype="Int64")
        arr[~(per <= T)] = pd.NA
        cols[f"event_period.{eid}"] = arr
    draws = pd.DataFrame(cols)

    # --- exact sums for the headline figures
    w = surv[:, :T]
    by_actor = (
        np.stack([out.p_a_only, out.p_b_only, out.p_both, out.p_incident], axis=-1) * w[..., None]
    )
    nonincident = (out.p_a_only + out.p_b_only + out.p_both) * w
    by_cause = np.zeros((n, T, 4))
    for c in range(3):
        by_cause[..., c] = np.where(out.cause == c, nonincident, 0.0)
    by_cause[..., 3] = by_actor[..., 3]
    acc = out.accepted
    sums = {
        "n": n,
        "n_accepted": int(acc.sum()),
        "surv": _fixed(surv),
        "surv_sq": _fixed(surv**2),
        "rejected_by": np.bincount(out.rejected_by, minlength=4).astype(object),
        "reject_cause": np.bincount(out.reject_cause[~acc].astype(np.int64), minlength=4).astype(
            object
        ),
        "by_actor": _fixed(by_actor),
        "by_cause": _fixed(by_cause),
    }
    power = None
    if out.power is not None:
        keep = min(n, POWER_DRAWS - start)
        power = out.power[:keep]
    return {"start": start, "draws": draws, "sums": sums, "power": power}


def _combine(total: dict | None, part: dict) -> dict:
    if total is None:
        return dict(part)
    return {k: total[k] + part[k] for k in total}


def _ci_mean(s: Any, sq: Any, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = np.asarray(s, dtype=float) / FIXED / n
    if n < 2:
        return mean, np.zeros_like(mean), np.ones_like(mean)
    ex2 = np.asarray(sq, dtype=float) / FIXED / n
    var = np.maximum(ex2 - mean**2, 0.0) * n / (n - 1)
    half = 1.959963984540054 * np.sqrt(var / n)
    return mean, np.clip(mean - half, 0, 1), np.clip(mean + half, 0, 1)


def _wilson(k: int, n: int) -> dict[str, float]:
    z = 1.959963984540054
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return {"estimate": p, "ci_low": max(0.0, centre - half), "ci_high": min(1.0, centre + half)}


def _finish(
    scn: Scenario, opts: RunOptions, sums: dict, power_parts: list[np.ndarray]
) -> dict[str, Any]:
    """Turn the exact sums into the summary, survival, breakdown and power tables."""
    from sim.io import Result

    n, T, ppy = sums["n"], scn.horizon, scn.periods_per_year
    a, b = scn.actor_ids
    mean, lo, hi = _ci_mean(sums["surv"], sums["surv_sq"], n)
    na = sums["n_accepted"]
    # fixed-point rounding can put a ratio of sums a hair outside [0, 1]: clip
    cond = np.clip(mean * n / na, 0.0, 1.0) if na else np.full_like(mean, np.nan)
    survival = pd.DataFrame(
        {
            "period": np.arange(T + 1),
            "years": np.arange(T + 1) / ppy,
            "survival": mean,
            "ci_low": lo,
            "ci_high": hi,
            "survival_if_accepted": cond,
        }
    )
    by_actor = np.asarray(sums["by_actor"], dtype=float).reshape(T, 4) / FIXED / n
    by_cause = np.asarray(sums["by_cause"], dtype=float).reshape(T, 4) / FIXED / n
    breakdown = pd.DataFrame({"period": np.arange(T), "years": np.arange(T) / ppy})
    for j, name in enumerate((a, b, "both", "incident")):
        breakdown[f"breaker.{name}"] = by_actor[:, j]
    for j, name in enumerate(CAUSES):
        breakdown[f"cause.{name}"] = by_cause[:, j]
    broken = by_actor.sum()

    def est(t: int) -> dict[str, float]:
        return {"estimate": float(mean[t]), "ci_low": float(lo[t]), "ci_high": float(hi[t])}

    p_holds = {label: est(t) for label, t in milestones(scn).items()}
    p_holds_if = {label: (float(cond[t]) if na else None) for label, t in milestones(scn).items()}
    median = next((t for t in range(T + 1) if na and cond[t] <= 0.5), None)
    rej = sums["rejected_by"]
    rc = sums["reject_cause"]
    n_rej = n - na
    summary = {
        "scenario": scn.name,
        "title": scn.title,
        "actors": [a, b],
        "actor_labels": {a: scn.display_name(a), b: scn.display_name(b)},
        "period": scn.period,
        "horizon_periods": T,
        "draws": n,
        "seed": opts.seed,
        "sampler": opts.sampler,
        "solver": {"method": opts.method, "selection": opts.selection},
        "p_accepted": _wilson(na, n),
        "p_holds": p_holds,
        "p_holds_if_accepted": p_holds_if,
        "p_holds_end": est(T),
        "median_duration_periods": median,
        "median_duration_years": None if median is None else median / ppy,
        "median_duration_note": None
        if median is not None
        else f"more than half of accepted ceasefires hold past the horizon ({T} periods)"
        if na
        else "no draw accepted the terms",
        "p_breaks_within_horizon": min(1.0, max(0.0, float(broken))),
        "breakdown_by_actor": {
            name: (min(1.0, float(by_actor[:, j].sum() / broken)) if broken > 0 else 0.0)
            for j, name in enumerate((a, b, "both", "incident"))
        },
        "breakdown_by_cause": {
            name: (min(1.0, float(by_cause[:, j].sum() / broken)) if broken > 0 else 0.0)
            for j, name in enumerate(CAUSES)
        },
        "rejected_by": {a: int(rej[1]) / n, b: int(rej[2]) / n, "both": int(rej[3]) / n},
        "rejection_cause": {
            name: (int(rc[j]) / n_rej if n_rej else 0.0) for j, name in enumerate(CAUSES)
        },
    }
    power = _power_table(scn, power_parts)
    return {
        "summary": summary,
        "survival": survival,
        "breakdown": breakdown,
        "power": power,
        "Result": Result,
    }


def _power_table(scn: Scenario, parts: list[np.ndarray]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame(
            columns=["state", "period", "years", "median", "q05", "q25", "q75", "q95", "draws"]
        )
    p = np.concatenate(parts, axis=0)  # (m, S, T+1)
    T = scn.horizon
    ts = np.unique(np.linspace(0, T, min(T + 1, POWER_POINTS + 1)).astype(int))
    q = np.quantile(p[:, :, ts], [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)  # (5, S, len(ts))
    labels = event_state_labels(scn)
    rows = []
    for s, label in enumerate(labels):
        rows.append(
            pd.DataFrame(
                {
                    "state": label,
                    "period": ts,
                    "years": ts / scn.periods_per_year,
                    "median": q[2, s],
                    "q05": q[0, s],
                    "q25": q[1, s],
                    "q75": q[3, s],
                    "q95": q[4, s],
                    "draws": p.shape[0],  # the quantiles are over the run's first draws
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def run(
    scenario: Scenario | str | os.PathLike,
    *,
    draws: int | None = None,
    seed: int | None = None,
    sampler: str | None = None,
    workers: int = 1,
    overrides: Mapping[str, Any] | list[str] | None = None,
    chunk_size: int | None = None,
    method: str | None = None,
    selection: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    draws_sink: Callable[[pd.DataFrame], None] | None = None,
):
    """Run a scenario's Monte Carlo and return a :class:`sim.io.Result`.

    Parameters
    ----------
    scenario
        A :class:`Scenario` or the path of a scenario file.
    draws, seed, sampler
        Override ``montecarlo.draws``, ``montecarlo.seed`` and ``montecarlo.sampler``.
        ``seed=0`` is a seed like any other.
    workers
        Processes that solve chunks in parallel. Results do not depend on it.
    overrides
        Key path -> value (or ``KEY=VALUE`` strings), applied before validation.
    chunk_size
        Draws per chunk (memory per chunk grows with it). Results do not depend on it.
    method, selection
        Override ``solver.method`` / ``solver.selection``.
    progress
        Called with (draws done, draws total) after each chunk.
    draws_sink
        If given, each chunk's draws table is handed to it (e.g. streamed to a file)
        instead of being kept in memory; ``Result.draws`` is then empty.
    """
    if isinstance(scenario, Scenario):
        scn = scenario
        if overrides:
            items = (
                [parse_set_option(o) for o in overrides]
                if isinstance(overrides, list)
                else list(overrides.items())
            )
            scn = _reload_with(scn, items)
    else:
        scn = load_scenario(scenario, overrides=overrides)
    mc = scn.montecarlo
    opts = RunOptions(
        draws=int(mc.draws if draws is None else draws),
        seed=int(mc.seed if seed is None else seed),
        sampler=sampler or mc.sampler,
        chunk_size=int(chunk_size or _default_chunk(scn)),
        workers=max(1, int(workers)),
        method=method or scn.solver.method,
        selection=selection or scn.solver.selection,
    )
    _check_options(opts)
    bounds = [
        (s, min(s + opts.chunk_size, opts.draws)) for s in range(0, opts.draws, opts.chunk_size)
    ]
    tasks = [(scn, opts, s, e) for s, e in bounds]
    t0 = time.perf_counter()
    total, power_parts, frames, done = None, [], [], 0

    def consume(part: dict) -> None:
        nonlocal total, done
        total = _combine(total, part["sums"])
        if part["power"] is not None:
            power_parts.append(part["power"])
        if draws_sink is not None:
            draws_sink(part["draws"])
        else:
            frames.append(part["draws"])
        done += len(part["draws"])
        if progress is not None:
            progress(done, opts.draws)

    if opts.workers == 1 or len(tasks) == 1:
        for task in tasks:
            consume(_chunk(task))
    else:
        import multiprocessing as mp

        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ctx.Pool(min(opts.workers, len(tasks)), initializer=_worker_init) as pool:
            try:
                for part in pool.imap(_chunk, tasks):
                    consume(part)
            except BaseException:
                pool.terminate()
                raise
    fin = _finish(scn, opts, total, power_parts)
    draws_df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return fin["Result"](
        scenario=scn,
        summary=fin["summary"],
        survival=fin["survival"],
        breakdown=fin["breakdown"],
        power=fin["power"],
        draws=draws_df,
        options=opts,
        wall_seconds=time.perf_counter() - t0,
    )


def _reload_with(scn: Scenario, items: list[tuple[str, Any]]) -> Scenario:
    from sim.scenario import parse_scenario_text

    if not scn.source_text:
        raise ValueError("overrides need a scenario loaded from text; pass the path instead")
    # the scenario's own overrides first, then the new ones (later ones win)
    merged = [*scn.overrides, *items]
    return parse_scenario_text(
        scn.source_text, scn.source_path or "<scenario>", merged, default_name=scn.name
    )


def _default_chunk(scn: Scenario) -> int:
    # Keep a chunk's working set near 200 MB. Per draw the backward induction holds about
    # 80 + 10 R float64 arrays per event state and 16 per period on the realised path
    # (measured: freeze_lines, 8 states, 8 regions, 49 periods, ~18 kB a draw).
    S, R, T = 2 ** len(scn.events), len(scn.regions), scn.horizon
    per_draw = 8 * (S * (80 + 10 * R) + 16 * (T + 1))
    return int(max(64, min(DEFAULT_CHUNK, 200_000_000 // per_draw)))


def _check_options(opts: RunOptions) -> None:
    if opts.draws < 1:
        raise ValueError(f"draws must be >= 1 (got {opts.draws})")
    if opts.seed < 0:
        raise ValueError(f"seed must be >= 0 (got {opts.seed})")
    if opts.sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of random, lhs, sobol (got {opts.sampler!r})")
    if opts.chunk_size < 1:
        raise ValueError(f"chunk size must be >= 1 (got {opts.chunk_size})")
    if opts.method not in SOLVER_METHODS:
        raise ValueError(f"solver method must be batched or nashpy (got {opts.method!r})")
    if opts.selection not in SELECTION_RULES:
        raise ValueError(
            f"selection must be peaceful, risk_dominant, payoff_dominant or mixed (got {opts.selection!r})"
        )
