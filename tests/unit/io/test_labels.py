"""Changed runs say so: a run's label and changes travel in its summary and manifest and
are shown by sim show, sim compare and the plots' titles and legends."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import sim
from sim import plots
from sim.analysis import run_labels
from sim.cli import main
from sim.io import labels
from tests.helpers import FREEZE

QUICK = {"horizon": 8}


@pytest.fixture(scope="module")
def changed():
    return sim.run(
        FREEZE,
        draws=30,
        seed=2,
        overrides={**QUICK, "war.first_strike": 0.0, "war.decisiveness": "uniform(1, 2)"},
        label="no first strike",
    )


def test_label_and_changes_are_in_the_summary_and_the_manifest(changed, tmp_path):
    assert changed.label == "no first strike"
    assert changed.summary["changes"] == [
        "horizon=8",
        "war.first_strike=0",
        "war.decisiveness=uniform(1, 2)",
    ]
    back = sim.load_result(changed.save(tmp_path / "run", plots=False))
    assert back.label == "no first strike" and back.manifest["label"] == "no first strike"
    assert back.changes == changed.changes


def test_a_plain_run_has_no_label_and_no_changes():
    plain = sim.run(FREEZE, draws=10, seed=2)
    assert plain.label is None and plain.changes == []
    assert labels.subtitle(plain) == ""


def test_subtitles_name_the_label_and_the_changes(changed):
    sub = labels.subtitle(changed)
    assert sub == (
        "run: no first strike · changed: horizon=8, war.first_strike=0, "
        "war.decisiveness=uniform(1, 2)"
    )
    for ax in (plots.plot_survival(changed), plots.plot_power(changed)):
        assert "run: no first strike" in ax.get_title()
        assert "changed: horizon=8, war.first_strike=0" in ax.get_title().replace("\n", " ")


def test_compare_labels_use_the_label_else_the_changes(changed):
    base = sim.run(FREEZE, draws=10, seed=2, overrides=QUICK)
    assert run_labels([changed, base]) == ["no first strike", "freeze_lines [horizon=8]"]
    legend = plots.plot_compare([changed, base]).get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0].startswith("no first strike") and texts[1].startswith("freeze_lines [horizon")


def test_the_describers_are_a_list_another_kind_of_change_joins(changed, monkeypatch):
    monkeypatch.setattr(
        labels, "CHANGE_DESCRIBERS", [*labels.CHANGE_DESCRIBERS, lambda s: ["without incidents"]]
    )
    assert labels.run_changes(changed.scenario)[-1] == "without incidents"


def test_label_text_is_checked():
    assert labels.check_label(None) is None
    with pytest.raises(ValueError, match="must not be empty"):
        labels.check_label("  ")
    with pytest.raises(ValueError, match="control character"):
        labels.check_label("a\x1bb")
    assert labels.format_value(0.1) == "0.1" and labels.format_value(True) == "true"
    assert labels.format_value({"a": 1}) == '{"a": 1}'


def test_sim_run_label_and_show(tmp_path):
    out = tmp_path / "run"
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(FREEZE),
            "--draws",
            "20",
            "--set",
            "horizon=8",
            "--set",
            "war.first_strike=0",
            "--label",
            "no first strike",
            "--no-plots",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[1] == "run: no first strike · changed: horizon=8, war.first_strike=0"
    show = CliRunner().invoke(main, ["show", str(out)])
    assert show.output.splitlines()[1] == lines[1]
    bad = CliRunner().invoke(
        main, ["run", str(FREEZE), "--label", "x" * 81, "--out", str(tmp_path / "b")]
    )
    assert bad.exit_code == 1 and "--label" in bad.output and "at most 80" in bad.output
    assert not (tmp_path / "b").exists()
