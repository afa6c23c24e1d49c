"""How far each shipped scenario's headline is from its limit as the horizon grows.

Beyond the horizon power is frozen (events keep their hazards), so the figures converge
as the horizon grows; a scenario's horizon should put its 10-year figure within 0.5
percentage points of the limit. For each scenario this runs the same draws (common
random numbers) at several horizons and prints acceptance and P(holds 10 y), with the
gap to the longest horizon::

    .venv/bin/python benchmarks/horizon.py                   # every shipped scenario
    .venv/bin/python benchmarks/horizon.py --only freeze_lines --draws 5000 --years 12 16 20 40
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=3000)
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--years", type=float, nargs="*", default=[12, 16, 20, 30, 40],
                    help="horizons in years (the last is the reference)")  # fmt: skip
    args = ap.parse_args()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        if args.only and path.stem not in args.only:
            continue
        scn = sim.load_scenario(path)
        ppy = scn.periods_per_year
        shipped = scn.horizon
        horizons = sorted({shipped, *(int(round(y * ppy)) for y in args.years)})
        horizons = [h for h in horizons if h >= 10 * ppy]
        rows = []
        for h in horizons:
            res = sim.run(path, draws=args.draws, overrides={"horizon": h})
            s = res.summary
            rows.append((h, s["p_accepted"]["estimate"], s["p_holds"]["10y"]["estimate"]))
        ref = rows[-1]
        print(f"{path.stem} (shipped horizon {shipped} periods, {args.draws} draws)")
        for h, acc, h10 in rows:
            mark = "  <- shipped" if h == shipped else ""
            print(
                f"  horizon {h:4d} ({h / ppy:5.1f} y): "
                f"accepted {acc:6.1%} ({(acc - ref[1]) * 100:+.2f} pp)"
                f"  holds 10y {h10:6.1%} ({(h10 - ref[2]) * 100:+.2f} pp){mark}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
