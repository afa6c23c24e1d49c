"""The effect of a change on the same draws: paired differences of the headline figures.

Two runs of the same scenario family with the same seed, sampler and number of draws
share their draws (the uncertain numbers of draw i are the same in both; a mechanism
switched off with ``--without`` keeps its numbers drawn). The effect of the change is then
estimated draw by draw, which removes the variance the two runs have in common::

    table = sim.paired("results/korea_1953", "results/korea_1953_without_dmz")

For each headline figure (accepted, holds 1/2/5/10 years) the table gives both runs'
estimates and the difference B - A with its 95% interval, computed two ways: paired (the
standard error of the mean of per-draw differences) and, for reference, unpaired (as if
the runs had independent draws). Beside each unconditional figure is the figure
*conditional on acceptance*, P(holds at t | accepted) = sum_i h_i / sum_i a_i, whose
difference has the delta-method interval of a ratio of paired means.

The two can disagree in sign: a change that removes fragile ceasefires at signing (a side
that would break them no longer signs) lowers the unconditional chance that a ceasefire
is in force and raises the chance that a signed one lasts. :func:`selection_notes` says
so in a sentence for each figure where it happens.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from sim.io import Result, load_result

__all__ = ["PairingError", "paired", "selection_notes"]

Z95 = 1.959963984540054
FIGURES = ("1y", "2y", "5y", "10y")


class PairingError(ValueError):
    """Two runs that do not share their draws."""


def _result(x: Result | str | os.PathLike) -> Result:
    return x if isinstance(x, Result) else load_result(x)


def _check_pairs(a: Result, b: Result) -> None:
    """Same number of draws, seed and sampler, and the same values of every uncertain
    number both runs have."""
    sa, sb = a.summary, b.summary
    for key in ("draws", "seed", "sampler"):
        if sa.get(key) != sb.get(key):
            raise PairingError(
                f"the runs differ in {key} ({sa.get(key)} and {sb.get(key)}), so they do not "
                "share their draws; run both with the same --seed, --draws and sampler"
            )
    shared = sorted(set(a.scenario.uncertain()) & set(b.scenario.uncertain()))
    differ = [k for k in shared if k in a.draws and k in b.draws
              and not np.array_equal(a.draws[k].to_numpy(), b.draws[k].to_numpy())]  # fmt: skip
    if differ:
        raise PairingError(
            f"the runs drew different values of {', '.join(differ[:3])}"
            f"{' and more' if len(differ) > 3 else ''}: their uncertain numbers are not the "
            "same beliefs in the same order (switch a mechanism off with --without rather "
            "than deleting it)"
        )


def _columns(r: Result) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    d = r.draws
    acc = (d["p_accepted"] if "p_accepted" in d else d["accepted"]).to_numpy(dtype=float)
    holds = {k: d[f"p_holds_{k}"].to_numpy(dtype=float) for k in FIGURES if f"p_holds_{k}" in d}
    return acc, holds


def _mean_ci(x: np.ndarray) -> tuple[float, float]:
    n = x.size
    half = Z95 * float(np.std(x, ddof=1)) / np.sqrt(n) if n > 1 else float("inf")
    return float(x.mean()), half


def _ratio(h: np.ndarray, a: np.ndarray) -> tuple[float, np.ndarray]:
    """sum h / sum a and its linearisation per draw (the influence of each draw)."""
    abar = a.mean()
    if abar <= 0:
        return float("nan"), np.full(h.size, np.nan)
    s = h.mean() / abar
    return float(s), (h - s * a) / abar


def paired(a: Result | str | os.PathLike, b: Result | str | os.PathLike) -> pd.DataFrame:
    """Paired differences B - A of the headline figures of two runs on the same draws.

    Returns one row per figure (``accepted``, ``holds 1y`` ... ``holds 10y``) with the
    columns ``a``, ``b``, ``diff``, ``ci_low``, ``ci_high`` (paired 95%), ``unpaired_ci_low``,
    ``unpaired_ci_high``, and for the holds rows the same conditional on acceptance
    (``a_if_accepted``, ``b_if_accepted``, ``diff_if_accepted``, ``ci_low_if_accepted``,
    ``ci_high_if_accepted``). Raises :class:`PairingError` when the runs do not share
    their draws.
    """
    ra, rb = _result(a), _result(b)
    _check_pairs(ra, rb)
    acc_a, holds_a = _columns(ra)
    acc_b, holds_b = _columns(rb)
    rows: list[dict[str, Any]] = [_row("accepted", acc_a, acc_b)]
    for k in FIGURES:
        if k in holds_a and k in holds_b:
            row = _row(f"holds {k}", holds_a[k], holds_b[k])
            sa, za = _ratio(holds_a[k], acc_a)
            sb, zb = _ratio(holds_b[k], acc_b)
            half = _mean_ci(zb - za)[1] if np.isfinite(sa + sb) else np.nan
            d = sb - sa
            row.update(a_if_accepted=sa, b_if_accepted=sb, diff_if_accepted=d,
                       ci_low_if_accepted=d - half, ci_high_if_accepted=d + half)  # fmt: skip
            rows.append(row)
    return pd.DataFrame(rows).set_index("figure")


def _row(name: str, xa: np.ndarray, xb: np.ndarray) -> dict[str, Any]:
    diff, half = _mean_ci(xb - xa)
    _, ha = _mean_ci(xa)
    _, hb = _mean_ci(xb)
    unpaired = float(np.hypot(ha, hb))
    return {"figure": name, "a": float(xa.mean()), "b": float(xb.mean()), "diff": diff,
            "ci_low": diff - half, "ci_high": diff + half,
            "unpaired_ci_low": diff - unpaired, "unpaired_ci_high": diff + unpaired}  # fmt: skip


def selection_notes(table: pd.DataFrame, change: str = "the change") -> list[str]:
    """One sentence for each figure whose unconditional and conditional differences have
    opposite signs, both intervals excluding zero (the selection effect at signing)."""
    notes = []
    for name, row in table.iterrows():
        if "diff_if_accepted" not in row or not np.isfinite(row.get("diff_if_accepted", np.nan)):
            continue
        up = row["ci_low"] > 0 and row["ci_high_if_accepted"] < 0
        down = row["ci_high"] < 0 and row["ci_low_if_accepted"] > 0
        if up or down:
            more, less = ("more", "less") if up else ("less", "more")
            notes.append(
                f"{name}: with {change} a ceasefire is {more} often in force "
                f"({row['diff']:+.1%}) but a signed one is {less} likely to last "
                f"({row['diff_if_accepted']:+.1%}): acceptance screens draws differently "
                "(a selection effect at signing, not an effect on durability alone)"
            )
    return notes
