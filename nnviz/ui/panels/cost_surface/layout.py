"""The parts that let the cost surface panel fit any size with the map taking most of it.

- :class:`SettingsStrip`: the settings folded behind one button in the header; opened, a
  strip above the map with its groups in as many columns as the width allows (vertical
  scrolling only, never more than a share of the panel's height).
- :class:`NotesBox`: the key, the status line and the lesson under the map. When the panel
  is too short for the lesson and a large map, the lesson folds behind a button (its text
  stays in the button's tooltip); when there is room it is always shown in full.
- :class:`WrappedLabel`: a word-wrapped label that is never squeezed below its text.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QScrollArea, QToolButton, QVBoxLayout, QWidget

STRIP_SHARE = 0.4   # an open strip takes at most this share of the panel's height

SETTINGS_TIP = ("Show or hide the surface's settings: the directions of the slice, the loss, "
                "the grid's resolution and extent, the colour scale and the 3-D view.")
LESSON_TIP_HEAD = ("The panel is short, so the explanation is folded to leave the map its "
                   "room; click to read it here:\n\n")


class WrappedLabel(QLabel):
    """A word-wrapped label whose minimum height is what its text needs at its actual width
    (a plain one can be squeezed below that by its layout, cutting the last lines off)."""

    def __init__(self, text: str = ""):
        super().__init__(text)
        self.setWordWrap(True)
        self._width = -1

    def minimumSizeHint(self):  # noqa: N802 (Qt API)
        hint = super().minimumSizeHint()
        if self.width() > 0:
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if self.width() != self._width:  # new width, new number of lines
            self._width = self.width()
            self.updateGeometry()


def _toggle(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setCheckable(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setArrowType(Qt.ArrowType.RightArrow)
    button.setAutoRaise(True)
    button.setToolTip(tip)
    button.toggled.connect(lambda on: button.setArrowType(
        Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow))
    return button


class SettingsStrip(QScrollArea):
    """The settings widget (``controls``, with ``columns_for``/``arrange``) in a strip that
    opens and closes with :attr:`toggle`."""

    def __init__(self, controls: QWidget):
        super().__init__()
        self.controls = controls
        self.setWidget(controls)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.toggle = _toggle("Settings", SETTINGS_TIP)
        self.toggle.toggled.connect(self.setVisible)
        self.hide()

    def fit(self, width: int, panel_height: int) -> int:
        """Arrange the groups for ``width`` and take the height they need, at most
        ``STRIP_SHARE`` of the panel (the rest scrolls); returns that height (0 if closed)."""
        bar = self.verticalScrollBar().sizeHint().width()
        self.controls.arrange(self.controls.columns_for(width - bar))
        layout = self.controls.layout()
        layout.activate()
        needed = (layout.totalHeightForWidth(width - bar) if layout.hasHeightForWidth()
                  else layout.totalSizeHint().height())
        height = max(min(needed, int(STRIP_SHARE * panel_height)), 60)
        self.setFixedHeight(height)
        return height if self.toggle.isChecked() else 0


class NotesBox(QWidget):
    """The texts under the map: ``legend``, ``status`` and ``lesson`` (all WrappedLabels)."""

    def __init__(self):
        super().__init__()
        self.legend = WrappedLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.status = None  # set by the panel (the settings own the status label)
        self.lesson = WrappedLabel()
        self.lesson.setTextFormat(Qt.TextFormat.RichText)
        self.lesson.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.lesson_toggle = _toggle("What this surface shows", "")
        self.lesson_toggle.hide()
        self.lesson_toggle.toggled.connect(self._show_lesson)
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(4, 0, 4, 4)  # the text off the panel's edges
        self._column.setSpacing(2)
        self.foldable = False

    def set_status(self, status: QLabel) -> None:
        self.status = status
        for widget in (self.legend, status, self.lesson_toggle, self.lesson):
            self._column.addWidget(widget)

    def text_height(self, label: QLabel, width: int) -> int:
        return label.heightForWidth(width) if label.text() else 0

    def fixed_height(self, width: int) -> int:
        """What the key and the status line need at ``width``, with the spacing."""
        margins = self._column.contentsMargins()
        return (self.text_height(self.legend, width) + self.text_height(self.status, width)
                + 3 * self._column.spacing() + margins.top() + margins.bottom())

    def set_foldable(self, foldable: bool) -> None:
        """Foldable: the lesson sits behind its button (closed unless the learner opened
        it); otherwise it is always shown."""
        self.foldable = foldable
        self.lesson_toggle.setVisible(foldable)
        self._show_lesson(self.lesson_toggle.isChecked())

    def update_lesson_tip(self) -> None:
        document = QTextDocument()
        document.setHtml(self.lesson.text())
        self.lesson_toggle.setToolTip(LESSON_TIP_HEAD + document.toPlainText())

    def _show_lesson(self, on: bool) -> None:
        self.lesson.setVisible(bool(self.lesson.text()) and (on or not self.foldable))
