"""The Dask executor: chunks solved on a ``dask.distributed`` cluster.

Three ways to get a cluster, one executor (:class:`DaskExecutor`, see
:mod:`sim.montecarlo.executors` for the interface):

* no address: a :class:`distributed.LocalCluster` of worker processes (one thread each,
  as many as the usable CPUs unless ``workers`` says), started here and shut down on
  :meth:`~DaskExecutor.close`;
* ``scheduler="tcp://host:8786"`` (or the variable ``SIM_DASK_SCHEDULER``): a running
  scheduler, e.g. ``dask scheduler`` on one machine and ``dask worker tcp://host:8786``
  on others, or one that a batch system started;
* ``client=``: a ``distributed.Client`` the caller made, e.g. on a
  ``dask_jobqueue.SLURMCluster``; it is left open.

Tasks are chunks of draws (thousands each, :func:`sim.montecarlo.default_chunk`), never
single draws, so the scheduler's few milliseconds per task stay small beside a chunk's
seconds. Results come back in any order; the callers put them in place by task index.

Faults. A worker that dies while solving a chunk (a lost machine, the out-of-memory
killer) is noticed by the scheduler, which runs the chunk again on another worker; the
result is the same bits, since a chunk depends only on its task. A chunk that kills
workers again and again (``distributed.scheduler.allowed-failures``, 3 by default) stops
the run with an :class:`~sim.errors.ExecutorError`. A scheduler that cannot be reached
within :data:`CONNECT_TIMEOUT` seconds is a one-line error naming the address.

Same code everywhere. Bit-identical results need the same model on every worker, so on
connecting every worker's :func:`code_fingerprint` (the package's sources, numpy's and
scipy's versions) is compared with this process's, and a worker that differs is refused
by name. Workers that join later are not checked.

Ctrl-C. The tasks not yet finished are cancelled. The worker processes of a
``LocalCluster`` started here ignore Ctrl-C (a terminal sends it to the whole process
group; this process alone stops the run and kills the cluster's workers, so there is one
message and no traceback per worker). They are forked from multiprocessing's fork server,
which was started while this process ignored SIGINT for a moment, so the server and every
worker forked from it (restarted ones too) ignore it from their first instruction; a
worker plugin makes sure of it once a worker is up. A Ctrl-C (or SIGTERM) while the
cluster starts is held until it has started, then acts: stopping a cluster halfway
through its start makes dask print tracebacks. Where there is no fork server (Windows),
workers are spawned while this process ignores SIGINT, and a Ctrl-C in those seconds is
lost (a judgement: the alternative, workers that get it too, prints their tracebacks).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import re
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

from sim.errors import ExecutorError
from sim.montecarlo.executors import Executor, Notice, usable_cpus

try:  # the plugin's base class; without dask the plugin is never used
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - depends on the environment
    WorkerPlugin = object

__all__ = [
    "CONNECT_TIMEOUT",
    "INSTALL_HINT",
    "DaskExecutor",
    "IgnoreCtrlC",
    "code_fingerprint",
    "import_distributed",
]

#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT = 5.0
#: Seconds a LocalCluster may take to shut down (after an interrupt: its workers are
#: stopped at once, whatever they are solving).
CLOSE_TIMEOUT = 10.0
ABORT_TIMEOUT = 2.0
INSTALL_HINT = "pip install 'ceasefire-sim[dask]' (or: pip install 'dask[distributed]')"
_ADDRESS = re.compile(r"^(?:(tcp|tls)://)?(\[[0-9a-fA-F:.]+\]|[^:/\[\]]+):(\d{1,5})$")


def import_distributed() -> Any:
    """The ``distributed`` module, or an :class:`ExecutorError` saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise ExecutorError(
            f"--executor dask needs dask.distributed, which is not installed: {INSTALL_HINT}"
        ) from None
    return distributed


@functools.cache
def code_fingerprint() -> str:
    """What a chunk's numbers depend on: the package's sources, numpy, scipy, Python.

    A hash of every ``sim/**/*.py`` file (path and bytes), with the numpy and scipy
    versions and Python's ``major.minor``; two processes with the same fingerprint solve
    a chunk to the same bits.
    """
    import numpy
    import scipy

    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    versions = f"numpy {numpy.__version__}, scipy {scipy.__version__}, python {py}"
    return f"sim {h.hexdigest()[:12]}, {versions}"


class IgnoreCtrlC(WorkerPlugin):  # type: ignore[misc, valid-type]
    """A worker plugin: the worker process ignores SIGINT (its parent handles Ctrl-C)."""

    name = "sim-ignore-ctrl-c"

    def setup(self, worker: Any) -> None:
        """Ignore SIGINT in the worker process (its main thread runs this)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_address(address: str) -> tuple[str, str, int]:
    """Split ``[tcp://|tls://]host:port``; an :class:`ExecutorError` for anything else."""
    m = _ADDRESS.match(address.strip())
    if not m or not 0 < int(m.group(3)) < 65536:
        raise ExecutorError(
            f"--scheduler must be a Dask scheduler's address such as tcp://host:8786 "
            f"(got {address!r})"
        )
    return m.group(1) or "tcp", m.group(2).strip("[]"), int(m.group(3))


class DaskExecutor(Executor):
    """Chunks on a ``dask.distributed`` cluster; see the module docstring.

    Parameters
    ----------
    scheduler
        A scheduler's address; None: a ``LocalCluster`` started here.
    workers
        Worker processes of that ``LocalCluster`` (default: the usable CPUs); not with
        ``scheduler`` or ``client``, whose cluster has its own.
    client
        A ``distributed.Client`` to run on instead (left open on :meth:`close`).
    notice
        Called with one-line notes (waiting for workers).

    Raises
    ------
    ExecutorError
        dask is not installed, the options contradict each other, the scheduler cannot
        be reached, or a worker runs different code.
    """

    name = "dask"
    #: The :func:`code_fingerprint` every worker must have (None: this process's).
    expected_fingerprint: str | None = None

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        client: Any = None,
        notice: Notice | None = None,
    ):
        super().__init__(notice)
        self.dd = import_distributed()
        if workers is not None and (scheduler or client is not None):
            raise ExecutorError(
                f"--workers {workers} sizes the LocalCluster that --executor dask starts "
                "when there is no --scheduler; a running cluster has its own workers"
            )
        self.address = scheduler
        self.cluster: Any = None
        self.client: Any = client
        self.own_client = client is None
        try:  # an error or a Ctrl-C while starting leaves no cluster behind
            if client is not None:
                self.address = getattr(getattr(client, "scheduler", None), "address", None)
            elif scheduler:
                self.client = self._connect(scheduler)
            else:
                with _signals_held():  # a Ctrl-C comes once the cluster is whole
                    self.cluster = self._local_cluster(workers or usable_cpus())
                    self.client = self.dd.Client(self.cluster, set_as_default=False)
                self.address = self.cluster.scheduler_address
            self._check_workers()
        except BaseException:
            self.close(abort=True)
            raise

    def _connect(self, address: str) -> Any:
        scheme, host, port = check_address(address)
        if scheme == "tcp":
            # A refused or unroutable address fails here, in one line; so does a port
            # where something listens but no scheduler answers (a scheduler greets a new
            # connection at once; the Client would wait for that greeting forever).
            try:
                with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT) as probe:
                    probe.settimeout(CONNECT_TIMEOUT)
                    if not probe.recv(1, socket.MSG_PEEK):
                        raise ConnectionResetError("closed the connection without a word")
            except TimeoutError:
                raise ExecutorError(
                    self._unreachable(
                        address,
                        TimeoutError("something listens there, but no Dask scheduler answered"),
                    )
                ) from None
            except OSError as exc:
                raise ExecutorError(self._unreachable(address, exc)) from None
        try:
            return self.dd.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(self._unreachable(address, exc)) from None

    @staticmethod
    def _unreachable(address: str, exc: BaseException) -> str:
        why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return (
            f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s "
            f"({why}); is `dask scheduler` running there? (--scheduler or SIM_DASK_SCHEDULER)"
        )

    def _local_cluster(self, n: int) -> Any:
        """A LocalCluster of ``n`` single-threaded worker processes that ignore Ctrl-C."""
        import dask

        kwargs = dict(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: the default 8787 may be taken
            scheduler_port=0,
            silence_logs=logging.ERROR,
            plugins={IgnoreCtrlC()},
        )
        if not _forkserver_ignoring_ctrl_c():
            with _ctrl_c_ignored():  # spawned workers inherit it (Ctrl-C is lost meanwhile)
                return self.dd.LocalCluster(**kwargs)
        with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
            return self.dd.LocalCluster(**kwargs)

    def _check_workers(self) -> None:
        """Wait for a first worker; refuse one whose code differs from this process's."""
        if not self.client.nthreads():
            self.notice(f"waiting for a first Dask worker to join the scheduler at {self.address}")
            self.client.wait_for_workers(1)
        ours = self.expected_fingerprint or code_fingerprint()
        for address, theirs in self.client.run(code_fingerprint).items():
            if theirs != ours:
                raise ExecutorError(
                    f"the Dask worker at {address} runs different code ({theirs}) from this "
                    f"process ({ours}), so its results would not be identical: install the "
                    "same ceasefire-sim, numpy and scipy on every worker"
                )

    def _start(self, n_tasks: int) -> bool:
        self.slots = max(1, sum(self.client.nthreads().values()))
        self._done = self.dd.as_completed(loop=self.client.loop, raise_errors=False)
        return True

    def _submit(self, fn, task):
        future = self.client.submit(fn, task, pure=False)
        self._done.add(future)
        return future

    def _wait(self, handles):
        done = [next(self._done)]  # blocks until a future is done (Ctrl-C interrupts it)
        while self._done.has_ready():
            done.append(next(self._done))
        return done

    def _result(self, handle):
        try:
            return handle.result()
        except self.dd.KilledWorker as exc:
            raise ExecutorError(
                f"a chunk killed every Dask worker that tried to solve it ({exc}); if memory "
                "is short, lower --chunk-size or give the workers more memory"
            ) from None
        except self.dd.CancelledError:
            raise ExecutorError(
                f"the Dask scheduler at {self.address} dropped a chunk (was the scheduler or "
                "the client restarted?); nothing was written: run again"
            ) from None

    def _cancel(self, handles):
        with contextlib.suppress(Exception):
            self.client.cancel(handles, force=True)

    def describe(self) -> str:
        """``dask (N at once, scheduler ADDRESS)``."""
        return f"dask ({self.slots} at once, scheduler {self.address})"

    def close(self, abort: bool = False) -> None:
        """Disconnect; shut down the LocalCluster started here (at once with ``abort``)."""
        timeout = ABORT_TIMEOUT if abort else CLOSE_TIMEOUT
        client, self.own_client = (self.client if self.own_client else None), False
        cluster, self.cluster = self.cluster, None
        if cluster is not None and abort:
            _stop_now(cluster)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close(timeout=timeout)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=timeout)


def _stop_now(cluster: Any) -> None:
    """Stop a LocalCluster's worker processes at once, whatever they are solving.

    Each nanny is told first not to restart its worker (``close_gracefully``), then the
    worker process is killed: a running chunk cannot be interrupted otherwise, and waiting
    for it would keep a Ctrl-C waiting for as long as a chunk takes.
    """
    for nanny in list(getattr(cluster, "workers", {}).values()):
        with contextlib.suppress(Exception):
            nanny.close_gracefully(reason="sim-interrupted")
            if nanny.pid:
                os.kill(nanny.pid, signal.SIGKILL)


@contextlib.contextmanager
def _signals_held() -> Any:
    """Hold Ctrl-C and SIGTERM back until the block ends, then deliver them (main thread).

    Interrupting a LocalCluster halfway through its start leaves dask's own clean-up
    printing tracebacks; held, the signal arrives when the cluster can be shut down whole.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    sigs = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, _: held.append(signum)) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(held):
            os.kill(os.getpid(), sig)  # now handled as usual (Ctrl-C: KeyboardInterrupt)


@contextlib.contextmanager
def _ctrl_c_ignored() -> Any:
    """Ignore SIGINT in this process for the block (in the main thread only)."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        yield
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def _forkserver_ignoring_ctrl_c() -> bool:
    """Start multiprocessing's fork server (if it is not running) so that it, and every
    process forked from it, ignores Ctrl-C; False where there is no fork server.

    The server is started while this process ignores SIGINT for a moment, so it inherits
    the ignoring, and its children get the server's disposition. Dask's own preload
    (``distributed.utils.get_mp_context``) is set first, so workers start warm. A server
    already started by someone else is used as it is (the worker plugin then covers its
    workers once they are up).
    """
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    import dask
    from distributed.utils import get_mp_context

    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        get_mp_context()  # sets the server's preload (dask and its packages), once
    with _ctrl_c_ignored():
        forkserver.ensure_running()
    return True
