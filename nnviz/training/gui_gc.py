"""Python's garbage collection only on the GUI thread while nnviz's own threads run Python.

Automatic collection runs in whichever thread happens to allocate when a threshold is
crossed. With the training worker and job threads allocating thousands of objects a second,
that is usually one of them: it then frees unreachable cycles holding Qt objects that belong
to the GUI thread (pyqtgraph items, widgets, timers), running their C++ destructors on the
wrong thread while the GUI thread may be painting them: a rare segfault. So while any of
those threads runs, automatic collection is off and a timer on the GUI thread collects
instead (pyqtgraph's ``GarbageCollector`` does the same); when the last one has finished,
automatic collection is switched back on.

:func:`hold` (from the GUI thread, before a thread starts) returns a token;
:func:`release` gives it back once the thread has finished.
"""
from __future__ import annotations

import gc
import itertools

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

COLLECT_INTERVAL_MS = 100

_tokens = itertools.count(1)
_holders: set[int] = set()
_collector: "_GuiCollector | None" = None
_was_enabled = True


class _GuiCollector(QObject):
    """Collects each generation when its count passes Python's own threshold."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_INTERVAL_MS)
        self.timer.timeout.connect(self.collect)

    def collect(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest due generation (collects the younger too)
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                return


def _on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def hold() -> int:
    """Switch automatic collection to the GUI thread's timer until :func:`release`."""
    global _collector, _was_enabled
    token = next(_tokens)
    if not _on_gui_thread():
        return token  # no event loop to collect in: leave Python's collection alone
    if not _holders:
        _was_enabled = gc.isenabled()
        gc.disable()
    _holders.add(token)
    app = QCoreApplication.instance()
    if _collector is None or not _valid(_collector) or _collector.parent() is not app:
        _collector = _GuiCollector(app)
    if not _collector.timer.isActive():
        _collector.timer.start()
    return token


def release(token: int) -> None:
    """The thread of ``token`` has finished; the last release restores Python's collection."""
    if token not in _holders:
        return
    _holders.discard(token)
    if not _holders:
        if _collector is not None and _valid(_collector):
            _collector.timer.stop()
        if _was_enabled:
            gc.enable()


def holding() -> int:
    return len(_holders)


def _valid(obj) -> bool:
    try:
        import shiboken6
        return shiboken6.isValid(obj)
    except ImportError:  # pragma: no cover - PySide6 always ships shiboken6
        return True
