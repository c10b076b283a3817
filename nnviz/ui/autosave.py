"""Autosave and recovery: nothing lost when the app crashes or is killed.

Every minute (when something changed) and shortly after each rebuild or data edit, the
session (settings, drawn points, weights, trainer state, history) is captured by the worker
between two training chunks (``TrainingController.capture_session``, as File > Save session
does) and written by a :class:`~nnviz.training.jobs.JobRunner` thread to ``recovery.nnviz``
in the user's state folder: first to a staging file, then renamed over the recovery file,
so the file is always a whole session. The GUI thread only asks and forwards.

A clean quit removes the recovery file. At the next start one that is still there means the
app did not close normally: it is moved to ``recovery-offered.nnviz`` (the new session's own
autosaves then go on beside it), read and rebuilt on the job thread, and offered in a small
card over the workspace (Restore / Discard) saying when it was saved; the app is usable at
once. A file that cannot be read is set aside (renamed ``recovery-unreadable-<date>.nnviz``)
with a message. One nnviz window autosaves at a time (a lock file): a second one, started
while the first runs, neither saves nor offers the first one's session.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QLockFile, QObject, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

from .file_jobs import Failure, load_session_job
from .recent_files import describe_time

RECOVERY_NAME = "recovery.nnviz"
OFFERED_NAME = "recovery-offered.nnviz"
STAGING_NAME = "recovery-writing.nnviz"
LOCK_NAME = "recovery.lock"
SAVE_INTERVAL_MS = 60_000
REBUILD_DELAY_MS = 1_500   # a slider dragged through many values is saved once, after
CLOSE_WAIT_MS = 500        # for a write at quit: its file is removed anyway
STATE_DIR_ENV = "NNVIZ_STATE_DIR"  # the state folder (tests, portable installs)


def default_folder() -> Path | None:
    """``recovery/`` in the user's state folder: ``NNVIZ_STATE_DIR`` if set; else beside
    the settings file ``NNVIZ_SETTINGS`` names (tests and throw-away profiles never touch
    the user's own recovery file); else the platform's state folder."""
    base = os.environ.get(STATE_DIR_ENV)
    if not base and os.environ.get("NNVIZ_SETTINGS"):
        base = str(Path(os.environ["NNVIZ_SETTINGS"]).expanduser().parent)
    if not base:
        from .startup_sweep import state_folder

        base = state_folder()
    return Path(base) / "recovery" if base else None


def install_autosave(window, folder=None):
    """Autosave ``window``'s session into ``folder`` (default :func:`default_folder`) and
    offer a session left by a crash. Once per window; returns the :class:`Autosaver`
    (None when there is no state folder)."""
    existing = getattr(window, "autosaver", None)
    if existing is not None:
        return existing
    folder = Path(folder) if folder is not None else default_folder()
    if folder is None:
        return None
    window.autosaver = Autosaver(window, folder)
    return window.autosaver


def write_recovery(data, staging: Path, target: Path, lock: threading.Lock,
                   stopped: threading.Event):
    """The job: write ``data`` to ``staging`` (atomically), then rename it over ``target``
    unless the app quit meanwhile (``stopped``: the quit removed ``target``)."""
    from nnviz.engine.io import ExportError, save_session

    try:
        save_session(staging, data)
    except ExportError as exc:
        return Failure(str(exc))
    with lock:
        if stopped.is_set():
            staging.unlink(missing_ok=True)
            return None
        try:
            os.replace(staging, target)
        except OSError as exc:
            return Failure(f"Cannot write {target}: {exc.strerror or 'an input/output error'}")
    return target


class Autosaver(QObject):
    """``saved(path, iteration)`` after each write; ``offered(text)`` when a crashed
    session is offered; ``restored(iteration)``; ``set_aside(path, message)`` for an
    unreadable recovery file."""

    saved = Signal(object, int)
    offered = Signal(str)
    restored = Signal(int)
    set_aside = Signal(object, str)

    def __init__(self, window, folder, interval_ms: int = SAVE_INTERVAL_MS,
                 rebuild_delay_ms: int = REBUILD_DELAY_MS):
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.folder = Path(folder)
        self.path = self.folder / RECOVERY_NAME
        self.offered_path = self.folder / OFFERED_NAME
        self._staging = self.folder / STAGING_NAME
        self.active = False      # this window owns the folder (the lock)
        self.offer: RecoveryOffer | None = None
        self.pending = None      # the offered session, rebuilt and ready to adopt
        self.saved_iteration: int | None = None
        self._closed = False
        self._capture_id: int | None = None
        self._writing = False
        self._again = False      # a save was asked for while one was under way
        self._saved_from = None  # the snapshot current when the last save was asked for
        self._initial_config = self.controller.requested_config
        self._last_failure = ""
        self._write_lock = threading.Lock()
        self._stop_writes = threading.Event()
        self._runner = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            window.statusBar().showMessage(
                f"Autosave is off: the folder {self.folder} cannot be created "
                f"({exc.strerror or 'an input/output error'}).", 15000)
            return
        self._lock = QLockFile(str(self.folder / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone (a crash)
        if not self._lock.tryLock(0):
            return  # another nnviz window autosaves; its recovery file is its own
        self.active = True

        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(rebuild_delay_ms)
        self._rebuild_timer.timeout.connect(self.save_now)
        c = self.controller
        c.config_applied.connect(self._on_rebuilt)  # rebuilds, settings, drawn points
        c.session_captured.connect(self._on_captured)
        c.capture_failed.connect(self._on_capture_failed)
        window.installEventFilter(self)  # a clean close removes the recovery file
        QApplication.instance().aboutToQuit.connect(self.shutdown)
        self._check_previous()

    # -- saving --------------------------------------------------------------------------
    def save_now(self) -> bool:
        """Capture and write the session now (if there is anything worth keeping)."""
        if not self.active or self._closed:
            return False
        if self._capture_id is not None or self._writing:
            self._again = True
            return True
        snapshot = self.controller.latest
        if snapshot is None or not self._worth_saving(snapshot):
            return False
        self._saved_from = snapshot
        self._capture_id = self.controller.capture_session()
        return True

    def _worth_saving(self, snapshot) -> bool:
        """A session that was trained, or changed from the start-up settings."""
        return snapshot.iteration > 0 or snapshot.config != self._initial_config

    def _on_tick(self) -> None:
        if self.controller.latest is not self._saved_from:  # something new since
            self.save_now()

    def _on_rebuilt(self, _config) -> None:
        if not self._closed:
            self._rebuild_timer.start()

    def _on_captured(self, request_id: int, data) -> None:
        if request_id != self._capture_id:
            return  # File > Save session's, or one asked before a quit
        self._capture_id = None
        if self._closed:
            return
        self._writing = True
        iteration = int(data.settings.get("iterations", 0))
        args = (data, self._staging, self.path, self._write_lock, self._stop_writes)
        self._job_runner().submit(lambda job: write_recovery(*args), tag=("save", iteration))

    def _on_capture_failed(self, request_id: int, message: str) -> None:
        if request_id == self._capture_id:
            self._capture_id = None
            self._after_save()

    def _after_save(self) -> None:
        if self._again and not self._closed:
            self._again = False
            self.save_now()

    # -- the job thread --------------------------------------------------------------------
    def _job_runner(self):
        if self._runner is None:
            from nnviz.training.jobs import JobRunner

            self._runner = JobRunner("nnviz-autosave", self)
            self._runner.finished.connect(self._on_job_done)
            self._runner.failed.connect(self._on_job_failed)
        return self._runner

    def _on_job_done(self, tag, result) -> None:
        kind, detail = tag
        if kind == "save":
            self._writing = False
            if isinstance(result, Failure):
                self._report_save_failure(result.message)
            elif result is not None and not self._closed:
                self.saved_iteration = detail
                self._last_failure = ""
                self.saved.emit(result, detail)
            self._after_save()
        elif not self._closed:
            if isinstance(result, Failure):
                self._set_aside(detail, result.message)
            else:
                self._offer(detail, result)

    def _on_job_failed(self, tag, message: str) -> None:
        kind, detail = tag
        if kind == "save":
            self._writing = False
            self._report_save_failure(f"Autosave failed unexpectedly: {message}")
            self._after_save()
        elif not self._closed:
            self._set_aside(detail, message)

    def _report_save_failure(self, message: str) -> None:
        if self._closed or message == self._last_failure:
            return  # said once, not every minute
        self._last_failure = message
        self.window.show_message(
            f"Autosave could not write the recovery copy of this session: {message} "
            "Save the session yourself (File > Save session) to keep it.", "warning")

    # -- recovery ----------------------------------------------------------------------------
    def _check_previous(self) -> None:
        """A recovery file left by a crash: claimed (renamed) and checked off the GUI thread."""
        self._staging.unlink(missing_ok=True)  # a write killed before its rename
        try:
            if self.path.exists():
                os.replace(self.path, self.offered_path)  # keeps its time
            if not self.offered_path.exists():
                return
            saved_at = self.offered_path.stat().st_mtime
        except OSError:
            return
        path, folder = self.offered_path, self.window.file_actions.csv_folder()
        self._job_runner().submit(lambda job: load_session_job(path, folder, job),
                                  tag=("check", saved_at))

    def _offer(self, saved_at: float, restored) -> None:
        self.pending = restored
        session = restored.session
        drawn = len(session.config.data.added_points)
        points = f", {drawn} point{'s' * (drawn != 1)} drawn" if drawn else ""
        text = (f"nnviz did not close normally last time. Your session was saved "
                f"automatically {describe_time(saved_at)}: iteration "
                f"{session.iteration:,} on {session.data.title}{points}.")
        self.offer = RecoveryOffer(self.window.centralWidget(), text)
        self.offer.restore_button.clicked.connect(self.restore)
        self.offer.discard_button.clicked.connect(self.discard)
        self.offer.show()
        self.offered.emit(text)

    def restore(self) -> bool:
        """Use the offered session (paused at its saved iteration)."""
        restored, self.pending = self.pending, None
        if restored is None or self._closed:
            return False
        with self._write_lock:  # now this session's own recovery copy, until the next save
            try:
                os.replace(self.offered_path, self.path)
            except OSError:
                pass
        self._close_offer()
        self.window.file_actions.adopt_restored(restored)
        iteration = restored.session.iteration
        self.window.statusBar().showMessage(
            f"Restored your last session at iteration {iteration:,}. Press Play to continue "
            "training.", 10000)
        self.restored.emit(iteration)
        return True

    def discard(self) -> None:
        self.pending = None
        self._close_offer()

    def _close_offer(self) -> None:
        self.offered_path.unlink(missing_ok=True)
        if self.offer is not None:
            self.offer.hide()
            self.offer.deleteLater()
            self.offer = None

    def _set_aside(self, saved_at: float, reason: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(saved_at))
        target = self.folder / f"recovery-unreadable-{stamp}.nnviz"
        try:
            os.replace(self.offered_path, target)
        except OSError:
            target = self.offered_path
        reason = reason.replace(f"{OFFERED_NAME}: ", "it ").replace(str(self.offered_path), "it")
        message = (f"The automatic copy of your last session (saved {describe_time(saved_at)})"
                   f" cannot be opened, so nnviz starts afresh. It was set aside as {target} "
                   f"for you to inspect or delete. Why: {reason}")
        self.window.show_message(message, "warning", cause="recovery")
        self.set_aside.emit(target, message)

    # -- quitting ----------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """A clean quit: no write lands after this, and the recovery file goes (an offer not
        answered stays, to be offered again)."""
        if self._closed:
            return
        self._closed = True
        if not self.active:
            return
        self._timer.stop()
        self._rebuild_timer.stop()
        with self._write_lock:
            self._stop_writes.set()
            self.path.unlink(missing_ok=True)
            self._staging.unlink(missing_ok=True)
        if self._runner is not None:
            self._runner.shutdown(CLOSE_WAIT_MS)
        self._lock.unlock()


class RecoveryOffer(QFrame):
    """The card over the workspace's top right corner: what was saved, Restore, Discard.
    It lies over the panels (moving none) and follows the window's size."""

    MARGIN = 12

    def __init__(self, parent, text: str):
        super().__init__(parent)
        self.setObjectName("recoveryOffer")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#recoveryOffer { border: 1px solid palette(highlight); "
                           "border-radius: 4px; }")
        title = QLabel("<b>Restore your last session?</b>")
        self.text = QLabel(text)
        self.text.setWordWrap(True)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setToolTip("Continue where you were: the settings, drawn points, "
                                       "weights and history as saved")
        self.restore_button.setDefault(True)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Delete the saved copy and keep the new session")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        parent.installEventFilter(self)
        self._place()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._place()

    def _place(self) -> None:
        parent = self.parentWidget()
        width = max(260, min(460, parent.width() - 2 * self.MARGIN))
        height = self.heightForWidth(width)  # the wrapped text's height at this width
        if height <= 0:
            height = self.sizeHint().height()
        top = self.MARGIN + 28  # below the message banner's line
        self.setGeometry(parent.width() - width - self.MARGIN, top, width, height)
        self.raise_()
