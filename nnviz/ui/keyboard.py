"""Keyboard focus for the app's keys (Space, →, Shift+→, R).

The keys are window shortcuts, and a text field that has the focus keeps them for itself (a
spin box takes Space, → and R as typing). Qt leaves the focus in a field after Enter, so
before this filter the keys did nothing after editing a builder value. :class:`FieldFocus`
ends every edit the same way, whatever the field: Enter applies the typed value, Escape drops
it (back to the value in use), and either gives the focus back to the main window. Only
the window's own fields are concerned, never a dialog's (Enter there presses the default button).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit,
                               QTextEdit, QWidget)

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
END_KEYS = (*ENTER_KEYS, Qt.Key.Key_Escape)


def text_field(widget) -> QWidget | None:
    """The editable text field ``widget`` is (or is the line edit of), else None."""
    if not isinstance(widget, QWidget):
        return None
    if isinstance(widget, QLineEdit) and isinstance(widget.parentWidget(), QAbstractSpinBox):
        widget = widget.parentWidget()
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return None if widget.isReadOnly() else widget
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return None if widget.isReadOnly() else widget
    return None


def is_editing(widget=None) -> bool:
    """Whether a text field has the keyboard (``widget``: the focus widget by default)."""
    widget = QApplication.focusWidget() if widget is None else widget
    return text_field(widget) is not None


def revert(field: QWidget) -> None:
    """Drop what was typed into ``field``: back to the value it holds (applied values are
    kept; a spin box's value changes only when the edit is done)."""
    if hasattr(field, "setValue") and hasattr(field, "value"):
        field.setValue(field.value())  # rewrites the text from the value, emits nothing
    elif isinstance(field, QLineEdit):
        while field.isUndoAvailable():  # back to the text last set by the program
            field.undo()


class FieldFocus(QObject):
    """Owned by ``window``: Enter or Escape in one of its text fields ends the edit and gives
    the focus back, so the window's keys work again. It watches only the field that has the
    focus (an application-wide filter would run Python for every event of the app)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self._field: QWidget | None = None    # the watched field, while it has the focus
        self._pending: QWidget | None = None  # a field to give the focus back from
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def owns(self, widget: QWidget) -> bool:
        return widget.window() is self.window

    def _focus_changed(self, _old, now) -> None:
        if self._field is not None:
            try:
                self._field.removeEventFilter(self)
            except RuntimeError:  # deleted meanwhile
                pass
        field = text_field(now)
        self._field = field if field is not None and self.owns(field) else None
        if self._field is not None:
            self._field.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt naming)
        # ShortcutOverride comes first: a panel's own Escape shortcut may take the key
        # press itself; the key press follows when no shortcut does.
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if event.key() not in END_KEYS or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        field = self._field
        if field is None or obj is not field or not field.hasFocus():
            return False
        if event.key() in ENTER_KEYS and isinstance(field, (QTextEdit, QPlainTextEdit)):
            return False  # a new line
        if event.key() == Qt.Key.Key_Escape:
            revert(field)
        if self._pending is not field:
            self._pending = field
            # After the field has handled the key (Enter applies the value there).
            QTimer.singleShot(0, lambda: self._give_back(field))
        return False

    def _give_back(self, field: QWidget) -> None:
        self._pending = None
        try:
            if field.hasFocus():
                field.window().setFocus(Qt.FocusReason.OtherFocusReason)
        except RuntimeError:  # the field was deleted meanwhile
            pass
