"""The start page: three ways in, and the recent sessions and data files.

Shown once per user, at the first start of the app (:func:`maybe_show_start_page`, called by
``run_app``: a window built directly, as in tests and scripts, never shows it), and whenever
asked from Help > Start page. A non-modal dialog: the window behind it is ready and usable.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QCommandLinkButton, QDialog, QDialogButtonBox,
                               QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout)

from .recent_files import KINDS, open_recent

SEEN_KEY = "start_page/seen"
AT_START_KEY = "start_page/at_every_start"
RECENT_SHOWN = 8

WATCH_TEXT = ("The course's flower: 400 points in two classes and one hidden layer of 4 tanh "
              "units. One click trains it; watch the decision boundary bend around the petals "
              "and the cost J fall.")
LESSONS_TEXT = ("Short experiments, one idea each: initialization, learning rate, depth, "
                "regularization, optimizers. Each runs in one click and explains what it shows.")
DATA_TEXT = ("A CSV file with numeric columns and a label column: preview it, choose the "
             "label, and train a network on it.")


class StartPage(QDialog):
    """Welcome, three ways in, the recent files; closes itself once a way is chosen."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setObjectName("startPage")
        self.setWindowTitle("Welcome to nnviz")
        self.setModal(False)
        title = QLabel("<h2>Welcome to nnviz</h2>")
        intro = QLabel("See inside a neural network while it learns. Where would you like "
                       "to begin?")
        intro.setWordWrap(True)

        self.watch_button = self._way("Watch a network learn", WATCH_TEXT, self.watch)
        self.lessons_button = self._way("Start the lessons",
                                        f"{LESSONS_TEXT} {progress_text()}", self.lessons)
        self.data_button = self._way("Open your own data (CSV)", DATA_TEXT, self.open_data)

        self.recent_list = QListWidget()
        self.recent_list.setWordWrap(True)  # long names and the empty list's hint wrap
        self.recent_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent_list.setObjectName("startRecent")
        self.recent_list.setToolTip("Double-click (or Enter) to open")
        self.recent_list.itemActivated.connect(self._open_item)
        self.at_start = QCheckBox("Show this page every time nnviz starts")
        settings = window.settings
        self.at_start.setChecked(str(settings.value(AT_START_KEY, "false")) == "true")
        self.at_start.toggled.connect(
            lambda on: settings.setValue(AT_START_KEY, "true" if on else "false"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)

        ways = QVBoxLayout()
        for button in (self.watch_button, self.lessons_button, self.data_button):
            ways.addWidget(button)
        ways.addStretch(1)
        recent = QVBoxLayout()
        recent.addWidget(QLabel("<b>Recent sessions and data</b>"))
        recent.addWidget(self.recent_list, 1)
        columns = QHBoxLayout()
        columns.addLayout(ways, 3)
        columns.addLayout(recent, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.at_start)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)
        self.resize(820, 460)
        self.refresh()

    def _way(self, text: str, description: str, slot) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description)
        button.setToolTip(description)
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        """The recent sessions and data files, newest first, with their dates (files gone
        since are dropped)."""
        recent = self.window.file_actions.recent
        recent.prune()
        self.recent_list.clear()
        entries = [e for e in recent.entries() if e.kind in ("session", "data")][:RECENT_SHOWN]
        for entry in entries:
            kind = KINDS[entry.kind].rstrip("s").lower()  # "session", "data"
            item = QListWidgetItem(f"{entry.name}  —  {kind}, {entry.when()}")
            item.setToolTip(f"{entry.path}\nDouble-click to open")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.recent_list.addItem(item)
        if not entries:
            item = QListWidgetItem("Sessions you save and data files you open will be "
                                   "listed here.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent_list.addItem(item)

    # -- the ways in -------------------------------------------------------------------------
    def watch(self) -> None:
        """The course's flower network from its seed, training, in the Train workspace."""
        from nnviz.training.config import course_default

        controller = self.window.controller
        flower = course_default()
        if controller.requested_config == flower:
            controller.reset()  # the same network from its first iteration
        else:
            controller.apply_config(flower)
        controller.play()
        self.window.show_workspace("train")
        self.close()

    def lessons(self) -> None:
        self.window.show_workspace("lessons")
        self.close()

    def open_data(self) -> None:
        self.close()
        self.window.open_data()  # the file dialog, then the CSV preview

    def _open_item(self, item: QListWidgetItem) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole)
        if entry is not None:
            self.close()
            open_recent(self.window, entry)


def progress_folder() -> str:
    """Where the learner's progress is kept (as the challenges panel reads it)."""
    from PySide6.QtCore import QStandardPaths

    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)


def progress_text(folder=None) -> str:
    """The learner's progress in a sentence (a small JSON file, read once per page)."""
    from nnviz.analysis.challenges import CHALLENGES
    from nnviz.experiments import EXPERIMENTS
    from nnviz.training.progress import ProgressStore

    folder = folder if folder is not None else progress_folder()
    if not folder:
        return ""
    store = ProgressStore.shared(folder)  # an unreadable file: the challenges panel says so
    done = sum(store.lesson_done(key) for key in EXPERIMENTS)
    solved = sum(c.key in store.challenges_solved for c in CHALLENGES)
    if not done and not solved:
        return (f"{len(EXPERIMENTS)} lessons and {len(CHALLENGES)} challenges: start with "
                "lesson 1.")
    return (f"Your progress: {done} of {len(EXPERIMENTS)} lessons done, {solved} of "
            f"{len(CHALLENGES)} challenges solved.")


def show_start_page(window) -> StartPage:
    """Help > Start page: the page, brought forward (one per window)."""
    page = getattr(window, "start_page", None)
    if page is None:
        page = window.start_page = StartPage(window)
    else:
        page.refresh()
    page.show()
    page.raise_()
    return page


def maybe_show_start_page(window) -> StartPage | None:
    """At the app's start: the page at the user's first start (or every start, if they
    asked for it)."""
    settings = window.settings
    first = str(settings.value(SEEN_KEY, "false")) != "true"
    if not first and str(settings.value(AT_START_KEY, "false")) != "true":
        return None
    settings.setValue(SEEN_KEY, "true")
    settings.sync()  # seen, even if this run ends in a crash
    return show_start_page(window)


def add_start_page_action(window, help_menu) -> None:
    """Help > Start page, first in the Help menu."""
    from PySide6.QtGui import QAction

    action = QAction("Start page…", window)
    action.setToolTip("The three ways in (watch a network learn, the lessons, your own "
                      "data) and your recent files")
    action.triggered.connect(lambda: show_start_page(window))
    first = help_menu.actions()[0] if help_menu.actions() else None
    help_menu.insertAction(first, action)
    window.start_page_action = action
