"""The table of term sets: one row per term set, the run's figures and the references.

Each row's figures are those ``sim run`` reports for its terms (through
:func:`sim.montecarlo.finish`, from the exact sums), plus each side's value of the
ceasefire over war and the t = 0 bargaining references. :func:`pareto_front` marks the
term sets no other term set beats for both sides.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.terms.engine import TermOutcome
from sim.analysis.terms.grid import TermSet, term_scenario
from sim.montecarlo import RunOptions, finish, milestones, solver_settings
from sim.scenario import Scenario

__all__ = ["figure_columns", "pareto_front", "summary_row", "table_attrs", "terms_table"]


def pareto_front(x: Sequence[float], y: Sequence[float]) -> np.ndarray:
    """Which points no other point dominates, both coordinates to be maximised.

    A point is dominated when another is at least as good in both coordinates and
    strictly better in one; equal points dominate neither. A point with a NaN is never
    on the front (and dominates nothing).
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    xs, ys = np.where(ok, x, -np.inf), np.where(ok, y, -np.inf)
    ge = (xs[None, :] >= xs[:, None]) & (ys[None, :] >= ys[:, None])  # [i, j]: j >= i in both
    gt = (xs[None, :] > xs[:, None]) | (ys[None, :] > ys[:, None])
    dominated = (ge & gt & ok[None, :]).any(axis=1)
    return ok & ~dominated


def _main(shares: dict[str, float]) -> tuple[str, float]:
    """The largest share and its name ('' and 0 when every share is 0)."""
    if not shares or max(shares.values()) <= 0:
        return "", 0.0
    name = max(shares, key=lambda k: shares[k])
    return name, float(shares[name])


def summary_row(scn: Scenario, summary: dict[str, Any], outcome: TermOutcome) -> dict[str, Any]:
    """The figures of one term set: acceptance, survival, values, breakers, references."""
    a, b = scn.actor_ids
    rej = summary["rejected_by"]
    row: dict[str, Any] = {}
    for k in ("estimate", "ci_low", "ci_high"):
        row["accepted" + ("" if k == "estimate" else f"_{k}")] = summary["p_accepted"][k]
    row[f"accepted_by_{a}"] = 1.0 - rej[a] - rej["both"]
    row[f"accepted_by_{b}"] = 1.0 - rej[b] - rej["both"]
    for label, est in summary["p_holds"].items():
        row[f"holds_{label}"] = est["estimate"]
        row[f"holds_{label}_ci_low"] = est["ci_low"]
        row[f"holds_{label}_ci_high"] = est["ci_high"]
    for label, cond in summary["p_holds_if_accepted"].items():
        row[f"holds_{label}_if_accepted"] = np.nan if cond is None else cond
    ex = outcome.extras
    row[f"value_{a}"] = ex.mean("gain_a")
    row[f"value_{b}"] = ex.mean("gain_b")
    row["breaks_within_horizon"] = summary["p_breaks_within_horizon"]
    broken = summary["p_breaks_within_horizon"] > 0
    who, who_share = _main(summary["breakdown_by_actor"]) if broken else ("", 0.0)
    why, why_share = _main(summary["breakdown_by_cause"]) if broken else ("", 0.0)
    row.update(main_breaker=who, main_breaker_share=who_share)
    row.update(main_cause=why, main_cause_share=why_share)
    refused = summary["p_accepted"]["estimate"] < 1.0
    row["main_rejection_cause"] = _main(summary["rejection_cause"])[0] if refused else ""
    row["median_duration_years"] = summary["median_duration_years"]
    for key in ("fearon_low", "fearon_high", "nash_share_a", "terms_share_a", "in_fearon_range"):
        row[key] = ex.mean(key)
    return row


def terms_table(
    base: Scenario,
    regions: Sequence[str],
    sets: Sequence[TermSet],
    outcomes: Sequence[TermOutcome],
    opts: RunOptions,
) -> pd.DataFrame:
    """One row per term set: its id, the holdings, the figures, the Pareto mark."""
    a, b = base.actor_ids
    rows = []
    for i, (term_set, outcome) in enumerate(zip(sets, outcomes, strict=True)):
        scn = term_scenario(base, term_set)
        summary = finish(scn, opts, outcome.sums, []).summary
        rows.append(
            {
                "term_set": i + 1,
                **term_set.holdings,
                "own_terms": term_set.own,
                **summary_row(scn, summary, outcome),
                "set": " ".join(term_set.set_options(base)),
            }
        )
    table = pd.DataFrame(rows)
    for r in regions:  # a holder id, A's share, or the text of a belief: keep as given
        if not all(isinstance(v, float) for v in table[r]):
            table[r] = table[r].astype(object)
    table.insert(
        table.columns.get_loc("set"),
        "pareto",
        pareto_front(table[f"value_{a}"], table[f"value_{b}"]),
    )
    return table


def figure_columns(table: pd.DataFrame) -> dict[str, Any]:
    """The columns a figure or a printed table reads, named from the table's attrs."""
    a, b = table.attrs["actors"]
    marks = table.attrs["milestones"]
    return {
        "regions": list(table.attrs["regions"]),
        "holds": [f"holds_{m}" for m in marks],
        "value": (f"value_{a}", f"value_{b}"),
        "accepted_by": (f"accepted_by_{a}", f"accepted_by_{b}"),
        "target": "holds_5y" if "5y" in marks else (f"holds_{marks[-1]}" if marks else "accepted"),
    }


def table_attrs(base: Scenario, regions: Sequence[str], shares, opts: RunOptions) -> dict:
    """What the table was made from: its scenario, regions, grid and run options."""
    a, b = base.actor_ids
    return {
        "scenario": base.name,
        "title": base.title,
        "scenario_file": base.source_path or None,
        "regions": list(regions),
        "region_labels": {r: base.regions[r].label or r for r in regions},
        "shares": None if shares is None else list(shares),
        "actors": [a, b],
        "actor_labels": {a: base.display_name(a), b: base.display_name(b)},
        "period": base.period,
        "milestones": list(milestones(base)),
        "draws": opts.draws,
        "seed": opts.seed,
        "sampler": opts.sampler,
        "solver": solver_settings(opts),
        "overrides": [[k, v] for k, v in base.overrides],
        "informed": base.informed,
    }
