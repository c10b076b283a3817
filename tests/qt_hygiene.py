"""Shared fixtures for Qt tests: isolated settings, no Qt warnings, no thread left running."""
from __future__ import annotations

import gc

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QThread, QtMsgType

BAD_MESSAGES = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
# Said by Qt's "offscreen" test platform itself whenever a window with docks is laid out;
# it is a limitation of that plugin (the real xcb/wayland/windows/cocoa ones support it).
OFFSCREEN_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",
                            "This plugin does not support raise()")  # floating docks


def _alive(obj) -> bool:
    try:
        return shiboken6.isValid(obj)
    except Exception:
        return False


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Every test gets its own settings file; the user's settings are never read or written."""
    path = tmp_path / "nnviz-settings.ini"
    monkeypatch.setenv("NNVIZ_SETTINGS", str(path))
    # Nor the user's lessons, progress or recovery files (QStandardPaths reads XDG_* each call).
    monkeypatch.setenv("NNVIZ_LESSONS_DIR", str(tmp_path / "lessons"))
    monkeypatch.setenv("NNVIZ_STATE_DIR", str(tmp_path / "state"))
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    return path


@pytest.fixture(autouse=True)
def qt_hygiene(qtlog):
    """Fail a test that leaves a training thread running or makes Qt log a warning."""
    yield
    from nnviz.training.controller import RUNNING_CONTROLLERS

    running = [c for c in list(RUNNING_CONTROLLERS) if c.thread.isRunning()]
    for controller in running:
        controller.shutdown()
    assert not running, f"{len(running)} training thread(s) left running"
    # Any other QThread still running (a panel's job runner, ...), found through the Python
    # wrappers alive after the test.
    others = [t for t in gc.get_objects()
              if isinstance(t, QThread) and _alive(t) and t.isRunning()]
    for thread in others:
        thread.quit()
        thread.wait(5000)
    assert not others, f"QThread(s) left running: {[t.objectName() for t in others]}"
    messages = [r.message for r in qtlog.records
                if r.type in BAD_MESSAGES and r.message not in OFFSCREEN_PLATFORM_NOISE]
    assert not messages, f"Qt logged: {messages}"
