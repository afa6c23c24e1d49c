"""Shape of the yearly hazard of a signed ceasefire in a saved result folder.

Prints the mean yearly hazard over years 0-3 and 6-10 of ``survival_if_accepted``, their
ratio, a Weibull shape fitted to the curve (least squares of log(-log S) on log t over
years 0.25-10), and the share of accepted draws whose 5-year survival lies strictly
between 5% and 95% (from draws.parquet).

Usage: python benchmarks/hazard_shape.py RESULT_FOLDER [...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd


def shape(folder: Path) -> dict[str, float]:
    """The hazard figures of one result folder."""
    s = pd.read_csv(folder / "survival.csv")
    curve = dict(zip(s.years.round(6), s.survival_if_accepted, strict=True))

    def at(y: float) -> float:
        return float(np.interp(y, s.years, s.survival_if_accepted))

    early = -np.log(at(3.0)) / 3.0
    late = -np.log(at(10.0) / at(6.0)) / 4.0
    t = s.years[(s.years >= 0.25) & (s.years <= 10)].to_numpy()
    surv = np.array([curve[round(x, 6)] for x in t])
    ok = (surv > 0) & (surv < 1)
    k = (
        float(np.polyfit(np.log(t[ok]), np.log(-np.log(surv[ok])), 1)[0])
        if ok.sum() > 2
        else float("nan")
    )
    d = pd.read_parquet(folder / "draws.parquet")
    a = d[d.accepted]
    p5 = a.p_holds_5y / (a.p_accepted if "p_accepted" in a else 1.0)
    frac = float(((p5 > 0.05) & (p5 < 0.95)).mean())
    return {
        "hazard_0_3": early,
        "hazard_6_10": late,
        "ratio": late / early,
        "weibull_k": k,
        "frac_5y_mid": frac,
        "holds_1y_if_acc": at(1.0),
    }


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        r = shape(Path(arg))
        print(arg, " ".join(f"{k}={v:.3f}" for k, v in r.items()))
