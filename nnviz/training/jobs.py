"""Background jobs for the analysis panels: a cost surface, a gradient check, a sweep.

A :class:`JobRunner` owns one ``QThread`` and runs one job at a time on it, off the GUI
thread. Submitting while a job is pending replaces the pending one (latest wins: a panel
that asks for a surface 30 times a second gets the newest, not a queue); ``submit(...,
cancel_running=True)`` also asks the running job to stop. A job is a plain callable
``fn(job) -> result`` that reads ``job.cancelled`` and calls ``job.progress(fraction, text)``;
it never touches a widget. Results come back on the GUI thread through ``finished``.

Cancellation: a job polls ``job.cancelled``/``job.check()`` and hands ``job.cancel_event`` to
the engine's ``cancel=`` hooks, so it stops within about 50 ms of work. ``shutdown`` waits a
bounded time; a job that still runs keeps its thread (and worker) referenced in a module
registry until the thread has finished, because Qt aborts the process when a running
``QThread`` is destroyed. :func:`wait_for_job_threads` lets the application wait for them
before it exits.
"""
from __future__ import annotations

import itertools
import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nnviz.engine.gradcheck import Cancelled as EngineCancelled

from . import gui_gc

SHUTDOWN_WAIT_MS = 500  # jobs stop within ~50 ms of a cancel; this bounds a stuck one


class Cancelled(Exception):
    """Raised by ``job.check()`` inside a job that was asked to stop."""


class Job:
    """What a running job sees: cancellation and a rate-limited progress report."""

    def __init__(self, fn: Callable[["Job"], Any], tag: Any, report: Callable):
        self.fn, self.tag = fn, tag
        self.id = next(_ids)
        self._cancel = threading.Event()
        self._report = report
        self._last_report = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        """For the engine's ``cancel=`` arguments (anything with ``is_set()``)."""
        return self._cancel

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, fraction: float, text: str = "") -> bool:
        """Report progress (at most ~20 times a second); returns False once cancelled, so it
        can be passed straight to engine functions that take a ``progress`` callback."""
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_report > 0.05:
            self._last_report = now
            self._report(self.id, self.tag, float(fraction), text)
        return not self._cancel.is_set()


_ids = itertools.count(1)


class _Worker(QObject):
    done = Signal(int, object, object)  # job id, tag, result
    failed = Signal(int, object, str)
    cancelled = Signal(int, object)
    progress = Signal(int, object, float, str)
    _wake = Signal()

    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._pending: Job | None = None
        self.current: Job | None = None
        self._wake.connect(self._run_pending)

    def offer(self, job: Job) -> Job | None:
        """Make ``job`` the pending one; returns the job it replaced, if any."""
        with self._lock:
            replaced, self._pending = self._pending, job
        self._wake.emit()
        return replaced

    def take_pending(self) -> Job | None:
        with self._lock:
            job, self._pending = self._pending, None
        return job

    @Slot()
    def _run_pending(self):
        job = self.take_pending()
        if job is None:
            return
        self.current = job
        try:
            result = job.fn(job)
        except (Cancelled, EngineCancelled):
            self.cancelled.emit(job.id, job.tag)
        except Exception as exc:  # a job's error is reported, never kills the thread
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.failed.emit(job.id, job.tag, detail)
        else:
            if job.cancelled:
                self.cancelled.emit(job.id, job.tag)
            else:
                self.done.emit(job.id, job.tag, result)
        finally:
            self.current = None


class JobRunner(QObject):
    finished = Signal(object, object)  # tag, result (GUI thread)
    failed = Signal(object, str)  # tag, message
    cancelled = Signal(object)  # tag
    progress = Signal(object, float, str)  # tag, fraction in [0, 1], text
    busy_changed = Signal(bool)

    def __init__(self, name: str = "nnviz-jobs", parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.progress.connect(self._on_progress)
        self._outstanding: set[int] = set()
        _LIVE_THREADS.append(_LiveThread(self._thread, self._worker, gui_gc.hold()))
        self._thread.finished.connect(_reaper().forget)  # queued to the GUI thread
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._outstanding)

    @property
    def running_tag(self) -> Any:
        """The tag of the job running now (None when idle)."""
        current = self._worker.current
        return None if current is None else current.tag

    def submit(self, fn: Callable[[Job], Any], tag: Any = None,
               cancel_running: bool = False) -> Job:
        if not self._thread.isRunning():
            raise RuntimeError("the job runner has been shut down")
        job = Job(fn, tag, self._worker.progress.emit)
        was_busy = self.busy
        self._outstanding.add(job.id)
        # Read the running job before offering the new one: the worker may pick the new one
        # up at once, and it must not be the one we cancel.
        running = self._worker.current
        replaced = self._worker.offer(job)
        if replaced is not None:
            self._outstanding.discard(replaced.id)
        if cancel_running and running is not None:
            running.cancel()
        if not was_busy:
            self.busy_changed.emit(True)
        return job

    def cancel(self) -> None:
        """Drop the pending job and ask the running one to stop."""
        replaced = self._worker.take_pending()
        if replaced is not None:
            self._finish(replaced.id)
            self.cancelled.emit(replaced.tag)
        current = self._worker.current
        if current is not None:
            current.cancel()

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Cancel everything and stop the thread; True when it has finished. A job that
        does not stop within ``timeout_ms`` finishes on its own: its thread stays
        referenced (see :func:`wait_for_job_threads`) and its result is dropped."""
        self.cancel()
        self._thread.quit()
        ok = self._thread.wait(timeout_ms)
        self._outstanding.clear()
        _forget_finished_threads()
        return ok

    def _finish(self, job_id: int) -> bool:
        if job_id not in self._outstanding:
            return False  # superseded or already reported
        self._outstanding.discard(job_id)
        if not self._outstanding:
            self.busy_changed.emit(False)
        return True

    @Slot(int, object, object)
    def _on_done(self, job_id, tag, result):
        if self._finish(job_id):
            self.finished.emit(tag, result)

    @Slot(int, object, str)
    def _on_failed(self, job_id, tag, message):
        if self._finish(job_id):
            self.failed.emit(tag, message)

    @Slot(int, object)
    def _on_cancelled(self, job_id, tag):
        if self._finish(job_id):
            self.cancelled.emit(tag)

    @Slot(int, object, float, str)
    def _on_progress(self, job_id, tag, fraction, text):
        if job_id in self._outstanding:
            self.progress.emit(tag, fraction, text)


class _LiveThread:
    def __init__(self, thread: QThread, worker: _Worker, gc_token: int):
        self.thread, self.worker, self.gc_token = thread, worker, gc_token
        self.name = thread.objectName()


# Every job thread from its start until it has finished, with its worker: neither may be
# destroyed while the thread runs, whatever happens to the JobRunner that started it.
_LIVE_THREADS: list[_LiveThread] = []


class _Reaper(QObject):
    """Lives on the GUI thread: a finished thread's signal reaches it there."""

    @Slot()
    def forget(self) -> None:
        _forget_finished_threads()


_reaper_instance: _Reaper | None = None


def _reaper() -> _Reaper:
    global _reaper_instance
    if _reaper_instance is None:
        _reaper_instance = _Reaper()  # no parent: module-owned, on the creating (GUI) thread
    return _reaper_instance


def _forget_finished_threads() -> None:
    for live in list(_LIVE_THREADS):
        if live.thread.isFinished() or not live.thread.isRunning():
            _LIVE_THREADS.remove(live)
            gui_gc.release(live.gc_token)


def running_job_threads() -> list[str]:
    """Names of job threads still running (after their runner was shut down, a job that
    could not stop in time)."""
    _forget_finished_threads()
    return [live.name for live in _LIVE_THREADS]


def cancel_all_jobs() -> None:
    """Ask every running job to stop (closing the window: they then stop in parallel
    instead of one runner's wait after another)."""
    for live in list(_LIVE_THREADS):
        current = live.worker.current
        if current is not None:
            current.cancel()


def wait_for_job_threads(timeout_s: float) -> bool:
    """Wait up to ``timeout_s`` for every job thread to finish; True when none runs."""
    deadline = time.monotonic() + timeout_s
    for live in list(_LIVE_THREADS):
        live.thread.quit()  # a runner never shut down: end its event loop after the job
        remaining = int(max(0.0, deadline - time.monotonic()) * 1000)
        live.thread.wait(remaining)
    return not running_job_threads()
