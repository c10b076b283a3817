"""At start-up, remove the temporary files an export killed mid-write left behind.

An atomic write leaves ``.nnviz-tmp-*.tmp`` beside its target until the rename; a killed app
leaves it for good (possibly gigabytes). The next write into the same folder sweeps it, but a
folder may never be written to again, so the app also sweeps, once at start-up, every folder
it writes to: the folders remembered in the settings (``paths/*``: weights, sessions,
history, figures, data) and the state folder (crash log). Only files older than
:data:`~nnviz.engine.io.atomic.STALE_SECONDS` go: a write in progress in another nnviz
window is younger.

The sweep lists folders (a slow or network disk could take a while), so it runs on a
``QThreadPool`` thread; Python's garbage collection stays on the GUI thread meanwhile
(:mod:`nnviz.training.gui_gc`), as for every other nnviz thread.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QThreadPool, Signal

from nnviz.engine.io import sweep_stale_temp_files
from nnviz.training import gui_gc


def state_folder() -> str:
    """The user's state folder (where the crash log goes), or "" if there is none."""
    kind = getattr(QStandardPaths.StandardLocation, "StateLocation",
                   QStandardPaths.StandardLocation.CacheLocation)  # StateLocation: Qt >= 6.7
    return QStandardPaths.writableLocation(kind)


def folders_to_sweep(settings, state: str | None = None) -> list[str]:
    """The folders the app writes to: every ``paths/*`` setting, then the state folder
    (``state``; default :func:`state_folder`). Read on the GUI thread (QSettings)."""
    settings.beginGroup("paths")
    try:
        remembered = [str(settings.value(key) or "") for key in settings.childKeys()]
    finally:
        settings.endGroup()
    folders: list[str] = []
    for folder in [*remembered, state_folder() if state is None else state]:
        if folder and folder not in folders:
            folders.append(folder)
    return folders


def sweep_folders(folders) -> list[Path]:
    """Every stale temporary file removed from ``folders`` (never raises)."""
    removed: list[Path] = []
    for folder in folders:
        removed += sweep_stale_temp_files(folder)
    return removed


class StartupSweep(QObject):
    """One sweep on the global thread pool; ``finished(removed paths)`` on the GUI thread."""

    finished = Signal(list)

    def __init__(self, folders: list[str], parent: QObject | None = None):
        super().__init__(parent)
        self.folders = list(folders)
        self.removed: list[Path] | None = None
        self._gc_token: int | None = None
        self.finished.connect(self._on_finished)

    def start(self, pool: QThreadPool | None = None) -> None:
        self._gc_token = gui_gc.hold()
        folders, done = self.folders, self.finished

        def run() -> None:  # on the pool thread: plain values in, a signal out
            done.emit(sweep_folders(folders))

        (pool or QThreadPool.globalInstance()).start(QRunnable.create(run))

    def _on_finished(self, removed: list) -> None:
        self.removed = removed
        if self._gc_token is not None:
            gui_gc.release(self._gc_token)
            self._gc_token = None


def start_startup_sweep(settings, parent: QObject | None = None,
                        state: str | None = None) -> StartupSweep:
    """Sweep the app's folders in the background; returns the sweep (``removed`` is set and
    ``finished`` emitted when it is done). ``parent`` (the main window) keeps it alive."""
    sweep = StartupSweep(folders_to_sweep(settings, state), parent)
    sweep.start()
    return sweep
