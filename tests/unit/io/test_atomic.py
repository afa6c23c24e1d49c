"""The atomic folder: refusal first, a temporary folder beside the target, the swap."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading

import pytest

from sim.errors import ResultError
from sim.io import ResultWriter, atomic, load_result
from sim.io.atomic import AtomicFolder


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
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sweep.json").write_text("old")
    folder = AtomicFolder(tmp_path / "out")
    (folder.tmp / "sweep.json").write_text("new")
    folder.abort()
    assert (tmp_path / "out" / "sweep.json").read_text() == "old"
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
        (tmp_path / marker).mkdir()
        (tmp_path / marker / marker).write_text("{}")
        assert atomic.is_result_folder(tmp_path / marker)
        atomic.check_replaceable(tmp_path / marker)


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
