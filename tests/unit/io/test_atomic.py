"""The atomic folder: refusal first, a temporary folder beside the target, the swap."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from sim.errors import ResultError
from sim.io import ResultWriter, atomic, load_result
from sim.io.atomic import AtomicFolder

OUR_CALIBRATION = {"format": "ceasefire-sim calibration", "format_version": 1, "files": {}}
OUR_TERMS = {"term_sets": 1, "rows": [], "command": "sim terms f", "files": {}}
OUR_DISCOVERY = {"base_rate": 0.5, "boxes": [], "command": "sim explain r"}
OUR_SWEEP = {"format_version": 1, "vary": ["k"], "rows": 1, "command": "sim sweep", "files": {}}
OUR_MANIFEST = {"format_version": 1, "complete": True, "scenario_sha256": "0" * 64, "files": {}}


def _ours(folder, marker: str, files: dict | None = None) -> None:
    """A marker as sim writes it (listing ``files``) in ``folder``."""
    folder.mkdir(exist_ok=True)
    data = dict(
        {
            "manifest.json": OUR_MANIFEST,
            "discovery.json": OUR_DISCOVERY,
            "terms.json": OUR_TERMS,
            "calibration.json": OUR_CALIBRATION,
        }.get(marker, OUR_SWEEP)
    )
    data["files"] = {name: {"bytes": 0, "sha256": ""} for name in files or {}}
    (folder / marker).write_text(json.dumps(data))
    for name, text in (files or {}).items():
        (folder / name).write_text(text)


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temporary_folders_are_cleaned_live_ones_kept(tmp_path, small_result):
    dead = _dead_pid()
    stale = tmp_path / f".res.tmp-{dead}-deadbeef"
    stale.mkdir()
    (stale / "draws.parquet").write_bytes(b"half")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".res.tmp-{sleeper.pid}-cafecafe"
        live.mkdir()
        other = tmp_path / f".other.tmp-{dead}-deadbeef"  # another target's: not ours to clean
        other.mkdir()
        with pytest.raises(ResultError, match="temporary folder"):
            load_result(stale)
        small_result().save(tmp_path / "res", plots=False)
        assert not stale.exists()
        assert live.exists() and other.exists()
        assert load_result(tmp_path / "res").summary["draws"] == 7
    finally:
        sleeper.kill()
        sleeper.wait()


def test_old_folder_of_a_killed_swap_is_restored(tmp_path, small_result):
    """Where no atomic exchange exists the old result is renamed aside first; if the
    process dies right then, the next run puts it back instead of deleting it."""
    small_result(seed=5).save(tmp_path / "res", plots=False)
    aside = tmp_path / f".res.old-{_dead_pid()}-0badf00d"
    os.rename(tmp_path / "res", aside)
    ResultWriter(tmp_path / "res").abort()  # any run into the same folder tidies up
    assert not aside.exists()
    assert load_result(tmp_path / "res").summary["seed"] == 5


@pytest.mark.parametrize("exchange", [True, False])
def test_swap_replaces_a_result_whole(tmp_path, monkeypatch, exchange, small_result, partials):
    if not exchange:
        monkeypatch.setattr(atomic, "renameat2", lambda: None)
    elif atomic.renameat2() is None:
        pytest.skip("no renameat2 here")
    small_result(seed=1).save(tmp_path / "res", plots=False)
    small_result(seed=2).save(tmp_path / "res", plots=False)
    assert load_result(tmp_path / "res").summary["seed"] == 2
    assert not partials(tmp_path)


def test_atomic_folder_appears_whole_on_swap(tmp_path, partials):
    folder = AtomicFolder(tmp_path / "out")
    assert folder.tmp.parent == tmp_path and atomic.is_temporary(folder.tmp.name)
    assert folder.tmp.name.startswith(f".out.tmp-{os.getpid()}-")
    (folder.tmp / "manifest.json").write_text("{}")
    assert not (tmp_path / "out").exists()  # nothing at the target until the swap
    folder.sync()
    assert folder.swap() == tmp_path / "out"
    assert (tmp_path / "out" / "manifest.json").read_text() == "{}"
    assert not partials(tmp_path)


def test_atomic_folder_abort_leaves_the_target_unchanged(tmp_path, partials):
    _ours(tmp_path / "out", "sweep.json")
    old = (tmp_path / "out" / "sweep.json").read_text()
    folder = AtomicFolder(tmp_path / "out")
    (folder.tmp / "sweep.json").write_text("new")
    folder.abort()
    assert (tmp_path / "out" / "sweep.json").read_text() == old
    assert not partials(tmp_path)


def test_write_fills_syncs_and_swaps_whole(tmp_path, partials):
    def fill(tmp):
        (tmp / "sweep.csv").write_text("a\n1\n")
        (tmp / "sweep.json").write_text(json.dumps(OUR_SWEEP))

    assert AtomicFolder(tmp_path / "out").write("sweep", fill) == tmp_path / "out"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sweep.csv", "sweep.json"]
    assert not partials(tmp_path)


@pytest.mark.parametrize(
    ("error", "raised"),
    [(OSError(errno.ENOSPC, "No space left on device"), ResultError), (KeyboardInterrupt(), None)],
)
def test_write_that_fails_removes_its_folder_and_replaces_nothing(
    tmp_path, partials, error, raised
):
    _ours(tmp_path / "out", "sweep.json")
    old = (tmp_path / "out" / "sweep.json").read_text()

    def fill(tmp):
        (tmp / "sweep.csv").write_text("half")
        raise error

    with pytest.raises(raised or type(error)) as info:
        AtomicFolder(tmp_path / "out").write("sweep", fill)
    if raised is ResultError:  # an OS error becomes advice, naming the folder and the kind
        assert str(info.value).startswith(f"{tmp_path / 'out'}: cannot write the sweep (")
        assert "nothing was replaced" in str(info.value)
    assert (tmp_path / "out" / "sweep.json").read_text() == old
    assert not partials(tmp_path)


def test_a_failed_swap_removes_the_temporary_folder(tmp_path, monkeypatch, partials):
    def boom(tmp, target):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic, "swap_into_place", boom)
    folder = AtomicFolder(tmp_path / "out")
    with pytest.raises(OSError, match="Input/output"):
        folder.swap()
    assert not partials(tmp_path) and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "kind,message",
    [
        ("folder of other files", "not a sim result"),
        ("file", "is a file, not a folder"),
        ("broken link", "is a broken link"),
    ],
)
def test_what_may_not_be_replaced_is_refused_before_any_work(tmp_path, kind, message, partials):
    mine = tmp_path / "mine"
    if kind == "file":
        mine.write_text("precious")
    elif kind == "broken link":
        mine.symlink_to(tmp_path / "nowhere")
    else:
        mine.mkdir()
        (mine / "thesis.tex").write_text("precious")
    with pytest.raises(ResultError, match=message):
        AtomicFolder(mine)
    assert not partials(tmp_path)
    if kind != "broken link":
        assert (mine.read_text() if kind == "file" else (mine / "thesis.tex").read_text()) == (
            "precious"
        )


def test_an_empty_folder_or_one_of_ours_may_be_replaced(tmp_path):
    (tmp_path / "empty").mkdir()
    atomic.check_replaceable(tmp_path / "empty")
    atomic.check_replaceable(tmp_path / "missing")
    for marker in atomic.MARKERS:
        _ours(tmp_path / marker, marker, {"sweep.csv": "a,b"})
        assert atomic.is_result_folder(tmp_path / marker)
        atomic.check_replaceable(tmp_path / marker)
    old = tmp_path / "old_sweep"  # a sweep written before sweep.json listed its files
    old.mkdir()
    (old / "sweep.json").write_text(
        json.dumps({k: OUR_SWEEP[k] for k in ("vary", "rows", "command")})
    )
    (old / "sweep.csv").write_text("a,b")
    (old / "sweep.png").write_bytes(b"png")
    atomic.check_replaceable(old)


@pytest.mark.parametrize(
    "case,files,message",
    [
        (
            "a browser extension's manifest.json",
            {"manifest.json": '{"manifest_version": 3, "name": "x"}', "index.js": "x"},
            "its manifest.json was not written by sim",
        ),
        (
            "a sweep.json beside a thesis",
            {"sweep.json": '{"angle": 30}', "thesis.tex": "x"},
            "its sweep.json was not written by sim",
        ),
        ("a manifest.json that is not JSON", {"manifest.json": "{nope"}, "not written by sim"),
    ],
)
def test_a_marker_that_is_not_ours_is_refused_and_nothing_deleted(tmp_path, case, files, message):
    mine = tmp_path / "mine"
    mine.mkdir()
    for name, text in files.items():
        (mine / name).write_text(text)
    (mine / "src").mkdir()
    with pytest.raises(ResultError, match=message):
        AtomicFolder(mine)
    assert sorted(p.name for p in mine.iterdir()) == sorted([*files, "src"]), case


@pytest.mark.parametrize("marker", atomic.MARKERS)
def test_a_result_holding_a_file_it_did_not_write_is_refused(tmp_path, marker):
    res = tmp_path / "res"
    _ours(res, marker, {"summary.json": "{}"})
    (res / "NOTES.md").write_text("my notes")
    with pytest.raises(ResultError, match=r"also holds NOTES\.md, which the run did not write"):
        AtomicFolder(res)
    assert (res / "NOTES.md").read_text() == "my notes"
    (res / "NOTES.md").unlink()
    (res / "plots").mkdir()  # a subfolder is never listed either
    with pytest.raises(ResultError, match="also holds plots"):
        AtomicFolder(res)


def test_a_run_refuses_a_result_with_notes_and_keeps_them(tmp_path, small_result):
    path = small_result(seed=1).save(tmp_path / "res", plots=False)
    (path / "NOTES.md").write_text("keep me")
    with pytest.raises(ResultError, match="move it out of the folder, or choose another --out"):
        small_result(seed=2).save(path, plots=False)
    assert (path / "NOTES.md").read_text() == "keep me"
    assert load_result(path).summary["seed"] == 1


def test_a_temporary_name_with_an_impossible_pid_is_left_alone(tmp_path, small_result):
    stray = tmp_path / ".res.tmp-99999999999999999999-x"
    stray.mkdir()
    like = tmp_path / ".res.tmp-99999999999-deadbeef"  # more than any pid
    like.mkdir()
    small_result().save(tmp_path / "res", plots=False)  # no OverflowError
    assert stray.is_dir() and like.is_dir()


def test_the_root_folder_and_a_file_as_parent_are_refused(tmp_path):
    with pytest.raises(ResultError, match="cannot replace the root folder"):
        AtomicFolder("/")
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(ResultError, match="choose another --out"):
        AtomicFolder(tmp_path / "a_file" / "out")
    assert (tmp_path / "a_file").read_text() == "x"


def test_target_is_resolved_lexically(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("x")
    with pytest.raises(ResultError, match="not a sim result"):
        AtomicFolder(tmp_path / "mine" / "sub" / "..")


def test_explain_gives_advice():
    full = atomic.explain(OSError(errno.ENOSPC, "No space left on device"))
    assert full.startswith("No space left on device; ") and "free some space" in full
    assert "choose another --out" in atomic.explain(OSError(errno.EACCES, "Permission denied"))
    assert atomic.explain(OSError(errno.EBUSY, "busy")) == "busy; choose another --out"


def test_temporary_names_are_never_results():
    assert atomic.is_temporary(".res.tmp-12-abcdef01")
    assert atomic.is_temporary(".res.old-12-abcdef01")
    assert not atomic.is_temporary("res")


def test_sigint_is_held_back_and_the_handler_restored():
    before = signal.getsignal(signal.SIGINT)
    with atomic.sigint_deferred():
        os.kill(os.getpid(), signal.SIGINT)  # dropped: no KeyboardInterrupt
    assert signal.getsignal(signal.SIGINT) is before
    errors = []

    def elsewhere():
        try:
            with atomic.sigint_deferred():  # off the main thread: does nothing
                pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=elsewhere)
    t.start()
    t.join()
    assert not errors
