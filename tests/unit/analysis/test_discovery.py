"""Scenario discovery on a run (sim.analysis.discovery) and its files."""

from __future__ import annotations

import json

import numpy as np
import pytest

import sim
from sim.analysis import default_out, discover, restriction_rows, write_discovery
from sim.io import ResultError
from tests.helpers import FREEZE


@pytest.fixture(scope="module")
def run2000():
    """2,000 draws of the flagship over five years: enough for a box to stand out."""
    return sim.run(FREEZE, draws=2000, seed=5, overrides={"horizon": 20})


@pytest.fixture(scope="module")
def found(run2000):
    return discover(run2000)


def test_boxes_restrict_sampled_beliefs_and_say_so(found, run2000):
    result = run2000
    assert found.outcome == "holds_5y" and found.target == "holds"
    assert found.base_rate == pytest.approx(result.draws["p_holds_5y"].mean())
    assert found.complement_rate == pytest.approx(1 - found.base_rate)
    assert found.boxes, "the flagship's beliefs should give at least one box"
    uncertain = set(result.scenario.uncertain())
    for b in found.boxes:
        assert 1 <= len(b["restrictions"]) <= 3 and set(b["restrictions"]) <= uncertain
        assert 0 < b["mass"] <= 1 and 0 <= b["coverage"] <= 1 and 0 <= b["density"] <= 1
        assert f"{b['density']:.0%}" in b["finding"] and f"{b['mass']:.0%} of all" in b["finding"]
        for k, (lo, hi) in b["restrictions"].items():
            sampled = result.draws[k]
            assert sampled.min() <= lo <= hi <= sampled.max()
            assert lo > sampled.min() or hi < sampled.max()
    targets = [b["target"] for b in found.boxes]
    assert targets == sorted(targets, key=lambda t: t != "holds")  # the target's boxes first


def test_box_statistics_match_the_draws(found, run2000):
    b = found.boxes[0]
    d = run2000.draws
    inside = np.ones(len(d), dtype=bool)
    for k, (lo, hi) in b["restrictions"].items():
        inside &= (d[k] >= lo) & (d[k] <= hi)
    y = d["p_holds_5y"].to_numpy()
    y = y if b["target"] == "holds" else 1 - y
    assert b["mass"] == pytest.approx(inside.mean())
    assert b["density"] == pytest.approx(y[inside].mean())
    assert b["coverage"] == pytest.approx(y[inside].sum() / y.sum())


def test_tables_json_and_markdown(found):
    table = found.table()
    assert list(table.columns[:8]) == [
        "target", "rank", "coverage", "density", "mass", "draws", "restricted", "finding",
    ]  # fmt: skip
    assert len(table) == len(found.boxes)
    rows = restriction_rows(found)
    assert len(rows) == sum(len(b["restrictions"]) for b in found.boxes)
    assert ((rows["q_low"] <= rows["q_high"]) & (rows["q_low"] >= 0) & (rows["q_high"] <= 1)).all()
    doc = json.loads(json.dumps(found.to_json(), allow_nan=False))
    assert {"base_rate", "boxes", "trajectories", "ranges", "settings", "sensitivity"} <= set(doc)
    assert set(doc["boxes"][0]) >= {"coverage", "density", "mass", "restrictions", "finding"}
    text = found.markdown()
    assert text.startswith(f"# Findings: {found.meta['title']}")
    assert found.boxes[0]["finding"] in text
    assert "## When the ceasefire does not last 5 years (rejected or broken)" in text
    assert "## Which beliefs matter most" in text


def test_accepted_and_breaks(result):
    d = discover(result, "accepted", "breaks", sensitivity=False)
    assert d.base_rate == pytest.approx(1 - result.draws["accepted"].mean())
    for b in d.boxes:
        assert ("the proposal is rejected" in b["finding"]) == (b["target"] == "breaks")
    with pytest.raises(ValueError, match="target must be one of holds, breaks"):
        discover(result, "holds_5y", "wins")
    with pytest.raises(ValueError, match="outcome must be one of"):
        discover(result, "holds_10y")


def test_write_discovery_is_atomic_and_guards_runs(found, saved, tmp_path):
    out = write_discovery(found, tmp_path / "ex", plots=False)
    assert sorted(p.name for p in out.iterdir()) == ["discovery.json", "findings.md"]
    again = write_discovery(found, out, plots=False)  # an earlier discovery is replaced
    assert again == out
    with pytest.raises(ResultError, match="result folder, which explain would replace"):
        write_discovery(found, saved, plots=False)
    with pytest.raises(ResultError, match="needs figure="):
        write_discovery(found, tmp_path / "fig")
    assert not (tmp_path / "fig").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ResultError, match="not a sim result"):
        write_discovery(found, other, plots=False)
    assert (other / "notes.txt").read_text() == "mine"


def test_default_out_is_beside_the_run(tmp_path):
    run = tmp_path / "results" / "freeze"
    assert default_out(run, "holds_5y", "holds") == tmp_path / "results" / "freeze_explain_holds_5y"
    assert default_out(run, "holds_5y", "breaks").name == "freeze_explain_breaks_5y"
    assert default_out(run, "accepted", "breaks").name == "freeze_explain_rejected"


def test_api_explain_returns_the_boxes(saved, tmp_path):
    """From a folder (300 draws: too few for a box to stand out, which it says)."""
    table = sim.explain(saved, "holds_2y", out=tmp_path / "ex")
    found = table.attrs["discovery"]
    assert table.attrs["outcome"] == "holds_2y" and len(table) == len(found.boxes)
    assert list(table["finding"]) == [b["finding"] for b in found.boxes]
    if not found.boxes:
        assert "No box of at most three beliefs" in (tmp_path / "ex" / "findings.md").read_text()
    assert sorted(p.name for p in (tmp_path / "ex").iterdir()) == [
        "discovery.json", "discovery.png", "findings.md",
    ]  # fmt: skip
