"""Repairing many items, in this process or in worker processes, results in input order.

:func:`clean_lines` is the driver: with ``jobs=1`` it repairs in this process, otherwise
it sends chunks of items to a :class:`WorkerPool`. Workers build their
:class:`~zhrepair.Repairer` from a :class:`RepairerSpec` (lexicon paths and
:class:`~zhrepair.RepairConfig` options: small and picklable), once per process.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generator, Iterable, Iterator, Mapping

from ..config import RepairConfig
from .loop import Options, clean_line, encode_record, failed_record
from .records import Item

log = logging.getLogger(__name__)

_CHUNK_CHARS = 1_000_000  # a chunk sent to a worker holds at most about this much text

Line = tuple[bytes, str, int]  # (output line, status, input characters)


@dataclass(frozen=True)
class RepairerSpec:
    """How to build the :class:`~zhrepair.Repairer` of a batch, in any process.

    ``lexicons``: extra lexicon paths; ``default_lexicon``: load the shipped one too;
    ``options``: :class:`~zhrepair.RepairConfig` options, as ``(name, value)`` pairs.
    """

    lexicons: tuple[str, ...] = ()
    default_lexicon: bool = True
    options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, lexicons: Iterable[str] = (), default_lexicon: bool = True,
           options: Mapping[str, Any] | None = None) -> "RepairerSpec":
        return cls(tuple(lexicons), default_lexicon, tuple(sorted((options or {}).items())))

    def build(self, load: bool = True) -> Any:
        """This process's :class:`~zhrepair.Repairer` for the spec (built once), with its
        model loaded unless *load* is false. Raises what the Repairer raises for a bad
        option or lexicon (``TypeError``, ``ValueError``, ``OSError``, ``LexiconError``):
        call ``build(load=False)`` before starting workers to fail early, in this process."""
        key = (self, self._stamps())
        if key not in _repairers:
            from ..repairer import Repairer

            config = RepairConfig().merged(**dict(self.options))
            _repairers[key] = Repairer(lexicons=self.lexicons, default_lexicon=self.default_lexicon, config=config)
        repairer = _repairers[key]
        return repairer.load() if load else repairer

    def _stamps(self) -> tuple[tuple[int, int] | None, ...]:
        """Each lexicon file's (modification time, size): a file changed since a Repairer was
        built for this spec gets a new one (``clean --induce`` rewrites its lexicon)."""
        def stamp(path: str) -> tuple[int, int] | None:
            try:
                st = os.stat(path)
            except OSError:  # "installed", or not a file: the Repairer says what is wrong
                return None
            return st.st_mtime_ns, st.st_size

        return tuple(stamp(p) for p in self.lexicons)


_repairers: dict[tuple[RepairerSpec, tuple[tuple[int, int] | None, ...]], Any] = {}
_worker: tuple[Any, Options] | None = None


def _init_worker(spec: RepairerSpec, opts: Options, log_level: int, parent: int) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    threading.Thread(target=_exit_with, args=(parent,), name="zhrepair-parent-watch", daemon=True).start()
    logging.basicConfig(level=log_level, format="zhrepair: %(message)s")
    _worker = (spec.build(), opts)


def _exit_with(parent: int) -> None:
    """Wait for process *parent* to end, then end this worker at once: a worker never
    outlives the run that started it (even when the parent is killed with SIGKILL)."""
    try:
        fd = os.pidfd_open(parent)
    except (AttributeError, OSError):  # no pidfd (not Linux >= 5.3): poll
        while _alive(parent):
            time.sleep(1.0)
    else:
        select.select([fd], [], [])  # readable when the process has ended
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # PermissionError: it exists, run by another user
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _work(chunk: list[Item]) -> list[Line]:
    assert _worker is not None, "worker not initialised"
    repairer, opts = _worker
    return [clean_line(item, repairer, opts) for item in chunk]


def _ping() -> bool:
    return _worker is not None


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item.text or "")
        if len(chunk) >= size or chars >= _CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Defer SIGINT and SIGTERM to the end of the block (main thread only): their handlers
    only note them inside it, and the signals are raised again, with the handlers back,
    when it ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    old = {s: signal.signal(s, lambda signum, frame: caught.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


#: A worker dead this long without its executor noticing is taken as a broken pool (seconds;
#: the executor notices a plain death within a poll, so this only bounds the rare hang).
STUCK_SECONDS = 10.0


class WorkerFailure(RuntimeError):
    """Worker processes cannot start, or keep dying: the run stops (resumable)."""


class WorkerPool:
    """N worker processes, ordered results, at most ``3 * jobs`` chunks in flight.

    A worker that dies (segfault, out of memory) breaks the pool: the pool is rebuilt,
    the chunks in flight are sent again, and the chunk that was running is retried one
    record at a time, so only a record that kills a worker twice becomes an error record.
    Workers that cannot start, or die three times in a row, raise :class:`WorkerFailure`.
    """

    MAX_DEATHS_IN_ROW = 3

    def __init__(self, jobs: int, spec: RepairerSpec, opts: Options, log_level: int = logging.WARNING) -> None:
        self.jobs, self.initargs = jobs, (spec, opts, log_level, os.getpid())
        methods = multiprocessing.get_all_start_methods()
        self.ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if self.ctx.get_start_method() == "forkserver":
            # import once in the server, fork workers from it
            self.ctx.set_forkserver_preload([__name__, "zhrepair.repairer", "zhrepair.batch.forkserver_init"])
        self.deaths = 0
        self.ex = self._new()
        try:
            self._submit(_ping).result()
        except BrokenProcessPool as exc:
            self.ex.shutdown(wait=False, cancel_futures=True)
            raise WorkerFailure(f"cannot start worker processes ({exc}); try --jobs 1") from None
        except BaseException:  # interrupted while the workers start
            self.abort()
            raise

    def _submit(self, fn: Any, *args: Any) -> Any:
        """``self.ex.submit``, with Ctrl-C and SIGTERM held while it may start a worker: a
        start cut short leaves a worker that is not yet registered, so not stopped by
        :meth:`abort`, reading queues that this process is about to remove."""
        with _signals_held():
            return self.ex.submit(fn, *args)

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self.ctx, initializer=_init_worker, initargs=self.initargs)

    def _died(self) -> None:
        self.deaths += 1
        self.ex.shutdown(wait=False, cancel_futures=True)
        if self.deaths >= self.MAX_DEATHS_IN_ROW:
            raise WorkerFailure(f"worker processes died {self.deaths} times in a row")
        self.ex = self._new()

    def _retry_single(self, chunk: list[Item]) -> Iterator[Line]:
        for item in chunk:
            try:
                result = self._result(self._submit(_work, [item]))[0]
            except BrokenProcessPool:
                self._died()
                log.error("%s:%s: worker process died on this record", item.file, item.line)
                yield encode_record(failed_record(item, "worker process died on this record")), "error", len(item.text or "")
            else:
                self.deaths = 0
                yield result

    def map(self, chunks: Iterable[list[Item]]) -> Iterator[Line]:
        window = self.jobs * 3
        inflight: deque[tuple[list[Item], Any]] = deque()
        it = iter(chunks)
        done = False
        while True:
            while not done and len(inflight) < window:
                chunk = next(it, None)
                if chunk is None:
                    done = True
                    break
                inflight.append((chunk, self._submit(_work, chunk)))
            if not inflight:
                return
            chunk, fut = inflight.popleft()
            try:
                results = self._result(fut)
            except BrokenProcessPool:
                log.warning("a worker process died; retrying its records one by one")
                self._died()
                yield from self._retry_single(chunk)
                inflight = deque((c, self._submit(_work, c)) for c, _ in inflight)
                continue
            self.deaths = 0
            yield from results

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        """Stop now (interrupted): cancel what is queued and terminate the workers."""
        self._dismantle()

    def _dismantle(self) -> None:
        """Shut the executor down without waiting and terminate its workers."""
        processes = self._processes()
        results = getattr(self.ex, "_result_queue", None)  # private, so guarded (shutdown forgets it)
        self.ex.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.terminate()
        for p in processes:  # gone before this process exits and its queues' semaphores with it
            p.join(timeout=5)
        # A worker stopped while sending a result leaves half a message in the result pipe, and
        # the pool's manager thread waits for the rest, so the exit would hang joining it. This
        # process holds the last writing end now that the workers are gone: closing it ends the wait.
        writer = getattr(results, "_writer", None)
        if writer is not None:
            writer.close()

    def _processes(self) -> list[Any]:
        """The executor's worker processes (a private attribute, read defensively)."""
        try:
            return list((getattr(self.ex, "_processes", None) or {}).values())
        except RuntimeError:  # changed by the executor's thread while read
            return []

    def _result(self, fut: Any) -> Any:
        """``fut.result()``, and :class:`BrokenProcessPool` also when a worker has been dead for
        :data:`STUCK_SECONDS` without the executor noticing: one killed while sending its result
        (out of memory, say) leaves the executor waiting for the rest of that message forever."""
        dead_since = None
        while True:
            try:
                return fut.result(timeout=1.0)
            except FutureTimeout:
                if not any(p.exitcode is not None for p in self._processes()):
                    dead_since = None
                    continue
                dead_since = dead_since or time.monotonic()
                if time.monotonic() - dead_since >= STUCK_SECONDS:
                    self._dismantle()
                    raise BrokenProcessPool("a worker process died and its pool did not notice") from None


def clean_lines(
    items: Iterable[Item], spec: RepairerSpec, opts: Options, jobs: int = 1, chunksize: int = 8,
    log_level: int = logging.WARNING,
) -> Generator[Line, None, None]:
    """``(output line, status, input characters)`` for every item, in input order.

    ``jobs=1`` repairs in this process; more starts that many workers (``chunksize``
    items a message), which get *spec*, *opts* and *log_level*. Raises
    :class:`WorkerFailure` when the workers cannot run.
    """
    if jobs == 1:
        repairer = spec.build()
        for item in items:
            yield clean_line(item, repairer, opts)
        return
    pool = WorkerPool(jobs, spec, opts, log_level)
    try:
        yield from pool.map(_chunks(items, max(1, chunksize)))
    except BaseException:  # interrupted, or the consumer stopped early
        pool.abort()
        raise
    pool.close()
