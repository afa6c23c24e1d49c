"""The regression figures: fixed-seed runs of every shipped scenario, stored.

A faster kernel must not change an answer (issue 17). ``tests/integration/
test_regression.py`` runs each case below and compares every figure with the copy in
``tests/data/regression/figures.json``: every number of ``summary.json`` (flattened to
key paths), the whole survival curve and the breakdown table (floats to 1e-10
relative), and a sha256 of the draws table at 12 significant digits. When the *model*
changes on purpose, regenerate the file and commit it
with the change that moved the figures::

    PYTHONPATH=. .venv/bin/python -m tests.regression_figures --write
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STORED = ROOT / "tests" / "data" / "regression" / "figures.json"
DRAWS = 256
SEED = 17
#: (case name, scenario file, --set overrides): every shipped scenario at its own
#: settings, and the other selection rules on the flagship and on Korea.
CASES = [(p.stem, p.name, []) for p in sorted((ROOT / "scenarios").glob("*.yaml"))] + [
    ("freeze_lines@risk_dominant", "freeze_lines.yaml", ["solver.selection=risk_dominant"]),
    ("korea_1953@payoff_dominant", "korea_1953.yaml", ["solver.selection=payoff_dominant"]),
]


def _leaves(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Numbers (and strings, None) of a nested summary under dotted key paths."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_leaves(v, f"{prefix}{k}."))
        return out
    if isinstance(obj, list):
        return _leaves(dict(enumerate(obj)), prefix)
    if isinstance(obj, float) and not math.isfinite(obj):
        return {prefix[:-1]: repr(obj)}
    return {prefix[:-1]: obj}


def figures(scenario: str, sets: list[str]) -> dict[str, Any]:
    """Every figure of one fixed-seed run (see the module docstring)."""
    import sim

    res = sim.run(ROOT / "scenarios" / scenario, draws=DRAWS, seed=SEED, overrides=sets or None)
    summary = {k: v for k, v in _leaves(res.summary).items()}
    # the draws to 12 significant digits: a faster kernel must not move a figure, but the
    # last bit of a float may differ between CPUs and numpy builds (SIMD exp and log)
    table = res.draws.to_csv(index=False, float_format="%.12g").encode()
    return {
        "summary": summary,
        "survival": {c: res.survival[c].tolist() for c in res.survival.columns if c != "period"},
        "breakdown": {c: res.breakdown[c].tolist() for c in res.breakdown.columns},
        "draws_sha256": hashlib.sha256(table).hexdigest(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help=f"store the figures in {STORED}")
    args = ap.parse_args()
    got = {name: figures(scenario, sets) for name, scenario, sets in CASES}
    text = json.dumps({"draws": DRAWS, "seed": SEED, "cases": got}, indent=1, sort_keys=True)
    if args.write:
        STORED.parent.mkdir(parents=True, exist_ok=True)
        STORED.write_text(text + "\n")
        print(f"wrote {STORED}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
