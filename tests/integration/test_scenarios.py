"""The shipped scenarios: valid, documented, runnable, consistent, and the README's
generated figures are what a fresh run gives.

Also the hand calculation of ``textbook_powell.yaml`` against
:func:`sim.bargaining.powell_war`.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.beliefs.distributions import Distribution
from sim.games.bargaining import powell_war
from sim.scenario import load_scenario
from tests.helpers import ROOT  # noqa: E402

SCN = ROOT / "scenarios"


def _load_table_module():
    spec = importlib.util.spec_from_file_location("headline_table", SCN / "headline_table.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


ht = _load_table_module()
NAMES = ht.SCENARIOS
UKRAINE = ("freeze_lines", "pre_invasion_lines", "annexation_lines", "liberate_south")
#: Beliefs liberate_south may set differently from the flagship (the state after the offensive).
LIBERATE_SOUTH_DIFFERS = {
    "actors.ukraine.capacity",
    "mechanisms.western_buildup.ceiling",
    "events.support_fades.hazard",
}
#: Keys whose values are text, not numbers: no comment needed.
TEXT_KEYS = {
    "title",
    "description",
    "sources",
    "label",
    "note",
    "name",
    "period",
    "method",
    "selection",
    "sampler",
}


def path(name: str) -> Path:
    return SCN / f"{name}.yaml"


# ------------------------------------------------------------------ validity and documentation


def test_the_table_lists_every_shipped_scenario():
    assert sorted(NAMES) == sorted(p.stem for p in SCN.glob("*.yaml"))


@pytest.mark.parametrize("name", NAMES)
def test_scenario_validates_and_is_documented(name):
    scn = load_scenario(path(name))
    assert scn.name == name
    assert scn.title.strip() and len(scn.description.split()) >= 20
    assert scn.sources and all(s.strip() for s in scn.sources)
    ppy = scn.periods_per_year
    assert scn.horizon >= 10 * ppy, "the 10-year figure must lie inside the horizon"


def _numeric_scalars(node, path=()):
    """(key path, scalar node) for every value scalar in the YAML tree."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _numeric_scalars(v, (*path, k.value))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            yield from _numeric_scalars(v, (*path, str(i)))
    elif isinstance(node, yaml.ScalarNode):
        yield path, node


@pytest.mark.parametrize("name", NAMES)
def test_every_number_carries_a_comment(name):
    """Each number says where it comes from or that it is a judgement (a comment on its line)."""
    text = path(name).read_text(encoding="utf-8")
    lines = text.splitlines()
    missing = []
    for key_path, node in _numeric_scalars(yaml.compose(text)):
        if any(part in TEXT_KEYS for part in key_path) or not re.search(r"\d", node.value):
            continue
        line = lines[node.end_mark.line]
        if "#" not in line[node.end_mark.column :]:
            missing.append(
                f"{name}.yaml:{node.end_mark.line + 1}: {'.'.join(key_path)} = {node.value}"
            )
    assert not missing, "numbers without a comment:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", NAMES)
def test_scenario_runs(name):
    res = sim.run(path(name), draws=200)
    s = res.summary
    assert s["draws"] == 200 and s["seed"] == load_scenario(path(name)).montecarlo.seed
    assert 0.0 <= s["p_accepted"]["estimate"] <= 1.0
    surv = res.survival["survival"].to_numpy()
    assert np.all(np.diff(surv) <= 1e-12) and surv[0] == pytest.approx(s["p_accepted"]["estimate"])
    assert len(res.draws) == 200


def test_ukraine_scenarios_share_the_flagships_beliefs():
    """Only the terms (and, in liberate_south, the state after the offensive) differ."""
    base = load_scenario(path("freeze_lines"))
    for name in UKRAINE[1:]:
        scn = load_scenario(path(name))
        assert scn.actor_ids == base.actor_ids and scn.region_ids == base.region_ids
        assert scn.event_ids == base.event_ids and (scn.period, scn.horizon) == (
            base.period,
            base.horizon,
        )
        allowed = LIBERATE_SOUTH_DIFFERS if name == "liberate_south" else set()
        a, b = base.numbers(), scn.numbers()
        differ = {
            k for k in a.keys() | b.keys() if not k.startswith("terms.") and a.get(k) != b.get(k)
        }
        assert differ == allowed, (
            f"{name}: beliefs differ from freeze_lines at {sorted(differ ^ allowed)}"
        )
        assert scn.solver == base.solver and scn.war.outcomes == base.war.outcomes
        assert {m: x.kind for m, x in scn.mechanisms.items()} == {
            m: x.kind for m, x in base.mechanisms.items()
        }


def test_terms_say_what_the_titles_say():
    held = lambda name: {r for r, h in load_scenario(path(name)).terms.items() if h == "russia"}  # noqa: E731
    assert held("pre_invasion_lines") == {"crimea", "donbas_2014"}
    assert held("freeze_lines") == {
        "crimea",
        "donbas_2014",
        "donbas_2022",
        "land_bridge",
        "nuclear_plant",
    }
    assert held("annexation_lines") == held("freeze_lines") | {"claimed_rest"}
    assert held("liberate_south") == {"crimea", "donbas_2014", "donbas_2022"}
    minsk, korea = load_scenario(path("minsk_2015")), load_scenario(path("korea_1953"))
    assert minsk.horizon / minsk.periods_per_year >= 7.03  # covers the seven years to the invasion
    assert korea.horizon / korea.periods_per_year >= 70


def test_claim_settings_lie_inside_the_flagships_ranges():
    """Both ends of every claim are already part of the headline figures."""
    scn = load_scenario(path("freeze_lines"))
    numbers = scn.numbers()
    types = tuple(scn.actors["russia"].types)
    for claim in ht.CLAIMS:
        concrete = {k.replace("<type>", t) for k in claim.keys for t in types}
        assert concrete <= set(numbers), claim.claim
        for setting in claim.essay + claim.critic:
            key, value = setting.split("=", 1)
            assert key in concrete, setting
            load_scenario(path("freeze_lines"), overrides=[setting])  # a valid --set
            if key.endswith(".prior"):  # an end of a type's prior: that type, or the others
                assert float(value) in (0.0, 1.0), setting
                continue
            dist = numbers[key]
            lo, hi = dist.bounds() if isinstance(dist, Distribution) else (dist, dist)
            if isinstance(dist, Distribution) and dist.name == "choice":
                assert float(value) in dist.values, setting
            else:
                assert lo - 1e-12 <= float(value) <= hi + 1e-12, (
                    f"{setting} is outside [{lo}, {hi}]"
                )


# ------------------------------------------------------------------ textbook_powell by hand


def test_textbook_powell_matches_the_hand_calculation():
    res = sim.run(path("textbook_powell"), draws=5)
    d = res.draws.iloc[0]
    delta, c_a, c_b = 0.9, 1.0, 1.0
    p0, p1 = 1 / (1 + 1), 1 / (1 + 4)  # Tullock with exponent 1: capacities 1 vs 1, then 1 vs 4
    assert d["win_prob_a_t0"] == pytest.approx(p0)
    power = res.power[res.power["state"] == "none"].set_index("period")["median"]
    assert power[0] == pytest.approx(p0) and np.allclose(power.loc[1:], p1)
    # the comments' numbers
    w_a0 = p0 / (1 - delta) - c_a
    w_b1 = (1 - p1) / (1 - delta) - c_b
    most_for_a = 1 + delta * (1 / (1 - delta) - w_b1)
    assert (w_a0, w_b1) == pytest.approx((4.0, 7.0)) and most_for_a == pytest.approx(3.7)
    assert p0 - delta * p1 == pytest.approx(0.32) and (1 - delta) * (
        1 + c_a + delta * c_b
    ) == pytest.approx(0.29)
    assert powell_war(p0, p1, delta, c_a, c_b)
    # the model: rejected by A, for commitment, in every draw
    assert not res.draws["accepted"].any()
    assert set(res.draws["rejected_by"]) == {"a"}
    assert set(res.draws["rejection_cause"]) == {"commitment"} and res.draws["cause"].isna().all()
    assert res.summary["rejection_cause"]["commitment"] == 1.0
    # Fearon's range at t = 0 is (p - (1-delta) c_A, p + (1-delta) c_B)
    assert (d["fearon_low"], d["fearon_high"]) == pytest.approx((0.4, 0.6))


@pytest.mark.parametrize("delta", [0.8, 0.9, 0.95])
@pytest.mark.parametrize("cost", [0.5, 1.0, 1.5, 3.0])
@pytest.mark.parametrize("declining", ["a", "b"])
def test_textbook_commitment_cause_is_powells_condition(delta, cost, declining):
    """The model blames `commitment` exactly when sim.bargaining.powell_war says so."""
    sets = [
        f"actors.a.discount={delta}",
        f"actors.b.discount={delta}",
        f"actors.a.war_cost={cost}",
        f"actors.b.war_cost={cost}",
    ]
    if declining == "b":  # A rises instead: A's chance goes 0.5 -> 0.8
        sets += [
            "actors.a.ceiling=4.0",
            "actors.a.rebuild_rate=1.0",
            "actors.b.ceiling=1.0",
            "actors.b.rebuild_rate=0.0",
            "terms.stake.a=0.8",
            "terms.stake.b=0.2",
        ]
        p1 = 0.8
    else:
        p1 = 0.2
    expected = powell_war(0.5, p1, delta, cost, cost)
    res = sim.run(path("textbook_powell"), draws=1, overrides=sets)
    d = res.draws.iloc[0]
    said = [c for c in (d["cause"], d["rejection_cause"]) if not pd.isna(c)]
    assert ("commitment" in said) == expected
    if expected:
        assert not d["accepted"] and d["rejected_by"] == declining


# ------------------------------------------------------------------ the README's generated blocks


def test_headline_table_function_small_draws():
    table = ht.headline_table(draws=200)
    lines = table.splitlines()
    assert lines[0].startswith(
        "| scenario | accepted | holds 1y | holds 2y | holds 5y | holds 10y |"
    )
    assert len(lines) == 2 + len(NAMES)
    for line, name in zip(lines[2:], NAMES, strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[0] == f"`{name}`" and len(cells) == 9
        assert all(re.fullmatch(r"\d+\.\d%", c) for c in cells[1:6])
    # deterministic: a second computation (bypassing the cache) gives the same text
    ht.run_scenario.cache_clear()
    assert ht.headline_table(draws=200, names=NAMES[-2:]) == "\n".join([*lines[:2], *lines[-2:]])


def test_readme_blocks_are_current():
    """The fingerprint in every generated block matches the current scenario files and
    settings: a scenario edited without rerunning `headline_table.py --write` fails here."""
    text = ht.README.read_text(encoding="utf-8")
    fp = ht.fingerprint()
    for name in ht.BLOCKS:
        marker, body = ht.read_block(text, name)
        assert f"fingerprint={fp}" in marker, (
            f"README block {name!r} is stale: run scenarios/headline_table.py --write"
        )
        assert f"draws={ht.DRAWS} claim_draws={ht.CLAIM_DRAWS}" in marker
        # rewriting with the same bodies changes nothing
        assert ht.replace_blocks(text, {name: body}, fp) == text


@pytest.mark.parametrize("name", ["textbook_powell", "korea_1953", "freeze_lines"])
def test_readme_rows_equal_a_fresh_run_at_the_documented_draws(name):
    """A subset of rows recomputed at the documented draws and seeds must match the README
    exactly (the full check is `headline_table.py --check`)."""
    _, body = ht.read_block(ht.README.read_text(encoding="utf-8"), "headline-table")
    row = ht.headline_row(name, ht.run_scenario(name, ht.DRAWS))
    assert row in body.splitlines()
