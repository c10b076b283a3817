"""Read a user's CSV file into a :class:`Dataset`, with errors a learner can act on.

Every problem raises :class:`CSVError` (a ``ValueError``) whose message names the file,
the row and column where it is (row numbers count lines as a spreadsheet shows them, the
header being row 1; column numbers start at 1) and what to do about it.
"""
from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import NoReturn

import numpy as np

from .dataset import TASKS, Dataset

MIN_ROWS = 4            # fewer data rows cannot be split into training and test examples
MAX_AUTO_CLASSES = 10   # integer labels with at most this many values count as classes
_DELIMITERS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


class CSVError(ValueError):
    """A problem in a CSV file. ``row`` and ``column`` are 1-based, or None if not tied to one."""

    def __init__(self, message: str, path, row: int | None = None, column: int | None = None):
        super().__init__(message)
        self.path = Path(path)
        self.row = row
        self.column = column


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _is_number(text: str) -> bool:
    return _number(text) is not None


def _sniff_delimiter(first_line: str) -> str:
    """Pick the most frequent of , ; tab in the first line (comma if none appears)."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def load_csv(path, label_column: int | str | None = None, has_header: bool | None = None,
             task: str | None = None, class_names: tuple[str, ...] | None = None) -> Dataset:
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
    """
    path = Path(path)
    fname = path.name or str(path)

    def fail(problem: str, hint: str, row: int | None = None, col: int | None = None,
             col_name: str | None = None) -> NoReturn:
        where = []
        if row is not None:
            where.append(f"row {row}")
        if col is not None:
            where.append(f"column {col}" + (f" ({col_name!r})" if col_name else ""))
        loc = f" {', '.join(where)}" if where else ""
        raise CSVError(f"{fname}{loc}: {problem}. {hint}", path, row, col)

    if task is not None and task not in TASKS + ("classification",):
        raise ValueError(f"task must be one of {TASKS + ('classification',)} or None, "
                         f"got {task!r}")

    # --- read raw rows -------------------------------------------------------------------
    if not path.exists():
        raise CSVError(f"File not found: {path}. Check the path and that the file was not "
                       f"moved or renamed.", path)
    if not path.is_file():
        raise CSVError(f"{path} is not a file. Choose a .csv file, not a folder.", path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig drops the BOM Excel writes
    except UnicodeDecodeError:
        fail("is not UTF-8 text", "Save it as 'CSV UTF-8' (a spreadsheet's text export), not "
             "as a workbook such as .xlsx")
    except OSError as exc:
        fail(f"cannot be read ({exc.strerror or exc})", "Check that the file is readable")

    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        fail("is empty", "A data file needs one example per row: feature values, then the label")
    delimiter = _sniff_delimiter(first)

    rows: list[tuple[int, list[str]]] = []  # (line number, stripped cells)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for cells in reader:
            cells = [c.strip() for c in cells]
            if not any(cells) or cells[0].startswith("#"):
                continue  # blank lines and '#' comments
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        fail(f"is not valid CSV ({exc})", "Check quotes in that row", row=reader.line_num)

    # Trailing delimiters on every line make an empty last column: drop columns empty everywhere.
    width = max(len(c) for _, c in rows)
    empty = [j for j in range(width) if all(j >= len(c) or not c[j] for _, c in rows)]
    if empty and empty == list(range(width - len(empty), width)):
        rows = [(n, c[: width - len(empty)]) for n, c in rows]

    # --- header ----------------------------------------------------------------------------
    if has_header is None:
        head = rows[0][1]
        nxt = rows[1][1] if len(rows) > 1 else []
        has_header = all(c and not _is_number(c) for c in head) or any(
            c and not _is_number(c) and j < len(nxt) and _is_number(nxt[j])
            for j, c in enumerate(head))
    n_cols = len(rows[0][1])
    if has_header:
        header_line, header = rows[0]
        names = [c or f"column {j + 1}" for j, c in enumerate(header)]
        data = rows[1:]
    else:
        header_line, names, data = None, [f"x{j + 1}" for j in range(n_cols)], rows

    if n_cols < 2:
        fail(f"has only one column (separator {delimiter!r} not found)",
             "A data file needs at least one feature column and a label column, separated by "
             "commas", row=rows[0][0])
    for line_no, cells in data:
        if len(cells) != n_cols:
            fail(f"has {len(cells)} values but the first row has {n_cols}",
                 "Every row needs the same number of columns; fix or delete this row",
                 row=line_no)
    if len(data) < MIN_ROWS:
        what = "only a header and no data rows" if not data else f"only {len(data)} data rows"
        fail(f"has {what}", f"At least {MIN_ROWS} examples are needed to train and test")

    # --- which column is the label -------------------------------------------------------
    if label_column is None:
        label_idx = n_cols - 1
    elif isinstance(label_column, (int, np.integer)) and not isinstance(label_column, bool):
        if not -n_cols <= label_column < n_cols:
            fail(f"has no column with index {label_column} to use as the label",
                 f"It has {n_cols} columns: use an index from 0 to {n_cols - 1} (or -1 for "
                 f"the last)")
        label_idx = int(label_column) % n_cols
    elif isinstance(label_column, str):
        if not has_header:
            fail(f"has no header row, so there is no column named {label_column!r}",
                 "Give the label column as a number (0 = first), or add a header row")
        matches = [j for j, n in enumerate(names) if n == label_column] or [
            j for j, n in enumerate(names) if n.lower() == label_column.strip().lower()]
        if not matches:
            shown = ", ".join(repr(n) for n in names[:12]) + (", ..." if n_cols > 12 else "")
            fail(f"has no column named {label_column!r}", f"Its columns are: {shown}",
                 row=header_line)
        if len(matches) > 1:
            fail(f"has {len(matches)} columns named {label_column!r}",
                 "Rename them so the label column is unique, or give its index",
                 row=header_line, col=matches[0] + 1, col_name=label_column)
        label_idx = matches[0]
    else:
        raise ValueError(f"label_column must be a column name, an index or None, "
                         f"got {label_column!r}")
    label_name = names[label_idx]
    feat_idx = [j for j in range(n_cols) if j != label_idx]

    # --- features: every cell must be a finite number -------------------------------------
    X = np.empty((len(feat_idx), len(data)))
    for i, (line_no, cells) in enumerate(data):
        for k, j in enumerate(feat_idx):
            cell = cells[j]
            value = _number(cell)
            if value is None:
                if not cell:
                    fail("has an empty cell (a missing value)",
                         "Fill it in or delete the row; features must all be numbers",
                         row=line_no, col=j + 1, col_name=names[j])
                hint = ("It looks like a decimal comma: save the file with '.' as the decimal "
                        "separator" if _DECIMAL_COMMA.match(cell) else
                        "Features must be numbers: fix the value, or remove or encode the "
                        "column (for example 0/1 instead of no/yes)")
                fail(f"has text {cell!r} in a numeric feature column", hint,
                     row=line_no, col=j + 1, col_name=names[j])
            if not math.isfinite(value):
                fail(f"has the value {cell!r} (NaN or infinity)",
                     "Replace it with a real number or delete the row",
                     row=line_no, col=j + 1, col_name=names[j])
            X[k, i] = value

    # --- labels ----------------------------------------------------------------------------
    raw = [(line_no, cells[label_idx]) for line_no, cells in data]
    lcol = dict(col=label_idx + 1, col_name=label_name)
    for line_no, cell in raw:
        if not cell:
            fail("has no label (empty cell in the label column)",
                 "Fill in the label or delete the row", row=line_no, **lcol)
    numbers = [_number(c) for _, c in raw]
    numeric = all(v is not None for v in numbers)
    if numeric:
        for (line_no, cell), v in zip(raw, numbers):
            if not math.isfinite(v):
                fail(f"has the label {cell!r} (NaN or infinity)",
                     "Replace it with a real value or delete the row", row=line_no, **lcol)

    if task is None:
        if not numeric:
            task = "classification"
        else:
            whole = all(v == round(v) for v in numbers)
            n_distinct = len(set(numbers))
            few = n_distinct <= min(MAX_AUTO_CLASSES, max(2, len(numbers) // 2))
            task = "classification" if whole and few else "regression"

    meta = {"path": str(path), "has_header": bool(has_header), "delimiter": delimiter,
            "label_column": label_name}
    common = dict(name=path.stem, X=X, feature_names=tuple(names[j] for j in feat_idx),
                  source=str(path), meta=meta)

    if task == "regression":
        if not numeric:
            line_no, cell = next((n, c) for (n, c), v in zip(raw, numbers) if v is None)
            fail(f"has the text label {cell!r} but the task is regression",
                 "Regression needs numeric targets: fix the value, or choose classification",
                 row=line_no, **lcol)
        return Dataset(y=np.asarray(numbers, dtype=np.float64), task="regression", **common)

    # Classification: map labels to 0..K-1.
    if numeric:
        keys = numbers
        label_text = {v: (str(int(v)) if v == round(v) else f"{v:g}") for v in set(keys)}
        ordered = sorted(set(keys))
    else:
        keys = [c for _, c in raw]
        label_text = {c: c for c in set(keys)}
        ordered = sorted(set(keys))
    if class_names is not None:
        index = {name: k for k, name in enumerate(class_names)}
        y = np.empty(len(keys), dtype=np.int64)
        for i, key in enumerate(keys):
            if label_text[key] not in index:
                fail(f"has the label {label_text[key]!r}, which is not one of the classes "
                     f"{list(class_names)}", "Fix the label or the list of classes",
                     row=raw[i][0], **lcol)
            y[i] = index[label_text[key]]
        names_out = tuple(class_names)
    else:
        index = {key: k for k, key in enumerate(ordered)}
        y = np.array([index[key] for key in keys], dtype=np.int64)
        names_out = tuple(label_text[key] for key in ordered)

    n_classes = len(np.unique(y))
    if n_classes < 2:
        fail(f"has only one class ({label_text[keys[0]]!r}) in the label column",
             "A classifier needs examples of at least two classes; check that the right "
             "column is the label", **lcol)
    if task == "classification":
        task = "binary" if len(names_out) == 2 else "multiclass"
    elif task == "binary" and len(names_out) != 2:
        fail(f"has {len(names_out)} classes but the task is binary",
             "Choose multi-class, or keep only two classes in the file", **lcol)
    return Dataset(y=y, task=task, class_names=names_out, **common)
