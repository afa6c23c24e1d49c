"""Where chunks are solved: in this process, in local worker processes, or on a Dask cluster.

One interface, three executors::

    with open_executor("dask", scheduler="tcp://scheduler:8786") as ex:
        for i, result in ex.imap_unordered(solve_draws, tasks):
            ...                                  # results as they complete

* :class:`LocalExecutor` (``local``): every task in the calling process, in order;
* :class:`ProcessExecutor` (``processes``): a pool of local worker processes
  (:class:`concurrent.futures.ProcessPoolExecutor`);
* :class:`sim.montecarlo.cluster.DaskExecutor` (``dask``): a ``dask.distributed`` cluster,
  a :class:`~distributed.LocalCluster` sized to the machine by default, or a scheduler at
  an address, or a ``distributed.Client`` the caller made (e.g. on a SLURM cluster).

:meth:`Executor.imap_unordered` yields ``(task index, result)`` as results complete;
:meth:`Executor.imap` yields them in task order. Both keep at most :attr:`Executor.window`
tasks in flight past the first unfinished one, so the results waiting for an earlier one
(the only ones held back in task order) stay bounded however slow one task is. On an error
or an interrupt (Ctrl-C, or SIGTERM turned into one by the command line), every task not
yet finished is cancelled and the exception goes on to the caller; leaving the ``with``
block with an exception stops the workers at once (a local pool's processes are
terminated, a cluster the executor started is shut down).

Results are identical whatever the executor: a task's result depends only on the task
(a chunk's draws depend only on the seed and the draw indices, its sums are exact
integers), and the callers assemble them by task index (:mod:`sim.montecarlo.runner`).

Other commands run through this layer by calling one function: :func:`sim.montecarlo.run`
runs one scenario, and :func:`sim.montecarlo.run_many` runs many (a sweep's grid points, a
terms search's candidate terms, a calibration's parameter sets) with all their chunks in
one stream of tasks, so even runs of a single chunk keep every worker busy. Both take
``executor=`` (a name, an open :class:`Executor`, or a ``distributed.Client``), ``workers=``
and ``scheduler=``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sim.errors import ExecutorError
from sim.names import EXECUTORS

__all__ = [
    "EXECUTORS",
    "PER_CPU",
    "Executor",
    "LocalExecutor",
    "ProcessExecutor",
    "executor_kind",
    "open_executor",
    "serial",
    "usable_cpus",
    "using_executor",
    "warn_notice",
    "worker_init",
]

#: At most this many local worker processes per usable CPU: the chunks are CPU-bound, so
#: more processes than cores only add memory (a judgement; one per CPU would leave a core
#: idle while a process waits on its result pipe).
PER_CPU = 2
#: The environment variable that gives ``--scheduler`` a default.
SCHEDULER_VARIABLE = "SIM_DASK_SCHEDULER"

#: Called with a one-line note when an executor changes what was asked (fewer workers).
Notice = Callable[[str], None]


def warn_notice(message: str) -> None:
    """The default :data:`Notice` of the library: a :class:`UserWarning`."""
    warnings.warn(message, UserWarning, stacklevel=3)


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


class Executor:
    """Runs tasks ``fn(task)`` and hands back their results; see the module docstring.

    Subclasses provide :meth:`_start` (make ready for ``n`` tasks), :meth:`_submit`,
    :meth:`_wait` (some finished handles, blocking until there is one), :meth:`_result`,
    :meth:`_cancel` and :meth:`close`. Use an executor as a context manager: leaving the
    block closes it, at once when an exception is leaving too.
    """

    #: ``local``, ``processes`` or ``dask``.
    name = "local"

    def __init__(self, notice: Notice | None = None):
        self.notice = notice or warn_notice
        #: Tasks the executor runs at once (known once it has started).
        self.slots = 1

    @property
    def window(self) -> int:
        """Tasks kept in flight past the first unfinished one: two per slot."""
        return max(2, 2 * self.slots)

    def imap_unordered(
        self,
        fn: Callable[[Any], Any],
        tasks: Iterable[Any],
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, fn(tasks[index]))`` as each task completes.

        ``progress(done, total)`` is called after each task, counted in tasks. An
        exception in a task (or in the caller, or Ctrl-C) cancels the tasks not yet done
        and goes on to the caller.
        """
        tasks = list(tasks)
        if not tasks:
            return
        if not self._start(len(tasks)):
            yield from serial(fn, tasks, progress)
            return
        pending: dict[Any, int] = {}
        finished: set[int] = set()
        head = nxt = done = 0
        try:
            while nxt < len(tasks) or pending:
                while nxt < len(tasks) and nxt < head + self.window:
                    pending[self._submit(fn, tasks[nxt])] = nxt
                    nxt += 1
                for handle in self._wait(list(pending)):
                    i = pending.pop(handle)
                    result = self._result(handle)
                    finished.add(i)
                    while head in finished:
                        finished.discard(head)
                        head += 1
                    done += 1
                    if progress is not None:
                        progress(done, len(tasks))
                    yield i, result
        finally:
            if pending:
                self._cancel(list(pending))

    def imap(
        self,
        fn: Callable[[Any], Any],
        tasks: Iterable[Any],
        progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[Any]:
        """Yield ``fn(task)`` for each task in task order (results that come early wait)."""
        early: dict[int, Any] = {}
        nxt = 0
        for i, result in self.imap_unordered(fn, tasks, progress):
            early[i] = result
            while nxt in early:
                yield early.pop(nxt)
                nxt += 1

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.close(abort=exc_type is not None)
        return False

    def describe(self) -> str:
        """How the executor runs tasks, for messages and manifests."""
        return f"{self.name} ({self.slots} at once)"

    # --- what a subclass provides -------------------------------------------------

    def _start(self, n_tasks: int) -> bool:
        """Get ready to run ``n_tasks`` tasks (e.g. start the worker processes).

        False: run them here, one after the other (no workers are needed).
        """
        return False

    def _submit(self, fn: Callable[[Any], Any], task: Any) -> Any:
        raise NotImplementedError

    def _wait(self, handles: list[Any]) -> list[Any]:
        raise NotImplementedError

    def _result(self, handle: Any) -> Any:
        raise NotImplementedError

    def _cancel(self, handles: list[Any]) -> None:
        """Cancel tasks not yet finished (best effort)."""

    def close(self, abort: bool = False) -> None:
        """Release the workers; ``abort``: at once, without waiting for running tasks."""


class LocalExecutor(Executor):
    """Every task in the calling process, one after the other, in task order."""

    name = "local"


def serial(
    fn: Callable[[Any], Any],
    tasks: list[Any],
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, Any]]:
    """``(index, fn(task))`` for each task, computed here in task order."""
    for i, task in enumerate(tasks):
        result = fn(task)
        if progress is not None:
            progress(i + 1, len(tasks))
        yield i, result


class ProcessExecutor(Executor):
    """A pool of local worker processes (:class:`concurrent.futures.ProcessPoolExecutor`).

    The pool starts on the first :meth:`imap_unordered` with ``min(workers, tasks,
    PER_CPU x usable CPUs)`` processes (a smaller count than asked is reported through
    ``notice``), and a single task runs in the calling process. It stays up for later
    calls until :meth:`close`.

    Faults. A worker process that dies (the out-of-memory killer, ``kill -9``) breaks the
    pool: the run stops with an :class:`~sim.errors.ExecutorError` naming the process and
    its signal, instead of waiting forever for its result (as ``multiprocessing.Pool``,
    used before, did). The tasks are not retried here: a task that ran a machine out of
    memory would do it again (a judgement; :class:`~sim.montecarlo.cluster.DaskExecutor`
    retries on another worker, where that can help).

    Signals. Workers ignore Ctrl-C (the parent alone handles it and terminates them, so a
    terminal's Ctrl-C, which reaches the whole process group, gives one message instead of
    a traceback per worker); SIGTERM gets its default action back; and each worker exits
    within a second of its parent's death (``kill -9`` of the parent), where a worker of
    a forked pool would otherwise wait forever on a pipe that it holds open itself.

    Parameters
    ----------
    workers
        Processes wanted (default: the usable CPUs).
    notice
        Called with a note when fewer processes are started than asked.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, notice: Notice | None = None):
        super().__init__(notice)
        self.requested = workers
        self.slots = max(1, int(workers or usable_cpus()))
        self._pool: cf.ProcessPoolExecutor | None = None
        self._procs: dict[int, Any] = {}

    def _start(self, n_tasks: int) -> bool:
        if self._pool is not None:
            return True
        cap = PER_CPU * usable_cpus()
        n = min(self.slots, n_tasks, cap)
        if self.requested and n < self.requested:
            why = (
                f"at most {PER_CPU} per CPU, and this machine has {usable_cpus()}"
                if n == cap
                else f"one per chunk, and there {'is' if n_tasks == 1 else 'are'} {n_tasks}"
            )
            self.notice(
                f"{self.requested} worker processes asked for, {n} started ({why})"
                if n > 1
                else f"{self.requested} worker processes asked for, none started: the one "
                "chunk is solved in this process"
            )
        self.slots = n
        if n == 1:  # one process: no pool to start, the tasks run here
            return False
        import multiprocessing as mp

        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self._pool = cf.ProcessPoolExecutor(
            n, mp_context=ctx, initializer=worker_init, initargs=(os.getpid(),)
        )
        return True

    def _submit(self, fn, task):
        assert self._pool is not None
        future = self._pool.submit(fn, task)
        # the pool's processes (by pid), to name one that dies; private to the stdlib
        # class, read only for the message
        self._procs.update(getattr(self._pool, "_processes", None) or {})
        return future

    def _wait(self, handles):
        done, _ = cf.wait(handles, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def _result(self, handle):
        try:
            return handle.result()
        except cf.process.BrokenProcessPool:
            raise ExecutorError(self._death_message()) from None

    def _death_message(self) -> str:
        dead: list[tuple[int, int]] = []
        for _ in range(20):  # a process's pipes close a moment before its exit code is known
            dead = [
                (pid, p.exitcode)
                for pid, p in self._procs.items()
                if getattr(p, "exitcode", None) not in (None, 0)
            ]
            if dead:
                break
            threading.Event().wait(0.05)
        if dead:
            # the pool terminates (SIGTERM) the others once one has died: name the first
            pid, code = min(dead, key=lambda d: d[1] == -signal.SIGTERM)
            how = (
                f"killed by signal {-code} ({signal.Signals(-code).name}"
                + (", as the out-of-memory killer does" if -code == signal.SIGKILL else "")
                + ")"
                if code < 0
                else f"exit code {code}"
            )
            who = f"worker process {pid} died ({how})"
        else:
            who = "a worker process died"
        return (
            f"{who} while solving chunks, so the run was stopped and nothing was written; "
            "if memory is short, lower --chunk-size or --workers, then run again"
        )

    def _cancel(self, handles):
        for h in handles:
            h.cancel()

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; ``abort``: terminate its processes first."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if abort:
            for p in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    p.terminate()
        pool.shutdown(wait=not abort, cancel_futures=True)


def worker_init(parent: int) -> None:
    """Set up a local worker process: signals, and exit when the parent ``parent`` dies.

    Ctrl-C is ignored (the parent stops the workers), SIGTERM gets its default action
    back (whatever handler the parent had), and a daemon thread ends the process within
    a second once its parent is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="sim-parent-watch", daemon=True).start()


def executor_kind(executor: Any, workers: int | None, scheduler: str | None = None) -> str:
    """The executor's name: ``executor`` if given, else the default for these options.

    The default is ``dask`` when a scheduler address is given, ``processes`` when more
    than one worker is asked for, else ``local``.
    """
    if isinstance(executor, Executor):
        return executor.name
    if executor is not None and not isinstance(executor, str):
        return "dask"  # a distributed.Client
    if executor is None:
        if scheduler:
            return "dask"
        return "processes" if workers is not None and workers > 1 else "local"
    if executor not in EXECUTORS:
        raise ExecutorError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    return executor


def open_executor(
    executor: str | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    notice: Notice | None = None,
) -> Executor:
    """Open the executor for these options (close it, or use it in a ``with`` block).

    Parameters
    ----------
    executor
        ``local``, ``processes`` or ``dask``, or a ``distributed.Client`` to run on.
        Default: :func:`executor_kind`.
    workers
        Processes (``processes``; default: the usable CPUs) or worker processes of the
        ``LocalCluster`` that ``dask`` starts when no scheduler is given (default: the
        usable CPUs). ``local`` takes only 1, and a remote scheduler none (its cluster
        decides).
    scheduler
        The address of a Dask scheduler (``tcp://host:8786``); default: the environment
        variable ``SIM_DASK_SCHEDULER``, else a ``LocalCluster``.
    notice
        Called with a one-line note when fewer workers are used than asked (default: a
        :class:`UserWarning`).

    Raises
    ------
    ExecutorError
        For options that contradict each other (naming them), when dask is not
        installed (saying how to install it) or its scheduler cannot be reached (naming
        the address).
    """
    kind = executor_kind(executor, workers, scheduler)
    if workers is not None and workers < 1:
        raise ExecutorError(f"--workers must be at least 1 (got {workers})")
    if kind != "dask" and scheduler:
        raise ExecutorError(f"--scheduler is for --executor dask (got --executor {kind})")
    if kind == "local":
        if workers is not None and workers > 1:
            raise ExecutorError(
                f"--executor local solves every chunk in this process, so it takes no "
                f"--workers {workers}; use --executor processes or dask"
            )
        return LocalExecutor(notice)
    if kind == "processes":
        return ProcessExecutor(workers, notice)
    from sim.montecarlo.cluster import DaskExecutor

    client = executor if executor is not None and not isinstance(executor, str) else None
    return DaskExecutor(
        scheduler=scheduler or os.environ.get(SCHEDULER_VARIABLE) or None,
        workers=workers,
        client=client,
        notice=notice,
    )


@contextlib.contextmanager
def using_executor(
    executor: Any = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    notice: Notice | None = None,
) -> Iterator[Executor]:
    """An open :class:`Executor` for a ``with`` block: the caller's, or one opened here.

    An :class:`Executor` given is used as it is and left open (its owner closes it);
    anything else goes to :func:`open_executor`, and the executor opened is closed when
    the block ends.
    """
    if isinstance(executor, Executor):
        yield executor  # its own size: workers= only sizes an executor opened here
        return
    with open_executor(executor, workers=workers, scheduler=scheduler, notice=notice) as ex:
        yield ex
