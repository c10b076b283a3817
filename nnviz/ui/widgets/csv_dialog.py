"""File > Open data: preview a CSV, pick the label column and the task, check it, load it.

The check (a full, streaming ``load_csv``) runs on a ``JobRunner`` thread, so a large file
never freezes the window: a progress bar shows how much of the file is read, "Stop checking"
and closing the dialog cancel it (``load_csv`` polls the job's cancel flag), and a changed
option cancels the running check for a new one. Problems are reported with the row and
column ``CSVError`` names, and the offending cell is highlighted in the preview when it is
visible there.
"""
from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from nnviz.engine.data import CSVError
from nnviz.engine.data.csv_parser import file_kind
from nnviz.engine.limits import human_size
from nnviz.training.jobs import JobRunner
from nnviz.training.session_build import load_csv_checked

PREVIEW_ROWS = 20
PREVIEW_BYTES = 64 * 1024
TASKS = [("Detect automatically", None), ("Classification (2 or more classes)", "classification"),
         ("Binary classification", "binary"), ("Multi-class classification", "multiclass"),
         ("Regression (numeric target)", "regression")]


def read_preview(path: Path) -> list[list[str]]:
    """The first rows of the file as text cells (delimiter guessed like load_csv does).
    Anything but a regular file raises ``OSError`` before it is opened (reading a named
    pipe would block the window)."""
    kind = file_kind(path)
    if kind != "file":
        raise OSError(f"it is {kind}, not a regular file" if kind.startswith("a ")
                      else f"it is {kind}")
    with open(path, "r", encoding="utf-8-sig", errors="replace", newline="") as f:
        text = f.read(PREVIEW_BYTES)
    lines = text.splitlines()
    if not lines:
        return []
    first = lines[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get) if max(counts.values()) > 0 else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines[:PREVIEW_ROWS + 1])), delimiter=delimiter))
    return [r for r in rows if r]


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def guess_header(rows: list[list[str]]) -> bool:
    """A header if the first row has text where the second row has numbers (or is all text)."""
    if not rows:
        return False
    first = rows[0]
    if len(rows) < 2:
        return not any(_is_number(c) for c in first)
    second = rows[1]
    return any(not _is_number(a) and _is_number(b) for a, b in zip(first, second)) or \
        not any(_is_number(c) for c in first)


@dataclass(frozen=True)
class CheckFailed:
    """The file was refused: the ``CSVError`` (its row and column mark the preview)."""

    error: Exception


def check_job(path: Path, options: dict, job):
    """The whole file through ``load_csv``, reporting the bytes read; a refused file is a
    :class:`CheckFailed` result, a cancel ends the job (``CSVCancelled``)."""
    def progress(done: int, total: int) -> bool:
        return job.progress(done / max(total, 1),
                            f"{human_size(done)} of {human_size(total)}")

    try:
        # Remembered, so Load builds the session without reading the file again.
        return load_csv_checked(path, **options, progress=progress, cancel=job.cancel_event)
    except (CSVError, ValueError, OSError) as exc:
        return CheckFailed(exc)


class CsvDialog(QDialog):
    """Returns the reading options in :meth:`options` after ``exec()`` is accepted."""

    def __init__(self, path: str | Path, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"Open data: {self.path.name}")
        self.resize(760, 520)
        self.dataset = None
        self._request = 0
        self._runner: JobRunner | None = None  # a thread only while a check runs

        try:
            self.rows = read_preview(self.path)
        except OSError as exc:
            self.rows = []
            self._read_error = f"{self.path.name}: cannot be read ({exc.strerror or exc})."
        else:
            self._read_error = "" if self.rows else f"{self.path.name} is empty."

        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 6)
        self.header = QCheckBox("First row holds &column names")
        self.header.setChecked(guess_header(self.rows))
        self.header.setToolTip("Detected from the file: a first row with text where the next row "
                               "has numbers is a header.")
        self.label_column = QComboBox()
        self.label_column.setToolTip("The column holding y, the target; every other column is "
                                     "an input feature x_j (one example per row).")
        self.task = QComboBox()
        for text, value in TASKS:
            self.task.addItem(text, value)
        self.task.setToolTip("Classification: y holds classes (sigmoid output for 2, softmax for "
                             "more). Regression: y is a number (linear output, squared error).")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setToolTip("How much of the file the check has read.")
        self.stop_button = QPushButton("Stop checking")
        self.stop_button.setToolTip("Stop reading the file. Load stays off until the whole "
                                    "file is checked; change an option to check again.")
        self.stop_button.clicked.connect(self.stop_check)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Load")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.header)
        form.addRow("&Label column (y):", self.label_column)
        form.addRow("&Task:", self.task)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{html.escape(str(self.path))}</b> — first {PREVIEW_ROWS} rows:"))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.status)
        checking = QHBoxLayout()
        checking.addWidget(self.progress, 1)
        checking.addWidget(self.stop_button)
        layout.addLayout(checking)
        layout.addWidget(self.buttons)
        self._show_checking(False)

        self.header.toggled.connect(self._refresh)
        self.label_column.currentIndexChanged.connect(self._check)
        self.task.currentIndexChanged.connect(self._check)
        self._refresh()

    # -- options -----------------------------------------------------------------------
    def options(self) -> dict:
        """Keyword arguments for ``load_csv`` (``label_column`` as a 0-based index)."""
        return {"label_column": self.label_column.currentData(),
                "has_header": self.header.isChecked(),
                "task": self.task.currentData()}

    # -- preview -----------------------------------------------------------------------
    def _refresh(self) -> None:
        rows = self.rows
        has_header = self.header.isChecked()
        width = max((len(r) for r in rows), default=0)
        names = (rows[0] + [""] * (width - len(rows[0]))) if has_header and rows else []
        names = [n or f"column {k + 1}" for k, n in enumerate(names)] or \
            [f"column {k + 1}" for k in range(width)]
        body = rows[1:] if has_header else rows
        self.table.clear()
        self.table.setColumnCount(width)
        self.table.setRowCount(len(body))
        self.table.setHorizontalHeaderLabels(names)
        first_row = 2 if has_header else 1
        self.table.setVerticalHeaderLabels([str(first_row + i) for i in range(len(body))])
        for i, row in enumerate(body):
            for j, cell in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()
        previous = self.label_column.currentData()
        blocked = self.label_column.blockSignals(True)
        self.label_column.clear()
        for k, name in enumerate(names):
            self.label_column.addItem(f"{k + 1}: {name}", k)
        index = previous if isinstance(previous, int) and previous < width else width - 1
        self.label_column.setCurrentIndex(max(index, 0))
        self.label_column.blockSignals(blocked)
        self._check()

    # -- background check --------------------------------------------------------------
    def _check(self) -> None:
        self.dataset = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self._clear_highlight()
        self._request += 1
        runner = self._runner
        if runner is not None and runner.busy:
            runner.cancel()  # the options changed: the running check is out of date
        if self._read_error:
            self._show_checking(False)
            self._show_problem(self._read_error)
            return
        if runner is None:
            runner = self._runner = JobRunner("nnviz-csv-check", self)
            runner.finished.connect(self._on_finished)
            runner.cancelled.connect(self._on_cancelled)
            runner.failed.connect(self._on_failed)
            runner.progress.connect(self._on_progress)
        self.status.setStyleSheet("")
        self.status.setText("Checking the whole file…")
        self.progress.setValue(0)
        self._show_checking(True)
        path, options = self.path, self.options()
        runner.submit(lambda job: check_job(path, options, job), tag=self._request)

    def stop_check(self) -> None:
        if self._runner is not None:
            self._runner.cancel()

    def checking(self) -> bool:
        return self._runner is not None and self._runner.busy

    def done(self, result: int) -> None:  # accept, reject and close all end here
        self._stop_runner()
        super().done(result)

    def _on_progress(self, tag, fraction: float, text: str) -> None:
        if tag == self._request:
            self.progress.setValue(int(1000 * fraction))
            self.status.setText(f"Checking the whole file… {text}")

    def _on_finished(self, tag, result) -> None:
        if tag == self._request:
            self._show_checking(False)
            if isinstance(result, CheckFailed):
                self._check_failed(tag, result.error)
            else:
                self._check_done(tag, result)
        self._stop_runner_if_idle()

    def _on_cancelled(self, tag) -> None:
        if tag == self._request:  # stopped by the user, not replaced by a newer check
            self._show_checking(False)
            self.status.setStyleSheet("")
            self.status.setText("Check stopped: Load needs the whole file checked. Change an "
                                "option (or reopen the file) to check it again.")
        self._stop_runner_if_idle()

    def _on_failed(self, tag, message: str) -> None:
        if tag == self._request:
            self._show_checking(False)
            self._show_problem(f"the file could not be checked ({message}).")
        self._stop_runner_if_idle()

    def _show_checking(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.stop_button.setVisible(on)

    def _stop_runner_if_idle(self) -> None:
        if self._runner is not None and not self._runner.busy:
            self._stop_runner()

    def _stop_runner(self) -> None:
        """Cancel a running check and end its thread (no thread waits while the dialog is
        idle, and none outlives it)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.shutdown()
            runner.deleteLater()

    def _check_done(self, request_id, dataset) -> None:
        if request_id != self._request:
            return
        self.dataset = dataset
        classes = (f", {len(dataset.class_names)} classes ({', '.join(dataset.class_names[:6])}"
                   f"{'…' if len(dataset.class_names) > 6 else ''})"
                   if dataset.task != "regression" else "")
        self.status.setStyleSheet("")
        self.status.setText(f"OK: {dataset.m} examples, {dataset.n_features} features, "
                            f"task {dataset.task}{classes}.")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def _check_failed(self, request_id, exc) -> None:
        if request_id != self._request:
            return
        self._show_problem(str(exc))
        row, col = getattr(exc, "row", None), getattr(exc, "column", None)
        self._highlight(row, col)

    def _show_problem(self, text: str) -> None:
        self.status.setStyleSheet("color: #c62828;")
        self.status.setText(f"Problem: {text}")

    def _clear_highlight(self) -> None:
        for i in range(self.table.rowCount()):
            for j in range(self.table.columnCount()):
                item = self.table.item(i, j)
                if item is not None:
                    item.setBackground(QBrush())

    def _highlight(self, row: int | None, col: int | None) -> None:
        """Mark the reported row/column (1-based, spreadsheet rows) in the preview."""
        first_row = 2 if self.header.isChecked() else 1
        color = QBrush(QColor(230, 80, 80, 110))
        for i in range(self.table.rowCount()):
            for j in range(self.table.columnCount()):
                in_row = row is not None and i == row - first_row
                in_col = col is not None and j == col - 1
                if (in_row and (col is None or in_col)) or (in_col and row is None):
                    item = self.table.item(i, j)
                    if item is None:
                        item = QTableWidgetItem("")
                        self.table.setItem(i, j, item)
                    item.setBackground(color)
        if row is not None and 0 <= row - first_row < self.table.rowCount():
            item = self.table.item(row - first_row, max((col or 1) - 1, 0))
            if item is not None:
                self.table.scrollToItem(item)
