"""Read a user's CSV file into a :class:`Dataset`, with errors a learner can act on.

Every problem raises :class:`CSVError` (a ``ValueError``) whose message names the file,
the row and column where it is (row numbers count lines as a spreadsheet shows them, the
header being row 1; column numbers start at 1) and what to do about it.

The file is streamed: a first pass counts its lines, the arrays are allocated once (within
the limits of :mod:`nnviz.engine.limits`), and blocks of about 256 kB are parsed straight
into them. A block of plain (or quoted) numbers goes through NumPy's C parser; any block it
does not take (comments, blank lines, text labels, a bad value) is parsed cell by cell, which
also finds the exact row and column of a problem.
"""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import NoReturn

import numpy as np

from ..gradcheck.problem import Cancelled, Progress
from ..limits import (MAX_CLASSES, MAX_CSV_BYTES, MAX_DATA_VALUES, MAX_EXAMPLES, MAX_FEATURES,
                      human_size)
from .dataset import TASKS, Dataset

MIN_ROWS = 4            # fewer data rows cannot be split into training and test examples
MAX_AUTO_CLASSES = 10   # integer labels with at most this many values count as classes
_DELIMITERS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_BLOCK_CHARS = 1 << 18  # characters read per block; bounds the parser's temporary memory


class CSVError(ValueError):
    """A problem in a CSV file. ``row`` and ``column`` are 1-based, or None if not tied to one."""

    def __init__(self, message: str, path, row: int | None = None, column: int | None = None):
        super().__init__(message)
        self.path = Path(path)
        self.row = row
        self.column = column


class CSVCancelled(Cancelled):
    """Raised by :func:`load_csv` when its ``cancel`` flag is set or ``progress`` says stop."""

    what = "CSV loading"


class _TextLabels(Exception):
    """A label that is not a number turned up: read the file again with text labels."""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _sniff_delimiter(first_line: str) -> str:
    """Pick the most frequent of , ; tab in the first line (comma if none appears)."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def load_csv(path, label_column: int | str | None = None, has_header: bool | None = None,
             task: str | None = None, class_names: tuple[str, ...] | None = None, *,
             progress=None, cancel=None, text: str | None = None) -> Dataset:
    """Load ``path`` as a data set: one example per row, one label column, the rest features.

    label_column: column name (needs a header) or 0-based index (negative counts from the
        end); default the last column.
    has_header: True/False, or None to guess (the first row is a header if it has text where
        the next row has a number, or is all text).
    task: "binary", "multiclass", "regression", "classification" (binary or multiclass by
        the number of classes), or None to guess: text labels, or whole numbers with few
        distinct values, mean classification; anything else regression.
    class_names: optional fixed class order; labels are mapped to their index in it.
        Otherwise classes are sorted (numerically when the labels are numbers).
    progress: ``progress(bytes_done, bytes_total)``, called about every 50 ms; returning
        ``False`` cancels, as does setting ``cancel`` (a ``threading.Event`` or a callable):
        :class:`CSVCancelled` is raised. For loading off the GUI thread.
    text: the file's content, already in memory (a session's embedded CSV); ``path`` then
        only names it in messages and metadata, and nothing is read from or written to disk.
    """
    if task is not None and task not in TASKS + ("classification",):
        raise ValueError(f"task must be one of {TASKS + ('classification',)} or None, "
                         f"got {task!r}")
    if label_column is not None and (isinstance(label_column, bool) or not isinstance(
            label_column, (int, np.integer, str))):
        raise ValueError(f"label_column must be a column name, an index or None, "
                         f"got {label_column!r}")
    path = Path(path)
    if text is None and not path.exists():
        raise CSVError(f"File not found: {path}. Check the path and that the file was not "
                       f"moved or renamed.", path)
    if text is None and not path.is_file():
        raise CSVError(f"{path} is not a file. Choose a .csv file, not a folder.", path)
    reader = _Reader(path, label_column, has_header, task, class_names, progress, cancel, text)
    try:
        try:
            return reader.read(text_labels=False)
        except _TextLabels:
            return reader.read(text_labels=True)
    except UnicodeDecodeError:
        reader.fail("is not UTF-8 text", "Save it as 'CSV UTF-8' (a spreadsheet's text "
                    "export), not as a workbook such as .xlsx")
    except OSError as exc:
        reader.fail(f"cannot be read ({exc.strerror or exc})", "Check that the file is readable")


class _Reader:
    def __init__(self, path, label_column, has_header, task, class_names, progress, cancel,
                 text=None):
        self.path, self.fname = path, path.name or str(path)
        self.label_column, self.has_header, self.task = label_column, has_header, task
        self.class_names = class_names
        self.text = text
        self.size = path.stat().st_size if text is None else len(text)
        self.tracker = Progress(max(self.size, 1), progress, cancel, error=CSVCancelled)

    def fail(self, problem: str, hint: str, row: int | None = None, col: int | None = None,
             col_name: str | None = None) -> NoReturn:
        where = [f"row {row}"] * (row is not None) + [
            f"column {col}" + (f" ({col_name!r})" if col_name else "")] * (col is not None)
        loc = f" {', '.join(where)}" if where else ""
        raise CSVError(f"{self.fname}{loc}: {problem}. {hint}", self.path, row, col)

    # -- the file ----------------------------------------------------------------------------
    def read(self, text_labels: bool) -> Dataset:
        if self.size > MAX_CSV_BYTES:
            self.fail(f"is {human_size(self.size)}", f"nnviz reads CSV files up to "
                      f"{human_size(MAX_CSV_BYTES)} (the file size limit); use a sample")
        self.tracker.done = 0
        self.tracker.check()
        lines_upper = self._count_lines()
        with (open(self.path, encoding="utf-8-sig", newline="") if self.text is None
              else io.StringIO(self.text.removeprefix("\ufeff"), newline="")) as f:
            self.blocks = self._blocks(f)
            self._preamble(lines_upper, text_labels)
            for first_line, lines in self.blocks:
                self._block(first_line, lines)
        self.tracker.advance(max(0, self.tracker.total - self.tracker.done))
        return self._dataset()

    def _count_lines(self) -> int:
        if self.text is not None:
            return max(self.text.count("\n"), self.text.count("\r")) + 1
        newlines = returns = 0
        with open(self.path, "rb") as f:
            while chunk := f.read(1 << 22):
                newlines += chunk.count(b"\n")
                returns += chunk.count(b"\r")
                self.tracker.check()
        return max(newlines, returns) + 1

    def _blocks(self, f):
        """``(number of its first line, lines)``; a block never ends inside quotes."""
        line_no = 1
        while True:
            lines = f.readlines(_BLOCK_CHARS)
            if not lines:
                return
            quotes = sum(ln.count('"') for ln in lines) if '"' in "".join(lines) else 0
            while quotes % 2:  # a quoted field goes on in the next lines
                more = f.readlines(_BLOCK_CHARS)
                if not more:
                    self._check_unclosed_quote(line_no, lines)
                    break
                lines += more
                quotes += sum(ln.count('"') for ln in more)
            yield line_no, lines
            line_no += len(lines)
            self.tracker.advance(sum(map(len, lines)))

    def _check_unclosed_quote(self, first_line: int, lines: list[str]) -> None:
        delimiter = getattr(self, "delimiter", None) or _sniff_delimiter(lines[0])
        try:
            for _ in csv.reader(lines, delimiter=delimiter, strict=True):
                pass
        except csv.Error:
            opened, odd = None, False
            for i, ln in enumerate(lines):
                if ln.count('"') % 2:
                    odd = not odd
                    opened = first_line + i if odd else None
            self.fail('has a quote (") that opens here and is never closed',
                      "Close the quote, or remove it if it is part of a value", row=opened)

    def _records(self, first_line: int, lines):
        """``(row, stripped cells)`` of the lines, skipping blank lines and '#' comments."""
        reader = csv.reader(lines, delimiter=self.delimiter)
        try:
            for cells in reader:
                cells = [c.strip() for c in cells]
                if not any(cells) or cells[0].startswith("#"):
                    continue
                yield first_line + reader.line_num - 1, cells
        except csv.Error as exc:
            self.fail(f"is not valid CSV ({exc})", "Check quotes in that row",
                      row=first_line + reader.line_num - 1)

    # -- header, label column, allocation ---------------------------------------------------
    def _preamble(self, lines_upper: int, text_labels: bool) -> None:
        pending, records = [], []
        for first_line, lines in self.blocks:
            if not hasattr(self, "delimiter"):
                first = next((ln for ln in lines if ln.strip()
                              and not ln.lstrip().startswith("#")), None)
                if first is None:
                    continue
                self.delimiter = _sniff_delimiter(first)
            pending.append((first_line, lines))
            records += list(self._records(first_line, lines))
            if len(records) >= 2:
                break
        if not records:
            self.fail("is empty", "A data file needs one example per row: feature values, "
                      "then the label")
        # Trailing delimiters on every line make empty last columns: drop them.
        width = max(len(c) for _, c in records)
        while width > 1 and all(len(c) < width or not c[width - 1] for _, c in records):
            width -= 1
        head = records[0][1]
        self.n_cols = n_cols = min(width, len(head))
        has_header = self.has_header
        if has_header is None:
            nxt = records[1][1] if len(records) > 1 else []
            has_header = all(c and not _number(c) is not None for c in head) or any(
                c and not _number(c) is not None and j < len(nxt) and _number(nxt[j]) is not None
                for j, c in enumerate(head[:n_cols]))
        self.header_found = bool(has_header)
        if has_header:
            self.header_line = records[0][0]
            self.names = [c or f"column {j + 1}" for j, c in enumerate(head[:n_cols])]
        else:
            self.header_line, self.names = None, [f"x{j + 1}" for j in range(n_cols)]
        if n_cols < 2:
            self.fail(f"has only one column (separator {self.delimiter!r} not found)",
                      "A data file needs at least one feature column and a label column, "
                      "separated by commas", row=records[0][0])
        self.label_idx = self._label_index()
        self.feat_idx = [j for j in range(n_cols) if j != self.label_idx]
        n_features = len(self.feat_idx)
        if n_features > MAX_FEATURES:
            self.fail(f"has {n_features} feature columns", f"nnviz takes at most {MAX_FEATURES} "
                      "features (the feature limit); keep fewer columns")
        capacity = min(lines_upper, MAX_EXAMPLES)
        if n_features * capacity > MAX_DATA_VALUES:
            self.fail(f"has about {capacity:,} rows of {n_features} features",
                      f"nnviz holds at most {MAX_DATA_VALUES:,} feature values (the data "
                      "limit); use a sample of the rows or fewer columns")
        self.X = np.empty((n_features, capacity))
        self.y = np.empty(capacity, dtype=np.int32 if text_labels else np.float64)
        self.rows = np.empty(capacity, dtype=np.int32)  # line numbers, for error messages
        self.m = 0
        self.text_labels = text_labels
        self.codes: dict[str, int] = {}
        self.skip_line = self.header_line
        for first_line, lines in pending:  # the first blocks again, now as data
            self._block(first_line, lines)

    def _label_index(self) -> int:
        n_cols, label_column, names = self.n_cols, self.label_column, self.names
        if label_column is None:
            return n_cols - 1
        if not isinstance(label_column, str):
            if not -n_cols <= label_column < n_cols:
                self.fail(f"has no column with index {label_column} to use as the label",
                          f"It has {n_cols} columns: use an index from 0 to {n_cols - 1} (or "
                          "-1 for the last)")
            return int(label_column) % n_cols
        if not self.header_found:
            self.fail(f"has no header row, so there is no column named {label_column!r}",
                      "Give the label column as a number (0 = first), or add a header row")
        matches = [j for j, n in enumerate(names) if n == label_column] or [
            j for j, n in enumerate(names) if n.lower() == label_column.strip().lower()]
        if not matches:
            shown = ", ".join(repr(n) for n in names[:12]) + (", ..." if n_cols > 12 else "")
            self.fail(f"has no column named {label_column!r}", f"Its columns are: {shown}",
                      row=self.header_line)
        if len(matches) > 1:
            self.fail(f"has {len(matches)} columns named {label_column!r}",
                      "Rename them so the label column is unique, or give its index",
                      row=self.header_line, col=matches[0] + 1, col_name=label_column)
        return matches[0]

    # -- blocks ----------------------------------------------------------------------------------
    def _block(self, first_line: int, lines: list[str]) -> None:
        self.tracker.check()
        header = self.skip_line
        if header is not None and first_line <= header < first_line + len(lines):
            # the lines up to the header are the header, blank lines and comments
            lines, first_line = lines[header - first_line + 1:], header + 1
        if not self._fast_block(first_line, lines):
            self._slow_block(first_line, lines)

    def _fast_block(self, first_line: int, lines: list[str]) -> bool:
        """Plain numbers only: NumPy's C parser. False if the block needs the exact path."""
        if not lines or self.text_labels:
            return False
        if "#" in "".join(lines):  # a comment line is skipped only by the exact path
            return False
        try:
            values = np.loadtxt(lines, delimiter=self.delimiter, dtype=np.float64,
                                comments=None, ndmin=2, quotechar='"')
        except ValueError:
            return False
        r = values.shape[0]
        if values.shape[1] != self.n_cols or r != len(lines) or not np.isfinite(values).all():
            return False
        s = self._room(r, first_line)
        self.X[:, s:s + r] = values[:, self.feat_idx].T
        self.y[s:s + r] = values[:, self.label_idx]
        self.rows[s:s + r] = np.arange(first_line, first_line + r)
        self.m += r
        return True

    def _slow_block(self, first_line: int, lines: list[str]) -> None:
        n_cols, names, label_idx = self.n_cols, self.names, self.label_idx
        for line_no, cells in self._records(first_line, lines):
            if line_no == self.skip_line:
                continue
            if len(cells) != n_cols and (len(cells) < n_cols or any(cells[n_cols:])):
                self.fail(f"has {len(cells)} values but the first row has {n_cols}",
                          "Every row needs the same number of columns; fix or delete this row",
                          row=line_no)
            i = self._room(1, line_no)
            for k, j in enumerate(self.feat_idx):
                self.X[k, i] = self._feature(cells[j], line_no, j)
            self.y[i] = self._label(cells[label_idx], line_no)
            self.rows[i] = line_no
            self.m += 1

    def _room(self, n: int, first_line: int) -> int:
        """Index for ``n`` rows on consecutive lines from ``first_line``."""
        if self.m + n > MAX_EXAMPLES:
            self.fail(f"has more than {MAX_EXAMPLES:,} data rows", "nnviz holds at most "
                      f"{MAX_EXAMPLES:,} examples (the example limit); use a sample",
                      row=first_line + MAX_EXAMPLES - self.m)
        if self.m + n > self.X.shape[1]:  # more lines than counted (stray carriage returns)
            grow = max(self.m + n, 2 * self.X.shape[1])
            self.X = np.concatenate([self.X[:, :self.m],
                                     np.empty((self.X.shape[0], grow - self.m))], axis=1)
            self.y = np.concatenate([self.y[:self.m], np.empty(grow - self.m, self.y.dtype)])
            self.rows = np.concatenate([self.rows[:self.m], np.empty(grow - self.m, np.int32)])
        return self.m

    def _feature(self, cell: str, line_no: int, j: int) -> float:
        value = _number(cell)
        if value is None:
            if not cell:
                self.fail("has an empty cell (a missing value)",
                          "Fill it in or delete the row; features must all be numbers",
                          row=line_no, col=j + 1, col_name=self.names[j])
            hint = ("It looks like a decimal comma: save the file with '.' as the decimal "
                    "separator" if _DECIMAL_COMMA.match(cell) else
                    "Features must be numbers: fix the value, or remove or encode the "
                    "column (for example 0/1 instead of no/yes)")
            self.fail(f"has text {cell!r} in a numeric feature column", hint,
                      row=line_no, col=j + 1, col_name=self.names[j])
        if not math.isfinite(value):
            self.fail(f"has the value {cell!r} (NaN or infinity)",
                      "Replace it with a real number or delete the row",
                      row=line_no, col=j + 1, col_name=self.names[j])
        return value

    def _label(self, cell: str, line_no: int):
        lcol = dict(row=line_no, col=self.label_idx + 1, col_name=self.names[self.label_idx])
        if not cell:
            self.fail("has no label (empty cell in the label column)",
                      "Fill in the label or delete the row", **lcol)
        if self.text_labels:
            code = self.codes.get(cell)
            if code is None:
                if len(self.codes) >= MAX_CLASSES:
                    self._too_many_classes(**lcol)
                code = self.codes[cell] = len(self.codes)
            return code
        value = _number(cell)
        if value is None:
            if self.task == "regression":
                self.fail(f"has the text label {cell!r} but the task is regression",
                          "Regression needs numeric targets: fix the value, or choose "
                          "classification", **lcol)
            raise _TextLabels()
        if not math.isfinite(value):
            self.fail(f"has the label {cell!r} (NaN or infinity)",
                      "Replace it with a real value or delete the row", **lcol)
        return value

    def _too_many_classes(self, **where) -> NoReturn:
        self.fail(f"has more than {MAX_CLASSES} different labels", f"nnviz classifies into at "
                  f"most {MAX_CLASSES} classes (the class limit, one output unit each); check "
                  "that the right column is the label, or choose regression for numeric "
                  "targets", **where)

    # -- the data set ----------------------------------------------------------------------------
    def _dataset(self) -> Dataset:
        m = self.m
        if m < MIN_ROWS:
            what = "only a header and no data rows" if not m else f"only {m} data rows"
            self.fail(f"has {what}", f"At least {MIN_ROWS} examples are needed to train and "
                      "test")
        X = self.X[:, :m] if m == self.X.shape[1] else self.X[:, :m].copy()
        self.X = None  # the oversized buffer goes as soon as the copy exists
        y, rows = self.y[:m], self.rows[:m]
        lcol = dict(col=self.label_idx + 1, col_name=self.names[self.label_idx])
        task = self.task
        if task is None:
            if self.text_labels:
                task = "classification"
            else:
                whole = bool(np.all(y == np.round(y)))
                n_distinct = np.unique(y).size
                few = n_distinct <= min(MAX_AUTO_CLASSES, max(2, m // 2))
                task = "classification" if whole and few else "regression"
        label_name = self.names[self.label_idx]
        meta = {"path": str(self.path), "has_header": self.header_found,
                "delimiter": self.delimiter, "label_column": label_name}
        common = dict(name=self.path.stem, X=X,
                      feature_names=tuple(self.names[j] for j in self.feat_idx),
                      source=str(self.path), meta=meta)
        if task == "regression":
            return Dataset(y=np.array(y, dtype=np.float64), task="regression", **common)

        # Classification: map labels to 0..K-1 (keys: distinct values in first-row order).
        if self.text_labels:
            keys = texts = list(self.codes)  # code -> raw text
            codes = y
        else:
            distinct, codes = np.unique(y, return_inverse=True)
            if distinct.size > MAX_CLASSES:
                self._too_many_classes(**lcol)
            keys = list(distinct)
            texts = [str(int(v)) if v == round(v) else f"{v:g}" for v in distinct]
        order = sorted(range(len(keys)), key=lambda k: keys[k])
        if self.class_names is not None:
            index = {name: k for k, name in enumerate(self.class_names)}
            target = np.full(len(keys), -1, dtype=np.int64)
            for k, text in enumerate(texts):
                target[k] = index.get(text, -1)
            unknown = target[codes] < 0
            if unknown.any():
                i = int(np.argmax(unknown))
                self.fail(f"has the label {texts[int(codes[i])]!r}, which is not one of the "
                          f"classes {list(self.class_names)}",
                          "Fix the label or the list of classes", row=int(rows[i]), **lcol)
            names_out = tuple(self.class_names)
        else:
            target = np.empty(len(keys), dtype=np.int64)
            target[order] = np.arange(len(keys))
            names_out = tuple(texts[k] for k in order)
        labels = target[codes]
        if np.unique(labels).size < 2:
            self.fail(f"has only one class ({texts[int(codes[0])]!r}) in the label column",
                      "A classifier needs examples of at least two classes; check that the "
                      "right column is the label", **lcol)
        if task == "classification":
            task = "binary" if len(names_out) == 2 else "multiclass"
        elif task == "binary" and len(names_out) != 2:
            self.fail(f"has {len(names_out)} classes but the task is binary",
                      "Choose multi-class, or keep only two classes in the file", **lcol)
        if len(names_out) > MAX_CLASSES:
            self._too_many_classes(**lcol)
        return Dataset(y=labels, task=task, class_names=names_out, **common)
