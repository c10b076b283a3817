"""Where the app keeps its settings (window layout, last folders, appearance).

Tests and screenshots pass their own file so they never read or change the user's settings;
``NNVIZ_SETTINGS`` (a path to an .ini file) does the same from the environment.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

ORGANIZATION = "nnviz"
APPLICATION = "nnviz"


def open_settings(path: str | os.PathLike | None = None) -> QSettings:
    path = path if path is not None else os.environ.get("NNVIZ_SETTINGS")
    if path:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)
