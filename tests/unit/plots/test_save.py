"""Writing figures: the four of a run, in each format, atomically."""

from __future__ import annotations

import pytest

from sim import plots
from sim.io import load_result
from tests.helpers import FREEZE


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_save_all_writes_four_figures(result, tmp_path, fmt):
    """The four standard figures, and beliefs over time when the run has types."""
    paths = plots.save_all(result, tmp_path, fmt=fmt)
    extra = ("beliefs",) if result.beliefs is not None else ()
    assert [p.name for p in paths] == [
        f"{n}.{fmt}" for n in ("survival", "breakdown", "sensitivity", "power", *extra)
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


@pytest.mark.parametrize("fmt", ["svg"])
def test_the_same_run_writes_the_same_bytes(result, tmp_path, fmt):
    """No date and no random id in a figure file (an svg's ids are salted with a fixed string)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = plots.save_all(result, tmp_path / "a", fmt=fmt)
    b = plots.save_all(result, tmp_path / "b", fmt=fmt)
    assert len(a) >= 4 and [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
