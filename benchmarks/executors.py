"""Executors: the speed-up from 1 to 2 workers, and what a chunk costs to send and fetch.

    .venv/bin/python benchmarks/executors.py                 # freeze_lines, 16,384 draws
    .venv/bin/python benchmarks/executors.py --draws 32768 --chunk-size 4096

For ``processes`` and ``dask`` (a LocalCluster of single-threaded worker processes) it
times the same run with 1 and with 2 workers (the cluster's start-up is timed apart),
checks that every run gives the same summary, and prints the speed-up. The overhead per
chunk is the wall time per task of a stream of tasks that compute nothing but carry a
real task out (scenario and options) and a real chunk result back (its draws table, sums
and power paths), on 2 workers: what the executor adds to each chunk, to set beside a
chunk's solve time (printed too). With 1 worker, ``processes`` solves in this process (no
pool), so its 1-worker time is the local path's.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FREEZE = ROOT / "scenarios" / "freeze_lines.yaml"


def echo(task):
    """A task that solves nothing: it hands back the chunk result it was given."""
    return task[-1]


def timed_run(ex, draws: int, chunk: int):
    import sim

    t0 = time.perf_counter()
    result = sim.run(FREEZE, draws=draws, seed=1, chunk_size=chunk, executor=ex)
    return time.perf_counter() - t0, result.summary


def overhead(ex, task, result, n: int = 40) -> float:
    tasks = [(*task, result)] * n
    t0 = time.perf_counter()
    for _ in ex.imap_unordered(echo, tasks):
        pass
    return (time.perf_counter() - t0) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=16384)
    ap.add_argument("--chunk-size", type=int, default=2048)
    args = ap.parse_args()
    logging.getLogger("distributed").setLevel(logging.ERROR)

    from sim.montecarlo import open_executor, solve_draws
    from sim.montecarlo.runner import chunk_tasks, run_options
    from sim.scenario import load_scenario

    scn = load_scenario(FREEZE)
    opts = run_options(scn, draws=args.draws, seed=1, chunk_size=args.chunk_size)
    task = chunk_tasks(scn, opts)[0]
    t0 = time.perf_counter()
    part = solve_draws(task)
    solve = time.perf_counter() - t0
    n_chunks = -(-args.draws // args.chunk_size)
    print(f"freeze_lines: {args.draws:,} draws in {n_chunks} chunks of {args.chunk_size:,}")
    print(f"one chunk solved here: {solve:.2f} s")

    summaries = []
    with open_executor("local") as ex:
        wall, s = timed_run(ex, args.draws, args.chunk_size)
    summaries.append(s)
    print(f"local (this process):            {wall:6.1f} s")
    base = wall
    for kind in ("processes", "dask"):
        walls, per = {}, 0.0
        for workers in (1, 2):
            t0 = time.perf_counter()
            with open_executor(kind, workers=workers, notice=lambda m: None) as ex:
                start = time.perf_counter() - t0
                walls[workers], s = timed_run(ex, args.draws, args.chunk_size)
                summaries.append(s)
                if workers == 2:
                    per = overhead(ex, task, part)
        print(
            f"{kind:9} 1 worker {walls[1]:6.1f} s, 2 workers {walls[2]:6.1f} s: "
            f"speed-up {walls[1] / walls[2]:.2f}x, {base / walls[2]:.2f}x over local "
            f"(start-up of 2 workers {start:.1f} s, not counted)"
        )
        print(
            f"{kind:9} overhead per chunk (no-op tasks, 2 workers): {per * 1000:.1f} ms, "
            f"{per / solve:.1%} of a chunk's solve time"
        )
    assert all(s == summaries[0] for s in summaries), "an executor changed the numbers"
    print("every run gave the same summary")


if __name__ == "__main__":
    main()
