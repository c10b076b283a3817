"""The learner's or teacher's own lessons on the Lessons start page: one button per lesson
file in the user lessons folder, after the built-in lessons, and the files that were refused
with the loader's message (file, line, what to change)."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (QCommandLinkButton, QGridLayout, QHBoxLayout, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from nnviz.analysis.math_text import math_html
from nnviz.experiments.lesson_files import UserLessons, lessons_dir, load_user_lessons

_CACHE: dict[str, tuple[tuple, UserLessons]] = {}


def user_lessons_folder() -> str:
    """``$NNVIZ_LESSONS_DIR``, else ``lessons`` in the app's application-data folder."""
    folder = lessons_dir()
    if folder:
        return folder
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return str(Path(base) / "lessons") if base else ""


def _signature(folder: str) -> tuple:
    """Names, sizes and times of the folder's lesson files (stat only: nothing opened)."""
    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                            for e in os.scandir(folder) if e.name.lower().endswith(".toml")))
    except OSError:
        return ()


def current_user_lessons(folder: str | None = None) -> UserLessons:
    """The folder's lessons, read again only when a file changed (the menu and the start
    page share them)."""
    folder = user_lessons_folder() if folder is None else folder
    signature = _signature(folder) if folder else ()
    cached = _CACHE.get(folder)
    if cached is not None and cached[0] == signature:
        return cached[1]
    found = load_user_lessons(folder)
    _CACHE[folder] = (signature, found)
    return found


def _breakable(path: str) -> str:
    """A path that may wrap after each separator (a long folder name never widens the page)."""
    return path.replace(os.sep, os.sep + "\u200b")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class UserLessonsBox(QWidget):
    """"Your lessons": a button per lesson file, the refused files, and Reload."""
    open_requested = Signal(str)  # a lesson's key

    def __init__(self, folder: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.folder = folder  # None: the user's folder (user_lessons_folder)
        self.lessons: dict = {}
        self.refused: tuple = ()
        self.buttons: dict[str, QCommandLinkButton] = {}
        self.heading = QLabel("<b>Your lessons</b>")
        self.reload_button = QPushButton("Reload")
        self.reload_button.setToolTip("Read the lesson files in your lessons folder again.")
        self.reload_button.clicked.connect(lambda: self.reload(force=True))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.heading, 1)
        top.addWidget(self.reload_button)
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.refusals = QLabel()
        self.refusals.setWordWrap(True)
        self.refusals.setStyleSheet("color: #c62828;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.grid)
        layout.addWidget(self.refusals)
        layout.addWidget(self.hint)
        self._shown = None
        self.reload()

    def reload(self, force: bool = False) -> None:
        folder = self.folder if self.folder is not None else user_lessons_folder()
        if force:
            _CACHE.pop(folder, None)
        found = current_user_lessons(folder)
        if found is self._shown:
            return
        self._shown = found
        self.lessons, self.refused = dict(found.lessons), found.refused
        for button in self.buttons.values():
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for k, lesson in enumerate(found.lessons.values()):
            button = QCommandLinkButton(lesson.title, lesson.summary)
            button.setToolTip(f"<p>{math_html(lesson.text)}</p><p><i>Your lesson, from "
                              f"{_escape(Path(lesson.spec.path).name)}</i></p>")
            button.clicked.connect(lambda _=False, key=lesson.key: self.open_requested.emit(key))
            self.grid.addWidget(button, k // 2, k % 2)
            self.buttons[lesson.key] = button
        lines = [f"Not loaded: <b>{_escape(name)}</b>{_escape(message[len(name):])}"
                 if message.startswith(name) else f"Not loaded: {_escape(message)}"
                 for name, message in found.refused]
        self.refusals.setText("<br>".join(lines))
        self.refusals.setVisible(bool(lines))
        where = _escape(_breakable(found.folder or folder or "(no application-data folder)"))
        self.hint.setText(
            ("Add a lesson: " if found.lessons else "None yet. Add a lesson: ")
            + f"put a lesson file (.toml) in {where}. The README's “Write your own lesson” "
            "has a complete example; <tt>nnviz lessons check FILE</tt> checks one.")
