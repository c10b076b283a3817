"""No input by accident: the mouse wheel over a combo box, spin box or slider scrolls the
panel around it unless that control has the keyboard focus (click it first).

Scrolling a builder with the wheel used to change whatever control passed under the pointer
(the initialization switched from "random" to "Glorot" and rebuilt the network).
:class:`WheelGuard` is one application-wide event filter: a guarded control that does not have
the focus never sees the wheel, which goes to the nearest scroll area's scroll bar instead;
and a guarded control takes the focus from a click or Tab only (``Qt.StrongFocus``), never
from the wheel itself. Scroll bars keep the wheel: scrolling is what they are for.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox,
                               QApplication, QComboBox, QScrollBar, QWidget)

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)
_WHEEL, _POLISH = QEvent.Type.Wheel, QEvent.Type.Polish


def guarded(widget) -> bool:
    """Whether the wheel over ``widget`` needs the focus first."""
    return isinstance(widget, GUARDED) and not isinstance(widget, QScrollBar)


def _has_focus(control: QWidget) -> bool:
    focus = QApplication.focusWidget()
    return focus is not None and (focus is control or control.isAncestorOf(focus))


def scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area ``widget`` is inside, if any."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """The application's wheel rule (install with :func:`install_wheel_guard`)."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt naming)
        kind = event.type()
        if kind == _WHEEL:
            return self._wheel(obj, event)
        if kind == _POLISH and guarded(obj) and obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel does not focus it
        return False

    def _wheel(self, obj, event) -> bool:
        if not guarded(obj) or _has_focus(obj):
            return False  # not a guarded control (its parent may be), or clicked first
        area = scroll_area_of(obj)
        if area is not None:
            delta = event.angleDelta()
            horizontal = abs(delta.x()) > abs(delta.y())
            bar = area.horizontalScrollBar() if horizontal else area.verticalScrollBar()
            if bar is not None and bar.isVisible():
                QApplication.sendEvent(bar, event)
        return True  # the control itself never takes the wheel unfocused


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Install the wheel rule on ``app`` (the running application by default), once; returns
    the guard (kept as ``app.wheel_guard``). A guarded control gets StrongFocus when it is
    first polished, so install it before the window is shown."""
    app = app if app is not None else QApplication.instance()
    guard = getattr(app, "wheel_guard", None)
    if guard is not None:
        return guard
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    app.wheel_guard = guard
    # Widgets get StrongFocus when first polished (as they are shown). No walk over
    # app.allWidgets(): it can hold widgets half destroyed by then.
    return guard
