"""Fingerprint every shipped scenario's outputs, to prove a refactor or a speed-up
changed no answer.

Runs each ``scenarios/*.yaml`` at its own draws and seed (``--draws`` to override) and
prints the sha256 of ``summary.json``, ``survival.csv``, ``breakdown.csv`` and
``draws.parquet``. ``--write FILE`` stores them; ``--check FILE`` compares with a stored
set and exits 1 naming every file that differs::

    .venv/bin/python benchmarks/fingerprint.py --write /tmp/before.json   # on the old code
    .venv/bin/python benchmarks/fingerprint.py --check /tmp/before.json   # on the new code
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("summary.json", "survival.csv", "breakdown.csv", "draws.parquet")


def fingerprints(draws: int | None, only: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    sim = Path(sys.executable).with_name("sim")
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted((ROOT / "scenarios").glob("*.yaml")):
            if only and path.stem not in only:
                continue
            folder = Path(tmp) / path.stem
            cmd = [str(sim), "run", str(path), "--out", str(folder), "--no-plots", "-q"]
            if draws:
                cmd += ["--draws", str(draws)]
            subprocess.run(cmd, check=True)
            out[path.stem] = {
                f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in FILES
            }
            print(
                path.stem, " ".join(f"{f}={h[:12]}" for f, h in out[path.stem].items()), flush=True
            )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--draws", type=int, default=None, help="draws per scenario (default: each file's own)"
    )
    ap.add_argument("--only", nargs="*", default=[], help="scenario names (default: all)")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, help="store the fingerprints in this JSON file")
    group.add_argument("--check", type=Path, help="compare with fingerprints stored by --write")
    args = ap.parse_args()
    stored = json.loads(args.check.read_text()) if args.check else None
    only = args.only or (sorted(stored["scenarios"]) if stored else [])
    draws = args.draws if args.draws is not None else (stored or {}).get("draws")
    got = fingerprints(draws, only)
    if args.write:
        args.write.write_text(json.dumps({"draws": draws, "scenarios": got}, indent=1) + "\n")
    if stored:
        bad = [
            f"{name}/{f}"
            for name, files in stored["scenarios"].items()
            for f, h in files.items()
            if got.get(name, {}).get(f) != h
        ]
        print("identical" if not bad else "DIFFERENT: " + ", ".join(bad))
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
