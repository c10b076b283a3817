"""Application start-up (and the ``--screenshot`` mode) and a clean exit.

A crash leaves a trace: :func:`enable_crash_log` points :mod:`faulthandler` at
``crash.log`` in the user's state folder (QStandardPaths). At exit, :func:`settle_threads`
waits a moment for background jobs that were asked to stop; one still inside a long engine
call would make Qt abort when its thread object is destroyed during interpreter shutdown,
so the process then leaves at once with its exit code.
"""
from __future__ import annotations

import faulthandler
import os
import shutil
import sys
import tempfile
import time
from typing import Callable

CRASH_LOG = "crash.log"
CRASH_LOG_MAX_BYTES = 256 * 1024  # a fresh file beyond this: only recent runs matter
EXIT_WAIT_S = 0.5  # on top of the window's own waits: the whole close stays under 2 s

_crash_log = None  # kept open: faulthandler writes to its file descriptor


def create_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    # The training worker is a Python thread: whenever the GUI thread needs the GIL it waits
    # until the worker hands it over, at most Python's switch interval (5 ms by default).
    # 1 ms keeps the window responsive; the worker only pays when the GUI actually waits.
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    from nnviz import __version__
    from nnviz.ui.settings import APPLICATION, ORGANIZATION

    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    from nnviz.ui.share import application_icon
    app.setWindowIcon(application_icon())  # every window, the task switcher and the dock
    app.setDesktopFileName("nnviz")  # Wayland matches windows to nnviz.desktop by this
    return app  # pyqtgraph is imported (and configured, in nnviz.ui.plotting) by the panels


def enable_crash_log() -> str | None:
    """Let a crash (segfault, abort) write every thread's Python stack to ``crash.log`` in
    the user's state folder; returns its path (None if it cannot be opened)."""
    global _crash_log
    if _crash_log is not None:
        return _crash_log.name
    from PySide6.QtCore import QStandardPaths

    kind = getattr(QStandardPaths.StandardLocation, "StateLocation",
                   QStandardPaths.StandardLocation.CacheLocation)  # StateLocation: Qt >= 6.7
    folder = QStandardPaths.writableLocation(kind)
    if not folder:
        return None
    path = os.path.join(folder, CRASH_LOG)
    try:
        os.makedirs(folder, exist_ok=True)
        big = os.path.exists(path) and os.path.getsize(path) > CRASH_LOG_MAX_BYTES
        _crash_log = open(path, "w" if big else "a", encoding="utf-8")
        from nnviz import __version__
        _crash_log.write(f"nnviz {__version__} started {time.strftime('%Y-%m-%d %H:%M:%S')} "
                         f"(pid {os.getpid()})\n")
        _crash_log.flush()
    except OSError:
        _crash_log = None
        return None
    faulthandler.enable(_crash_log, all_threads=True)
    return path


def settle_threads(code: int, timeout_s: float = EXIT_WAIT_S) -> int:
    """Call after the event loop has ended. Returns ``code`` when no background thread
    runs any more; otherwise waits up to ``timeout_s`` and, if one still runs, ends the
    process with ``code`` right away (never letting Qt destroy a running thread)."""
    from nnviz.training.controller import RUNNING_CONTROLLERS
    from nnviz.training.jobs import running_job_threads, wait_for_job_threads

    deadline = time.monotonic() + timeout_s
    if wait_for_job_threads(timeout_s):
        controllers = [c for c in list(RUNNING_CONTROLLERS) if c.thread.isRunning()]
        for controller in controllers:
            controller.thread.wait(int(max(0.0, deadline - time.monotonic()) * 1000))
        if not any(c.thread.isRunning() for c in controllers):
            return code
    if _crash_log is not None:
        _crash_log.write(f"exit with job threads still running: {running_job_threads()}\n")
        _crash_log.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_app(argv: list[str] | None = None, screenshot: str | None = None, steps: int = 0,
            panel: str | None = None,
            on_window: Callable[[object], None] | None = None) -> int:
    """Open the main window and run until it closes. With ``screenshot``, train ``steps``
    steps, save a PNG of the window (or of ``panel`` in its workspace) and exit. ``on_window``
    (scripts and stress tests) is called with the shown window before the event loop."""
    app = create_application(argv)
    enable_crash_log()
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings
    from nnviz.ui.theme import Appearance

    settings_dir = None
    if screenshot:
        # A throw-away settings file: screenshots show the default layout and never touch
        # the user's saved settings. The folder is removed before the process ends.
        settings_dir = tempfile.mkdtemp(prefix="nnviz-screenshot-")
        settings = open_settings(os.path.join(settings_dir, "settings.ini"))
    else:
        settings = open_settings()
    try:
        appearance = Appearance(app, str(settings.value("appearance/mode", "system")))
        window = MainWindow(settings=settings, appearance=appearance,
                            restore_layout=not screenshot, defer_panels=True)
        window.show()
        from nnviz.ui.startup_sweep import start_startup_sweep

        start_startup_sweep(settings, parent=window)  # temp files a killed export left
        if not screenshot:
            from nnviz.ui.autosave import install_autosave
            from nnviz.ui.start_page import maybe_show_start_page

            install_autosave(window)  # offers a crashed session; a clean quit removes the copy
            maybe_show_start_page(window)  # first start only (a settings flag)
        shooter = ScreenshotTaker(window, screenshot, steps, panel) if screenshot else None
        if on_window is not None:
            on_window(window)
        code = app.exec()
        if shooter is not None:
            code = code or shooter.exit_code
    finally:
        settings.sync()  # on disk now: settle_threads may end the process without a flush
        if settings_dir is not None:
            shutil.rmtree(settings_dir, ignore_errors=True)
    return settle_threads(code)


class ScreenshotTaker:
    """Waits for ``steps`` iterations to be drawn, grabs the window, saves it, closes it."""

    def __init__(self, window, path: str, steps: int, panel: str | None):
        from PySide6.QtCore import QTimer

        from nnviz.ui.panels import find_panel

        self.window, self.path, self.steps = window, path, max(0, steps)
        self.exit_code = 1
        self._requested = False
        self._done = False
        # A key or a title as the View menu shows it, in any case.
        spec = find_panel(panel) if panel is not None else None
        self.panel = spec.key if spec is not None else None
        if panel is not None and self.panel not in window.slots:
            titles = "; ".join(window.specs[key].title for key in window.slots)
            print(f"nnviz: no panel {panel!r}; choose one of: {titles}", file=sys.stderr)
            QTimer.singleShot(0, window.close)
            return
        window.build_pending_panels()  # the picture shows every panel as built
        if self.panel is not None:
            window.show_panel(self.panel)
        window.controller.snapshot.connect(self._on_snapshot)
        # Never hang: give up after a generous time.
        QTimer.singleShot(120_000, self._timeout)

    def _on_snapshot(self, snapshot) -> None:
        from PySide6.QtCore import QTimer

        if self._done:
            return
        if not self._requested and self.steps > 0:
            self._requested = True
            self.window.controller.step(self.steps)
            return
        if snapshot.iteration >= self.steps:
            self._done = True
            QTimer.singleShot(400, self._grab)  # let every panel draw this snapshot

    def _grab(self) -> None:
        widget = self.window.slots[self.panel] if self.panel else self.window
        if widget.grab().save(self.path):
            self.exit_code = 0
            print(f"nnviz: saved {self.path}")
        else:
            print(f"nnviz: could not write {self.path}", file=sys.stderr)
        self.window.close()

    def _timeout(self) -> None:
        if not self._done:
            print("nnviz: timed out waiting for training to finish", file=sys.stderr)
            self._done = True
            self.window.close()
