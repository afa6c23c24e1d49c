"""PRIM of sim.analysis.prim against ema-workbench's prim.Prim on the same data.

    .venv/bin/python benchmarks/prim_vs_ema.py            # makes .venv-ema the first time
    .venv/bin/python benchmarks/prim_vs_ema.py --draws 4000

ema-workbench is not a dependency of ceasefire-sim (see the docstring of
sim/analysis/prim.py), so this script runs itself in a virtualenv of its own: unless
ema_workbench can be imported already, it creates ``.venv-ema`` beside the repository's
``.venv`` (or the folder in $EMA_VENV), installs ema-workbench 2.5.3 (the last series for
Python 3.11) and this package into it, and runs there.

Data sets: a planted box in five uniform inputs (5,000 points), and the draws of a run of
the flagship scenario (P(holds 5 years) >= 0.5 as the case of interest, every sampled
belief as an input). For each, both implementations peel and paste the first box with the
same settings, then, after the same step is selected, the second; the script prints the
number of steps of each trajectory and the largest differences of coverage, density,
mass and limits between them, and exits 1 if any exceeds 1e-12.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EMA_VERSION = "2.5.3"


def ensure_ema() -> None:
    """Re-run this script in a virtualenv with ema-workbench, unless it is importable."""
    try:
        import ema_workbench  # noqa: F401
    except ImportError:
        pass
    else:
        return
    venv = Path(os.environ.get("EMA_VENV", ROOT / ".venv-ema"))
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"creating {venv} with ema-workbench {EMA_VERSION} (a few minutes, once)")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"ema-workbench=={EMA_VERSION}"], check=True)
        subprocess.run([*pip, "-e", str(ROOT)], check=True)
    sys.exit(subprocess.run([str(python), __file__, *sys.argv[1:]]).returncode)


def planted(n: int = 5000, seed: int = 3):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 5))
    inside = (x[:, 0] > 0.5) & (x[:, 1] < 0.6)
    y = np.where(inside, rng.random(n) < 0.9, rng.random(n) < 0.1).astype(float)
    return [f"x{j}" for j in range(5)], x, y


def flagship(draws: int):
    import sim

    scn = sim.load_scenario(ROOT / "scenarios" / "freeze_lines.yaml")
    result = sim.run(scn, draws=draws, seed=11)
    keys = [k for k in scn.uncertain() if k in result.draws.columns]
    x = result.draws[keys].to_numpy(float)
    y = (result.draws["p_holds_5y"].to_numpy(float) >= 0.5).astype(float)
    return keys, x, y


def ema_trajectory(box, names):
    rows = []
    for i, lims in enumerate(box.box_lims):
        t = box.peeling_trajectory.iloc[i]
        low = lims.loc[0, names].to_numpy(float)
        high = lims.loc[1, names].to_numpy(float)
        rows.append((t["coverage"], t["density"], t["mass"], low, high))
    return rows


def ours_trajectory(steps):
    return [(s.coverage, s.density, s.mass, s.low, s.high) for s in steps]


def compare(label, a, b) -> float:
    if len(a) != len(b):
        print(f"  {label}: {len(a)} steps (ours) against {len(b)} (ema-workbench)")
        return float("inf")
    worst = 0.0
    for (c1, d1, m1, l1, h1), (c2, d2, m2, l2, h2) in zip(a, b, strict=True):
        diffs = [abs(c1 - c2), abs(d1 - d2), abs(m1 - m2)]
        diffs += [float(np.max(np.abs(l1 - l2))), float(np.max(np.abs(h1 - h2)))]
        worst = max(worst, *diffs)
    print(f"  {label}: {len(a)} steps each, largest difference {worst:.2e}")
    return worst


def run_case(name, names, x, y) -> float:
    import pandas as pd
    from ema_workbench.analysis import prim as ema_prim

    from sim.analysis.prim import choose, peel_and_paste

    print(f"{name}: {len(y)} points, {x.shape[1]} inputs, {int(y.sum())} cases of interest")
    frame = pd.DataFrame(x, columns=names)
    ema = ema_prim.Prim(frame, y.astype(int), threshold=1e-9)
    active = np.ones(len(y), dtype=bool)
    worst = 0.0
    for k in (1, 2):
        box = ema.find_box()
        ours = peel_and_paste(x, y, active)
        worst = max(worst, compare(f"box {k}", ours_trajectory(ours), ema_trajectory(box, names)))
        pick = choose(ours)
        box.select(pick)
        st = ours[pick]
        active &= ~np.all((x >= st.low) & (x <= st.high), axis=1)
        print(
            f"    chosen step {pick}: coverage {st.coverage:.3f}, density {st.density:.3f}, "
            f"mass {st.mass:.3f}, {st.restricted} inputs restricted"
        )
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=3000, help="draws of the flagship run")
    args = parser.parse_args()
    ensure_ema()
    warnings.filterwarnings("ignore")
    worst = run_case("planted box", *planted())
    worst = max(worst, run_case("freeze_lines", *flagship(args.draws)))
    ok = worst <= 1e-12
    print("agreement: " + ("exact (within 1e-12)" if ok else f"NOT exact (worst {worst:.3g})"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
