"""Benchmark `sim terms`: 64 term sets of the flagship against 64 independent runs.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/terms.py [--draws 5000] [--workers 2] [--skip-runs]

Target (issue: negotiate): 64 term sets (6 regions, 2 holders each) of
``freeze_lines.yaml`` at 5,000 draws each in under 60 s on 2 cores. The benchmark times
``sim terms`` as a fresh subprocess (``--no-plots``; start-up and writing included) and,
for comparison, one plain ``sim run`` of the same draws, times 64: what 64 independent
runs would cost. It also prints the cost per (draw x term set) row, which is what
faster model kernels change. Draws are never lowered to meet the target: ``--draws`` is
there to check the script quickly.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "freeze_lines.yaml"
REGIONS = "crimea,donbas_2014,donbas_2022,land_bridge,nuclear_plant,claimed_rest"
TARGET_S = 60.0


def timed(args: list[str]) -> float:
    """Wall seconds of one ``sim`` command."""
    cmd = [sys.executable, "-m", "sim", *args, "-q"]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr}")
    return time.perf_counter() - t0


def main() -> None:
    """Time `sim terms` over 64 term sets and one plain run; print both against the target."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--draws", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-runs", action="store_true", help="do not time the plain run")
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        common = ["--draws", str(args.draws), "--workers", str(args.workers), "--no-plots"]
        t_terms = timed(["terms", str(SCENARIO), "--regions", REGIONS, *common, "--out",
                         f"{tmp}/terms"])  # fmt: skip
        t_run = (
            None
            if args.skip_runs
            else timed(["run", str(SCENARIO), *common, "--out", f"{tmp}/run"])
        )
    rows = 64 * args.draws
    print(f"sim terms, 64 term sets x {args.draws:,} draws, --workers {args.workers} "
          f"(load average {load:.1f} at the start)")  # fmt: skip
    verdict = "meets" if t_terms < TARGET_S else "misses"
    per_row = 1e3 * t_terms * args.workers / rows
    print(f"  wall {t_terms:.1f} s ({verdict} the {TARGET_S:.0f} s target); "
          f"{per_row:.2f} ms of a core per draw x term set")  # fmt: skip
    if t_run is not None:
        gain = 64 * t_run / t_terms
        print(f"  one sim run of {args.draws:,} draws: {t_run:.1f} s; 64 independent runs "
              f"~ {64 * t_run:.0f} s -> sim terms is {gain:.2f}x faster")  # fmt: skip


if __name__ == "__main__":
    main()
