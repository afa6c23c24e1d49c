"""The content of a brief: headline cells, the story in words, the terms and assumptions
tables, and the optional parts (discovery, sensitivity, calibration)."""

from __future__ import annotations

import json

import pytest

from sim.reporting import extras, tables, words
from sim.scenario import load_scenario, readable_key
from tests.helpers import FREEZE, ROOT


def summary(**changes):
    s = {
        "actor_labels": {"russia": "Russia", "ukraine": "Ukraine"},
        "period": "quarter",
        "horizon_periods": 48,
        "p_accepted": {"estimate": 0.7, "ci_low": 0.68, "ci_high": 0.72},
        "p_holds": {
            "1y": {"estimate": 0.68, "ci_low": 0.66, "ci_high": 0.7},
            "5y": {"estimate": 0.6, "ci_low": 0.58, "ci_high": 0.62},
        },
        "p_holds_if_accepted": {"1y": 0.97, "5y": 0.86},
        "median_duration_years": None,
        "p_breaks_within_horizon": 0.25,
        "breakdown_by_actor": {"russia": 0.6, "ukraine": 0.0, "both": 0.1, "incident": 0.3},
        "breakdown_by_cause": {"commitment": 0.0, "shift": 0.7, "terms": 0.0, "incident": 0.3},
        "rejected_by": {"russia": 0.2, "ukraine": 0.0, "both": 0.1},
        "rejection_cause": {"terms": 1.0, "shift": 0.0},
    }
    s.update(changes)
    return s


def test_headline_cells_name_their_summary_keys():
    s = summary()
    rows = words.headline_rows(s)
    assert [r["label"] for r in rows] == ["accepted", "holds 1y", "holds 5y"]
    assert rows[0]["if_accepted"] is None
    five = rows[2]
    assert five["estimate"].path == "p_holds.5y.estimate" and five["estimate"].text == "60.0%"
    assert five["ci_low"].value == 0.58 and five["ci_high"].text == "62.0%"
    assert five["if_accepted"].path == "p_holds_if_accepted.5y"
    assert words.summary_cell(s, "p_holds.7y.estimate") is None


def test_the_story_in_words():
    text = " ".join(words.story(summary()))
    assert "accept the terms in 70.0% of the draws" in text
    assert "(95% CI 68.0% to 72.0%)" in text
    assert "rejected in 30.0% of all draws: Russia alone in 20.0%, both sides in 10.0%" in text
    assert "Ukraine alone" not in text  # a zero share is not mentioned
    assert "terms in 100% of rejections" in text
    assert "after 1 year in 97.0%, after 5 years in 86.0%" in text
    assert "breaks within the 12-year horizon in 25.0% of all draws" in text
    # breakers largest first, an incident named as such, "both" as both sides
    assert "Russia in 60%, an incident in 30%, both sides at once in 10% of those" in text
    # causes explained in the words of the figures' legend
    assert "shift in 70% of breakdowns (power or aims moved since signing)" in text
    assert "incident in 30% of breakdowns (escalation nobody chose)" in text
    assert "more than the 12-year horizon" in text


def test_the_story_of_a_ceasefire_that_never_breaks_or_is_never_rejected():
    s = summary(
        p_accepted={"estimate": 1.0, "ci_low": 0.99, "ci_high": 1.0},
        p_breaks_within_horizon=0.0,
        median_duration_years=None,
    )
    text = " ".join(words.story(s))
    assert "rejected" not in text
    assert "never breaks within the 12-year horizon" in text
    lines = dict(words.outcome_lines(summary(median_duration_years=3.5)))
    assert lines["median duration of an accepted ceasefire"] == "3.5 years"
    assert lines["broken by"] == "Russia 60%, incident 30%, both 10%"


def test_cause_words_fall_back_to_the_cause():
    assert words.cause_words("preemption") == "fear of being struck first"
    assert words.cause_words("a_new_cause") == "a_new_cause"


def test_terms_and_area_of_the_flagship():
    scn = load_scenario(FREEZE)
    rows = {r["id"]: r for r in tables.terms_rows(scn)}
    assert rows["crimea"]["holder"] == "Russia"
    assert rows["crimea"]["area"] == "26,945 km²" and rows["crimea"]["population"] == "2,400,000"
    assert rows["nuclear_plant"]["area"] == ""  # no area in the file
    assert rows["free_ukraine"]["holder"] == "Ukraine"
    # by hand: Russia 26,945 + 16,000 + 25,000 + 39,000; Ukraine 29,000 + 468,000
    assert tables.area_sentence(scn) == (
        "Under the terms Russia 106,945 km² (17.7%) and Ukraine 497,000 km² (82.3%) "
        "of the 603,945 km² listed."
    )


def test_shares_in_the_terms():
    names = {"a": "A", "b": "B"}.get
    assert tables.holder_text({"a": 0.6, "b": 0.4}, names) == "A 60%, B 40%"
    assert tables.holder_text({"a": 0.25}, names) == "A 25%, the other side the rest"


def test_assumption_rows_of_the_flagship():
    scn = load_scenario(FREEZE)
    rows = tables.assumption_rows(scn)
    assert [r["key"] for r in rows] == list(scn.uncertain())
    cost = next(r for r in rows if r["key"] == "actors.ukraine.war_cost")
    assert cost["label"] == readable_key("actors.ukraine.war_cost")
    assert cost["distribution"] == "lognormal(1.8, 0.7)"
    # 90% of draws of lognormal(1.8, 0.7): e^(1.8 -+ 1.645 * 0.7) = 1.91 ... 19.1 (the comment's)
    assert cost["range"] == "1.91 – 19.1"
    assert cost["unit"] == "periods of the whole stake"
    assert cost["kind"] == "judgement"
    assert cost["comment"] == "judgement: as Russia's (median 6 quarters; 90% in 1.9-19)"
    assert cost["detail"] == "as Russia's (median 6 quarters; 90% in 1.9-19)"  # beside its tag
    first = next(r for r in rows if r["key"] == "war.first_strike")
    assert first["detail"] == "(see comment above)" and first["above"].startswith("Bonus")
    rate = next(r for r in rows if r["key"] == "actors.russia.rebuild_rate")
    assert rate["range"] == "0.0335 – 0.0965"  # uniform(0.03, 0.10): 5% and 95%


@pytest.mark.parametrize(
    "path,unit",
    [
        ("actors.russia.discount", "per period"),
        ("regions.crimea.value.russia", "relative; each actor's values are normalised to sum to 1"),
        ("regions.donbas.effects.power.russia", "fraction, scaled by the share held"),
        ("events.support_fades.changes.actors.ukraine.ceiling", "force, as capacity"),
        ("no.such.key", ""),
    ],
)
def test_key_unit(path, unit):
    assert tables.key_unit(path) == unit


# ------------------------------------------------------------------ optional parts


DISCOVERY = {
    "scenario": "freeze_lines",
    "seed": 7,
    "draws": 2000,
    "outcome": "holds_5y",
    "target": "holds",
    "base_rate": 0.6,
    "boxes": [
        {
            "target": "holds",
            "rank": 1,
            "coverage": 0.5,
            "density": 0.88,
            "mass": 0.31,
            "restrictions": {"actors.russia.war_cost": [8.0, None]},
            "finding": "In 88% of the draws where ... the ceasefire still holds after 5 years.",
        }
    ],
}
RUN = {"scenario": "freeze_lines", "seed": 7, "draws": 2000}


def test_every_discovery_beside_the_run_is_found(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    assert extras.find_discoveries(run) == [] and extras.find_discoveries(None) == []
    holds, breaks = tmp_path / "run_explain_holds_5y", tmp_path / "run_explain_breaks_5y"
    for folder in (holds, breaks):
        folder.mkdir()
        (folder / "discovery.json").write_text(json.dumps(DISCOVERY))
    (tmp_path / "runner").mkdir()  # a name that merely starts the same is not beside it
    (tmp_path / "runner" / "discovery.json").write_text("{}")
    (tmp_path / "run_other").mkdir()  # beside it, but no discovery in it
    assert extras.find_discoveries(run) == [breaks, holds]
    assert extras.find_discoveries(run, [tmp_path / "x"]) == [tmp_path / "x"]


def test_a_discovery_read_back(tmp_path):
    (tmp_path / "discovery.json").write_text(json.dumps(DISCOVERY))
    (tmp_path / "discovery.svg").write_text("<svg/>")
    d = extras.discovery(tmp_path, RUN)
    assert d["title"] == "holds_5y: what makes it hold"
    assert d["base_rate"] == "60%" and d["problems"] == []
    assert d["figure"] == tmp_path / "discovery.svg"
    box = d["boxes"][0]
    assert (box["coverage"], box["density"], box["mass"]) == ("50%", "88%", "31%")
    label = readable_key("actors.russia.war_cost")
    assert box["restrictions"] == [
        {"key": "actors.russia.war_cost", "label": label, "low": "8", "high": "–"}
    ]
    assert box["finding"].startswith("In 88% of the draws") and box["target"] == "holds"
    assert box["rank"] == "1"


def test_a_true_type_in_a_discovery_reads_by_its_name(tmp_path):
    box = {**DISCOVERY["boxes"][0], "restrictions": {"type.russia": [1.0, 1.0]}}
    dims = {"type.russia": {"kind": "type", "name": "true type of Russia", "values": [0.0, 1.0],
                            "labels": ["maximalist aims", "limited aims"]}}  # fmt: skip
    doc = {**DISCOVERY, "boxes": [box], "dimensions": dims}
    (tmp_path / "discovery.json").write_text(json.dumps(doc))
    rows = extras.discovery(tmp_path, RUN)["boxes"][0]["restrictions"]
    assert [(r["key"], r["label"], r["low"], r["high"]) for r in rows] == [
        ("type.russia", "true type of Russia", "limited aims", "limited aims")
    ]


def test_a_discovery_of_another_run_says_so(tmp_path):
    (tmp_path / "discovery.json").write_text(json.dumps(DISCOVERY))
    d = extras.discovery(tmp_path, {**RUN, "seed": 8, "draws": 5000})
    assert d["boxes"]  # still shown, with a warning
    assert d["problems"] == [
        f"{tmp_path} was made on another run (seed 7 (this run: 8), draws 2000 (this run: "
        "5000)): run `sim explain` on this one again"
    ]


def test_a_broken_discovery_falls_back_to_its_findings(tmp_path):
    (tmp_path / "discovery.json").write_text("{not json")
    (tmp_path / "findings.md").write_text("# Findings\n\nIn 88% ...\n")
    d = extras.discovery(tmp_path)
    assert d["boxes"] == [] and "discovery.json: cannot be read" in d["problems"][0]
    assert d["markdown"].startswith("# Findings")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert extras.discovery(empty) is None


def test_sensitivity_absent_present_and_malformed(tmp_path):
    assert extras.sensitivity(tmp_path) is None and extras.sensitivity(None) is None
    rows = ["key,method,measure,index,ci_low,ci_high"]
    rows += [
        f"actors.russia.k{i},rbd_fast,S1,{i / 100},{i / 100 - 0.01},{i / 100 + 0.01}"
        for i in range(20)
    ]
    rows += ["war.first_strike,sobol,ST,0.2,0.1,0.3"]
    (tmp_path / "sensitivity.csv").write_text("\n".join(rows) + "\n")
    s = extras.sensitivity(tmp_path)
    delta, pawn = s["methods"]
    assert delta["method"] == "rbd_fast S1" and len(delta["rows"]) == extras.SENSITIVITY_TOP
    assert delta["more"] == 20 - extras.SENSITIVITY_TOP
    assert delta["rows"][0] == {
        "key": "actors.russia.k19",
        "label": "russia k19",
        "index": "0.190",
        "ci": "0.180 – 0.200",
    }
    assert pawn["method"] == "sobol ST" and pawn["rows"][0]["key"] == "war.first_strike"
    # without the optional columns: one method, no measure, labels from the key table
    (tmp_path / "sensitivity.csv").write_text("key,index\nwar.first_strike,0.3\n")
    plain = extras.sensitivity(tmp_path)["methods"]
    assert [m["method"] for m in plain] == ["index"]
    assert plain[0]["rows"] == [
        {
            "key": "war.first_strike",
            "label": readable_key("war.first_strike"),
            "index": "0.300",
            "ci": "",
        }
    ]
    (tmp_path / "sensitivity.csv").write_text("a,b\n1,2\n")
    assert extras.sensitivity(tmp_path)["problems"] == ["sensitivity.csv: no column key, index"]


def test_calibration_lines():
    assert extras.calibration_lines({}) == []
    assert extras.calibration_lines({"posterior": "fitted to 2015-2022"}) == ["fitted to 2015-2022"]
    lines = extras.calibration_lines(
        {"posterior": {"method": "abc", "data": "minsk_2015", "samples": [1, 2, 3]}}
    )
    assert lines == ["method: abc", "data: minsk_2015", "samples: 3 entries"]


def test_the_shipped_scenarios_load_for_the_tables():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scn = load_scenario(path)
        assert len(tables.terms_rows(scn)) == len(scn.region_ids)
        assert len(tables.assumption_rows(scn)) == len(scn.uncertain())
