"""The result page of the experiments panel: lesson text, conclusion, table and plots.

:class:`ResultView` shows any :class:`~nnviz.experiments.results.ExperimentResult`: lessons,
sweeps and pinned runs alike. Plots sit in a two-column grid (a wide plot such as a grid of
decision boundaries takes a whole row); each has its one-line note under it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHeaderView, QLabel,
                               QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from nnviz.experiments.results import BoundaryPlot, HeatmapPlot

from ...theme import PlotColors
from .plots import make_view

WIDE = (BoundaryPlot, HeatmapPlot)  # these take a full row


def arrange(plots) -> list[list]:
    """Rows of the plot grid: wide plots alone, the others in pairs in their order (a pair's
    row sits where its first plot was, so no half-empty row is left before a wide plot)."""
    rows, open_row = [], None
    for plot in plots:
        if isinstance(plot, WIDE):
            rows.append([plot])
        elif open_row is None:
            open_row = [plot]
            rows.append(open_row)
        else:
            open_row.append(plot)
            open_row = None
    return rows


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
        self.setHorizontalHeaderLabels(list(table.columns))
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
        self.lesson_text = QLabel()
        self.lesson_text.setWordWrap(True)
        self.lesson_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conclusion = QLabel()
        self.conclusion.setWordWrap(True)
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

    # -- content -----------------------------------------------------------------------
    def show_lesson(self, text: str, status: str = "") -> None:
        """Before the result arrives: the lesson text and what is happening."""
        self.result = None
        self.lesson_text.setText(text)
        self.lesson_text.setVisible(bool(text))
        self.conclusion.setText(status)
        self.conclusion.setVisible(bool(status))
        self.table.hide()
        self._clear_plots()

    def show_result(self, result) -> None:
        self.result = result
        self.lesson_text.setText(result.text)
        self.lesson_text.setVisible(bool(result.text))
        took = (f" <span style='color:{self._colors.neutral}'>({result.seconds:.1f} s)</span>"
                if result.seconds > 0 else "")
        self.conclusion.setText(_escape(result.conclusion) + took)
        self.conclusion.show()
        self.table.set_table(result.table)
        self.table.show()
        self._clear_plots()
        for row, plots in enumerate(arrange(result.plots)):
            for col, plot in enumerate(plots):
                card = _PlotCard(make_view(plot, self._colors), getattr(plot, "note", ""),
                                 self._colors)
                span = 2 if len(plots) == 1 else 1  # wide plots and a lone plot: full row
                self.grid.addWidget(card, row, col, 1, span)
                self.views.append(card)
        for c in range(2):
            self.grid.setColumnStretch(c, 1)

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
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(view, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.on_theme(c)

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
                     f"<span style='color:{c.foreground}'>{_escape(label)}</span></span>")
    return "<span style='font-size:9pt'>" + " &nbsp;&nbsp; ".join(parts) + "</span>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
