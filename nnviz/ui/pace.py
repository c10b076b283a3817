"""The window's pace and size: the speed buttons and the iteration budget in the training
toolbar, and fitting the window to the screen it opens on.

:class:`PaceMixin` is mixed into :class:`~nnviz.ui.main_window.MainWindow`, which provides
``controller`` and calls :meth:`_add_pace_controls` while building its toolbar.
"""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox, QToolBar

# (button, steps per second, tooltip); 0 = as fast as the worker can go.
SPEEDS = [("1/s", 1.0, "One gradient step per second: follow each update of W and b"),
          ("10/s", 10.0, "10 steps per second: watch the decision boundary move step by step"),
          ("100/s", 100.0, "100 steps per second (the default): the course network's boundary "
                           "forms over a few seconds"),
          ("1000/s", 1000.0, "1,000 steps per second: long runs in reasonable time"),
          ("Max", 0.0, "As fast as the worker can go (about 10,000 steps/s on the course "
                       "network): the learning happens within a second")]
DEFAULT_SPEED = 100.0
PREFERRED_SIZE = (1440, 900)  # smaller screens get their whole available area
DEFAULT_BUDGET = 10_000  # the course notebooks' num_iterations


class PaceMixin:
    def _add_pace_controls(self, bar: QToolBar) -> None:
        # One click for every speed: a learner switches between watching and fast-forwarding.
        bar.addWidget(QLabel(" Speed "))
        group = QActionGroup(self)
        self.speed_actions: dict[float, QAction] = {}
        for text, value, tip in SPEEDS:
            action = QAction(text, self, checkable=True)
            action.setToolTip(f"{tip}.")
            action.setStatusTip(tip)
            action.triggered.connect(lambda _=False, v=value: self.set_speed(v))
            group.addAction(action)
            bar.addAction(action)
            self.speed_actions[value] = action
        self.speed_actions[DEFAULT_SPEED].setChecked(True)
        bar.addSeparator()
        self.budget_check = QCheckBox("Stop at")
        self.budget_check.setChecked(True)
        self.budget = QSpinBox()
        self.budget.setRange(1, 10_000_000)
        self.budget.setSingleStep(1000)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setValue(DEFAULT_BUDGET)
        self.budget.setSuffix(" iterations")
        tip = ("Pause by itself at this iteration, as the course's notebooks stop at "
               "num_iterations = 10,000. Press Play again to train on.")
        for widget in (self.budget_check, self.budget):
            widget.setToolTip(tip)
        self.budget_check.toggled.connect(self._budget_changed)
        self.budget.valueChanged.connect(self._budget_changed)
        bar.addWidget(self.budget_check)
        bar.addWidget(self.budget)

    def _available(self) -> QRect:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def _fits_screen(self) -> bool:
        return self._available().contains(self.frameGeometry()) or self.isMaximized()

    def fit_to_screen(self) -> None:
        """Size the window to the screen's available area, never larger: 90% of a large
        screen, the whole of a laptop's (maximized)."""
        area = self._available()
        w = min(area.width(), max(PREFERRED_SIZE[0], int(area.width() * 0.9)))
        h = min(area.height(), max(PREFERRED_SIZE[1], int(area.height() * 0.9)))
        if w >= area.width() - 40 or h >= area.height() - 60:
            # Too little room for a frame around it: take the whole area.
            self.setGeometry(area)
            if QGuiApplication.platformName() != "offscreen":  # no window manager there
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            return
        self.resize(w, h)
        self.move(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2)

    def set_speed(self, steps_per_second: float) -> None:
        """Train at ``steps_per_second`` (0: as fast as possible); one of :data:`SPEEDS`."""
        value = min(self.speed_actions, key=lambda v: abs(v - steps_per_second))
        self.speed_actions[value].setChecked(True)
        self.controller.set_speed(value)

    @property
    def speed(self) -> float:
        """The chosen training speed in steps per second (0: as fast as possible)."""
        return next(v for v, a in self.speed_actions.items() if a.isChecked())

    def _budget_changed(self, *_) -> None:
        self.budget.setEnabled(self.budget_check.isChecked())
        self.controller.set_budget(self.budget.value() if self.budget_check.isChecked() else 0)

    def _on_budget_reached(self, iteration: int) -> None:
        self.statusBar().showMessage(f"Paused at iteration {iteration:,}, the iteration budget. "
                                     "Press Space to train on.", 15000)

