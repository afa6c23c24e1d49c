"""What each mechanism of each shipped scenario does, on the same draws.

For every scenario with ``mechanisms`` it runs the file as shipped and once per mechanism
with that mechanism switched off (``--without ID``), and once with all of them off, on the
same draws, and prints the paired effect of the mechanism (full run minus the run without
it) on holds 5 y and holds 10 y, unconditional and if accepted, with 95% intervals
(:func:`sim.paired`). Run by hand; the tables in scenarios/README.md come from it::

    .venv/bin/python benchmarks/mechanisms.py [--draws 5000] [--markdown] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sim
from sim.analysis import selection_notes

ROOT = Path(__file__).resolve().parents[1]


def effects(name: str, draws: int) -> list[dict]:
    """One row per mechanism (and one for all of them) of scenario ``name``."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    scn = sim.load_scenario(path)
    mechs = list(scn.mechanisms)
    full = sim.run(scn, draws=draws)
    rows = []
    for label, off in [*((m, [m]) for m in mechs), ("all of them", mechs)]:
        other = sim.run(sim.load_scenario(path, without=off), draws=draws)
        table = sim.paired(other, full)
        row = {"scenario": name, "mechanism": label,
               "notes": selection_notes(table, f"{label} in place")}  # fmt: skip
        for k in ("5y", "10y"):
            if f"holds {k}" in table.index:
                r = table.loc[f"holds {k}"]
                row[k] = (r["diff"], r["ci_low"], r["ci_high"])
                row[f"{k}_if_accepted"] = (r["diff_if_accepted"], r["ci_low_if_accepted"],
                                           r["ci_high_if_accepted"])  # fmt: skip
        r = table.loc["accepted"]
        row["accepted"] = (r["diff"], r["ci_low"], r["ci_high"])
        rows.append(row)
    return rows


def _pp(x) -> str:
    if x is None:
        return "n/a"
    d, lo, hi = (100 * v for v in x)
    return f"{d:+.1f} ({lo:+.1f} to {hi:+.1f})"


def main() -> None:
    """Print the table (plain or markdown)."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("scenarios", nargs="*")
    ap.add_argument("--draws", type=int, default=5000)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    names = args.scenarios or sorted(
        p.stem for p in (ROOT / "scenarios").glob("*.yaml")
        if sim.load_scenario(p).mechanisms
    )  # fmt: skip
    cols = ("accepted", "5y", "5y_if_accepted", "10y", "10y_if_accepted")
    print(
        f"effect of each mechanism in percentage points (with minus without), {args.draws:,} "
        "draws, paired 95% intervals"
    )
    if args.markdown:
        print(
            "\n| scenario | mechanism | accepted | holds 5y | holds 5y if accepted "
            "| holds 10y | holds 10y if accepted |\n|---|---|--:|--:|--:|--:|--:|"
        )
    for name in names:
        for row in effects(name, args.draws):
            cells = [_pp(row.get(c)) for c in cols]
            if args.markdown:
                print(f"| `{name}` | {row['mechanism']} | " + " | ".join(cells) + " |")
            else:
                print(f"{name:20s} {row['mechanism']:20s} " + "  ".join(cells))
            for note in row["notes"]:
                print(f"    note: {note}")


if __name__ == "__main__":
    main()
