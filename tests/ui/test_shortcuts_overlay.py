"""Shortcuts at a glance: F1 and "?" open one overlay listing every action that has a key
(from the window's real actions, by menu) and the keys panels handle themselves."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.presentation import install_presentation
from nnviz.ui.settings import open_settings
from nnviz.ui.shortcuts_overlay import (CONCEPTS_KEY, PANEL_KEYS, balanced_columns, key_text,
                                        install_shortcuts_overlay, shortcut_groups)

TIMEOUT = 20000


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in ("builder", "training", "network", "backprop")])
    qtbot.addWidget(w)
    install_presentation(w)
    install_shortcuts_overlay(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=TIMEOUT)
    yield w
    w.close()


def keyed_actions(window) -> list[QAction]:
    return [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]


def test_the_overlay_lists_every_action_that_has_a_key(window):
    actions = keyed_actions(window)
    assert len(actions) >= 20
    listed = {(keys, what) for _title, entries in shortcut_groups(window)
              for keys, what in entries}
    for action in actions:
        what = action.text().replace("&", "").rstrip("…").strip()
        assert (key_text(action), what) in listed, f"{what} ({key_text(action)}) not listed"
    groups = dict(shortcut_groups(window))
    assert ("Ctrl+S", "Save session") in groups["File"]
    assert ("F11", "Presentation mode") in groups["View"]
    assert ("Space", "Play") in groups["Training"]
    assert ("F1 or ?", "Keyboard shortcuts") in groups["Help"]
    text = window.shortcuts_overlay.text()
    assert "Ctrl+Shift+H" in text and "Backprop panel" in text


def test_f1_and_question_mark_open_and_close_it(window, qtbot):
    overlay = window.shortcuts_overlay
    assert not overlay.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert overlay.labels and any("Save session" in label.text() for label in overlay.labels)
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Question)
    assert overlay.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert not overlay.isVisible()
    # (A real keyboard's Shift+/ also matches "?": the platforms' key mappers offer the
    # key without the Shift it needed; the offscreen test platform does not.)
    qtbot.keyClick(window, Qt.Key.Key_Question)
    assert overlay.isVisible()
    qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()


def test_help_lists_them_and_concepts_moves_to_shift_f1(window):
    help_actions = [a.text() for a in window.help_menu.actions() if a.text()]
    assert help_actions[0] == "Keyboard shortcuts"
    assert window.concepts_action.shortcut() == QKeySequence(CONCEPTS_KEY)
    f1 = [a for a in keyed_actions(window) if QKeySequence("F1") in a.shortcuts()]
    assert f1 == [window.shortcuts_action]  # one action per key: no ambiguous shortcut


def test_no_two_actions_share_a_key(window):
    seen = {}
    for action in keyed_actions(window):
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key}: {seen.get(key)} and {action.text()}"
            seen[key] = action.text()


def test_the_backprop_keys_listed_are_the_panels_own(window):
    panel = window.panel("backprop")
    names = {Qt.Key.Key_Right: "→", Qt.Key.Key_Left: "←", Qt.Key.Key_Home: "Home"}
    handled = {("Shift+" if shift else "") + names[key] for key, shift in panel._keys}
    listed = {keys for title, entries in PANEL_KEYS if title.startswith("Backprop")
              for keys, _what in entries}
    assert listed == handled


def test_columns_are_balanced_and_keep_the_order():
    groups = [(f"g{k}", [("k", "x")] * n) for k, n in enumerate([8, 1, 4, 10, 2, 6, 5, 2])]
    columns = balanced_columns(groups, 3)
    assert [g for column in columns for g in column] == groups
    lengths = [sum(len(e) + 2 for _t, e in column) for column in columns]
    assert len(columns) == 3 and max(lengths) - min(lengths) <= 10
