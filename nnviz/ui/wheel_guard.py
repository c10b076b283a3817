"""No input by accident: the mouse wheel over a combo box, spin box or slider scrolls the
panel around it unless that control has the keyboard focus (click it first).

Scrolling a builder with the wheel used to change whatever control passed under the pointer
(the initialization switched from "random" to "Glorot" and rebuilt the network).
:class:`WheelGuard` is the event filter of every guarded control: one that does not have the
focus never sees the wheel, which goes to the nearest scroll area's scroll bar instead; and a
guarded control takes the focus from a click or Tab only (``Qt.StrongFocus``), never from the
wheel itself. Scroll bars keep the wheel: scrolling is what they are for.

The guard meets each control when Qt polishes it (:class:`GuardingStyle`, a proxy of the
platform's own style, sees every widget once, whenever it is made; a control given a QStyle
of its own would not be seen: nnviz gives none). An application-wide event
filter would see every event of every object instead: a Python call, and the GIL taken from
the training worker, for each paint, timer and layout request in the window.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSlider, QAbstractSpinBox,
                               QApplication, QComboBox, QProxyStyle, QScrollBar, QWidget)

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)
_WHEEL = QEvent.Type.Wheel


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

    def adopt(self, control: QWidget) -> None:
        """Guard ``control``: the wheel needs its focus, and the wheel does not focus it."""
        control.installEventFilter(self)  # installing twice keeps one filter
        if control.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == _WHEEL:
            return self._wheel(obj, event)
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


class GuardingStyle(QProxyStyle):
    """The platform's style, unchanged, handing each guarded control to the guard when Qt
    polishes it (once, as it is first shown, or again after a change of style)."""

    def __init__(self, guard: WheelGuard):
        super().__init__()  # the default style of the platform
        self.guard = guard

    def polish(self, target):  # QWidget, QApplication or QPalette (changed in place)
        result = super().polish(target)
        if isinstance(target, QWidget) and guarded(target):
            self.guard.adopt(target)
        return result


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Install the wheel rule on ``app`` (the running application by default), once; returns
    the guard (kept as ``app.wheel_guard``). Widgets that exist already are polished again
    by the change of style, so they are guarded too."""
    app = app if app is not None else QApplication.instance()
    guard = getattr(app, "wheel_guard", None)
    if guard is not None:
        return guard
    guard = WheelGuard(app)
    style = GuardingStyle(guard)
    app.setStyle(style)  # the application owns the style from now on
    app.wheel_guard = guard
    app.wheel_guard_style = style  # its Python side lives as long as the application
    return guard
