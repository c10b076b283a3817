"""Strict reading of a lesson's TOML file (no Qt): the file's text read safely and with a
bound, its tables checked key by key, every mistake a :class:`QuestionError` naming the file
and the line (TOML gives positions only for syntax errors, so a value's line is found by
looking for its key inside its table)."""
from __future__ import annotations

import math
import os
import re
import stat
import tomllib
from pathlib import Path

from nnviz.engine.data.csv_parser import file_kind

MAX_BYTES = 64_000
MAX_TEXT = 2_000


class QuestionError(ValueError):
    """A question file that cannot be used; the message names the file and the line."""


class TableReader:
    """Checks one table of the file: every key known, every value of its type."""

    def __init__(self, source: str, text: str, table: dict, where: str = "",
                 section: tuple = ("", 1), anchor: tuple | None = None):
        self.source, self.text, self.table, self.where = source, text, table, where
        self.section = section  # (dotted table name, which occurrence): to find lines
        self.anchor = anchor  # (key, parent's section): where an inline table is written

    def line(self, key: str | None) -> int | None:
        line = line_of(self.text, key or "\0", *self.section)
        if line is None and self.anchor is not None:  # an inline table: its key's line
            line = line_of(self.text, self.anchor[0], *self.anchor[1])
        return line

    def fail(self, message: str, key: str | None = None):
        line = self.line(key) if (key or self.section[0] or self.anchor) else None
        at = f", line {line}" if line else ""
        raise QuestionError(f"{self.source}{at}: {self.where}{message}")

    def check_keys(self, allowed) -> None:
        for key in self.table:
            if key not in allowed:
                self.fail(f"unknown key '{key}' (known: {', '.join(sorted(allowed))})", key)

    def text_(self, key: str, required: bool = True, default: str = "",
              limit: int = MAX_TEXT) -> str:
        value = self.table.get(key)
        if value is None:
            if required:
                self.fail(f"'{key}' is missing")
            return default
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{key}' must be non-empty text", key)
        if len(value) > limit:
            self.fail(f"'{key}' is longer than {limit:,} characters", key)
        return " ".join(value.split())

    def number(self, key: str, default: float | None = None) -> float:
        value = self.table.get(key, default)
        if value is None:
            self.fail(f"'{key}' is missing")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.fail(f"'{key}' must be a finite number", key)
        return float(value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"'{key}' must be true or false", key)
        return value

    def one_of(self, key: str, options, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value not in options:
            self.fail(f"'{key}' must be one of {', '.join(options)}", key)
        return value

    def sub(self, key: str, required: bool = True) -> "TableReader | None":
        value = self.table.get(key)
        if value is None:
            if required:
                self.fail(f"the [{key}] table is missing")
            return None
        if not isinstance(value, dict):
            self.fail(f"'{key}' must be a table", key)
        name = f"{self.section[0]}.{key}" if self.section[0] else key
        return type(self)(self.source, self.text, value, f"{self.where}{key}: ", (name, 1),
                       (key, self.section))


def parse_toml(text: str, source: str, max_bytes: int = MAX_BYTES) -> dict:
    """The file's tables; QuestionError names the source (and the line of a syntax error)."""
    if len(text) > max_bytes:
        raise QuestionError(f"{source}: the file is larger than {max_bytes // 1000} kB")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise QuestionError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # thousands of nested [ or {: no lesson needs that
        raise QuestionError(f"{source}: lists or tables nested too deeply") from None


def line_of(text: str, key: str, section: str = "", occurrence: int = 1) -> int | None:
    """The line that sets ``key`` (or opens a table of that name) inside the given table,
    its ``occurrence``-th header for an array of tables (TOML gives no positions for
    values, only for syntax errors); the table's own line if the key is not written."""
    lines = text.splitlines()
    start, header = 0, None
    if section:
        found = False
        opening = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?")
        seen = 0
        for n, line in enumerate(lines):
            if opening.search(line):
                seen += 1
                if seen == occurrence:
                    start, header, found = n, n + 1, True
                    break
        if not found:
            return None  # no such table header: an inline table (the caller looks further)
    pattern = re.compile(rf"^\s*(\[\[?\s*{re.escape(key)}\s*\]\]?|\"?{re.escape(key)}\"?\s*=)")
    for n in range(start, len(lines)):
        if n > start and header is not None and re.match(r"^\s*\[", lines[n]):
            break  # the next table: the key is not in this one
        if pattern.search(lines[n]):
            return n + 1
    return header


def read_small_text(path, max_bytes: int = MAX_BYTES, source: str | None = None) -> str:
    """A small UTF-8 text file's text. Only a regular file is opened (non-blocking, so a
    named pipe swapped in cannot hang the read) and at most ``max_bytes + 1`` bytes are
    read; QuestionError names ``source`` (the file's name by default)."""
    path = Path(path)
    source = source or path.name
    kind = file_kind(path)
    if kind != "file":
        what = {"missing": "does not exist", "folder": "is a folder, not a lesson file"}.get(
            kind, f"is not a regular file: it is {kind}")
        raise QuestionError(f"{source}: {what}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise QuestionError(f"{source}: is not a regular file")
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise QuestionError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise QuestionError(f"{source}: the file is larger than {max_bytes // 1000} kB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise QuestionError(f"{source}: not UTF-8 text (a binary file?); a lesson file is "
                            "TOML text") from None
    if "\0" in text:
        raise QuestionError(f"{source}: holds NUL bytes, so it is a binary file, not TOML text")
    return text
