"""Shortcuts at a glance: F1 or "?" lays every key binding over the window, grouped by menu.

The list is built when it opens, from the window's actual actions (their text and keys, under
the menu that holds them; actions in no menu under "Other keys"), followed by the keys a
panel handles itself while it has the focus (:data:`PANEL_KEYS`). Esc, F1, "?" or a click
closes it. Help > Keyboard shortcuts opens it too; Help > Concepts moves to Shift+F1.

:func:`install_shortcuts_overlay` adds it to a main window (once).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QScrollArea,
                               QVBoxLayout, QWidget)

OVERLAY_KEYS = ("F1", "?")
CONCEPTS_KEY = "Shift+F1"
# Keys a panel handles itself (they are not actions): the Backprop panel's come from its
# key table, the gradient check's from its QShortcuts, the fields' from ui/keyboard.py.
PANEL_KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Backprop panel (click into it first)", (
        ("→", "one step forward"),
        ("←", "one step back"),
        ("Home", "back to the start"),
        ("Shift+→", "every value at once"),
        ("Shift+←", "every derivative at once"))),
    ("Gradient check panel", (
        ("Ctrl+Enter", "run the check"),
        ("Esc", "cancel a running check"))),
    ("Decision boundary", (
        ("Ctrl+click", "follow that example in Backprop"),
        ("click", "add a point of the chosen class (while drawing)"),
        ("Shift+click", "add a point of the next class (while drawing)"),
        ("right click", "remove the nearest point (while drawing)"))),
    ("Any number or text field", (
        ("Enter", "apply the typed value"),
        ("Esc", "drop what was typed"))),
)
_ARROWS = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓"}
BACKDROP = QColor(0, 0, 0, 150)


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def key_text(action: QAction) -> str:
    """The action's keys as the user types them ("Ctrl+S", "F1 or ?")."""
    keys = []
    for sequence in action.shortcuts():
        text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        for name, arrow in _ARROWS.items():
            text = arrow if text == name else text.replace(f"+{name}", f"+{arrow}")
        if text and text not in keys:
            keys.append(text)
    return " or ".join(keys)


def _collect(menu, entries: list, seen: set) -> None:
    for action in menu.actions():
        submenu = action.menu()
        if submenu is not None:
            _collect(submenu, entries, seen)
        elif not action.isSeparator() and not action.shortcut().isEmpty():
            seen.add(action)
            entries.append((key_text(action), _clean(action.text())))


def shortcut_groups(window) -> list[tuple[str, list[tuple[str, str]]]]:
    """``[(group title, [(keys, what), ...]), ...]``: the menus' actions with keys, other
    actions of the window with keys, then the panels' own keys."""
    groups, seen = [], set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        entries: list[tuple[str, str]] = []
        _collect(menu, entries, seen)
        if entries:
            groups.append((_clean(top.text()), entries))
    others = [(key_text(a), _clean(a.text())) for a in window.findChildren(QAction)
              if a not in seen and not a.shortcut().isEmpty() and a.text()]
    if others:
        groups.append(("Other keys", others))
    groups += [(title, list(keys)) for title, keys in PANEL_KEYS]
    return groups


def balanced_columns(groups: list, columns: int) -> list[list]:
    """``groups`` in order, cut into ``columns`` runs of about the same number of lines."""
    sizes = [len(entries) + 2 for _title, entries in groups]  # title and gap
    target = sum(sizes) / columns
    result: list[list] = [[]]
    filled = 0.0
    for group, size in zip(groups, sizes):
        # Start the next column when this group would overshoot by more than half of it.
        if (result[-1] and len(result) < columns
                and filled + size / 2 > target * len(result)):
            result.append([])
        result[-1].append(group)
        filled += size
    return result


def _group_html(title: str, entries: list[tuple[str, str]]) -> str:
    rows = "".join(f"<tr><td style='padding-right:12px'><b>{escape(keys)}</b></td>"
                   f"<td>{escape(what)}</td></tr>" for keys, what in entries)
    return f"<p style='margin-bottom:2px'><b><u>{escape(title)}</u></b></p><table>{rows}</table>"


class ShortcutsOverlay(QWidget):
    """Lies over the whole window (a child of it) while shown."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("shortcuts_overlay")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card = QFrame(self)
        self.card.setObjectName("shortcuts_card")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.card.setAutoFillBackground(True)
        title = QLabel("<b>Keyboard shortcuts</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        hint = QLabel("Esc, F1 or a click closes this")
        hint.setEnabled(False)  # the palette's quieter text colour
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(hint)
        self.content = QWidget()
        self.columns = QHBoxLayout(self.content)
        self.columns.setSpacing(28)
        self.scroll = QScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.content)
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(18, 12, 18, 14)
        layout.addLayout(header)
        layout.addWidget(self.scroll, 1)
        self.labels: list[QLabel] = []
        self.hide()
        window.installEventFilter(self)

    # -- content ---------------------------------------------------------------------------
    def refresh(self) -> None:
        while self.columns.count():
            column = self.columns.takeAt(0).widget()
            column.deleteLater()
        self.labels = []
        groups = shortcut_groups(self.window_)
        for column_groups in balanced_columns(groups, 3 if self.window_.width() >= 1100 else 2):
            column = QWidget()
            stack = QVBoxLayout(column)
            stack.setContentsMargins(0, 0, 0, 0)
            stack.setSpacing(10)
            for title, entries in column_groups:
                label = QLabel(_group_html(title, entries))
                label.setTextFormat(Qt.TextFormat.RichText)
                stack.addWidget(label)
                self.labels.append(label)
            stack.addStretch(1)
            self.columns.addWidget(column, 1)

    def text(self) -> str:
        """Everything the overlay lists, as plain text (tests, accessibility)."""
        groups = shortcut_groups(self.window_)
        return "\n".join(f"{title}\n" + "\n".join(f"  {k}\t{w}" for k, w in entries)
                         for title, entries in groups)

    # -- showing ---------------------------------------------------------------------------
    def open(self) -> None:
        self.refresh()
        self._place()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            self.open()

    def _place(self) -> None:
        """Over the whole window; the card centred, as large as its list (scrolling only
        when the window is too small for it)."""
        self.setGeometry(self.window_.rect())
        room = self.rect().adjusted(20, 16, -20, -16)
        self.content.adjustSize()
        hint = self.card.sizeHint()
        wanted_width = self.content.sizeHint().width() + 60
        width = min(max(hint.width(), wanted_width, room.width() * 3 // 4), room.width())
        height = min(hint.height() + self.content.sizeHint().height(), room.height())
        x = room.x() + (room.width() - width) // 2
        y = room.y() + (room.height() - height) // 2
        self.card.setGeometry(x, y, width, height)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.window_ and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKDROP)
        painter.end()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt,
                           Qt.Key.Key_Meta):
            return
        self.hide()
        event.accept()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.hide()
        event.accept()


def install_shortcuts_overlay(window) -> ShortcutsOverlay:
    """Help > Keyboard shortcuts (F1, ?) and the overlay, once per window; Help > Concepts
    moves to Shift+F1."""
    existing = getattr(window, "shortcuts_overlay", None)
    if existing is not None:
        return existing
    overlay = ShortcutsOverlay(window)
    action = QAction("Keyboard shortcuts", window)
    action.setShortcuts([QKeySequence(k) for k in OVERLAY_KEYS])
    tip = "Every key binding of the window and its panels, at a glance (F1 or ?)"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(overlay.toggle)
    window.addAction(action)
    concepts = getattr(window, "concepts_action", None)
    if concepts is not None and concepts.shortcut() == QKeySequence("F1"):
        concepts.setShortcut(QKeySequence(CONCEPTS_KEY))  # F1 is the overlay's
    help_menu = getattr(window, "help_menu", None)
    if help_menu is not None:
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, action)
    window.shortcuts_overlay = overlay
    window.shortcuts_action = action
    return overlay
