"""The writer: draws streamed in fixed row groups, the rest written, swapped in last."""

from __future__ import annotations

import json

import pytest

from sim.errors import ResultError
from sim.io import ResultWriter, load_result
from sim.io import writer as writer_mod


@pytest.mark.parametrize("row_group", [65536, 3])
def test_chunks_give_the_same_bytes(tmp_path, small_result, monkeypatch, row_group):
    monkeypatch.setattr(writer_mod, "ROW_GROUP", row_group)
    res = small_result()
    res.save(tmp_path / "whole", plots=False)
    w = ResultWriter(tmp_path / "chunks")
    try:
        for start in range(0, 7, 2):
            w.write_draws(res.draws.iloc[start : start + 2].reset_index(drop=True))
        w.finish(res, plots=False, command="test")
    except BaseException:
        w.abort()
        raise
    whole = (tmp_path / "whole" / "draws.parquet").read_bytes()
    assert (tmp_path / "chunks" / "draws.parquet").read_bytes() == whole
    m = json.loads((tmp_path / "chunks" / "manifest.json").read_text())
    assert m["command"] == "test" and m["complete"] is True and m["draws"] == 7
    assert res.path == tmp_path / "chunks" and res.manifest == m


def test_the_writer_draws_the_figures_it_is_given(tmp_path, small_result):
    seen = []

    def figures(result, folder, fmt):
        seen.append((result.path, folder, fmt))
        (folder / f"one.{fmt}").write_text("x")
        return [folder / f"one.{fmt}"]

    res = small_result()
    path = res.save(tmp_path / "res", fmt="svg", figures=figures)
    ((drawn_from, folder, fmt),) = seen
    assert fmt == "svg" and drawn_from == folder  # the draws can be read from the folder
    assert folder.parent == tmp_path and ".res.tmp-" in folder.name  # before the swap
    assert (path / "one.svg").read_text() == "x"
    assert "one.svg" in load_result(path).manifest["files"]  # the figures are in the manifest


def test_a_figure_error_leaves_nothing(tmp_path, small_result, partials):
    def figures(result, folder, fmt):
        raise OSError(28, "No space left on device")

    res = small_result()
    with pytest.raises(ResultError, match="disk is full"):
        res.save(tmp_path / "res", figures=figures)
    assert not (tmp_path / "res").exists() and not partials(tmp_path)
