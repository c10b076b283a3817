"""The wheel rule: over a combo box, spin box or slider that does not have the focus, the
wheel scrolls the panel; once the control is clicked (focused) the wheel changes it."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (QApplication, QComboBox, QLineEdit, QScrollArea, QScrollBar,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from nnviz.ui.wheel_guard import install_wheel_guard

from .panels.builder.conftest import builder, controller  # noqa: F401 (fixtures)

TIMEOUT = 20000


def wheel(widget, steps: int = -1) -> None:
    """One notch of the wheel over the middle of ``widget`` (negative: towards the user)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def guard(qapp):
    return install_wheel_guard(qapp)


def test_the_wheel_over_an_unfocused_combo_scrolls_the_builder_and_changes_nothing(
        qtbot, guard, controller, builder):
    builder.resize(400, 300)  # the builder scrolls
    builder.activateWindow()
    qtbot.waitUntil(builder.isActiveWindow, timeout=TIMEOUT)
    scroll = builder.findChild(QScrollArea).verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.isVisible() and scroll.maximum() > 0, timeout=TIMEOUT)
    combo = builder.init_scheme
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel does not focus it
    index, config = combo.currentIndex(), controller.requested_config
    builder.setFocus()
    wheel(combo)
    assert combo.currentIndex() == index and not combo.hasFocus()
    assert scroll.value() > 0  # the wheel went to the panel
    qtbot.wait(50)
    assert controller.requested_config == config  # no rebuild
    # A spin box and a slider follow the same rule.
    for control in (builder.seed, builder.learning_rate.slider):
        before = control.value()
        wheel(control, +1)
        assert control.value() == before
    # Clicked first, the combo takes the wheel.
    combo.setFocus(Qt.FocusReason.MouseFocusReason)
    assert combo.hasFocus()
    wheel(combo)
    assert combo.currentIndex() != index
    qtbot.waitUntil(lambda: controller.config.network.init == combo.currentData(),
                    timeout=TIMEOUT)


def test_scroll_bars_keep_the_wheel_and_controls_outside_a_scroll_area_ignore_it(qtbot,
                                                                                 guard):
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    text = QLineEdit()  # has the focus
    spin, slider, bar = QSpinBox(), QSlider(Qt.Orientation.Horizontal), QScrollBar()
    spin.setRange(0, 10)
    slider.setRange(0, 10)
    bar.setRange(0, 10)
    for widget in (text, spin, slider, bar):
        layout.addWidget(widget)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=TIMEOUT)
    text.setFocus()
    qtbot.waitUntil(text.hasFocus, timeout=TIMEOUT)
    wheel(spin, +1)
    wheel(slider, +1)
    assert spin.value() == 0 and slider.value() == 0
    wheel(bar, -1)
    assert bar.value() > 0  # a scroll bar scrolls: that is what it is for
    spin.setFocus()
    wheel(spin, +1)
    assert spin.value() == 1


def test_the_guard_is_installed_once_and_sets_strong_focus_on_new_controls(qtbot, guard, qapp):
    assert install_wheel_guard(qapp) is guard
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.setFocusPolicy(Qt.FocusPolicy.WheelFocus)
    combo.show()  # polished now
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_a_control_made_later_inside_a_shown_panel_is_guarded_too(qtbot, guard, qapp):
    # The guard meets controls as Qt polishes them (a proxy of the platform's style), not
    # through an application-wide event filter that would see every event of every object.
    assert qapp.style().guard is guard
    window = QScrollArea()
    qtbot.addWidget(window)
    inner = QWidget()
    layout = QVBoxLayout(inner)
    for _ in range(30):
        layout.addWidget(QLineEdit())
    window.setWidget(inner)
    window.setWidgetResizable(True)
    window.resize(200, 150)
    window.show()
    qtbot.waitUntil(lambda: window.verticalScrollBar().maximum() > 0, timeout=TIMEOUT)
    combo = QComboBox()  # added to a panel already on screen, as a new layer row is
    combo.addItems(["random", "He", "Glorot"])
    layout.insertWidget(0, combo)
    qtbot.waitUntil(combo.isVisible, timeout=TIMEOUT)
    assert combo.focusPolicy() == Qt.FocusPolicy.StrongFocus
    wheel(combo)
    assert combo.currentIndex() == 0  # unchanged
    assert window.verticalScrollBar().value() > 0  # the panel scrolled instead
