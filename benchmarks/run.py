"""Benchmark a whole run: wall time, speed against the nashpy reference path, memory.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/run.py            # all three measurements
    .venv/bin/python benchmarks/run.py --quick    # smaller sizes, for a smoke test

Targets (issue: Monte Carlo at scale), on the project's 2-core machine:

* a 20,000-draw run of freeze_lines with plots in at most 10 s wall;
* per draw at least 1000 times faster than the same scenario with
  ``--set solver.method=nashpy``, measured side by side in one process;
* 500,000 draws with peak memory under 2 GiB.

Each command is run in a fresh subprocess (``sim run ...``) so wall time includes
start-up, imports, writing the result folder and the plots, as a user sees it; peak
memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "freeze_lines.yaml"
SIM = [sys.executable, "-m", "sim"]


def run_cli(args: list[str]) -> tuple[float, float]:
    """Run ``sim ARGS`` in a child process; return (wall seconds, peak RSS in MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    res = subprocess.run([*SIM, *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"sim {' '.join(args)} failed:\n{res.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss is the largest child so far (KiB on Linux): run the big one last
    return wall, max(peak, before) / 1024


def wall_20k(draws: int, workers: int, out: Path) -> None:
    wall, rss = run_cli(
        [
            "run",
            str(SCENARIO),
            "--draws",
            str(draws),
            "--workers",
            str(workers),
            "--out",
            str(out),
            "-q",
        ]
    )
    pngs = sorted(p.name for p in out.glob("*.png"))
    print(
        f"{draws:>9,} draws, plots ({', '.join(pngs)}), --workers {workers}: "
        f"{wall:6.2f} s wall   (target <= 10 s)"
    )


def against_nashpy(draws: int, nashpy_draws: int) -> None:
    """Same scenario, same seed, in one process: seconds per draw of each solver path."""
    import sim

    scn = sim.load_scenario(SCENARIO)
    sim.run(scn, draws=50, seed=1)  # warm up imports and caches
    t0 = time.perf_counter()
    sim.run(scn, draws=draws, seed=1)
    batched = (time.perf_counter() - t0) / draws
    t0 = time.perf_counter()
    ref = sim.run(scn, draws=nashpy_draws, seed=1, method="nashpy")
    nashpy = (time.perf_counter() - t0) / nashpy_draws
    same = sim.run(scn, draws=nashpy_draws, seed=1)
    agree = ref.draws.equals(same.draws)
    games = scn.horizon * 2 ** len(scn.events) + 2 ** len(scn.events)
    print(
        f"per draw ({games} stage games each): "
        f"batched {batched * 1e3:.3f} ms, nashpy {nashpy * 1e3:.1f} ms "
        f"-> {nashpy / batched:,.0f}x   (target >= 1000x); "
        f"identical draws on the first {nashpy_draws}: {agree}"
    )


def memory(draws: int, out: Path) -> None:
    wall, rss = run_cli(
        ["run", str(SCENARIO), "--draws", str(draws), "--no-plots", "--out", str(out), "-q"]
    )
    print(
        f"{draws:>9,} draws, no plots: {wall:6.1f} s wall, "
        f"peak RSS {rss:,.0f} MiB   (target < 2048 MiB)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--skip-memory", action="store_true")
    args = ap.parse_args()
    draws, big, nashpy_draws = (2000, 20_000, 2) if args.quick else (20_000, 500_000, 10)
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for workers in (1, 2):
            wall_20k(draws, workers, tmp / f"w{workers}")
        against_nashpy(min(draws, 4000), nashpy_draws)
        if not args.skip_memory:
            memory(big, tmp / "big")


if __name__ == "__main__":
    main()
