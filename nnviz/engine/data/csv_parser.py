"""The streaming CSV parser under :func:`~nnviz.engine.data.csv_import.load_csv`.

This module owns reading the file and filling the arrays: :class:`BlockParser` counts the
lines, streams the text in blocks of about 256 kB that never end inside a quoted field,
skips blank lines and '#' comments, sends a block of plain (or quoted) numbers through
NumPy's C parser and any other block cell by cell, which finds the exact row and column of
a bad value (missing, text, decimal comma, NaN, a text label) and raises :class:`CSVError`
naming them. The header, the label column, the limits, the allocation and turning the arrays
into a :class:`Dataset` belong to the loader (``csv_import.py``), which subclasses the parser
and re-exports its errors.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
from pathlib import Path
from typing import NoReturn

import numpy as np

from ..gradcheck.problem import Cancelled, Progress
from ..limits import MAX_CLASSES

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


class TextLabelsFound(Exception):
    """A label that is not a number turned up: read the file again with text labels."""


_SPECIAL_FILES = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                  (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def file_kind(path) -> str:
    """What ``path`` is, from ``os.stat`` alone (opening a named pipe to look would block):
    ``"file"`` (a regular file), ``"missing"``, ``"folder"``, or a description of anything
    else: "a named pipe (FIFO)", "a device", "a socket", or "unreadable (<reason>)"."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except (OSError, ValueError) as exc:  # permission, name too long, NUL in the name
        return f"unreadable ({getattr(exc, 'strerror', None) or 'the path is invalid'})"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    return next((what for test, what in _SPECIAL_FILES if test(mode)), "a special file")


def utf16_suspected(head: bytes) -> bool:
    """True when the first bytes of a file look like UTF-16 text: a byte-order mark, or
    (without one) NUL bytes on every other position, as ASCII text in UTF-16 has."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    pairs = len(head) // 2
    if pairs < 2:
        return False
    even, odd = head[0:2 * pairs:2].count(0), head[1:2 * pairs:2].count(0)
    return max(even, odd) >= 0.6 * pairs and min(even, odd) <= 0.05 * pairs


def parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def sniff_delimiter(first_line: str) -> str:
    """Pick the most frequent of , ; tab in the first line (comma if none appears)."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


class BlockParser:
    """Streams one file into the arrays the loader allocated (``X``, ``y``, ``rows``).

    A subclass provides ``_preamble(lines_upper, text_labels)`` (reads the first blocks from
    ``self.blocks``: delimiter, header, label column, allocation) and ``_room(n, first_line)``
    (the index for ``n`` more rows, within the limits)."""

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

    def _preamble(self, lines_upper: int, text_labels: bool) -> None:
        raise NotImplementedError  # the loader: header, label column, limits, allocation

    def _room(self, n: int, first_line: int) -> int:
        raise NotImplementedError  # the loader: the row limit, growing the arrays

    # -- the file ----------------------------------------------------------------------------
    def _parse(self, text_labels: bool) -> None:
        """The whole file: the preamble, then every block into the arrays."""
        self._check_not_utf16()
        lines_upper = self._count_lines()
        with (open(self.path, encoding="utf-8-sig", newline="") if self.text is None
              else io.StringIO(self.text.removeprefix("\ufeff"), newline="")) as f:
            self.blocks = self._blocks(f)
            self._preamble(lines_upper, text_labels)
            for first_line, lines in self.blocks:
                self._block(first_line, lines)
        self.tracker.advance(max(0, self.tracker.total - self.tracker.done))

    def _check_not_utf16(self) -> None:
        if self.text is not None:
            head = self.text[:4096].encode("utf-8", "surrogatepass")
        else:
            with open(self.path, "rb") as f:
                head = f.read(4096)
        if utf16_suspected(head):
            self.fail("looks like UTF-16 text (two bytes per character), not UTF-8",
                      "Save it as 'CSV UTF-8' (in a spreadsheet: Save as, CSV UTF-8; in a "
                      "text editor: encoding UTF-8) and open it again")

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
        delimiter = getattr(self, "delimiter", None) or sniff_delimiter(lines[0])
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
        n_cols, label_idx = self.n_cols, self.label_idx
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

    def _feature(self, cell: str, line_no: int, j: int) -> float:
        value = parse_number(cell)
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
        value = parse_number(cell)
        if value is None:
            if self.task == "regression":
                self.fail(f"has the text label {cell!r} but the task is regression",
                          "Regression needs numeric targets: fix the value, or choose "
                          "classification", **lcol)
            raise TextLabelsFound()
        if not math.isfinite(value):
            self.fail(f"has the label {cell!r} (NaN or infinity)",
                      "Replace it with a real value or delete the row", **lcol)
        return value

    def _too_many_classes(self, **where) -> NoReturn:
        self.fail(f"has more than {MAX_CLASSES} different labels", f"nnviz classifies into at "
                  f"most {MAX_CLASSES} classes (the class limit, one output unit each); check "
                  "that the right column is the label, or choose regression for numeric "
                  "targets", **where)
