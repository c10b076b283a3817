"""The app's keys (Space, →, R) from anywhere in the window, and text fields that give the
keyboard back after Enter or Escape (offscreen)."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from nnviz.ui.keyboard import is_editing, text_field
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings

TIMEOUT = 20000
APP_KEYS = {Qt.Key.Key_Space: "play", Qt.Key.Key_Right: "step", Qt.Key.Key_R: "reset"}


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in ("builder", "training", "network")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=TIMEOUT)
    yield w
    w.close()


class Presses:
    """Counts the triggers of the play, step and reset actions."""

    def __init__(self, window):
        self.log = []
        for name in APP_KEYS.values():
            getattr(window, f"{name}_action").triggered.connect(
                lambda _=False, name=name: self.log.append(name))


def fields(window) -> list:
    """Every editable text field of the builder a user can reach."""
    found = []
    for widget in window.panels["builder"].findChildren(QWidget):
        field = text_field(widget)
        if field is not None and field.isVisibleTo(window) and field.isEnabled() \
                and field not in found:
            found.append(field)
    return found


def focus(qtbot, widget) -> None:
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=TIMEOUT)


def press(qtbot, key) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key)


def test_every_builder_field_gives_the_keys_back_after_enter(qtbot, window):
    presses = Presses(window)
    found = fields(window)
    kinds = {type(f) for f in found}
    assert len(found) >= 8 and QLineEdit in kinds and QSpinBox in kinds
    for field in found:
        presses.log.clear()
        focus(qtbot, field)
        press(qtbot, Qt.Key.Key_Space)  # typing, not the app's key
        assert presses.log == [], type(field).__name__
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not is_editing(), timeout=TIMEOUT)
        assert QApplication.focusWidget() is window
        for key, name in APP_KEYS.items():
            presses.log.clear()
            press(qtbot, key)
            assert presses.log == [name], (type(field).__name__, name)
    window.controller.pause()


def test_enter_applies_the_typed_value_then_space_trains(qtbot, window):
    builder = window.panels["builder"]
    focus(qtbot, builder.m)
    builder.m.selectAll()
    qtbot.keyClicks(builder.m, "250")
    assert builder.m.value() == 400  # nothing applied while typing
    qtbot.keyClick(builder.m, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: dict(window.controller.config.data.params).get("m") == 250,
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not is_editing(), timeout=TIMEOUT)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.latest.state == "running", timeout=TIMEOUT)
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.controller.latest.state == "paused", timeout=TIMEOUT)


def test_escape_drops_the_typed_text_and_gives_the_keys_back(qtbot, window):
    builder = window.panels["builder"]
    presses = Presses(window)
    edit = builder.learning_rate.edit
    before = window.controller.config
    for field, typed, kept in ((builder.m, "333", "400"), (edit, "0.05", "1.2")):
        focus(qtbot, field)
        field.selectAll()
        qtbot.keyClicks(field, typed)
        qtbot.keyClick(field, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: not is_editing(), timeout=TIMEOUT)
        assert field.text() == kept
        press(qtbot, Qt.Key.Key_Right)
        assert presses.log[-1] == "step"
    qtbot.wait(50)
    assert window.controller.requested_config == before  # nothing was applied
    # A value applied with Enter stays when a later edit is dropped with Escape.
    focus(qtbot, edit)
    edit.selectAll()
    qtbot.keyClicks(edit, "0.5")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.config.hyper.learning_rate == 0.5,
                    timeout=TIMEOUT)
    focus(qtbot, edit)
    qtbot.keyClicks(edit, "9")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not is_editing(), timeout=TIMEOUT)
    assert edit.text() == "0.5" and builder.learning_rate.value() == 0.5


def test_the_keys_work_from_every_widget_that_is_not_a_text_field(qtbot, window):
    presses = Presses(window)
    checked = 0
    for widget in window.findChildren(QWidget):
        if (not widget.isVisible() or widget.focusPolicy() == Qt.FocusPolicy.NoFocus
                or text_field(widget) is not None or not widget.isEnabled()):
            continue
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        if not widget.hasFocus():  # its focus proxy (a spin box's line edit) has it
            continue
        for key, name in APP_KEYS.items():
            presses.log.clear()
            qtbot.keyClick(widget, key)
            assert presses.log == [name], (type(widget).__name__, name)
        checked += 1
    window.controller.pause()
    assert checked >= 10  # combo boxes, buttons, sliders, check boxes, plots


def test_a_dialogs_fields_keep_their_enter(qtbot, window):
    dialog = QDialog(window)
    spin = QSpinBox(dialog)
    QVBoxLayout(dialog).addWidget(spin)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=TIMEOUT)
    focus(qtbot, spin)
    spin.selectAll()
    qtbot.keyClicks(spin, "7")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.wait(30)
    assert spin.value() == 7 and spin.hasFocus()  # not the main window's field
    dialog.close()


