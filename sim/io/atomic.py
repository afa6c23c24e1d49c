"""The atomic result folder: a folder that appears complete or not at all.

Every folder ``sim`` writes (a run's result, a sweep) goes through :class:`AtomicFolder`:

1. **Refuse first.** An existing target is replaced only if it is empty or one of ours:
   it holds one of :data:`MARKERS` as ``sim`` writes it, and that marker lists every file
   in the folder (:func:`is_result_folder`). A folder of other files, one whose
   ``manifest.json`` is someone else's, or a result a user added a file to is never
   deleted (:func:`check_replaceable`), and this is checked before any work is done.
2. **Write beside it.** Everything goes into a hidden temporary folder in the same parent,
   ``.NAME.tmp-PID-xxxxxxxx`` (:func:`temp_folder`), so the final rename never crosses a
   file system. Temporary folders that a killed run left behind are removed by the next
   run into the same parent once their process is gone (:func:`clean_stale_temps`).
3. **Flush.** Every file and the folder are fsync'ed (:func:`fsync_tree`) before the swap,
   so a crash after it cannot leave a folder that looks complete but holds truncated files.
4. **Swap.** :func:`swap_into_place` puts the folder at the target. On Linux an existing
   target is exchanged in one step (``renameat2(RENAME_EXCHANGE)``, :func:`exchange`), so
   readers and concurrent runs into the same target see the old folder or the new one,
   never a mix and never nothing; two runs into one target leave one complete folder,
   the last to finish. Elsewhere the old folder is renamed aside (``.NAME.old-PID-x``)
   first and put back if the new one cannot be renamed in; an aside folder whose process
   died is put back by the next run.
5. **Ctrl-C** arriving during the swap is held back (:func:`sigint_deferred`): the work is
   complete by then, so the run ends as a success instead of splitting the swap from its
   clean-up.

OS errors are reported with advice on what to do (:func:`explain`). This module needs
only the standard library.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import re
import shutil
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sim.errors import ResultError

__all__ = [
    "MARKERS",
    "AtomicFolder",
    "check_replaceable",
    "clean_stale_temps",
    "enclosing_result",
    "exchange",
    "explain",
    "folder_kind",
    "fsync_dir",
    "fsync_tree",
    "is_result_folder",
    "is_temporary",
    "remove",
    "renameat2",
    "sigint_deferred",
    "swap_into_place",
    "temp_folder",
    "unlisted_files",
]

#: Files that mark a folder as one of ours (a run's, a sweep's, a discovery's, a terms
#: table's or a calibration's), safe to replace.
MARKERS = ("manifest.json", "sweep.json", "discovery.json", "terms.json", "calibration.json")
#: Name parts of the hidden folders of an unfinished write and of a swap in progress.
TEMP_MARK, OLD_MARK = ".tmp-", ".old-"


class AtomicFolder:
    """A hidden temporary folder beside ``out`` that becomes ``out`` when complete.

    Creating one checks that ``out`` may be replaced, creates its parent, tidies what
    killed runs into ``out`` left behind, and makes the temporary folder :attr:`tmp`.
    Write the files into :attr:`tmp`, then :meth:`sync` and :meth:`swap`; or
    :meth:`abort`. Every refusal and OS error is a :class:`ResultError` that says what to
    do, raised before anything is replaced.

    Parameters
    ----------
    out
        The folder to write. Resolved lexically (``a/..`` is ``.``), so a ``..`` cannot
        slip past the check of what the target holds.
    """

    def __init__(self, out: str | os.PathLike):
        self.target = Path(os.path.abspath(os.fspath(out)))
        if not self.target.name:
            raise ResultError(
                f"{self.target}: cannot replace the root folder; give --out a folder name "
                "such as results/run1"
            )
        parent = self.target.parent
        check_replaceable(self.target)
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise ResultError(
                f"{parent}: exists and is not a folder; choose another --out"
            ) from None
        except OSError as exc:
            raise ResultError(f"{parent}: cannot create the folder ({explain(exc)})") from None
        if not parent.is_dir():
            raise ResultError(f"{parent}: exists and is not a folder; choose another --out")
        clean_stale_temps(parent, self.target.name)
        self.tmp = temp_folder(self.target)
        try:
            self.tmp.mkdir()
        except OSError as exc:
            raise ResultError(f"{parent}: cannot write here ({explain(exc)})") from None

    def sync(self) -> None:
        """Flush every file of the temporary folder, and the folder, to disk."""
        fsync_tree(self.tmp)

    def swap(self) -> Path:
        """Put the temporary folder at the target (Ctrl-C held back meanwhile).

        Returns the target. On any failure the temporary folder is removed and the
        exception (an :class:`OSError` from the file system) propagates; the target is
        then unchanged.
        """
        with sigint_deferred():  # a Ctrl-C now must not split the swap from its clean-up
            try:
                swap_into_place(self.tmp, self.target)
            except BaseException:
                self.abort()
                raise
        return self.target

    def abort(self) -> None:
        """Remove the temporary folder (after an error or an interrupt)."""
        remove(self.tmp)

    def write(self, what: str, fill: Callable[[Path], object]) -> Path:
        """Write the folder whole: ``fill(tmp)`` writes the files (the marker last), then
        :meth:`sync` and :meth:`swap`; returns the target.

        On an OS error the temporary folder is removed and a :class:`ResultError` says
        ``cannot write the {what}`` with advice and that nothing was replaced; any other
        exception (Ctrl-C included) removes it and propagates.
        """
        try:
            fill(self.tmp)
            self.sync()
            return self.swap()
        except OSError as exc:
            self.abort()
            raise ResultError(
                f"{self.target}: cannot write the {what} ({explain(exc)}); nothing was replaced"
            ) from None
        except BaseException:
            self.abort()
            raise


def temp_folder(target: Path) -> Path:
    """A fresh name for a hidden temporary folder beside ``target`` (not created).

    ``.NAME.tmp-PID-xxxxxxxx``: the process id lets :func:`clean_stale_temps` tell a
    live writer's folder from a dead one's.
    """
    return target.parent / f".{target.name}{TEMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}"


def is_temporary(name: str) -> bool:
    """True if ``name`` is that of a temporary or aside folder, never a result."""
    return TEMP_MARK in name or OLD_MARK in name


def is_result_folder(path: Path) -> bool:
    """True if ``path`` is a folder of ours that may be replaced: see :func:`folder_kind`.

    Its marker (``manifest.json``, ``sweep.json``, ``discovery.json`` or ``terms.json``)
    must be one ``sim`` wrote, and it must list every file in the folder, so replacing
    the folder deletes nothing but what a run, a sweep, a discovery or a terms table wrote.
    """
    return folder_kind(path) is not None and not unlisted_files(path)


#: Largest marker file read to recognise a folder (a manifest holds the scenario text,
#: at most 1 MB, twice over).
_MAX_MARKER_BYTES = 16_000_000
#: The files of a sweep (a discovery) written before sweep.json (discovery.json) listed them.
_OLD_SWEEP_FILES = frozenset({"sweep.json", "sweep.csv", "sweep.png", "sweep.svg", "sweep.pdf"})
_OLD_DISCOVERY_FILES = frozenset(
    {"discovery.json", "findings.md", "discovery.png", "discovery.svg", "discovery.pdf"}
)
#: The marker file of each kind of folder.
_MARKER_OF = {
    "run": "manifest.json",
    "sweep": "sweep.json",
    "discovery": "discovery.json",
    "terms": "terms.json",
    "calibration": "calibration.json",
}


def _read_marker(path: Path) -> Any:
    try:
        if path.stat().st_size > _MAX_MARKER_BYTES:
            return None
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def folder_kind(path: Path) -> str | None:
    """``"run"``, ``"sweep"``, ``"discovery"`` or ``"terms"`` if ``path`` holds a marker
    that ``sim`` wrote, else None.

    A ``manifest.json`` is a run's when it is a JSON object with ``format_version``,
    ``complete: true``, the scenario's ``scenario_sha256`` and a ``files`` mapping; a
    ``sweep.json`` is a sweep's when it has ``rows``, ``command`` and either
    ``format_version`` with ``files`` (format 1) or, written before, ``vary``; a
    ``discovery.json`` (``sim explain``) is one when it has ``base_rate``, ``boxes`` and
    ``command``; a ``terms.json`` (``sim terms``) when it has ``term_sets``, ``rows``,
    ``command`` and a ``files`` mapping; a ``calibration.json`` (``sim calibrate``) when
    its ``format`` is ``ceasefire-sim calibration`` and it has a ``files`` mapping. A
    folder
    that merely holds a file of that name (a browser extension's ``manifest.json``, a
    ``sweep.json`` beside a thesis) is not ours.
    """
    manifest = _read_marker(path / "manifest.json") if (path / "manifest.json").is_file() else None
    if (
        isinstance(manifest, dict)
        and isinstance(manifest.get("format_version"), int)
        and manifest.get("complete") is True
        and isinstance(manifest.get("scenario_sha256"), str)
        and isinstance(manifest.get("files"), dict)
    ):
        return "run"
    found = _read_marker(path / "discovery.json") if (path / "discovery.json").is_file() else None
    if isinstance(found, dict) and all(k in found for k in ("base_rate", "boxes", "command")):
        return "discovery" if isinstance(found.get("files", {}), dict) else None
    cal = _read_marker(path / "calibration.json") if (path / "calibration.json").is_file() else None
    if isinstance(cal, dict) and cal.get("format") == "ceasefire-sim calibration":
        return "calibration" if isinstance(cal.get("files"), dict) else None
    terms = _read_marker(path / "terms.json") if (path / "terms.json").is_file() else None
    if isinstance(terms, dict) and all(k in terms for k in ("term_sets", "rows", "command")):
        return "terms" if isinstance(terms.get("files"), dict) else None
    sweep = _read_marker(path / "sweep.json") if (path / "sweep.json").is_file() else None
    if not isinstance(sweep, dict) or "rows" not in sweep or "command" not in sweep:
        return None
    if isinstance(sweep.get("format_version"), int) and isinstance(sweep.get("files"), dict):
        return "sweep"
    return "sweep" if "files" not in sweep and "vary" in sweep else None


def enclosing_result(path: str | os.PathLike) -> Path | None:
    """The folder of ours (a run's, a sweep's or a discovery's: :func:`folder_kind`) that ``path``
    would be written into, directly or deeper, or None.

    ``sim compare --out`` and ``--csv`` refuse such a path: a file written there would
    overwrite the result's own files, or leave a file its manifest does not list.
    """
    here = Path(os.path.abspath(os.fspath(path)))
    for folder in [here, *here.parents] if here.is_dir() else here.parents:
        if folder.is_dir() and folder_kind(folder) is not None:
            return folder
    return None


def unlisted_files(path: Path) -> list[str]:
    """The entries of a folder of ours that its marker does not list (sorted).

    A run's ``manifest.json`` lists every file it wrote; so does a sweep's ``sweep.json``
    (an older sweep's files are the known sweep files). Anything else, such as a user's
    ``NOTES.md`` or a subfolder, would be lost if the folder were replaced.
    """
    kind = folder_kind(path)
    if kind is None:
        return []
    marker = _MARKER_OF[kind]
    data = _read_marker(path / marker)
    listed = set(data.get("files") or {}) | {marker} if isinstance(data, dict) else {marker}
    if kind == "sweep" and isinstance(data, dict) and "files" not in data:
        listed = set(_OLD_SWEEP_FILES)
    if kind == "discovery" and isinstance(data, dict) and "files" not in data:
        listed = set(_OLD_DISCOVERY_FILES)
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return []
    return [n for n in names if n not in listed or not (path / n).is_file()]


def check_replaceable(target: Path) -> None:
    """Refuse (before any work) a ``target`` that must not be replaced.

    Only a missing target, an empty folder or an earlier folder of ours that lists every
    file in it (see :func:`is_result_folder`) may be replaced; anything else raises
    :class:`ResultError` saying why and what to do.
    """
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        kind = "a broken link" if target.is_symlink() else "a file"
        raise ResultError(
            f"{target}: exists and is {kind}, not a folder; choose another --out (or remove it)"
        )
    try:
        empty = next(os.scandir(target), None) is None
    except OSError as exc:
        raise ResultError(f"{target}: cannot read the folder ({explain(exc)})") from None
    if empty:
        return
    if folder_kind(target) is None:
        markers = [m for m in MARKERS if (target / m).exists()]
        why = (
            f"its {markers[0]} was not written by sim"
            if markers
            else "it holds no manifest.json, sweep.json, discovery.json, terms.json or "
            "calibration.json "
            "written by sim"
        )
        raise ResultError(
            f"{target}: exists and is not a sim result ({why}); to protect its files nothing "
            "is replaced: choose another --out, or move that folder away first"
        )
    extra = unlisted_files(target)
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise ResultError(
            f"{target}: a sim result, but it also holds {shown}, which the run did not write; "
            "replacing the folder would delete "
            + ("it" if len(extra) == 1 else "them")
            + ", so nothing is replaced: move "
            + ("it" if len(extra) == 1 else "them")
            + " out of the folder, or choose another --out"
        )


# ---------------------------------------------------------------------------------------
# the swap


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2_fn: Any = None


def renameat2() -> Any:
    """The C library's ``renameat2``, or None where there is none (not Linux, old glibc, musl).

    Looked up once and cached.
    """
    global _renameat2_fn
    if _renameat2_fn is None:
        _renameat2_fn = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                fn = libc.renameat2
                fn.argtypes = [
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_int,
                    ctypes.c_char_p,
                    ctypes.c_uint,
                ]
                fn.restype = ctypes.c_int
                _renameat2_fn = fn
            except (OSError, AttributeError):  # no libc symbol (old glibc, musl)
                pass
    return _renameat2_fn or None


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap paths ``a`` and ``b``; False where the OS or file system cannot."""
    import ctypes

    fn = renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_into_place(tmp: Path, target: Path) -> None:
    """Put the complete folder ``tmp`` at ``target``; ``target``'s old content is removed.

    Races with another run into the same target are retried: the last swap wins and the
    folder is always one complete result. Raises :class:`ResultError` if other runs keep
    replacing the target, and :class:`OSError` for a file-system error.
    """
    for _ in range(20):
        if not os.path.lexists(target):
            try:
                os.rename(tmp, target)  # atomic; fails if a non-empty folder appeared meanwhile
                fsync_dir(target.parent)
                return
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    continue
                raise
        check_replaceable(target)
        try:
            if exchange(tmp, target):  # tmp now holds the old result
                fsync_dir(target.parent)
                remove(tmp)
                return
        except FileNotFoundError:
            continue  # another run moved it away: look again
        if _swap_aside(tmp, target):
            return
    raise ResultError(
        f"{target}: other runs kept replacing this folder; run again or choose another --out"
    )


def _swap_aside(tmp: Path, target: Path) -> bool:
    """No atomic exchange here: rename the old folder aside, put it back on failure.

    False if the old folder vanished meanwhile (look again).
    """
    old = target.parent / f".{target.name}{OLD_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        os.rename(target, old)
    except FileNotFoundError:
        return False
    try:
        os.rename(tmp, target)
    except OSError:
        try:
            os.rename(old, target)
        except OSError:
            pass
        raise
    fsync_dir(target.parent)
    remove(old)
    return True


@contextlib.contextmanager
def sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C back for the few milliseconds of a swap (main thread only).

    A Ctrl-C that arrives meanwhile is dropped: the work is complete by then, so it ends
    as a success. Elsewhere than the main thread (where signals cannot be handled) this
    does nothing.
    """
    prev = None
    if threading.current_thread() is threading.main_thread():
        try:
            prev = signal.signal(signal.SIGINT, lambda *_: None)
        except (ValueError, TypeError, OSError):
            prev = None
    try:
        yield
    finally:
        if prev is not None:
            signal.signal(signal.SIGINT, prev)


# ---------------------------------------------------------------------------------------
# files, folders and their clean-up


def remove(path: Path) -> None:
    """Remove a file, link or folder tree, ignoring errors (best effort clean-up)."""
    if os.path.islink(path) or os.path.isfile(path):
        try:
            os.unlink(path)
        except OSError:
            pass
    else:
        shutil.rmtree(path, ignore_errors=True)


def fsync_tree(folder: Path) -> None:
    """fsync every file directly in ``folder``, then the folder itself."""
    for p in folder.iterdir():
        if p.is_file():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """fsync a folder (its entries), where the file system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder
        pass
    finally:
        os.close(fd)


def explain(exc: OSError) -> str:
    """An OSError as a reason and what to do about it (for messages about ``--out``)."""
    what = exc.strerror or str(exc)
    advice = {
        errno.ENOSPC: "the disk is full: free some space or choose --out on another disk",
        errno.EDQUOT: "the disk quota is used up: free some space or choose --out on another disk",
        errno.EACCES: "no permission to write there: choose another --out",
        errno.EPERM: "no permission to write there: choose another --out",
        errno.EROFS: "the file system is read-only: choose another --out",
        errno.ENOTDIR: "part of the path is a file, not a folder: choose another --out",
        errno.ENAMETOOLONG: "the path is too long: choose a shorter --out",
        errno.EIO: "the disk reported an I/O error: choose --out on another disk",
    }.get(exc.errno, "choose another --out")
    return f"{what}; {advice}"


def clean_stale_temps(parent: Path, name: str) -> None:
    """Tidy what runs into ``name`` left behind when they were killed.

    ``.NAME.tmp-PID-xxxx`` folders whose process is gone are removed. A
    ``.NAME.old-PID-xxxx`` folder (the previous result, renamed aside for a swap on a
    system without an atomic exchange) is put back if ``NAME`` is missing, else removed.
    Folders of live processes, and those of other names, are left alone.
    """
    pattern = glob.escape(f".{name}")
    try:
        temps = sorted(parent.glob(f"{pattern}{TEMP_MARK}*"))
        olds = sorted(parent.glob(f"{pattern}{OLD_MARK}*"))
    except OSError:
        return
    for p in temps:
        pid = _parse_pid(p.name, TEMP_MARK)
        if pid is not None and not _alive(pid):
            remove(p)
    target = parent / name
    for p in olds:
        pid = _parse_pid(p.name, OLD_MARK)
        if pid is None or _alive(pid):
            continue
        if not os.path.lexists(target) and is_result_folder(p):
            try:
                os.rename(p, target)
                continue
            except OSError:
                pass
        remove(p)


#: Largest process id any system gives (pid_t is a 32-bit signed integer).
_MAX_PID = 2**31 - 1
_TEMP_TAIL = re.compile(r"([0-9]{1,10})-[0-9a-f]{8}")


def _parse_pid(name: str, marker: str) -> int | None:
    """The process id in a name we gave (``.NAME.tmp-PID-xxxxxxxx``), else None.

    A name that only looks like ours (``.tmp-99999999999999999999-x``: no process can have
    that id) is not ours and is left alone.
    """
    m = _TEMP_TAIL.fullmatch(name.rsplit(marker, 1)[-1]) if marker in name else None
    if m is None:
        return None
    pid = int(m.group(1))
    return pid if 0 < pid <= _MAX_PID else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return _zombie(pid) is not True


def _zombie(pid: int) -> bool | None:
    """True if ``pid`` has exited but not been reaped (Linux), so it will write no more."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return None
