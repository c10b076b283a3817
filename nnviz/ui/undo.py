"""Undo and redo for every change a learner makes: Edit > Undo (Ctrl+Z), Redo (Ctrl+Shift+Z).

:class:`UndoHistory` (``window.undo``) owns a ``QUndoStack`` and watches the controller, so
no panel knows about it and every panel works on its own as before:

- settings, layers, data set and drawn or removed points are all part of the
  :class:`~nnviz.training.config.SessionConfig`: each one the worker *applied*
  (``config_applied``) becomes a command holding the settings before and after. A change the
  worker refuses (``config_rejected``) was never applied, so it leaves no entry. Undo asks for
  the settings before; a setting that rebuilds the network rebuilds it with its seed, so the
  starting weights are the same bit for bit and "undo, then run again" repeats the run.
- a weight or bias edit (``parameter_requested``) becomes a command holding the old value,
  read from the snapshot the learner clicked on. The worker sets weights only while paused:
  undoing one while training runs pauses training first and says so in the status bar.

Undo and redo themselves are not recorded: the settings they ask for are awaited and
recognised when the worker applies them. One kind of change is one command type; a drag of
a slider (one setting changed again while the mouse button is held, or within
``MERGE_SECONDS``) merges into one step.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QUndoCommand, QUndoStack

from nnviz.engine.data.edits import nearest_point
from nnviz.training.config import SessionConfig

from .undo_text import DATA_SET, LAYERS, POINTS, SETTINGS, describe, weight_text

MERGE_SECONDS = 1.0   # one setting changed again this soon: the same step (a slider drag)
UNDO_LIMIT = 500
STATUS_MS = 6000
_MERGE_IDS: dict[str, int] = {}


def merge_id(key: str) -> int:
    """A stable number for a setting's key (QUndoCommand.id must be an int)."""
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


class ConfigCommand(QUndoCommand):
    """A change of the settings in use: ``old`` -> ``new`` (whole configurations)."""

    def __init__(self, history: "UndoHistory", old: SessionConfig, new: SessionConfig, change):
        super().__init__(change.text)
        self.history, self.old, self.new, self.key = history, old, new, change.key
        self.stamp = time.monotonic()
        self._pushed_done = True  # pushed after the worker applied it: push's redo is a no-op

    def id(self) -> int:  # noqa: A003  (Qt's name)
        return merge_id(f"{type(self).__name__}:{self.key}") if self.key else -1

    def redo(self) -> None:
        if self._pushed_done:
            self._pushed_done = False
            return
        self.history._replay_config(self.new, "redo", self.text())

    def undo(self) -> None:
        self.history._replay_config(self.old, "undo", self.text())

    def mergeWith(self, other) -> bool:  # noqa: N802
        dragging = QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton  # held still
        if (type(other) is not type(self) or other.key != self.key or other.old != self.new
                or (other.stamp - self.stamp > MERGE_SECONDS and not dragging)):
            return False
        self.new, self.stamp = other.new, other.stamp
        self.setText(describe(self.old, self.new).text)
        if self.old == self.new:
            self.setObsolete(True)  # dragged back where it started: no step at all
        return True


class SettingsCommand(ConfigCommand):
    """Builder and toolbar settings: "hidden units 4 → 8", "learning rate 1.2 → 0.5"."""


class LayersCommand(ConfigCommand):
    """A hidden layer added or removed."""


class PointsCommand(ConfigCommand):
    """Data points drawn, removed or restored (training goes on, no reset)."""


class DataSetCommand(ConfigCommand):
    """Another data set (builder or File > Open data)."""


COMMANDS = {SETTINGS: SettingsCommand, LAYERS: LayersCommand, POINTS: PointsCommand,
            DATA_SET: DataSetCommand}


class WeightCommand(QUndoCommand):
    """One weight or bias edited in the network diagram: "W[1]_3,1 0.31 → 1.0"."""

    def __init__(self, history: "UndoHistory", name: str, index, old: float, new: float,
                 generation: int):
        super().__init__(weight_text(name, index, old, new))
        self.history, self.name, self.index, self.old, self.new = history, name, index, old, new
        self.generation = generation  # the network edited (a reset or rebuild makes another)
        self._pushed_done = True

    def redo(self) -> None:
        if self._pushed_done:
            self._pushed_done = False
            return
        self.history._replay_weight(self, self.new, "redo")

    def undo(self) -> None:
        self.history._replay_weight(self, self.old, "undo")


class UndoHistory(QObject):
    """The session's undo stack, fed by watching ``controller``."""

    message = Signal(str)  # for the status bar: what was undone, or why training paused

    def __init__(self, controller, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_LIMIT)
        # The settings in use; None until the worker has said (its first config_applied).
        self._current: SessionConfig | None = (controller.config if controller.latest is not None
                                               else None)
        self._pending: list[tuple[SessionConfig, str]] = []  # asked by undo/redo, not yet applied
        self._silent = False      # stepping the stack back after a refused undo/redo
        self._replaying = False   # our own set_parameter: not a new edit
        self._removed_at = None   # (x1, x2, class) of the point a removal asked for
        controller.config_applied.connect(self._on_config_applied)
        controller.config_rejected.connect(self._on_config_rejected)
        controller.session_adopted.connect(self._on_session_adopted)
        controller.points_requested.connect(self._on_points_requested)
        controller.parameter_requested.connect(self._on_parameter_requested)

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

    # -- from the controller -----------------------------------------------------------
    def _on_config_applied(self, config: SessionConfig) -> None:
        if self._current is None:
            self._current = config  # the session as it started: nothing to undo
            return
        asked = [c for c, _step in self._pending]
        if config in asked:  # what an undo or redo asked for: not a new change
            del self._pending[:asked.index(config) + 1]
            self._current = config
            return
        # A learner's change; made just after an undo, it was made on the undone settings.
        old = self._pending[-1][0] if self._pending else self._current
        self._pending.clear()
        self._current = config
        if config == old:
            return
        change = describe(old, config, self._removed_at)
        self._removed_at = None
        self.stack.push(COMMANDS[change.kind](self, old, config, change))

    def _on_config_rejected(self, in_use: SessionConfig, _message: str) -> None:
        self._current = in_use
        if not self._pending:
            return  # a learner's change refused: it was never recorded
        # An undo/redo the worker refused (a CSV file since deleted...): the stack steps
        # back to the settings still in use; the worker's message says why.
        pending, self._pending = self._pending, []
        with self._silence():
            for _config, step in reversed(pending):
                (self.stack.redo if step == "undo" else self.stack.undo)()
        self.message.emit(f"Could not {pending[-1][1]}: the settings were refused and "
                          "stay as they are.")

    def _on_session_adopted(self, config: SessionConfig) -> None:
        # Another session (a file, a recovery): the changes made before are not its own.
        self.stack.clear()
        self._pending.clear()
        self._current = config

    def _on_points_requested(self, request) -> None:
        if request and request[0] == "remove":
            self._removed_at = self._point_near(float(request[1]), float(request[2]))

    def _on_parameter_requested(self, name: str, index, value: float) -> None:
        if self._replaying or self.controller.state == "running":
            return  # ours, or refused by the worker (it edits only while paused)
        old = self._parameter_value(name, index)
        if old is None or not np.isfinite(value) or old == value:
            return  # refused by the worker, or no change
        self.stack.push(WeightCommand(self, name, index, old, float(value),
                                      self.controller.latest.generation))

    # -- undo and redo -----------------------------------------------------------------
    def _replay_config(self, config: SessionConfig, step: str, text: str) -> None:
        if self._silent:
            return
        self._pending.append((config, step))
        self.controller.apply_config(config)
        self.message.emit(f"{'Undone' if step == 'undo' else 'Redone'}: {text}")

    def _replay_weight(self, command: WeightCommand, value: float, step: str) -> None:
        if self._silent:
            return
        name, index, text = command.name, command.index, command.text()
        latest = self.controller.latest
        if latest is not None and latest.generation != command.generation:
            # Putting back one trained value into a fresh network would mean nothing.
            self.message.emit(f"Nothing to {step} for {text}: the network was reset or "
                              "rebuilt since, so its weights start afresh.")
            return
        running = self.controller.state == "running"
        self.controller.pause()  # the worker sets weights only while paused (no-op if so)
        self._replaying = True
        try:
            self.controller.set_parameter(name, index, value)
        finally:
            self._replaying = False
        done = f"{'Undone' if step == 'undo' else 'Redone'}: {text}"
        self.message.emit(f"Training paused to set a weight. {done}" if running else done)

    @contextmanager
    def _silence(self):
        self._silent = True
        try:
            yield
        finally:
            self._silent = False

    # -- reading the latest snapshot ---------------------------------------------------
    def _parameter_value(self, name: str, index) -> float | None:
        snapshot = self.controller.latest
        if snapshot is None:
            return None
        array = snapshot.params().get(name)
        if array is None:
            return None
        try:
            idx = ((int(index), 0) if name.startswith("b") and np.ndim(index) == 0
                   else tuple(int(i) for i in np.atleast_1d(index)))
        except (TypeError, ValueError):
            return None
        if len(idx) != 2 or not all(0 <= i < n for i, n in zip(idx, array.shape)):
            return None
        return float(array[idx])

    def _point_near(self, x1: float, x2: float):
        """``(x1, x2, class)`` of the shown point nearest to a removal click (the worker
        picks the same one from the same data, measured the same way)."""
        snapshot = self.controller.latest
        if snapshot is None:
            return None
        d = snapshot.data
        parts = [(d.X_train_raw, d.y_train), (d.X_test_raw, d.y_test)]
        if d.X_dev_raw is not None and d.y_dev is not None:
            parts.append((d.X_dev_raw, d.y_dev))
        X = np.hstack([np.asarray(x, dtype=np.float64) for x, _y in parts])
        y = np.concatenate([np.asarray(labels).reshape(-1) for _x, labels in parts])
        if X.ndim != 2 or X.shape[0] != 2 or X.shape[1] == 0 or y.size != X.shape[1]:
            return None
        span = X.max(axis=1) - X.min(axis=1)
        k = nearest_point(X, np.arange(X.shape[1]), x1, x2, span)
        label = y[k]
        label = int(label) if float(label).is_integer() else float(label)
        return float(X[0, k]), float(X[1, k]), label


def install_undo(window) -> UndoHistory:
    """``window.undo``: the session's undo history (once; the status bar says what it did)."""
    history = getattr(window, "undo", None)
    if isinstance(history, UndoHistory):
        return history
    history = UndoHistory(window.controller, window)
    history.message.connect(lambda text: window.statusBar().showMessage(text, STATUS_MS))
    window.undo = history
    return history


def add_undo_actions(window, edit_menu) -> None:
    """Edit > Undo (Ctrl+Z) and Redo (Ctrl+Shift+Z, Ctrl+Y) first in ``edit_menu``, named
    after the change ("Undo: hidden units 4 → 8"), as ``window.undo_action`` and
    ``window.redo_action``."""
    if getattr(window, "undo_action", None) is not None:
        return
    stack = install_undo(window).stack
    undo = stack.createUndoAction(window, "Undo:")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = stack.createRedoAction(window, "Redo:")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for action, word, signal, keys in ((undo, "Undo", stack.undoTextChanged, "Ctrl+Z"),
                                       (redo, "Redo", stack.redoTextChanged,
                                        "Ctrl+Shift+Z")):
        tip = (f"{word} the last change{' undone' if word == 'Redo' else ''}: a setting, a "
               f"layer, a drawn point, an edited weight or the data set ({keys})")
        action.setToolTip(tip)
        action.setStatusTip(tip)
        _name_when_empty(action, word, signal)
        window.addAction(action)  # the keys work wherever the focus is
    actions = edit_menu.actions()
    first = actions[0] if actions else None
    edit_menu.insertActions(first, [undo, redo])
    if first is not None:
        edit_menu.insertSeparator(first)
    window.undo_action, window.redo_action = undo, redo


class _EmptyName(QObject):
    """"Undo" rather than a bare "Undo:" when there is nothing to undo. A child of the
    action, so the connection ends with it (the stack may outlive it at close)."""

    def __init__(self, action, word: str):
        super().__init__(action)
        self.action, self.word = action, word

    @Slot(str)
    def rename(self, text: str) -> None:
        # The stack is cleared as the window is destroyed, the action's wrapper already gone.
        if not text and shiboken6.isValid(self.action):
            self.action.setText(self.word)


def _name_when_empty(action, word: str, text_changed) -> None:
    namer = _EmptyName(action, word)
    text_changed.connect(namer.rename)  # after the stack's own update of the text
    namer.rename(action.text().removeprefix(f"{word}:").strip())
