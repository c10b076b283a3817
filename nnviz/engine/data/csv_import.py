"""Read a user's CSV file into a :class:`Dataset`, with errors a learner can act on.

Every problem raises :class:`CSVError` (a ``ValueError``) whose message names the file,
the row and column where it is (row numbers count lines as a spreadsheet shows them, the
header being row 1; column numbers start at 1) and what to do about it.

The file is streamed: a first pass counts its lines, the arrays are allocated once (within
the limits of :mod:`nnviz.engine.limits`), and blocks of about 256 kB are parsed straight
into them by :class:`~nnviz.engine.data.csv_parser.BlockParser` (NumPy's C parser for plain
numbers, cell by cell otherwise). This module owns :func:`load_csv` and its checks: the
arguments, the header and label column, the size limits, and the labels and task of the
resulting :class:`Dataset`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..limits import (MAX_CLASSES, MAX_CSV_BYTES, MAX_DATA_VALUES, MAX_EXAMPLES, MAX_FEATURES,
                      human_size)
# CSVError and CSVCancelled are re-exported: callers import them from here.
from .csv_parser import (BlockParser, CSVCancelled, CSVError, TextLabelsFound,  # noqa: F401
                         file_kind, parse_number, sniff_delimiter)
from .dataset import TASKS, Dataset

MIN_ROWS = 4            # fewer data rows cannot be split into training and test examples
MAX_AUTO_CLASSES = 10   # integer labels with at most this many values count as classes


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
    kind = "file" if text is not None else file_kind(path)
    if kind == "missing":
        raise CSVError(f"File not found: {path}. Check the path and that the file was not "
                       f"moved or renamed.", path)
    if kind == "folder":
        raise CSVError(f"{path} is a folder, not a file. Choose a .csv file.", path)
    if kind.startswith("unreadable"):
        raise CSVError(f"{path} cannot be read: it is {kind}. Check the path and that the "
                       "file is readable.", path)
    if kind != "file":
        raise CSVError(f"{path} is not a regular file: it is {kind}. Save the data to a .csv "
                       "file and choose that file.", path)
    reader = _Reader(path, label_column, has_header, task, class_names, progress, cancel, text)
    try:
        try:
            return reader.read(text_labels=False)
        except TextLabelsFound:
            return reader.read(text_labels=True)
    except UnicodeDecodeError:
        reader.fail("is not UTF-8 text", "Save it as 'CSV UTF-8' (a spreadsheet's text "
                    "export), not as a workbook such as .xlsx")
    except OSError as exc:
        reader.fail(f"cannot be read ({exc.strerror or exc})", "Check that the file is readable")


class _Reader(BlockParser):
    def read(self, text_labels: bool) -> Dataset:
        if self.size > MAX_CSV_BYTES:
            self.fail(f"is {human_size(self.size)}", f"nnviz reads CSV files up to "
                      f"{human_size(MAX_CSV_BYTES)} (the file size limit); use a sample")
        self.tracker.done = 0
        self.tracker.check()
        self._parse(text_labels)
        return self._dataset()

    # -- header, label column, allocation ---------------------------------------------------
    def _preamble(self, lines_upper: int, text_labels: bool) -> None:
        pending, records = [], []
        for first_line, lines in self.blocks:
            if not hasattr(self, "delimiter"):
                first = next((ln for ln in lines if ln.strip()
                              and not ln.lstrip().startswith("#")), None)
                if first is None:
                    continue
                self.delimiter = sniff_delimiter(first)
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
            has_header = all(c and not parse_number(c) is not None for c in head) or any(
                c and not parse_number(c) is not None and j < len(nxt)
                and parse_number(nxt[j]) is not None for j, c in enumerate(head[:n_cols]))
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
