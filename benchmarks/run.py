"""Benchmark the whole run pipeline against its speed targets, side by side in one run.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/run.py                 # everything (the 1M-draw run: long)
    .venv/bin/python benchmarks/run.py --big 200000    # a smaller large run
    .venv/bin/python benchmarks/run.py --skip-big      # all but the large run
    .venv/bin/python benchmarks/run.py --quick         # small sizes, a smoke test

Targets, on the project's 2-core machine, on the flagship as shipped
(``scenarios/freeze_lines.yaml``, private-information types and mechanisms included):

* start-up: ``sim validate`` and ``sim schema`` under 0.5 s each;
* 20,000 draws with plots in at most 4 s wall, start-up included (``sim run`` in a
  fresh process, as a user sees it);
* the four figures and the result files of that run in under 1 s together;
* per draw at least 20,000 times faster than ``solver.method: nashpy`` (the reference
  path), both measured here, same draws and seed;
* 1,000,000 draws in at most 50 s with peak memory under 1 GiB;
* two workers at least 1.7 times as fast as one.

Every figure is printed beside its target with ``met`` or ``NOT met``. The phases of
the 20,000-draw run (importing, solving, writing files and figures) are measured in
one process as well, so that it is clear where the time goes. A busy machine makes
every wall time an upper bound: check ``uptime`` before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "freeze_lines.yaml"
SIM = [sys.executable, "-m", "sim"]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants now (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run_cli(args: list[str]) -> tuple[float, float]:
    """Run ``sim ARGS`` in a child process; return (wall seconds, peak resident MiB of
    the whole process tree: the run and its workers together, sampled every 0.2 s)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([*SIM, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"sim {' '.join(args)} failed:\n{err.decode(errors='replace')}")
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # one process
    return wall, max(peak[0], largest) / 2**20


def startup(repeat: int) -> None:
    for name, args in (("validate", ["validate", str(SCENARIO)]), ("schema", ["schema"])):
        best = min(run_cli(args)[0] for _ in range(repeat))
        print(f"sim {name:<8}: {best:6.2f} s (best of {repeat})   target < 0.5 s: "
              f"{verdict(best < 0.5)}")  # fmt: skip


def wall_cli(draws: int, workers: int, out: Path) -> float:
    args = ["run", str(SCENARIO), "--draws", str(draws), "--workers", str(workers)]
    wall, _ = run_cli([*args, "--out", str(out), "-q"])
    pngs = len(list(out.glob("*.png")))
    print(f"sim run --draws {draws:,} --workers {workers} ({pngs} figures): {wall:6.2f} s wall"
          f"   target <= 4 s: {verdict(wall <= 4.0)}")  # fmt: skip
    return wall


def phases(draws: int, out: Path) -> float:
    """Import, solve, and files + figures of one run, in a child process; returns the
    solve time per draw."""
    code = (
        "import time; t0 = time.perf_counter(); import sim; t1 = time.perf_counter()\n"
        f"r = sim.run({str(SCENARIO)!r}, draws={draws}); t2 = time.perf_counter()\n"
        f"r.save({str(out)!r}); t3 = time.perf_counter()\n"
        "print(t1 - t0, t2 - t1, t3 - t2)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    imp, solve, save = (float(x) for x in res.stdout.split())
    print(f"  phases: import sim {imp:.2f} s, solve {solve:.2f} s "
          f"({solve / draws * 1e3:.3f} ms a draw), files and figures {save:.2f} s"
          f"   target < 1 s: {verdict(save < 1.0)}")  # fmt: skip
    return solve / draws


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
    ratio = nashpy / batched
    print(f"per draw: batched {batched * 1e3:.3f} ms, nashpy {nashpy * 1e3:,.0f} ms -> "
          f"{ratio:,.0f}x   target >= 20,000x: {verdict(ratio >= 20_000)}; "
          f"identical draws on the first {nashpy_draws}: {agree}")  # fmt: skip


def big_run(draws: int, out: Path) -> None:
    args = ["run", str(SCENARIO), "--draws", str(draws), "--workers", "2", "--no-plots"]
    wall, rss = run_cli([*args, "--out", str(out), "-q"])
    scaled = wall * 1_000_000 / draws
    note = "" if draws == 1_000_000 else f" (x{1_000_000 / draws:g}: {scaled:,.0f} s for 1M)"
    print(f"sim run --draws {draws:,} --workers 2 --no-plots: {wall:,.1f} s wall{note}, "
          f"peak resident memory (run and workers) {rss:,.0f} MiB   "
          f"targets <= 50 s for 1M: {verdict(scaled <= 50)}, "
          f"< 1024 MiB: {verdict(rss < 1024)}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--big", type=int, default=1_000_000, help="draws of the large run")
    ap.add_argument("--skip-big", action="store_true", help="leave out the large run")
    args = ap.parse_args()
    draws, nashpy_draws = (2000, 2) if args.quick else (20_000, 10)
    big = 20_000 if args.quick else args.big
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
          f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
    startup(3 if args.quick else 5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        walls = {w: wall_cli(draws, w, folder / f"w{w}") for w in (1, 2)}
        speedup = walls[1] / walls[2]
        print(f"  two workers over one: {speedup:.2f}x   target >= 1.7x: {verdict(speedup >= 1.7)}")
        phases(draws, folder / "phases")
        against_nashpy(min(draws, 4000), nashpy_draws)
        if not args.skip_big:
            big_run(big, folder / "big")
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
