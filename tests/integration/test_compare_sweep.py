"""`sim compare`, `sim sweep` and `sim show`: library functions and commands.

Parsing ``--vary``, writing a sweep folder and labelling runs are tested in
``tests/unit/analysis``.
"""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest
from click.testing import CliRunner

import sim
from sim import plots
from sim.analysis import compare, headline_figures, sweep
from sim.cli import main
from sim.scenario import ScenarioError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tests.helpers import FREEZE  # noqa: E402

FIVE_YEARS = "horizon=20"  # quarters: the 1, 2 and 5-year figures, and quick runs
HEADLINE = [
    "p_accepted",
    "p_accepted_ci_low",
    "p_accepted_ci_high",
    "p_holds_1y",
    "p_holds_1y_ci_low",
    "p_holds_1y_ci_high",
    "p_holds_2y",
    "p_holds_2y_ci_low",
    "p_holds_2y_ci_high",
    "p_holds_5y",
    "p_holds_5y_ci_low",
    "p_holds_5y_ci_high",
    "p_holds_if_accepted_1y",
    "p_holds_if_accepted_2y",
    "p_holds_if_accepted_5y",
    "median_duration_years",
]
#: What sim.compare adds after the headline figures: who breaks or rejects it and why.
OUTCOMES_START = "p_breaks_within_horizon"


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


VARIANT = "limited_aims [horizon=20, actors.russia.types.maximalist.prior=0]"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two saved runs: the scenario and a variant (through --set)."""
    root = tmp_path_factory.mktemp("runs")
    base, variant = root / "as_written", root / "limited_aims"
    for out, extra in ((base, []), (variant, ["--set", "actors.russia.types.maximalist.prior=0"])):
        res = invoke(
            "run",
            FREEZE,
            "--draws",
            150,
            "--seed",
            7,
            "--set",
            FIVE_YEARS,
            *extra,
            "--out",
            out,
            "--no-plots",
            "-q",
        )
        assert res.exit_code == 0, res.output
    return base, variant


# --- compare ------------------------------------------------------------------------------


def test_compare_table(runs):
    table = compare(list(runs), formatted=False)
    assert list(table.index) == ["as_written [horizon=20]", VARIANT]
    columns = list(table.columns)
    head = columns[: columns.index(OUTCOMES_START)]
    assert head == ["title", "label", "changes", "draws", "seed", *HEADLINE]
    assert {"broken_by.russia", "cause.terms", "rejected_by.both", "rejection_cause.terms"} <= set(
        columns
    )
    assert (table["draws"] == 150).all() and (table["seed"] == 7).all()
    for name, folder in zip(table.index, runs, strict=False):
        summary = json.loads((folder / "summary.json").read_text())
        assert table.loc[name, "p_holds_5y"] == summary["p_holds"]["5y"]["estimate"]
        assert table.loc[name, "p_accepted_ci_low"] == summary["p_accepted"]["ci_low"]
    # the variant differs (its occupier is of the limited-aims type in every draw)
    assert table.loc[VARIANT, "p_accepted"] != table["p_accepted"].iloc[0]
    assert table.loc[VARIANT, "changes"] == "horizon=20; actors.russia.types.maximalist.prior=0"
    for name, folder in zip(table.index, runs, strict=False):
        summary = json.loads((folder / "summary.json").read_text())
        assert table.loc[name, "p_holds_if_accepted_5y"] == summary["p_holds_if_accepted"]["5y"]
        assert table.loc[name, "broken_by.russia"] == summary["breakdown_by_actor"]["russia"]


def test_compare_is_formatted_for_reading_by_default(runs):
    table = compare(list(runs))
    assert list(table.columns) == ["as_written [horizon=20]", VARIANT]
    numbers = compare(list(runs), formatted=False)
    first = table.columns[0]
    accepted = numbers["p_accepted"].iloc[0]
    assert table.loc["accepted", first].startswith(f"{accepted:.1%} (")
    for row in (
        "holds 5y if accepted",
        "breaks within the horizon",
        "broken by Russia (of breakdowns)",
        "rejected by Russia (of draws)",
        "draws",
        "changes",
    ):
        assert row in table.index, row
    assert table.loc["draws", first] == "150"


def test_compare_takes_results_and_folders(runs):
    r = sim.load_result(runs[0], draws=False)
    table = sim.compare([r, runs[1]], labels=["a", "b"], formatted=False)
    assert list(table.index) == ["a", "b"]
    assert table.loc["a", "p_holds_5y"] == r.summary["p_holds"]["5y"]["estimate"]
    with pytest.raises(ValueError, match="labels"):
        compare([r], labels=["a", "b"])


def test_compare_refuses_an_incomplete_folder(runs, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("summary.json", "survival.csv"):
        (broken / name).write_bytes((runs[0] / name).read_bytes())  # a result without manifest.json
    with pytest.raises(sim.io.ResultError, match="no manifest.json"):
        compare([runs[0], broken])
    res = invoke("compare", runs[0], broken, "--out", tmp_path / "c.png")
    assert res.exit_code == 1
    assert "broken: not a complete result (no manifest.json" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "c.png").exists()


def test_compare_refuses_a_missing_folder(runs, tmp_path):
    res = invoke("compare", runs[0], tmp_path / "nowhere", "--out", tmp_path / "c.png")
    assert res.exit_code == 1 and "not a folder" in res.output


def test_compare_cli(runs, tmp_path):
    out, csv = tmp_path / "cmp" / "compare.svg", tmp_path / "cmp.csv"
    (tmp_path / "cmp").mkdir()
    res = invoke("compare", *runs, "--out", out, "--csv", csv)
    assert res.exit_code == 0, res.output
    for text in (
        "as_written",
        "limited_aims",
        "accepted",
        "holds 5y",
        "holds 5y if accepted",
        "broken by Russia (of breakdowns)",
        "breakdown cause: incident (of breakdowns)",
        "draws",
        f"wrote {out}",
        "(changed: horizon=20; actors.russia.types.maximalist.prior=0)",
    ):
        assert text in res.output, text
    assert "holds 10y" not in res.output  # beyond a five-year horizon
    assert out.read_text().lstrip().startswith("<?xml")
    table = pd.read_csv(csv, index_col="run")
    assert list(table.index) == ["as_written [horizon=20]", VARIANT]
    assert "p_holds_5y_ci_high" in table and "p_holds_if_accepted_5y" in table
    assert sorted(p.name for p in out.parent.iterdir()) == ["compare.svg"]  # written atomically


def test_compare_cli_writes_beside_the_runs_never_into_the_current_folder(
    runs, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    res = invoke("compare", *runs)
    assert res.exit_code == 0, res.output
    expected = runs[0].parent / "compare_as_written_limited_aims.png"
    assert expected.is_file() and f"wrote {expected}" in res.output
    assert list(tmp_path.iterdir()) == []
    expected.unlink()
    res = invoke("compare", *runs, "--out", "table.txt")
    assert res.exit_code == 1 and ".png, .svg or .pdf" in res.output


@pytest.mark.parametrize("option", ["--out", "--csv"])
def test_compare_refuses_to_write_inside_a_result_folder(runs, option):
    before = {p.name: p.read_bytes() for p in runs[0].iterdir()}
    target = runs[0] / ("survival.png" if option == "--out" else "survival.csv")
    args = (
        [option, target]
        if option == "--out"
        else [option, target, "--out", runs[0].parent / "c.png"]
    )
    res = invoke("compare", *runs, *args)
    assert res.exit_code == 1, res.output
    assert f"{option} {target}: inside the result folder {runs[0]}" in res.output
    assert {p.name: p.read_bytes() for p in runs[0].iterdir()} == before
    res = invoke("compare", *runs, "--out", runs[0] / "sub" / "c.png")
    assert res.exit_code == 1 and "inside the result folder" in res.output


def test_compare_years_limits_the_x_axis(runs):
    ax = plots.plot_compare(list(runs), years=2)
    assert ax.get_xlim() == (0.0, 2.0)
    assert "holding, first 2 years (bands" in ax.get_title()
    res = invoke("compare", *runs, "--years", "0", "--out", runs[0].parent / "c.png")
    assert res.exit_code == 1 and "--years" in res.output


def test_compare_figure(runs):
    ax = plots.plot_compare(list(runs))
    assert ax.get_xlabel() == "years since the ceasefire began"
    assert "probability" in ax.get_ylabel()
    title = sim.load_result(runs[0], draws=False).title
    assert title in ax.get_title()
    assert len(ax.lines) == 2 and len(ax.collections) == 2  # a curve and a band per run
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert [t.split(":")[0] for t in legend] == ["as_written [horizon=20]", VARIANT]
    assert all("at 5 years" in t for t in legend)


# --- show ---------------------------------------------------------------------------------


def test_show_prints_the_headline(runs):
    res = invoke("show", runs[1])
    assert res.exit_code == 0, res.output
    summary = json.loads((runs[1] / "summary.json").read_text())
    for text in ("accepted", "holds 1y", "holds 2y", "holds 5y", "150 draws", "seed 7", "95% CI"):
        assert text in res.output
    assert f"{summary['p_holds']['5y']['estimate']:.1%}" in res.output
    assert "holds 10y" not in res.output


def test_show_refuses_an_incomplete_folder(tmp_path):
    (tmp_path / "half").mkdir()
    res = invoke("show", tmp_path / "half")
    assert res.exit_code == 1 and "not a complete result" in res.output


# --- sweep: library -----------------------------------------------------------------------


def test_sweep_one_key_uses_common_random_numbers():
    key = "actors.russia.rebuild_rate"
    table = sim.sweep(FREEZE, vary={key: "0.03:0.1:3"}, draws=80, seed=3, overrides=[FIVE_YEARS])
    assert list(table.columns) == [key, *HEADLINE]
    assert len(table) == 3
    assert table[key].tolist() == [0.03, 0.065, 0.1]
    assert table.attrs["vary"] == [key] and table.attrs["draws"] == 80 and table.attrs["seed"] == 3
    assert table.attrs["title"] == sim.load_scenario(FREEZE).title
    # every grid point is exactly the run with that override and the same seed
    direct = sim.run(FREEZE, draws=80, seed=3, overrides={"horizon": 20, key: 0.065})
    assert (
        table.iloc[1][HEADLINE[:-1]].tolist()
        == pd.Series(headline_figures(direct.summary))[HEADLINE[:-1]].tolist()
    )


def test_sweep_two_keys_first_varies_slowest():
    scn = sim.load_scenario(FREEZE, overrides=[FIVE_YEARS])  # a scenario's own --set is kept
    table = sweep(
        scn,
        vary={
            "events.support_fades.hazard": [0.0, 0.05],
            "regions.free_ukraine.value.russia": "0.5,2",
        },
        draws=40,
        seed=1,
    )
    assert len(table) == 4
    assert table["events.support_fades.hazard"].tolist() == [0.0, 0.0, 0.05, 0.05]
    assert table["regions.free_ukraine.value.russia"].tolist() == [0.5, 2, 0.5, 2]
    assert "p_holds_10y" not in table  # the five-year horizon of the --set
    assert table.attrs["overrides"] == [["horizon", 20]]


def test_sweep_refuses_bad_keys_and_values_before_running(monkeypatch):
    calls = []
    monkeypatch.setattr("sim.analysis.sweeps.run_many", lambda *a, **k: calls.append(1) or iter(()))
    with pytest.raises(ScenarioError, match="rebuild_rate") as info:
        sweep(FREEZE, vary={"actors.russia.rebuild_rate": [0.05, 1.5]}, draws=10)
    assert info.value.problems[0].file == "--vary"
    with pytest.raises(ScenarioError, match="unknown key"):
        sweep(FREEZE, vary={"actors.russia.rebuildrate": [0.05]}, draws=10)
    with pytest.raises(ScenarioError, match="at most"):
        sweep(
            FREEZE, vary={"war.first_strike": "0:0.3:100", "war.decisiveness": "1:3:100"}, draws=10
        )
    assert calls == []


def test_sim_sweep_is_callable_even_after_importing_the_module():
    import importlib

    importlib.import_module("sim.analysis.sweeps")
    importlib.import_module("sim.analysis.comparison")
    assert callable(sim.sweep) and callable(sim.compare)


def test_sweep_figures():
    one = sim.sweep(
        FREEZE, vary={"war.first_strike": "0.05:0.3:3"}, draws=40, overrides={"horizon": 20}
    )
    ax = plots.plot_sweep(one)
    assert ax.get_xlabel() == "war first_strike   [war.first_strike]"
    assert one.attrs["title"] in ax.get_title()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["accepted", "holds 1y", "holds 2y", "holds 5y"]
    assert len(ax.lines) == 4 and len(ax.collections) == 4  # a line and a band each

    two = sim.sweep(
        FREEZE,
        vary={"war.first_strike": "0.05,0.3", "war.decisiveness": "1:3:3"},
        draws=40,
        overrides={"horizon": 20},
    )
    ax = plots.plot_sweep(two)
    assert len(ax.images) == 1
    assert ax.images[0].get_array().shape == (3, 2)
    assert ax.get_xlabel().startswith("war first_strike") and ax.get_ylabel().startswith(
        "war decisiveness"
    )
    assert "P(holds 5 years)" in ax.get_title()
    assert len(ax.texts) == 6  # every cell annotated
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.05", "0.3"]


# --- sweep: command -----------------------------------------------------------------------


def test_sweep_cli(tmp_path):
    out = tmp_path / "sw"
    res = invoke(
        "sweep",
        FREEZE,
        "--vary",
        "actors.russia.rebuild_rate=0.03:0.1:2",
        "--vary",
        "events.support_fades.hazard=0,0.05",
        "--draws",
        40,
        "--seed",
        2,
        "--set",
        FIVE_YEARS,
        "--out",
        out,
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["sweep.csv", "sweep.json", "sweep.png"]
    assert [p.name for p in tmp_path.iterdir()] == ["sw"]  # no temporary folder left
    table = pd.read_csv(out / "sweep.csv")
    assert list(table.columns) == [
        "actors.russia.rebuild_rate",
        "events.support_fades.hazard",
        *HEADLINE,
    ]
    assert len(table) == 4
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["draws"] == 40 and meta["seed"] == 2 and meta["rows"] == 4
    assert meta["vary"] == ["actors.russia.rebuild_rate", "events.support_fades.hazard"]
    assert "holds 5y" in res.output and f"wrote {out}" in res.output
    # the API gives the same table
    api = sim.sweep(
        FREEZE,
        vary={"actors.russia.rebuild_rate": "0.03:0.1:2", "events.support_fades.hazard": "0,0.05"},
        draws=40,
        seed=2,
        overrides={"horizon": 20},
    )
    pd.testing.assert_frame_equal(table, api, check_dtype=False, rtol=1e-12)


def test_sweep_cli_replaces_an_earlier_sweep(tmp_path):
    out = tmp_path / "sw"
    for n in (2, 3):
        res = invoke(
            "sweep",
            FREEZE,
            "--vary",
            f"war.first_strike=0.1:0.2:{n}",
            "--draws",
            20,
            "--set",
            "horizon=8",
            "--out",
            out,
            "-q",
            "--no-plots",
            "--format",
            "svg",
        )
        assert res.exit_code == 0, res.output
        assert res.output == ""
    assert len(pd.read_csv(out / "sweep.csv")) == 3
    assert not (out / "sweep.png").exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--vary", "actors.russia.rebuild_rate=0.03:0.1"], "a range is START:STOP:NUM"),
        (["--vary", "actors.russia.rebuild_rate"], "--vary takes KEY=START:STOP:NUM"),
        (["--vary", "actors.russia.rebuildrate=0.03,0.1"], "unknown key"),
        (["--vary", "actors.russia.rebuild_rate=-1,0.5"], "must be in [0, 1]"),
        (
            ["--vary", "war.first_strike=0:0.3:60", "--vary", "war.decisiveness=1:3:60"],
            "3,600 grid",
        ),
        ([], "give --vary"),
    ],
)
def test_sweep_cli_errors(tmp_path, args, message):
    out = tmp_path / "sw"
    res = invoke("sweep", FREEZE, *args, "--draws", 10, "--out", out)
    assert res.exit_code == 1, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_sweep_cli_takes_any_number_of_keys(tmp_path):
    """A table for every key; the figure shows the first two, one heatmap per value of the
    third; the table carries the survival of an accepted ceasefire."""
    out = tmp_path / "sw"
    res = invoke(
        "sweep",
        FREEZE,
        "--vary",
        "war.first_strike=0,0.2",
        "--vary",
        "war.decisiveness=1,3",
        "--vary",
        "war.incident_hazard=0,0.005,0.01",
        "--draws",
        20,
        "--set",
        "horizon=8",
        "--out",
        out,
    )
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "sweep.csv")
    assert list(table.columns[:3]) == [
        "war.first_strike",
        "war.decisiveness",
        "war.incident_hazard",
    ]
    assert len(table) == 12 and "p_holds_if_accepted_2y" in table
    assert "2y if accepted" in res.output
    api = sim.sweep(
        FREEZE,
        vary={
            "war.first_strike": "0,0.2",
            "war.decisiveness": "1,3",
            "war.incident_hazard": "0,0.005,0.01",
        },
        draws=20,
        overrides={"horizon": 8},
    )
    axes = plots.plot_sweep(api, plt.figure(figsize=(18, 6), layout="constrained"))
    assert len(axes) == 3 and all(len(ax.images) == 1 for ax in axes)
    assert [ax.get_title() for ax in axes] == [
        "war incident_hazard = 0",
        "war incident_hazard = 0.005",
        "war incident_hazard = 0.01",
    ]
    assert (out / "sweep.png").stat().st_size > 10_000
