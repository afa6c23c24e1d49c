"""Benchmark the cost of private information: the flagship with and without types.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/types.py [--draws 20000] [--workers 1]

Target (issue: private information): freeze_lines with Russia's two types runs its draws
in at most twice the wall time of the same file without types. "Without types" is the
file with ``actors.russia.types`` removed and each typed key set back to a belief of
complete information with the same marginal: the independence value a
``choice([4.0, 0.5], [0.5, 0.5])`` and Russia's war cost the mixture's stand-in
``lognormal(1.8, 0.7)``. Each run is a fresh ``sim run`` subprocess with ``--no-plots``
(plots cost the same either way), so wall time includes start-up and writing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "freeze_lines.yaml"


def without_types(src: Path, dst: Path) -> None:
    """Write ``src`` with the informed actor's types replaced by complete information."""
    doc = yaml.safe_load(src.read_text())
    doc["actors"]["russia"].pop("types")
    doc["actors"]["russia"]["war_cost"] = "lognormal(1.8, 0.7)"
    doc["regions"]["independence"]["value"]["russia"] = "choice([4.0, 0.5], [0.5, 0.5])"
    dst.write_text(yaml.safe_dump(doc, sort_keys=False))


def timed(path: Path, draws: int, workers: int, out: Path) -> float:
    """Wall seconds of one ``sim run``."""
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "run",
        str(path),
        "--draws",
        str(draws),
        "--workers",
        str(workers),
        "--no-plots",
        "--out",
        str(out),
        "-q",
    ]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{res.stderr}")
    return time.perf_counter() - t0


def main() -> None:
    """Time both files and print the ratio."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--draws", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = tmp / "freeze_lines_no_types.yaml"
        without_types(SCENARIO, plain)
        t_plain = timed(plain, args.draws, args.workers, tmp / "plain")
        t_types = timed(SCENARIO, args.draws, args.workers, tmp / "types")
    print(
        f"{args.draws:,} draws, --workers {args.workers}: without types {t_plain:.1f} s, "
        f"with types {t_types:.1f} s -> {t_types / t_plain:.2f}x   (target <= 2x)"
    )


if __name__ == "__main__":
    main()
