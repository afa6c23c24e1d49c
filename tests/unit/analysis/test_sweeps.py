"""Sweeps: parsing ``--vary``, and writing the sweep folder."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis import grid_values, parse_vary, write_sweep
from sim.errors import ResultError
from sim.scenario import ScenarioError


def test_parse_vary_forms():
    assert parse_vary("actors.russia.rebuild_rate=0.03:0.1:3") == (
        "actors.russia.rebuild_rate",
        [0.03, 0.065, 0.1],
    )
    assert parse_vary("horizon=8:16:3") == ("horizon", [8, 12, 16])  # whole steps stay integers
    assert parse_vary("horizon=8:15:3") == ("horizon", [8.0, 11.5, 15.0])
    assert parse_vary("war.first_strike=0.1") == ("war.first_strike", [0.1])
    key, values = parse_vary("war.first_strike=0, uniform(0.1, 0.2), 0.3")
    assert values == [0, "uniform(0.1, 0.2)", 0.3]
    assert parse_vary("solver.selection=peaceful,risk_dominant")[1] == ["peaceful", "risk_dominant"]
    assert parse_vary("x=-0.2:-0.1:2")[1] == [-0.2, -0.1]
    assert grid_values("x", np.array([1.0, 2.0])) == [1.0, 2.0]


@pytest.mark.parametrize(
    "text,message",
    [
        ("actors.russia.rebuild_rate", "expected KEY=START:STOP:NUM"),
        ("actors.russia.rebuild_rate=0.03:0.1", "START:STOP:NUM"),
        ("actors.russia.rebuild_rate=0.03:0.1:0", "at least 1"),
        ("actors.russia.rebuild_rate=0.03:0.1:2.5", "whole number"),
        ("actors.russia.rebuild_rate=a:0.1:3", "must be numbers"),
        ("actors.russia.rebuild_rate=0.1:0.1:3", "equal"),
        ("actors.russia.rebuild_rate=0.1,,0.2", "empty value"),
        ("actors.russia.rebuild_rate=0.1,0.1", "listed twice"),
        ("actors..rebuild_rate=0.1", "dotted key path"),
        ("=0.1", "dotted key path"),
    ],
)
def test_parse_vary_refuses(text, message):
    with pytest.raises(ScenarioError, match=message) as info:
        parse_vary(text)
    assert all(p.file == "--vary" for p in info.value.problems)


def test_sweep_never_replaces_a_folder_of_other_files(tmp_path):
    """`--out` pointing at a folder of the user's own files is refused, not wiped."""
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "thesis.tex").write_text("precious")
    table = pd.DataFrame({"x": [1.0], "p_accepted": [0.5]})
    with pytest.raises(ResultError, match="not a sim result"):
        write_sweep(table, mine, plots=False)
    assert (mine / "thesis.tex").read_text() == "precious"
    # an earlier sweep is replaced
    out = write_sweep(table, tmp_path / "sweep", plots=False)
    again = write_sweep(table.assign(x=[2.0]), out, plots=False)
    assert pd.read_csv(again / "sweep.csv")["x"].tolist() == [2.0]


def test_write_sweep_needs_a_figure_function_for_plots(tmp_path):
    """Analysis does not import plotting: plots=True without figure= is refused before
    anything is written (never a sweep folder silently without its figure)."""
    table = pd.DataFrame({"x": [1.0], "p_accepted": [0.5]})
    table.attrs.update(vary=["x"], draws=10)
    with pytest.raises(ResultError, match="figure=.*plots=False"):
        write_sweep(table, tmp_path / "sw")
    assert list(tmp_path.iterdir()) == []
    drawn = []

    def figure(t, path, fmt):
        drawn.append((t is table, path.name, fmt))
        path.write_text("<svg/>")
        return path

    out = write_sweep(table, tmp_path / "sw", fmt="svg", figure=figure, command="sim sweep x")
    assert drawn == [(True, "sweep.svg", "svg")]
    assert sorted(p.name for p in out.iterdir()) == ["sweep.csv", "sweep.json", "sweep.svg"]
    meta = json.loads((out / "sweep.json").read_text())
    files = meta.pop("files")
    assert meta == {
        "format_version": 1,
        "vary": ["x"],
        "draws": 10,
        "rows": 1,
        "command": "sim sweep x",
    }
    assert sorted(files) == ["sweep.csv", "sweep.svg"]  # every file but sweep.json itself
    assert [p.name for p in tmp_path.iterdir()] == ["sw"]  # no temporary folder left


def test_a_failing_figure_leaves_an_earlier_sweep(tmp_path):
    table = pd.DataFrame({"x": [1.0], "p_accepted": [0.5]})
    out = write_sweep(table, tmp_path / "sw", plots=False)

    def figure(t, path, fmt):
        raise OSError(28, "No space left on device")

    with pytest.raises(ResultError, match="cannot write the sweep.*disk is full"):
        write_sweep(table.assign(x=[2.0]), out, figure=figure)
    assert pd.read_csv(out / "sweep.csv")["x"].tolist() == [1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["sw"]
