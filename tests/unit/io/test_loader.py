"""load_result reads back exactly what was saved, and refuses anything else."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.errors import ResultError
from sim.io import draw_columns, load_result, read_draws
from sim.io.manifest import sha256_file
from sim.montecarlo import run
from tests.helpers import FREEZE

SHORT = {"horizon": 12}


@pytest.fixture(scope="module")
def reference():
    return run(FREEZE, draws=300, seed=11, overrides=SHORT, chunk_size=300)


def test_save_and_load_round_trip(reference, tmp_path):
    path = reference.save(tmp_path / "run", plots=False)
    back = load_result(path)
    assert back.summary == json.loads(json.dumps(reference.summary))
    pd.testing.assert_frame_equal(back.draws, reference.draws, check_exact=True)
    pd.testing.assert_frame_equal(back.survival, reference.survival, check_exact=True)
    pd.testing.assert_frame_equal(back.breakdown, reference.breakdown, check_exact=True)
    m = back.manifest
    assert m["seed"] == 11 and m["draws"] == 300 and m["sampler"] == "lhs"
    assert m["scenario_text"] == FREEZE.read_text(encoding="utf-8")
    assert len(m["scenario_sha256"]) == 64
    assert m["overrides"] == [["horizon", 12]]
    assert back.scenario is not None and back.scenario.horizon == 12
    for name in ("summary.json", "draws.parquet", "survival.csv"):
        assert name in m["files"]


def test_load_refuses_an_incomplete_folder(reference, tmp_path):
    path = reference.save(tmp_path / "run", plots=False)
    (path / "manifest.json").unlink()
    with pytest.raises(ResultError, match="not a complete result"):
        load_result(path)


def test_load_refuses_a_changed_file(reference, tmp_path):
    path = reference.save(tmp_path / "run", plots=False)
    with open(path / "survival.csv", "a") as fh:
        fh.write("0,0,0,0,0,0\n")
    with pytest.raises(ResultError, match="sha256"):
        load_result(path)


def test_load_result_refuses_damaged_folders(tmp_path, small_result):
    small_result().save(tmp_path / "res", plots=False)
    good = tmp_path / "res"
    for damage in ("truncate_parquet", "drop_summary", "bad_manifest", "manifest_not_complete"):
        d = tmp_path / damage
        shutil.copytree(good, d)
        if damage == "truncate_parquet":
            raw = (d / "draws.parquet").read_bytes()
            (d / "draws.parquet").write_bytes(raw[: len(raw) // 2])
        elif damage == "drop_summary":
            (d / "summary.json").unlink()
        elif damage == "bad_manifest":
            (d / "manifest.json").write_text("{not json")
        else:
            m = json.loads((d / "manifest.json").read_text())
            m["complete"] = False
            (d / "manifest.json").write_text(json.dumps(m))
        with pytest.raises(ResultError, match="run the scenario again|sha256|missing"):
            load_result(d)
        res = CliRunner().invoke(main, ["show", str(d)])
        assert res.exit_code == 1 and "Traceback" not in res.output


def test_a_result_without_its_draws_is_not_saved_as_complete(tmp_path, small_result, partials):
    """A Result whose draws went to a sink holds an empty draws table: saving it again
    would make a folder whose summary counts draws its table does not have."""
    chunks: list = []
    res = small_result(draws_sink=chunks.append)
    with pytest.raises(ResultError, match="0 rows for 7 draws.*draws_sink"):
        res.save(tmp_path / "res", plots=False)
    assert not (tmp_path / "res").exists() and not partials(tmp_path)
    # and a folder like that (written by an older version) is refused on loading
    full = small_result()
    full.save(tmp_path / "ok", plots=False)
    m = json.loads((tmp_path / "ok" / "manifest.json").read_text())
    summary = json.loads((tmp_path / "ok" / "summary.json").read_text())
    summary["draws"] = 8
    (tmp_path / "ok" / "summary.json").write_text(json.dumps(summary))
    m["files"]["summary.json"]["sha256"] = sha256_file(tmp_path / "ok" / "summary.json")
    (tmp_path / "ok" / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ResultError, match="7 rows for 8 draws"):
        load_result(tmp_path / "ok")


def test_not_a_folder_and_a_temporary_folder_are_refused(tmp_path):
    with pytest.raises(ResultError, match="not a folder"):
        load_result(tmp_path / "nowhere")
    (tmp_path / ".res.tmp-1-abcdef01").mkdir()
    with pytest.raises(ResultError, match="temporary folder left by an unfinished run"):
        load_result(tmp_path / ".res.tmp-1-abcdef01")


@pytest.mark.parametrize("rows", [0, 1, 5, 7, 50])
def test_the_first_draws_only_are_read(tmp_path, small_result, monkeypatch, rows):
    """From a file, ``rows`` reads batches until it has them (small batches here, so the
    cut falls inside a batch and across several), and gives what the whole table gives."""
    import pyarrow.parquet as pq

    res = small_result()
    res.save(tmp_path / "res", plots=False)
    lean = load_result(tmp_path / "res", draws=False)
    seen = []
    original = pq.ParquetFile.iter_batches

    def small_batches(self, batch_size=65536, **kw):
        for batch in original(self, batch_size=2, **kw):
            seen.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", small_batches)
    cols = ["draw", "p_holds_end", "breaker"]
    want = res.draws[cols].iloc[:rows]
    got = read_draws(lean, cols, rows=rows)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(read_draws(res, cols, rows=rows), want, check_exact=True)
    assert sum(seen) <= max(2, rows + 1)  # it stopped reading once it had them
    none = read_draws(lean, ["no_such_column"], rows=rows)  # no columns: still the rows
    assert none.shape == (min(rows, 7), 0)
    assert read_draws(lean, [], rows=rows).shape == read_draws(res, [], rows=rows).shape


def test_draws_are_read_from_the_folder_when_not_in_memory(tmp_path, small_result):
    res = small_result()
    res.save(tmp_path / "res", plots=False)
    lean = load_result(tmp_path / "res", draws=False)
    assert lean.draws.empty and lean.figures is None
    assert draw_columns(lean) == list(res.draws.columns)
    pd.testing.assert_frame_equal(read_draws(lean), res.draws, check_exact=True)
    part = read_draws(lean, ["draw", "p_holds_end", "no_such_column"])
    assert list(part.columns) == ["draw", "p_holds_end"]
    assert list(read_draws(res, ["p_holds_end", "draw"]).columns) == ["p_holds_end", "draw"]
    lean.path = None
    assert read_draws(lean).empty and draw_columns(lean) == []
