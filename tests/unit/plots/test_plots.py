"""Figures: each is checked through its Axes (labels, titles, artists), never by pixel."""

from __future__ import annotations

import ast
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

import sim
import sim.plots.figures  # noqa: F401  (private helpers tested below)
from sim import plots
from sim.io.results import load_result
from tests.helpers import FREEZE, ROOT, one_region, write

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

#: horizon of five years (quarters): the 1, 2 and 5-year marks, and quick runs
FIVE_YEARS = {"horizon": 20}


@pytest.fixture(scope="module")
def result():
    return sim.run(FREEZE, draws=300, seed=5, overrides=FIVE_YEARS)


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory):
    """The same run written to a folder (its draws then come from draws.parquet)."""
    return result.save(tmp_path_factory.mktemp("plots") / "run", plots=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _legend_texts(ax) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None, "the figure has no legend"
    return [t.get_text() for t in legend.get_texts()]


def test_survival_figure(result):
    ax = plots.plot_survival(result)
    assert result.title in ax.get_title()
    assert ax.get_xlabel() == "years since the ceasefire began"
    assert "probability" in ax.get_ylabel()
    legend = _legend_texts(ax)
    assert "95% CI of the estimate" in legend
    assert "accepted and still holding" in legend
    assert any(t.startswith("spread of beliefs") for t in legend), legend
    # one label per headline horizon, and a dotted mark at each
    notes = [t.get_text() for t in ax.texts]
    for label in result.summary["p_holds"]:
        assert any(n.startswith(f"{label}: ") for n in notes), (label, notes)
    assert ax.get_ylim() == (0, 1.02)
    assert ax.get_xlim() == (0, 5.0)


def test_survival_figure_without_acceptance_gap_has_no_conditional_curve(tmp_path):
    """When every draw accepts, the curve given acceptance is the curve: drawn once."""
    r = sim.run(
        write(tmp_path, one_region(share_a=0.5, incident="uniform(0.01, 0.05)", draws=40)), draws=40
    )
    assert r.summary["p_accepted"]["estimate"] == 1.0
    legend = _legend_texts(plots.plot_survival(r))
    assert legend == ["95% CI of the estimate", "accepted and still holding"]


def test_breakdown_figure_adds_up_to_the_breakdowns(result):
    top, bottom = plots.plot_breakdown(result)
    assert result.title in top.get_title()
    assert bottom.get_xlabel() == "years since the ceasefire began"
    assert top.get_ylabel().startswith("P(breaks in that year)")
    total = result.summary["p_breaks_within_horizon"]
    for ax in (top, bottom):
        heights = sum(p.get_height() for p in ax.patches)
        assert heights == pytest.approx(total, rel=1e-9, abs=1e-12)
        # one bar per year for each category that occurs
        n_years = 5
        assert len(ax.patches) % n_years == 0
        assert len(ax.patches) // n_years == len(_legend_texts(ax))
    assert any("attacks" in t for t in _legend_texts(top))
    causes = {t.split(" (")[0].split(":")[0] for t in _legend_texts(bottom)}
    assert causes <= {"commitment", "preemption", "terms", "incident"}


def test_breakdown_single_panel(result):
    ax = plots.plot_breakdown(result, by="cause")
    assert result.title in ax.get_title()
    with pytest.raises(ValueError, match="by must be"):
        plots.plot_breakdown(result, by="who")


def test_sensitivity_table_largest_first(result):
    table = plots.sensitivity_table(result)
    assert table.attrs["target"] == "p_holds_5y"
    assert set(table["key"]) <= set(result.scenario.uncertain())
    assert len(table) >= 10
    swings = table["swing"].abs().to_numpy()
    assert np.all(swings[:-1] >= swings[1:])
    # the baseline is the headline estimate (mean over the same draws)
    assert table.attrs["baseline"] == pytest.approx(
        result.summary["p_holds"]["5y"]["estimate"], abs=1e-9
    )
    row = table.set_index("key").loc["actors.russia.rebuild_rate"]
    assert row["name"] == "russia rebuild_rate"
    assert row["n_low"] + row["n_high"] == pytest.approx(0.5 * 300, abs=2)


def test_sensitivity_figure(result):
    ax = plots.plot_sensitivity(result)
    table = plots.sensitivity_table(result)
    n = min(12, len(table))
    assert result.title in ax.get_title() and "P(holds 5 years)" in ax.get_title()
    assert ax.get_xlabel().startswith("P(holds 5 years)")
    assert len(ax.patches) == 2 * n  # a low and a high bar per assumption
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [lab.split("  (")[0] for lab in labels] == list(table["name"][:n])
    legend = _legend_texts(ax)
    assert legend[:2] == ["lowest quarter of its range", "highest quarter of its range"]
    assert any(t.startswith("baseline (all draws)") for t in legend)
    # the baseline line sits at the headline estimate
    base = [ln for ln in ax.lines if ln.get_label().startswith("baseline")][0]
    assert base.get_xdata()[0] == pytest.approx(
        result.summary["p_holds"]["5y"]["estimate"], abs=1e-9
    )


def test_sensitivity_falls_back_to_the_longest_horizon(tmp_path):
    r = sim.run(
        write(tmp_path, one_region(horizon=3, incident="uniform(0.0, 0.2)", draws=60)), draws=60
    )
    assert plots.sensitivity_table(r).attrs["target"] == "p_holds_2y"
    ax = plots.plot_sensitivity(r)
    assert "P(holds 2 years)" in ax.get_title()
    assert [t.get_text().split("  (")[0] for t in ax.get_yticklabels()] == ["war incident_hazard"]


def test_sensitivity_without_uncertainty_says_so(tmp_path):
    r = sim.run(write(tmp_path, one_region(draws=5)), draws=5)
    ax = plots.plot_sensitivity(r)
    assert len(ax.patches) == 0
    assert any("no uncertain assumptions" in t.get_text() for t in ax.texts)


def test_sensitivity_reads_the_draws_of_a_saved_result(saved, result):
    loaded = load_result(saved, draws=False)
    assert loaded.draws.empty
    a, b = plots.sensitivity_table(loaded), plots.sensitivity_table(result)
    assert list(a["key"]) == list(b["key"])
    np.testing.assert_allclose(a["swing"], b["swing"], rtol=1e-12)


def test_power_figure(result):
    ax = plots.plot_power(result)
    a = result.scenario.display_name(result.scenario.actor_ids[0])
    assert result.title in ax.get_title()
    assert a in ax.get_ylabel() and ax.get_xlabel() == "years since the ceasefire began"
    groups = plots.figures._power_groups(result.power)
    n_states = result.power["state"].nunique()
    assert 1 <= len(groups) <= n_states
    assert sorted(s for _, states in groups for s in states) == sorted(
        result.power["state"].unique()
    )
    medians = [ln for ln in ax.lines if not ln.get_label().startswith("_")]
    assert len(medians) == len(groups)
    legend = _legend_texts(ax)
    assert legend[-2:] == ["middle 50% of draws", "middle 90% of draws"]
    assert len(ax.collections) == 2 * len(groups)  # two bands per curve


def test_power_groups_merge_states_with_equal_curves():
    import pandas as pd

    def curve(state, values):
        return pd.DataFrame(
            {
                "state": state,
                "period": [0, 1],
                "years": [0.0, 1.0],
                "median": values,
                "q05": values,
                "q25": values,
                "q75": values,
                "q95": values,
            }
        )

    power = pd.concat(
        [
            curve("none", [0.5, 0.6]),
            curve("a", [0.5, 0.8]),
            curve("b", [0.5, 0.6]),
            curve("a+b", [0.5, 0.8]),
        ]
    )
    groups = plots.figures._power_groups(power)
    assert groups == [(frozenset(), ["none", "b"]), (frozenset({"a"}), ["a", "a+b"])]
    assert plots.figures._inert_events(power, groups) == ["b"]


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_save_all_writes_four_figures(result, tmp_path, fmt):
    paths = plots.save_all(result, tmp_path, fmt=fmt)
    assert [p.name for p in paths] == [
        f"{n}.{fmt}" for n in ("survival", "breakdown", "sensitivity", "power")
    ]
    for p in paths:
        assert p.stat().st_size > 1000
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted(
        p.name for p in paths
    )  # no temp files left


def test_save_all_refuses_an_unknown_format(result, tmp_path):
    with pytest.raises(ValueError, match="png, svg, pdf"):
        plots.save_all(result, tmp_path, fmt="jpg")


def test_run_writes_the_figures_with_draws_streamed_to_disk(tmp_path):
    """`sim run` streams draws to parquet (Result.draws is empty); the tornado still has bars."""
    from click.testing import CliRunner

    from sim.cli import main

    out = tmp_path / "fl"
    res = CliRunner().invoke(
        main,
        [
            "run",
            str(FREEZE),
            "--draws",
            "120",
            "--set",
            "horizon=20",
            "--out",
            str(out),
            "-q",
            "--format",
            "svg",
        ],
    )
    assert res.exit_code == 0, res.output
    for name in ("survival", "breakdown", "sensitivity", "power"):
        assert (out / f"{name}.svg").is_file()
    assert "<path" in (out / "sensitivity.svg").read_text()
    loaded = load_result(out)  # the figures are listed in the manifest
    assert {f"{n}.svg" for n in ("survival", "breakdown", "sensitivity", "power")} <= set(
        loaded.manifest["files"]
    )


@pytest.mark.parametrize(
    "key,name",
    [
        ("actors.russia.rebuild_rate", "russia rebuild_rate"),
        ("regions.independence.value.russia", "independence value to russia"),
        ("regions.land_bridge.effects.power", "land_bridge power effect"),
        ("events.support_fades.hazard", "support_fades hazard"),
        (
            "events.support_fades.changes.actors.ukraine.ceiling",
            "ukraine ceiling after support_fades",
        ),
        ("war.outcomes.ukraine.crimea.ukraine", "crimea share to ukraine if ukraine wins"),
        ("war.first_strike", "war first_strike"),
        ("solver.selection", "solver.selection"),
    ],
)
def test_readable_key(key, name):
    assert plots.readable_key(key) == name


def test_only_plots_imports_matplotlib():
    for path in sorted((ROOT / "sim").rglob("*.py")):
        if "plots" in path.relative_to(ROOT / "sim").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "matplotlib" for n in names), (
                f"{path.name} imports matplotlib"
            )


def test_computation_does_not_load_matplotlib():
    code = "import sys, sim.analysis, sim.io, sim.montecarlo, sim.cli; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"
