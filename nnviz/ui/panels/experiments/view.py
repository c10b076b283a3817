"""The result page of the experiments panel: lesson text, conclusion, table and plots.

:class:`ResultView` shows any :class:`~nnviz.experiments.results.ExperimentResult`: lessons,
sweeps and pinned runs alike. Plots sit in a two-column grid (a wide plot such as a grid of
decision boundaries takes a whole row); each has its one-line note under it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHeaderView, QLabel,
                               QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from nnviz.experiments.results import BoundaryPlot, HeatmapPlot

from nnviz.analysis.math_text import math_html, math_plain

from ...theme import PlotColors
from .plots import make_view

WIDE = (BoundaryPlot, HeatmapPlot)  # these take a full row


def slots(plot, columns: int = 2) -> int:
    """Grid columns a plot takes: a wide one two (the whole row of a two-column grid)."""
    return 2 if isinstance(plot, WIDE) else 1


def arrange(plots, columns: int = 2) -> list[list]:
    """Rows of the plot grid, first fit in order: each plot goes into the first row with room
    for it (a wide plot takes two columns), so no half-empty row is left before a wide plot
    and a three-column grid packs a wide plot beside a small one."""
    rows, used = [], []
    for plot in plots:
        need = min(slots(plot, columns), columns)
        for row, taken in enumerate(used):
            if taken + need <= columns:
                rows[row].append(plot)
                used[row] += need
                break
        else:
            rows.append([plot])
            used.append(need)
    return rows


THREE_COLUMNS_WIDTH = 1100


class WrappedLabel(QLabel):
    """A word-wrapped label outside height-for-width layout: its owner sets its minimum
    height from its width on resize (see ResultView._fit_texts)."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return False

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        hint.setHeight(self.minimumHeight())  # what the owner set: no more, no less
        return hint

    def minimumSizeHint(self):  # noqa: N802
        hint = super().minimumSizeHint()
        hint.setHeight(self.minimumHeight())  # (QLabel guesses from a narrow width)
        return hint

    def height_for(self, width: int) -> int:
        """The height the text needs at ``width`` (QLabel's own estimate is generous for
        rich text: up to twice the lines)."""
        if not self.text():
            return 0
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        if self.textFormat() == Qt.TextFormat.PlainText:
            doc.setPlainText(self.text())
        else:
            doc.setHtml(self.text())
        m = self.contentsMargins()
        extra = 2 * self.margin() + 2 * self.frameWidth()
        doc.setTextWidth(max(width - extra - m.left() - m.right(), 20))
        return int(doc.size().height()) + extra + m.top() + m.bottom() + 2


class ResultTable(QTableWidget):
    """A read-only table sized to its rows (no inner scroll bar)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Final numbers of each run. J is the cost on the training (or test) "
                        "split; accuracy is the fraction of examples classified right.")

    def set_table(self, table) -> None:
        self.clear()
        self.setColumnCount(len(table.columns))
        self.setRowCount(len(table.rows))
        self.setHorizontalHeaderLabels([math_plain(c) for c in table.columns])
        for r in range(len(table.rows)):
            for col in range(len(table.columns)):
                item = QTableWidgetItem(table.text(r, col))
                if col > 0 and not isinstance(table.rows[r][col], str):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight |
                                          Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, col, item)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.resizeRowsToContents()
        height = header.height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(max(height, 40))
        # exactly as wide as its columns: no empty band to the right, no inner scroll bar
        # (a narrow panel scrolls the whole page sideways instead)
        self.setFixedWidth(header.length() + 2 * self.frameWidth() + 2)

    def texts(self) -> list[list[str]]:
        return [[self.item(r, c).text() for c in range(self.columnCount())]
                for r in range(self.rowCount())]


class ResultView(QWidget):
    def __init__(self, colors: PlotColors, parent=None):
        super().__init__(parent)
        self._colors = colors
        self.result = None
        self.views = []
        self.lesson_text = WrappedLabel()
        self.lesson_text.setTextFormat(Qt.TextFormat.RichText)

        self.lesson_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conclusion = WrappedLabel()
        self.conclusion.setTextFormat(Qt.TextFormat.RichText)

        self.conclusion.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conclusion.setFrameShape(QFrame.Shape.StyledPanel)
        self.conclusion.setMargin(6)
        self.conclusion.setToolTip("What this run showed, with its numbers.")
        self.table = ResultTable()
        self.plots = QWidget()
        self.grid = QGridLayout(self.plots)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.lesson_text)
        layout.addWidget(self.conclusion)
        layout.addWidget(self.table)
        layout.addWidget(self.plots, 1)
        self.table.hide()
        self.conclusion.hide()
        self.on_theme(colors)

    # -- fitting one screen ---------------------------------------------------------------
    # The scroll area would size this view by height-for-width, which adds up every plot's
    # preferred height (a screenful each). Instead the view is as tall as the viewport and
    # the plots share what the texts leave; the wrapped texts keep the height their width
    # needs, and only a view too small for every minimum scrolls.
    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_texts()

    def _fit_texts(self) -> None:
        margins = self.layout().contentsMargins()
        width = max(self.width() - margins.left() - margins.right(), 100)
        for label in (self.lesson_text, self.conclusion):
            label.setMinimumHeight(label.height_for(width))
        for card in self.views:
            card.fit_texts()

    # -- content -----------------------------------------------------------------------
    def show_lesson(self, text: str, status: str = "") -> None:
        """Before the result arrives: the lesson text and what is happening."""
        self.result = None
        self.lesson_text.setText(math_html(text))
        self.lesson_text.setVisible(bool(text))
        self.conclusion.setText(status)
        self.conclusion.setVisible(bool(status))
        self.table.hide()
        self._clear_plots()
        self._fit_texts()

    def show_result(self, result) -> None:
        self.result = result
        self.lesson_text.setText(math_html(result.text))
        self.lesson_text.setVisible(bool(result.text))
        took = (f" <span style='color:{self._colors.neutral}'>({result.seconds:.1f} s)</span>"
                if result.seconds > 0 else "")
        self.conclusion.setText(math_html(result.conclusion) + took)
        self.conclusion.show()
        self.table.set_table(result.table)
        self.table.show()
        self._clear_plots()
        # A wide view (a lesson shown large) puts three plots in a row, so all of them fit
        # on one screen without scrolling.
        columns = 3 if self.width() >= THREE_COLUMNS_WIDTH else 2
        for row, plots in enumerate(arrange(result.plots, columns)):
            col = 0
            for plot in plots:
                card = _PlotCard(make_view(plot, self._colors), getattr(plot, "note", ""),
                                 self._colors)
                # a lone plot takes the whole row; otherwise as many columns as it needs
                span = columns if len(plots) == 1 else min(slots(plot), columns)
                self.grid.addWidget(card, row, col, 1, span)
                col += span
                self.views.append(card)
        for c in range(3):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        self._fit_texts()

    def set_status(self, text: str) -> None:
        self.conclusion.setText(text)
        self.conclusion.setVisible(bool(text))

    def _clear_plots(self) -> None:
        for card in self.views:
            self.grid.removeWidget(card)
            card.hide()  # gone now, not when the event loop gets to deleteLater
            card.setParent(None)
            card.deleteLater()
        self.views = []

    # -- appearance --------------------------------------------------------------------
    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        self.lesson_text.setStyleSheet(f"color: {c.foreground};")
        border = "#c8c8c8" if not c.dark else "#555555"
        tint = "#f3f7ff" if not c.dark else "#24303f"
        self.conclusion.setStyleSheet(
            f"QLabel {{ background: {tint}; color: {c.foreground}; border: 1px solid {border};"
            " border-radius: 4px; }")
        for card in self.views:
            card.on_theme(c)

    def figures(self) -> dict[str, object]:
        key = self.result.key if self.result is not None else "experiment"
        return {f"{key}_{k + 1}": card.view.figure() for k, card in enumerate(self.views)}


class _PlotCard(QWidget):
    """A plot with its legend (coloured labels, outside the data area) and its one-line
    note under it."""

    def __init__(self, view, note: str, c: PlotColors, parent=None):
        super().__init__(parent)
        self.view = view
        self.legend = WrappedLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.note = WrappedLabel(math_html(note))
        self.note.setTextFormat(Qt.TextFormat.RichText)

        self.note.setVisible(bool(note))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(view, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.on_theme(c)

    def fit_texts(self) -> None:
        for label in (self.legend, self.note):
            label.setMinimumHeight(label.height_for(max(self.width(), 100))
                                   if label.isVisibleTo(self) else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_texts()

    def on_theme(self, c: PlotColors) -> None:
        self.view.on_theme(c)
        entries = self.view.legend_entries(c) if hasattr(self.view, "legend_entries") else []
        self.legend.setText(legend_html(entries, c))
        self.legend.setVisible(bool(entries))
        self.note.setStyleSheet(f"color: {c.neutral}; font-size: 9pt;")


def legend_html(entries, c: PlotColors) -> str:
    """``━ label`` in each series' colour, entries separated by wide spaces."""
    parts = []
    for color, label in entries:
        mark = f"<span style='color:{color}; font-weight:bold'>━━</span> " if color else ""
        parts.append(f"<span style='white-space:nowrap'>{mark}"
                     f"<span style='color:{c.foreground}'>{math_html(label)}</span></span>")
    return "<span style='font-size:9pt'>" + " &nbsp;&nbsp; ".join(parts) + "</span>"

