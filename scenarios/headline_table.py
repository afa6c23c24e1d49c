"""Regenerate the generated blocks of scenarios/README.md from fresh runs.

Usage (from the repository root; each mode runs everything first)::

    .venv/bin/python scenarios/headline_table.py --write   # rewrite the README blocks
    .venv/bin/python scenarios/headline_table.py --check   # exit 1 if the README differs
    .venv/bin/python scenarios/headline_table.py --print   # print the blocks

Three blocks of the README are generated, each between a pair of marker comments
(``<!-- BEGIN name ... -->`` and ``<!-- END name -->``), and nothing outside them is
touched:

``headline-table``
    every shipped scenario run with its own ``montecarlo.seed`` and :data:`DRAWS` draws:
    accepted, holds 1/2/5/10 years, main breaker, main cause, main rejecter;
``history-checks``
    the two history cases (Minsk II, Korea) read against what happened;
``claims``
    freeze_lines run at each end of every essay claim (:data:`CLAIMS`, plus the scenario's
    most consequential judgement), :data:`CLAIM_DRAWS` draws each, and at all of one end
    together, so a reader sees how much each belief moves the answer.

Everything is deterministic: a run depends only on the scenario file, the seed and the
number of draws (``sim.run`` gives identical results for any chunking or number of
workers), and numbers are printed with a fixed number of decimals. The BEGIN marker
records a fingerprint of the scenario files, the draws and the claim settings; the tests
(tests/test_scenarios.py) check the fingerprint (a scenario edited without regenerating
the README fails) and recompute a subset of rows at the documented draws.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
README = HERE / "README.md"

#: The shipped scenarios, in the order of the table.
SCENARIOS = (
    "freeze_lines",
    "pre_invasion_lines",
    "annexation_lines",
    "liberate_south",
    "minsk_2015",
    "korea_1953",
    "reference_truce",
    "textbook_powell",
)
#: Draws per scenario for the headline table and the history checks.
DRAWS = 20_000
#: Draws per run for the claims table (21 runs of the flagship).
CLAIM_DRAWS = 5_000
FLAGSHIP = "freeze_lines"


@dataclass(frozen=True)
class Claim:
    """One claim of the essay, the keys that encode it in freeze_lines, and the two ends."""

    claim: str
    keys: tuple[str, ...]
    essay: tuple[str, ...]  # --set values at the essay's end of the range
    critic: tuple[str, ...]  # --set values at the opposite end


#: Each claim of the essay with a `--set` for each end of its range (all inside the
#: scenario's own ranges, so both readings are already part of the headline figures).
CLAIMS = (
    Claim(
        "Maximalist war aims: the Kremlin wants Ukraine itself, not land",
        (
            "actors.russia.types.maximalist.prior",
            "regions.free_ukraine.value.russia",
            "war.outcomes.russia.independence.russia",
        ),
        ("actors.russia.types.maximalist.prior=1",),
        ("actors.russia.types.maximalist.prior=0",),
    ),
    Claim(
        "A ceasefire only pauses the war: a new war does not deter the Kremlin",
        (
            "actors.russia.types.<type>.changes.actors.russia.war_cost",
            "actors.russia.war_flow",
            "war.first_strike",
        ),
        (
            "actors.russia.types.maximalist.changes.actors.russia.war_cost=2",
            "actors.russia.types.limited.changes.actors.russia.war_cost=2",
        ),
        (
            "actors.russia.types.maximalist.changes.actors.russia.war_cost=15",
            "actors.russia.types.limited.changes.actors.russia.war_cost=15",
        ),
    ),
    Claim(
        "The occupier rebuilds during a pause",
        ("actors.russia.ceiling", "actors.russia.rebuild_rate"),
        ("actors.russia.ceiling=1.8", "actors.russia.rebuild_rate=0.10"),
        ("actors.russia.ceiling=1.0",),
    ),
    Claim(
        "Melitopol becomes a forward base",
        ("regions.land_bridge.effects.power",),
        ("regions.land_bridge.effects.power=0.15",),
        ("regions.land_bridge.effects.power=0",),
    ),
    Claim(
        "The nuclear plant and the Donbas industry strengthen their holder",
        (
            "regions.nuclear_plant.effects.ceiling",
            "regions.donbas_2014.effects.ceiling",
            "regions.donbas_2014.effects.growth",
            "regions.donbas_2022.effects.ceiling",
            "regions.donbas_2022.effects.growth",
        ),
        (
            "regions.nuclear_plant.effects.ceiling=0.05",
            "regions.donbas_2014.effects.ceiling=0.06",
            "regions.donbas_2014.effects.growth=0.01",
            "regions.donbas_2022.effects.ceiling=0.06",
            "regions.donbas_2022.effects.growth=0.01",
        ),
        (
            "regions.nuclear_plant.effects.ceiling=0",
            "regions.donbas_2014.effects.ceiling=0",
            "regions.donbas_2014.effects.growth=0",
            "regions.donbas_2022.effects.ceiling=0",
            "regions.donbas_2022.effects.growth=0",
        ),
    ),
    Claim(
        "The fire never ceased in 2014-2022",
        ("war.incident_hazard", "actors.ukraine.flow"),
        ("war.incident_hazard=0.006", "actors.ukraine.flow=-0.05"),
        ("war.incident_hazard=0", "actors.ukraine.flow=0.05"),
    ),
    Claim(
        "Partners' support may fade",
        ("events.support_fades.hazard", "mechanisms.western_buildup.ceiling"),
        ("events.support_fades.hazard=0.05",),
        ("events.support_fades.hazard=0.0025",),
    ),
    Claim(
        "The remedy: partners arm Ukraine for the long term",
        ("mechanisms.western_buildup.ceiling",),
        ("mechanisms.western_buildup.ceiling=0.8",),
        ("mechanisms.western_buildup.ceiling=0.4",),
    ),
    Claim(
        "The conflict lasts as long as the regime does",
        (
            "events.leadership_change.hazard",
            "events.leadership_change.changes.regions.independence.value.russia",
        ),
        ("events.leadership_change.hazard=0.0025",),
        ("events.leadership_change.hazard=0.025",),
    ),
    Claim(
        "(A judgement of the scenario, not a claim of the essay) "
        "What a Russian victory in a new war takes",
        ("war.outcomes.russia.free_ukraine.russia", "war.outcomes.russia.independence.russia"),
        (
            "war.outcomes.russia.free_ukraine.russia=1.0",
            "war.outcomes.russia.independence.russia=1.0",
        ),
        (
            "war.outcomes.russia.free_ukraine.russia=0.0",
            "war.outcomes.russia.independence.russia=0.0",
        ),
    ),
)


# ------------------------------------------------------------------------------ running


def scenario_path(name: str) -> Path:
    return HERE / f"{name}.yaml"


@lru_cache(maxsize=None)
def run_scenario(name: str, draws: int = DRAWS, overrides: tuple[str, ...] = ()):
    """Run a shipped scenario with its own seed (``montecarlo.seed``) and ``draws`` draws."""
    import sim

    return sim.run(scenario_path(name), draws=draws, overrides=list(overrides) or None)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100.0 * x:.1f}%"


def _label(result, key: str) -> str:
    scn = result.scenario
    if key in scn.actors:
        return scn.display_name(key)
    return key


def _top(shares: dict[str, float], result) -> str:
    """The largest share, as 'Label 44%'; an empty string when all are zero."""
    if not shares or max(shares.values()) <= 0.0:
        return ""
    key = max(shares, key=lambda k: (shares[k], -list(shares).index(k)))
    return f"{_label(result, key)} {100.0 * shares[key]:.0f}%"


def headline_row(name: str, result) -> str:
    """One markdown row of the headline table for a finished run."""
    s = result.summary
    holds = [
        _pct(s["p_holds"][k]["estimate"]) if k in s["p_holds"] else "n/a"
        for k in ("1y", "2y", "5y", "10y")
    ]
    broken = s["p_breaks_within_horizon"] > 0.0
    breaker = _top(s["breakdown_by_actor"], result) if broken else "none"
    cause = _top(s["breakdown_by_cause"], result) if broken else "none"
    rejected = 1.0 - s["p_accepted"]["estimate"]
    if rejected > 0.0:
        rej = _top(s["rejected_by"], result) + f" ({_top(s['rejection_cause'], result).split()[0]})"
    else:
        rej = "none"
    cells = [f"`{name}`", _pct(s["p_accepted"]["estimate"]), *holds, breaker, cause, rej]
    return "| " + " | ".join(cells) + " |"


HEADLINE_HEADER = (
    "| scenario | accepted | holds 1y | holds 2y | holds 5y | holds 10y "
    "| main breaker (share of breakdowns) "
    "| main cause (share) | main rejecter, share of draws (cause) |\n"
    "|---|--:|--:|--:|--:|--:|---|---|---|"
)


def headline_table(draws: int = DRAWS, names: tuple[str, ...] = SCENARIOS) -> str:
    """The markdown headline table, one row per scenario."""
    rows = [headline_row(n, run_scenario(n, draws)) for n in names]
    return HEADLINE_HEADER + "\n" + "\n".join(rows)


def _surv_if_accepted(result, years: float) -> float | None:
    """P(holds at `years` | accepted), from the survival table (nearest period at or before)."""
    surv = result.survival
    row = surv[surv["years"] <= years + 1e-9].iloc[-1]
    val = row["survival_if_accepted"]
    return None if val != val else float(val)


def _breaks_by(result, actor: str, years: float) -> float | None:
    """P(actor deliberately breaks the ceasefire within `years` | accepted)."""
    acc = result.summary["p_accepted"]["estimate"]
    if acc <= 0.0:
        return None
    b = result.breakdown
    return float(b.loc[b["years"] < years - 1e-9, f"breaker.{actor}"].sum()) / acc


def history_block(draws: int = DRAWS) -> str:
    """The generated figures of the two history checks (markdown)."""
    minsk = run_scenario("minsk_2015", draws)
    korea = run_scenario("korea_1953", draws)
    ms, ks = minsk.summary, korea.summary
    m_break = 1.0 - (_surv_if_accepted(minsk, 7.0) or 0.0)
    lines = [
        "| | Minsk II (`minsk_2015`) | Korea (`korea_1953`) |",
        "|---|---|---|",
        "| what happened | signed by both; Russia's full-scale invasion after 7.03 years "
        "| signed by the UN Command, North Korea and China (South Korea's president refused to "
        "sign but observed it); no new war for more than 70 years |",
        f"| model: accepted | {_pct(ms['p_accepted']['estimate'])} (rejected by "
        f"{_top(ms['rejected_by'], minsk) or 'none'}) "
        f"| {_pct(ks['p_accepted']['estimate'])} (rejected by "
        f"{_top(ks['rejected_by'], korea) or 'none'}) |",
        f"| model, if accepted: holds 5 years | {_pct(_surv_if_accepted(minsk, 5))} "
        f"| {_pct(_surv_if_accepted(korea, 5))} |",
        f"| model, if accepted: holds 7 years | {_pct(_surv_if_accepted(minsk, 7))} "
        f"| {_pct(_surv_if_accepted(korea, 7))} |",
        f"| model, if accepted: holds 10 years | {_pct(_surv_if_accepted(minsk, 10))} "
        f"| {_pct(_surv_if_accepted(korea, 10))} |",
        f"| model, if accepted: holds 72 years (to 2025) | beyond the 10-year horizon "
        f"| {_pct(_surv_if_accepted(korea, 72))} |",
        f"| model, if accepted: broken within 7 years | {_pct(m_break)}, by Russia deliberately "
        f"{_pct(_breaks_by(minsk, 'russia', 7.0))} "
        f"| {_pct(1.0 - (_surv_if_accepted(korea, 7.0) or 0.0))} |",
        f"| model: breakdowns by | {_breakers(minsk)} | {_breakers(korea)} |",
        f"| model: breakdowns by cause | {_causes(minsk)} | {_causes(korea)} |",
    ]
    return "\n".join(lines)


def _breakers(result) -> str:
    s = result.summary["breakdown_by_actor"]
    return (
        ", ".join(f"{_label(result, k)} {100 * v:.0f}%" for k, v in s.items() if v >= 0.005)
        or "none"
    )


def _causes(result) -> str:
    s = result.summary["breakdown_by_cause"]
    return ", ".join(f"{k} {100 * v:.0f}%" for k, v in s.items() if v >= 0.005) or "none"


def _set_text(sets: tuple[str, ...]) -> str:
    return " ".join(f"`--set {s}`" for s in sets)


def claims_block(draws: int = CLAIM_DRAWS) -> str:
    """freeze_lines at each end of every claim (markdown)."""
    base = run_scenario(FLAGSHIP, draws)

    def fig(r) -> str:
        s = r.summary
        return f"{_pct(s['p_accepted']['estimate'])} / {_pct(s['p_holds']['5y']['estimate'])}"

    lines = [
        f"Accepted / holds 5 years, {draws:,} draws each; "
        f"the scenario as shipped gives {fig(base)}.",
        "",
        "| claim of the essay | keys in `freeze_lines.yaml` | the essay's end "
        "| accepted / holds 5y | the opposite view | accepted / holds 5y |",
        "|---|---|---|--:|---|--:|",
    ]
    for c in CLAIMS:
        e = run_scenario(FLAGSHIP, draws, c.essay)
        o = run_scenario(FLAGSHIP, draws, c.critic)
        keys = "<br>".join(f"`{k}`" for k in c.keys)
        lines.append(
            f"| {c.claim} | {keys} | {_set_text(c.essay)} | {fig(e)} "
            f"| {_set_text(c.critic)} | {fig(o)} |"
        )
    essay = tuple(s for c in CLAIMS for s in c.essay)
    critic = tuple(s for c in CLAIMS for s in c.critic)
    lines.append(
        f"| **All of the above together** | | every `--set` in this column "
        f"| {fig(run_scenario(FLAGSHIP, draws, essay))} "
        f"| every `--set` in this column | {fig(run_scenario(FLAGSHIP, draws, critic))} |"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------- the README blocks

BLOCKS = ("headline-table", "history-checks", "claims")


def fingerprint() -> str:
    """sha256 (first 16 hex digits) of everything the generated blocks depend on besides
    the model code: the scenario files' data (not their comments, nor the ``observed``
    block, which only calibration reads), this script, the draws and the claim settings."""
    import yaml

    h = hashlib.sha256()
    h.update(Path(__file__).read_bytes())
    for name in SCENARIOS:
        h.update(name.encode())
        data = yaml.safe_load(scenario_path(name).read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data.pop("observed", None)
        h.update(json.dumps(data, sort_keys=True, default=str).encode())
    h.update(
        json.dumps([DRAWS, CLAIM_DRAWS, [c.__dict__ for c in CLAIMS]], sort_keys=True).encode()
    )
    return h.hexdigest()[:16]


def render(draws: int = DRAWS, claim_draws: int = CLAIM_DRAWS) -> dict[str, str]:
    """Every generated block's body, by block name."""
    return {
        "headline-table": headline_table(draws),
        "history-checks": history_block(draws),
        "claims": claims_block(claim_draws),
    }


def _pattern(name: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- BEGIN {re.escape(name)}\b[^>]*-->\n)(.*?)(<!-- END {re.escape(name)} -->)", re.S
    )


def begin_marker(name: str, fp: str) -> str:
    return (
        f"<!-- BEGIN {name} (generated by `.venv/bin/python scenarios/headline_table.py --write`; "
        f"do not edit by hand) draws={DRAWS} claim_draws={CLAIM_DRAWS} fingerprint={fp} -->\n"
    )


def read_block(text: str, name: str) -> tuple[str, str]:
    """(BEGIN marker line, body) of a generated block in the README text."""
    m = _pattern(name).search(text)
    if m is None:
        raise ValueError(
            f"README has no block {name!r} (markers <!-- BEGIN {name} --> ... <!-- END {name} -->)"
        )
    return m.group(1), m.group(2).rstrip("\n")


def replace_blocks(text: str, bodies: dict[str, str], fp: str) -> str:
    """The README text with each named block's body (and fingerprint) replaced."""
    for name, body in bodies.items():
        pat = _pattern(name)
        if pat.search(text) is None:
            raise ValueError(f"README has no block {name!r}")
        head = begin_marker(name, fp) + body + "\n"
        text = pat.sub(lambda m, head=head: head + m.group(3), text, count=1)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--write", action="store_true", help="rewrite the generated blocks of scenarios/README.md"
    )
    mode.add_argument(
        "--check", action="store_true", help="exit 1 if the README differs from a fresh run"
    )
    mode.add_argument("--print", action="store_true", help="print the generated blocks")
    args = ap.parse_args(argv)

    bodies = render()
    fp = fingerprint()
    if args.print:
        for name in BLOCKS:
            print(begin_marker(name, fp) + bodies[name] + f"\n<!-- END {name} -->\n")
        return 0
    text = README.read_text(encoding="utf-8")
    new = replace_blocks(text, bodies, fp)
    if args.write:
        if new != text:
            README.write_text(new, encoding="utf-8")
        print(f"{README.relative_to(ROOT)}: {'updated' if new != text else 'already up to date'}")
        return 0
    if new != text:
        print(
            f"{README.relative_to(ROOT)} is out of date; "
            "run .venv/bin/python scenarios/headline_table.py --write",
            file=sys.stderr,
        )
        return 1
    print(f"{README.relative_to(ROOT)}: up to date")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
