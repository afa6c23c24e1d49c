"""Benchmark the batched equilibrium solver against nashpy, per game.

Times, in one process and on the same random games (standard normal payoffs):

* ``solve_batch`` (all extreme equilibria) on many games, for 2x2, 3x3 and 4x4;
* nashpy's ``support_enumeration`` on the first few hundred of those games (the
  baseline every speed-up is measured against);
* ``select_2x2`` (each selection rule) and the slow reference ``select_2x2_nashpy``.

Usage::

    python benchmarks/solver.py            # 200k 2x2 games (fewer for larger k)
    python benchmarks/solver.py --quick    # a few seconds
    python benchmarks/solver.py --games 1000000

Times are CPU seconds (``time.process_time``), best of ``--repeat`` runs for the batched
code and one run for nashpy. Targets: solve_batch at least 2000x nashpy's throughput on
2x2 games and 200x on 3x3.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable


def _best_time(fn: Callable[[], object], repeat: int) -> float:
    """Best CPU time (``time.process_time``) of ``repeat`` runs.

    CPU time rather than wall time: the machine may be shared, and both sides of every
    ratio are measured the same way in the same process.
    """
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def main(argv: list[str] | None = None) -> list[dict]:
    """Run the benchmark, print the table and return its rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--games",
        type=int,
        default=200_000,
        help="2x2 games for the batched solver (3x3: half, 4x4: a fifth)",
    )
    parser.add_argument(
        "--nashpy-games",
        type=int,
        default=300,
        help="2x2 games for nashpy (3x3: a third, 4x4: a tenth)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args(argv)
    if args.quick:
        args.games, args.nashpy_games, args.repeat = 20_000, 60, 1

    import nashpy
    import numpy as np

    from sim.games import RULES, select_2x2, select_2x2_nashpy, solve_batch

    rng = np.random.default_rng(args.seed)
    rows: list[dict] = []
    baseline: dict[int, float] = {}

    def add(method: str, k: int, n: int, seconds: float) -> None:
        per = seconds / n
        rows.append(
            {
                "method": method,
                "k": k,
                "games": n,
                "s_per_game": per,
                "speedup": baseline[k] / per if k in baseline else float("nan"),
            }
        )

    for k, n_ours, n_nash in [
        (2, args.games, args.nashpy_games),
        (3, max(1, args.games // 2), max(1, args.nashpy_games // 3)),
        (4, max(1, args.games // 5), max(1, args.nashpy_games // 10)),
    ]:
        A = rng.standard_normal((n_ours, k, k))
        B = rng.standard_normal((n_ours, k, k))

        def run_nashpy(A=A, B=B, n=n_nash):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for g in range(n):
                    list(nashpy.Game(A[g], B[g]).support_enumeration())

        t = _best_time(run_nashpy, 1)
        baseline[k] = t / n_nash
        add("nashpy support_enumeration", k, n_nash, t)
        solve_batch(A[:100], B[:100])  # warm-up
        add("solve_batch", k, n_ours, _best_time(lambda A=A, B=B: solve_batch(A, B), args.repeat))
        if k == 2:
            for rule in RULES:
                add(
                    f"select_2x2 {rule}",
                    k,
                    n_ours,
                    _best_time(lambda A=A, B=B, r=rule: select_2x2(A, B, r), args.repeat),
                )
            n_ref = max(1, n_nash // 3)
            add(
                "select_2x2_nashpy risk_dominant",
                k,
                n_ref,
                _best_time(
                    lambda A=A, B=B, n=n_ref: select_2x2_nashpy(A[:n], B[:n], "risk_dominant"), 1
                ),
            )

    print(f"{'method':34s} {'k':>2s} {'games':>9s} {'s/game':>11s} {'speed-up vs nashpy':>19s}")
    for r in rows:
        print(
            f"{r['method']:34s} {r['k']:2d} {r['games']:9d} {r['s_per_game']:11.3e} "
            f"{r['speedup']:18.4g}x"
        )
    return rows


if __name__ == "__main__":
    main()
