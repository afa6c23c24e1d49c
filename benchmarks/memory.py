"""Memory and wall time of a large run, measured in a child process.

Runs ``sim run SCENARIO --draws N --no-plots -q --out OUT`` as a subprocess and reports
its wall time and peak resident set size (``resource.getrusage(RUSAGE_CHILDREN)``,
which on Linux is the largest ru_maxrss of the waited-for children). Exit 1 if the run
fails or its peak memory is above ``--limit-gib``.

    .venv/bin/python benchmarks/memory.py                      # 2,000,000 draws
    .venv/bin/python benchmarks/memory.py --draws 200000 --workers 2

It may take several minutes at the default size: run it by hand, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "freeze_lines.yaml"))
    ap.add_argument("--draws", type=int, default=2_000_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--chunk-size", type=int, default=None)
    ap.add_argument(
        "--limit-gib", type=float, default=2.0, help="fail above this peak RSS (default 2)"
    )
    ap.add_argument(
        "--out",
        default=None,
        help="result folder (default: a temporary folder, removed afterwards)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the result folder")
    args = ap.parse_args(argv)

    sim = Path(sys.executable).with_name("sim")
    base = Path(tempfile.mkdtemp(prefix="sim-memory-"))
    out = Path(args.out) if args.out else base / "result"
    cmd = [
        str(sim),
        "run",
        args.scenario,
        "--draws",
        str(args.draws),
        "--no-plots",
        "-q",
        "--out",
        str(out),
        "--workers",
        str(args.workers),
    ]
    if args.chunk_size:
        cmd += ["--chunk-size", str(args.chunk_size)]
    print("command:", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    # ru_maxrss of children is the max over all waited-for descendants (KiB on Linux)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_gib = peak_kib / 2**20
    ok = proc.returncode == 0
    print(f"exit code: {proc.returncode}")
    if not ok:
        print(proc.stderr[-4000:])
    print(f"draws: {args.draws:,}  workers: {args.workers}")
    print(f"wall time: {wall:.1f} s  ({args.draws / wall:,.0f} draws/s)")
    print(
        f"peak RSS (largest single process): {peak_kib / 1024:.0f} MiB = {peak_gib:.3f} GiB "
        f"(limit {args.limit_gib} GiB)"
    )
    if ok:
        summary = json.loads((out / "summary.json").read_text())
        size = (out / "draws.parquet").stat().st_size
        print(
            f"summary draws: {summary['draws']:,}  "
            f"p_accepted: {summary['p_accepted']['estimate']:.4f}  "
            f"holds 5y: {summary['p_holds'].get('5y', {}).get('estimate')}"
        )
        print(f"draws.parquet: {size / 2**20:.1f} MiB")
    if not args.keep and not args.out:
        shutil.rmtree(base, ignore_errors=True)
    if ok and peak_gib > args.limit_gib:
        print("FAIL: peak memory above the limit")
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
