"""``findings.md``: a discovery (:class:`sim.analysis.discovery.Discovery`) written for people.

Sections: the question and the base rate; the findings of the target's boxes, numbered;
the complement's finding; a table of every box's restrictions against the range sampled;
the beliefs that the sensitivity indices rank first; how to read the numbers.
"""

from __future__ import annotations

from typing import Any

from sim.analysis.findings import pct_text
from sim.analysis.outcomes import outcome_phrase, target_word

__all__ = ["findings_markdown"]


def findings_markdown(d: Any) -> str:
    """The text of ``findings.md`` for a discovery ``d``."""
    meta = d.meta
    title = meta.get("title") or meta.get("scenario") or "a run"
    phrases = meta.get("phrases") or {}
    phrase = phrases.get(d.target) or outcome_phrase(d.outcome, d.target)
    other = phrases.get(d.complement) or outcome_phrase(d.outcome, d.complement)
    lines = [f"# Findings: {title}", ""]
    draws = meta.get("draws")
    source = f"`{meta['result']}`" if meta.get("result") else "the run"
    lines += [
        f"Scenario discovery (PRIM) on {source}: {draws:,} draws, seed {meta.get('seed')}. "
        f"Over all draws, {phrase} in {pct_text(d.base_rate)} of them.",
        "",
        f"## When {phrase}",
        "",
    ]
    own = [b for b in d.boxes if b["target"] == d.target]
    lines += [f"{b['rank']}. {b['finding']}" for b in own] or [_nothing(phrase, d.base_rate)]
    lines += ["", f"## When {other}", ""]
    theirs = [b for b in d.boxes if b["target"] == d.complement]
    lines += [f"- {b['finding']}" for b in theirs] or [_nothing(other, d.complement_rate)]
    for section in (_box_table(d), _sensitivity(d), _how_to_read(d)):
        lines += ["", *section] if section else []
    return "\n".join(lines) + "\n"


def _nothing(phrase: str, rate: float) -> str:
    return (
        f"No box of at most three beliefs makes it much likelier that {phrase} than in all "
        f"draws ({pct_text(rate)})."
    )


def _box_table(d: Any) -> list[str]:
    from sim.analysis.discovery import restriction_rows

    rows = restriction_rows(d)
    if rows.empty:
        return []
    out = [
        "## The boxes",
        "",
        "| box | density | mass | coverage | belief | kept in the box | sampled |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    stats = {(b["target"], b["rank"]): b for b in d.boxes}
    for r in rows.itertuples():
        b = stats[(r.target, r.rank)]
        out.append(
            f"| {target_word(d.outcome, r.target)} {r.rank} | {pct_text(b['density'])} | "
            f"{pct_text(b['mass'])} | {pct_text(b['coverage'])} | {r.name} (`{r.key}`) | "
            f"{r.kept} | {r.sampled} |"
        )
    return out


def _sensitivity(d: Any) -> list[str]:
    table = d.sensitivity
    if table is None or table.empty:
        return []
    out = ["## Which beliefs matter most", ""]
    for (method, measure), part in table.groupby(["method", "measure"], sort=False):
        label = {
            ("rbd_fast", "S1"): "first-order index S1 (RBD-FAST, from the draws)",
            ("sobol", "S1"): "Sobol' first-order index S1 (Saltelli design)",
            ("sobol", "ST"): "Sobol' total index ST (Saltelli design)",
        }.get((method, measure), f"{method} {measure}")
        out.append(f"Ranked by the {label}, with 95% bootstrap intervals:")
        out.append("")
        for r in part.head(5).itertuples():
            out.append(f"{r.rank}. {r.name}: {r.index:.3f} ({r.ci_low:.3f} to {r.ci_high:.3f})")
        out.append("")
    return out[:-1]


def _how_to_read(d: Any) -> list[str]:
    s = d.meta.get("settings", {})
    return [
        "## How to read this",
        "",
        "*Density* is the share of the draws in a box that have the outcome, *mass* the share "
        "of all draws that fall in the box, *coverage* the share of all the draws with the "
        "outcome that fall in it. Each draw counts with its probability of the outcome (the "
        "expected share), not a 0/1 story. Boxes are found one after another: box 2 among the "
        "draws outside box 1. A box is the step of PRIM's peeling trajectory with the largest "
        f"mass × (density − base rate) among those restricting at most "
        f"{s.get('max_restricted', 3)} beliefs whose density is at least "
        f"{s.get('min_lift', 0.1):.0%} points above the base rate, less the restrictions that "
        "add under 5% to it (when no such step exists, the best larger one cut down to "
        f"{s.get('max_restricted', 3)} beliefs, if it still clears that lift); "
        f"PRIM peels {s.get('peel_alpha', 0.05):.0%} of a box at a time down to "
        f"{s.get('mass_min', 0.05):.0%} of the draws. The exact limits, every step of the "
        "trajectory and the settings are in `discovery.json`; `discovery.png` draws them.",
        "",
        "These are statements about the beliefs written into the scenario, not about the "
        "world: a box says which of those beliefs, together, the answer turns on.",
    ]
