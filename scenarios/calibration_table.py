"""Regenerate the calibration block of scenarios/README.md: the flagship under history.

Usage (from the repository root; each mode calibrates and runs everything first, about
20 minutes on one core)::

    .venv/bin/python scenarios/calibration_table.py --print   # print the block
    .venv/bin/python scenarios/calibration_table.py --write   # rewrite it in the README

It calibrates twice with :data:`PARTICLES` particles and seed :data:`SEED`: on the three
cases :data:`CASES` (Minsk II, Korea, and the reference class of truces), and on the two
histories alone, to show what the reference table does to the shared beliefs. Each
calibration folder is kept under ``results/calibration/`` (``calibration.png`` is its
figure), and the flagship is run with the file's own beliefs and under each posterior
(``sim run scenarios/freeze_lines.yaml --posterior results/calibration/<name>``) with its
own seed and :data:`DRAWS` draws. Only the block between ``<!-- BEGIN calibration`` and
``<!-- END calibration -->`` is touched. Every number is fixed by the seeds, the draws and
the scenario files (``sim calibrate`` and ``sim run`` give the same numbers for any
chunking or number of workers).
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"
OUT = ROOT / "results" / "calibration"

#: The calibrations: folder name -> cases (scenario names).
CASES = {
    "history_and_class": ("minsk_2015", "korea_1953", "reference_truce"),
    "history": ("minsk_2015", "korea_1953"),
}
PARTICLES = 1000
SEED = 1
#: Draws of each flagship run.
DRAWS = 20_000
FLAGSHIP = "freeze_lines"
BLOCK = "calibration"


def _pct(x: float) -> str:
    """A probability for the table: a percentage, or powers of ten when tiny."""
    return f"{x:.1%}" if x >= 0.001 else f"{x:.1e}"


def calibrations(workers: int) -> dict:
    """Run (or rerun) each calibration; name -> :class:`sim.calibration.Calibration`."""
    import sim

    out = {}
    for name, cases in CASES.items():
        files = [HERE / f"{c}.yaml" for c in cases]
        with warnings.catch_warnings(record=True):
            cal = sim.calibrate(files, draws=PARTICLES, seed=SEED, workers=workers)
        cal.save(OUT / name)
        out[name] = cal
    return out


def flagship(workers: int) -> dict:
    """The flagship's headline figures: name -> summary (``prior`` and each posterior)."""
    import sim

    path = HERE / f"{FLAGSHIP}.yaml"
    runs = {"prior": sim.run(path, draws=DRAWS, workers=workers)}
    for name in CASES:
        runs[name] = sim.run(path, draws=DRAWS, workers=workers, posterior=OUT / name)
    return {k: r.summary for k, r in runs.items()}


def case_table(cal) -> str:
    """Each case: what was observed, P(it) under the prior and the posterior."""
    rows = ["| case | what was observed | P(observed), prior | P(observed), posterior |"]
    rows.append("|---|---|---|---|")
    for name, c in cal.summary["cases"].items():
        rows.append(
            f"| `{name}` | {c['observation']} | {_pct(c['prior_predictive'])} | "
            f"{_pct(c['posterior_predictive'])} |"
        )
    return "\n".join(rows)


def table_rows(cal) -> str:
    """The reference class: observed survival against prior and posterior predictive."""
    c = cal.summary["cases"].get("reference_truce")
    if c is None:
        return ""
    rows = ["| an agreed truce holds | 1 year | 2 years | 5 years |", "|---|---|---|---|"]
    for label, key in (
        ("observed (Fortna)", "observed_survival"),
        ("model, prior", "prior_survival"),
        ("model, posterior", "posterior_survival"),
    ):
        cells = " | ".join(f"{c[key][t]:.0%}" for t in ("1y", "2y", "5y"))
        rows.append(f"| {label} | {cells} |")
    return "\n".join(rows)


def belief_table(cals: dict) -> str:
    """Each shared belief: its prior and its posterior under each calibration."""
    keys = list(dict.fromkeys(k for cal in cals.values() for k in cal.summary["shared"]))
    head = "| shared belief | prior | " + " | ".join(
        f"posterior: {', '.join(CASES[n])}" for n in cals
    )
    rows = [head + " |", "|---" * (2 + len(cals)) + "|"]
    for k in keys:
        prior = next(
            c.summary["shared"][k]["prior"] for c in cals.values() if k in c.summary["shared"]
        )
        cells = []
        for cal in cals.values():
            s = cal.summary["shared"].get(k)
            cells.append(
                "not shared"
                if s is None
                else f"{s['posterior_mean']:.3g} ({s['posterior_q05']:.3g} to "
                f"{s['posterior_q95']:.3g}), moved {s['shift_sd']:+.1f} sd"
            )
        rows.append(f"| `{k}` | `{prior}` | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def headline_table(summaries: dict) -> str:
    """The flagship's headline figures under its own beliefs and each posterior."""
    cols = ["the file's beliefs"] + [f"posterior: {', '.join(CASES[n])}" for n in CASES]
    rows = ["| `freeze_lines` | " + " | ".join(cols) + " |", "|---" * (1 + len(cols)) + "|"]
    figures = [("accepted", lambda s: s["p_accepted"])]
    figures += [(f"holds {t}", lambda s, t=t: s["p_holds"][t]) for t in ("1y", "2y", "5y", "10y")]
    figures.append(("holds 5y if accepted", lambda s: s["p_holds_if_accepted"]["5y"]))
    for label, get in figures:
        cells = []
        for s in summaries.values():
            f = get(s)
            if isinstance(f, dict):
                f = f"{f['estimate']:.1%} ({f['ci_low']:.1%} to {f['ci_high']:.1%})"
            cells.append(f if isinstance(f, str) else f"{f:.1%}")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def render(workers: int = 1) -> str:
    """The block's body."""
    cals = calibrations(workers)
    summaries = flagship(workers)
    joint = cals["history_and_class"]
    parts = [
        f"Calibration on Minsk II, Korea and the reference class ({PARTICLES:,} particles, "
        f"seed {SEED}, effective sample {joint.summary['ess']:.0f}):",
        case_table(joint),
        "The reference class against the model:",
        table_rows(joint),
        f"On the two histories alone (effective sample {cals['history'].summary['ess']:.0f}):",
        case_table(cals["history"]),
        "The shared beliefs (posterior mean, 90% interval, and how far the mean moved in "
        "prior standard deviations):",
        belief_table(cals),
        f"The flagship, {DRAWS:,} draws with its own seed (95% intervals of the estimate):",
        headline_table(summaries),
    ]
    return "\n\n".join(parts)


def marker() -> str:
    """The BEGIN marker of the block."""
    return (
        f"<!-- BEGIN {BLOCK} (generated by `.venv/bin/python scenarios/calibration_table.py "
        f"--write`; do not edit by hand) particles={PARTICLES} seed={SEED} draws={DRAWS} -->\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Print or write the block."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="rewrite the block in the README")
    mode.add_argument("--print", action="store_true", help="print the block")
    ap.add_argument("--workers", type=int, default=1, help="worker processes (no number changes)")
    args = ap.parse_args(argv)
    block = marker() + render(args.workers) + f"\n<!-- END {BLOCK} -->"
    if args.print:
        print(block)
        return 0
    text = README.read_text(encoding="utf-8")
    pat = re.compile(rf"<!-- BEGIN {BLOCK}\b[^>]*-->\n.*?<!-- END {BLOCK} -->", re.S)
    if pat.search(text) is None:
        print(
            f"{README}: no block <!-- BEGIN {BLOCK} --> ... <!-- END {BLOCK} -->", file=sys.stderr
        )
        return 1
    README.write_text(pat.sub(lambda _: block, text, count=1), encoding="utf-8")
    print(f"{README.relative_to(ROOT)}: calibration block written")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
