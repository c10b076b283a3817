"""The main window's Experiments menu and the "Compare settings" (sweep) dialog."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QMenu, QSpinBox, QVBoxLayout)

from nnviz.experiments import EXPERIMENTS, Sweep
from nnviz.training.headless import ConfigError, parse_layers

# setting, label, default values, how one value is read, what it means
SWEEPABLE = (
    ("init", "Initialization", "zeros, random, xavier, he",
     str, "W[l] at the start: zeros, randn * 0.01, Xavier randn * sqrt(1/n[l-1]), "
          "He randn * sqrt(2/n[l-1])."),
    ("init_scale", "Init scale", "0.5, 1, 2", float,
     "Multiplies the initial weights (x10 on the course's random init is 1000 here: "
     "randn * 0.01 * scale)."),
    ("learning_rate", "Learning rate α", "0.01, 0.1, 1", float,
     "The step size of θ := θ - α dθ."),
    ("activation", "Hidden activation g", "sigmoid, tanh, relu, leaky_relu", str,
     "The same activation for every hidden layer."),
    ("hidden_units", "Hidden layers", "none; 4; 8, 8", "layers",
     "Hidden-layer sizes, runs separated by ';' (e.g. 'none; 4; 8, 8')."),
    ("normalize", "Normalize inputs", "no, yes", "bool",
     "Standardize x with the training set's μ and σ."),
    ("lambd", "L2 λ", "0, 0.01, 0.1", float, "Adds (λ/2m) Σ ||W[l]||² to J."),
    ("optimizer", "Optimizer", "gd, momentum, adam", str,
     "Gradient descent, momentum (β = 0.9) or Adam."),
    ("batch_size", "Mini-batch size", "full, 64, 16", "batch",
     "Examples per step; full = batch gradient descent."),
)


def parse_values(kind, text: str) -> tuple:
    """The values of one sweep from the dialog's text; ValueError says what is wrong."""
    separator = ";" if kind == "layers" else ","
    parts = [p.strip() for p in text.split(separator) if p.strip()]
    if len(parts) < 2:
        raise ValueError(f"give at least two values separated by '{separator}'")
    out = []
    for p in parts:
        if kind == "layers":
            try:
                out.append(tuple(parse_layers(p.replace(" ", ""))))
            except ConfigError as exc:
                raise ValueError(str(exc)) from None
        elif kind == "bool":
            if p.lower() not in ("yes", "no", "true", "false", "on", "off"):
                raise ValueError(f"{p!r}: write yes or no")
            out.append(p.lower() in ("yes", "true", "on"))
        elif kind == "batch":
            out.append(None if p.lower() in ("full", "none", "0") else int(p))
        elif kind is float:
            try:
                out.append(float(p))
            except ValueError:
                raise ValueError(f"{p!r} is not a number") from None
        else:
            out.append(p)
    return tuple(out)


class SweepDialog(QDialog):
    """Pick one setting and its values; every run starts from the current settings."""

    def __init__(self, base, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare settings")
        self.base = base
        self.setting = QComboBox()
        for key, label, default, _kind, tip in SWEEPABLE:
            self.setting.addItem(label, key)
            self.setting.setItemData(self.setting.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.setting.setToolTip("The one setting that differs between the runs.")
        self.values = QLineEdit()
        self.values.setToolTip("The values to compare, separated by commas (';' for hidden "
                               "layers).")
        self.iterations = QSpinBox()
        self.iterations.setRange(10, 50000)
        self.iterations.setSingleStep(100)
        self.iterations.setValue(1000)
        self.iterations.setToolTip("Gradient steps per run.")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow("Vary", self.setting)
        form.addRow("Values", self.values)
        form.addRow("Iterations", self.iterations)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Run")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Every run uses the current data, split, network and seed; "
                                "only the chosen setting differs."))
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setting.currentIndexChanged.connect(self._setting_changed)
        self._setting_changed()
        self._sweep = None

    def _spec(self):
        return SWEEPABLE[self.setting.currentIndex()]

    def _setting_changed(self) -> None:
        _key, _label, default, _kind, tip = self._spec()
        self.values.setText(default)
        self.hint.setText(tip)
        self.error.clear()

    def sweep(self) -> Sweep:
        """The sweep as set up (raises ValueError naming the problem)."""
        key, _label, _default, kind, _tip = self._spec()
        values = parse_values(kind, self.values.text())
        return Sweep(self.base, key, values, self.iterations.value())

    def title(self) -> str:
        return f"Comparison: {self._spec()[1]}"

    def accept(self) -> None:
        try:
            self._sweep = self.sweep()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


def add_experiments_menu(window, menubar) -> QMenu | None:
    """Add the Experiments menu to ``menubar`` (after the menus already there). It drives the
    window's experiments panel, which the window may build only when first needed:
    ``window.panel("experiments")`` builds it then; without that panel there is no menu."""
    if "experiments" not in getattr(window, "specs", {}):
        return None
    menu = menubar.addMenu("E&xperiments")
    menu.setToolTipsVisible(True)

    def panel():
        return window.panel("experiments")

    def shown(then):
        def slot(*_):
            window.show_panel("experiments")
            then()
        return slot

    def add(text, slot, tip="", shortcut=None) -> QAction:
        action = QAction(text, window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    window.experiment_actions = {}
    add("Start page", shown(lambda: panel().show_start_page()),
        "All guided experiments, one click each")
    menu.addSeparator()
    for e in EXPERIMENTS.values():
        window.experiment_actions[e.key] = add(
            f"{e.number}. {e.title}", shown(lambda key=e.key: panel().open_lesson(key)),
            e.summary)
    after_user_lessons = menu.addSeparator()
    user_actions: list[QAction] = []

    def show_user_lessons():
        """The files in the user lessons folder, after the built-in lessons; read again
        each time the menu opens (only when a file changed)."""
        from .user_lessons import current_user_lessons

        for action in user_actions:
            menu.removeAction(action)
            window.experiment_actions.pop(action.data(), None)
        user_actions.clear()
        found = current_user_lessons()
        if not found.lessons:
            return
        heading = QAction("Your lessons", window)
        heading.setEnabled(False)
        user_actions.append(heading)
        menu.insertAction(after_user_lessons, heading)
        for lesson in found.lessons.values():
            action = add(lesson.title, shown(lambda key=lesson.key: panel().open_lesson(key)),
                         lesson.summary)
            menu.removeAction(action)
            menu.insertAction(after_user_lessons, action)
            action.setData(lesson.key)
            user_actions.append(action)
            window.experiment_actions[lesson.key] = action
    show_user_lessons()
    menu.aboutToShow.connect(show_user_lessons)
    add("Compare settings…", shown(lambda: panel().open_sweep_dialog()),
        "Train the current settings several times, varying one setting, side by side")
    window.pin_run_action = add("Pin current run", lambda: panel().pin_current_run(),
                                "Keep this run's curves; the training panel overlays them",
                                "Ctrl+Shift+P")
    add("Show pinned runs", shown(lambda: panel().show_pins()),
        "Pinned runs' curves and final numbers")
    add("Clear pinned runs", lambda: panel().clear_pins(), "Forget every pinned run")
    menu.addSeparator()
    cancel = add("Cancel experiment", lambda: panel().cancel(), "Stop the running experiment")
    cancel.setEnabled(False)

    def follow_busy(built):
        built.runner.busy_changed.connect(cancel.setEnabled)
        cancel.setEnabled(bool(getattr(built.runner, "busy", False)))
    window.when_panel_built("experiments", follow_busy)
    window.experiments_menu = menu
    return menu
