"""Where the inspector's parts sit. Top to bottom: the verdict's explanation, the plots side
by side (where it is wrong | error against ε), the parameter table across the whole width
(its columns are never cut). The same arrangement reads at 600 px wide and at 1400; the
heights are shared out for the panel's size until the user drags a splitter."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QSplitter, QTabWidget, QTextBrowser,
                               QVBoxLayout, QWidget)

EXPLANATION_LINES = 3  # shown at first; the text scrolls, and its splitter can be dragged
TABLE_SHARE, TABLE_MIN, TABLE_MAX = 0.34, 150, 340  # the parameter table's height, px
TABLE_FLOOR, PLOTS_MIN = 110, 300  # px: when short, the plots' row keeps this much first


def tabs(pages, tips) -> QTabWidget:
    """A tab widget whose tab names are never elided."""
    widget = QTabWidget()
    widget.setDocumentMode(True)  # no frame: its pixels go to the plots
    for (page, name), tip in zip(pages, tips):
        widget.setTabToolTip(widget.addTab(page, name), tip)
    widget.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
    return widget


def side_by_side(*widgets) -> QSplitter:
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.setHandleWidth(4)
    for index, widget in enumerate(widgets):
        splitter.addWidget(widget)
        splitter.setStretchFactor(index, 1)  # equal halves
    splitter.setChildrenCollapsible(False)
    return splitter


def table_with_head(table, *head_widgets) -> QWidget:
    """The table under a row of its title, filter and caption (the last one stretches)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    head = QHBoxLayout()
    for widget in head_widgets:
        head.addWidget(widget, 1 if widget is head_widgets[-1] else 0)
    column.addLayout(head)
    column.addWidget(table, 1)
    return box


class ResultsSplitter(QSplitter):
    """Explanation, plots, table, top to bottom, with heights shared out for its size."""

    def __init__(self, explanation: QTextBrowser, plots: QWidget, table: QWidget):
        super().__init__(Qt.Orientation.Vertical)
        self.explanation = explanation
        for widget in (explanation, plots, table):
            self.addWidget(widget)
        self.setChildrenCollapsible(False)
        self.dragged = False  # once dragged, the heights are the user's
        self.splitterMoved.connect(lambda *_: setattr(self, "dragged", True))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if not self.dragged:
            self.share_height()

    def share_height(self) -> None:
        """The plots take most of the height, the table a third of it (6 rows or more);
        when short, the plots keep PLOTS_MIN first: the table goes down to 4 rows, then the
        explanation to 2 lines (both scroll)."""
        total = self.height() - 2 * self.handleWidth()
        for lines in (EXPLANATION_LINES, 2):
            explanation = self._explanation_height(lines)
            rest = total - explanation
            table = int(min(max(TABLE_SHARE * rest, TABLE_MIN), TABLE_MAX))
            if rest - table < PLOTS_MIN:
                table = max(rest - PLOTS_MIN, TABLE_FLOOR)
            if rest - table >= PLOTS_MIN:
                break
        self.setSizes([explanation, max(rest - table, 1), table])

    def _explanation_height(self, lines: int) -> int:
        box = self.explanation
        margins = 2 * (box.frameWidth() + box.document().documentMargin())
        return int(lines * box.fontMetrics().lineSpacing() + margins + 1)


def bold_label(text: str) -> QLabel:
    return QLabel(f"<b>{text}</b>")
