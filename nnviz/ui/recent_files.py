"""Recent files: the sessions, data files and weights the user opened or saved, newest first.

Kept in the settings (``recent/files``, a JSON list of ``{"path", "kind", "time"}``) so the
File menu's "Open recent" and the start page show them after a restart. Files that are gone
(deleted, moved, an unplugged drive) are pruned whenever the list is shown; opening one that
went missing since says so and drops it.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

KEY = "recent/files"
KINDS = {"session": "Sessions", "data": "Data", "weights": "Weights"}
PER_KIND = 8  # entries kept for each kind


@dataclass(frozen=True)
class RecentEntry:
    path: str
    kind: str      # "session", "data" or "weights"
    time: float    # when it was last opened or saved (seconds since the epoch)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def when(self, now: float | None = None) -> str:
        return describe_time(self.time, now)


def describe_time(seconds: float, now: float | None = None) -> str:
    """"today 14:32", "yesterday 09:05" or "3 Mar 2025 14:32"."""
    stamp = time.localtime(seconds)
    days = _day(time.localtime(now if now is not None else time.time())) - _day(stamp)
    if days == 0:
        return time.strftime("today %H:%M", stamp)
    if days == 1:
        return time.strftime("yesterday %H:%M", stamp)
    return time.strftime("%d %b %Y %H:%M", stamp).lstrip("0")


def _day(stamp: time.struct_time) -> int:
    return int(time.mktime((stamp.tm_year, stamp.tm_mon, stamp.tm_mday, 12, 0, 0, 0, 0, -1))
               // 86400)


class RecentFiles(QObject):
    """The recent files kept in ``settings``; ``changed`` after every change."""

    changed = Signal()

    def __init__(self, settings, per_kind: int = PER_KIND, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self.per_kind = per_kind

    def add(self, path, kind: str) -> None:
        """``path`` was opened or saved just now: first in its kind (once)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind of recent file {kind!r}")
        path = os.path.abspath(os.path.expanduser(str(path)))
        entries = [e for e in self._read() if not (e.path == path and e.kind == kind)]
        entries.insert(0, RecentEntry(path, kind, time.time()))
        self._write(entries)

    def entries(self, kind: str | None = None) -> list[RecentEntry]:
        """Newest first; only ``kind`` when given. Files that are gone are included until
        :meth:`prune` (showing the menu prunes first)."""
        return [e for e in self._read() if kind is None or e.kind == kind]

    def prune(self) -> list[RecentEntry]:
        """Drop entries whose file is gone; returns them."""
        entries = self._read()
        kept = [e for e in entries if _exists(e.path)]
        gone = [e for e in entries if e not in kept]
        if gone:
            self._write(kept)
        return gone

    def remove(self, path, kind: str | None = None) -> None:
        path = os.path.abspath(os.path.expanduser(str(path)))
        entries = self._read()
        kept = [e for e in entries if not (e.path == path and kind in (None, e.kind))]
        if len(kept) != len(entries):
            self._write(kept)

    def clear(self) -> None:
        self._write([])

    def _read(self) -> list[RecentEntry]:
        raw = self.settings.value(KEY, "")
        try:
            items = json.loads(str(raw)) if raw else []
        except ValueError:  # hand-edited or from a damaged settings file: start afresh
            return []
        entries = []
        for item in items if isinstance(items, list) else []:
            try:
                entry = RecentEntry(str(item["path"]), str(item["kind"]), float(item["time"]))
            except (KeyError, TypeError, ValueError):
                continue
            if entry.kind in KINDS and entry.path:
                entries.append(entry)
        return entries

    def _write(self, entries: list[RecentEntry]) -> None:
        counts: dict[str, int] = {}
        kept = []
        for entry in entries:
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
            if counts[entry.kind] <= self.per_kind:
                kept.append(entry)
        self.settings.setValue(KEY, json.dumps(
            [{"path": e.path, "kind": e.kind, "time": e.time} for e in kept]))
        self.changed.emit()


def _exists(path: str) -> bool:
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


def open_recent(window, entry: RecentEntry) -> bool:
    """Open ``entry`` as its kind says (a session is loaded, data previewed in the CSV dialog,
    weights imported); a file gone since is dropped with a message."""
    recent = window.file_actions.recent
    if not _exists(entry.path):
        recent.remove(entry.path, entry.kind)
        window.show_message(f"{entry.name} is no longer in {Path(entry.path).parent}: it was "
                            "moved or deleted, so it was taken off the recent files. Open it "
                            "from its new place with the File menu.", "warning")
        return False
    if entry.kind == "session":
        return window.file_actions.load_session_from(entry.path)
    if entry.kind == "weights":
        return window.file_actions.import_weights_from(entry.path)
    return window.open_data_file(entry.path)


def add_recent_menu(window, file_menu):
    """File > Open recent (placed before ``file_menu``'s first separator): the recent files
    by kind, each with its folder and date in the tooltip; rebuilt, pruned, when shown."""
    from PySide6.QtWidgets import QMenu

    menu = QMenu("Open &recent", file_menu)
    menu.setObjectName("recent_menu")
    menu.setToolTipsVisible(True)
    separators = [a for a in file_menu.actions() if a.isSeparator()]
    file_menu.insertMenu(separators[0] if separators else None, menu)

    def rebuild(prune: bool = True) -> None:
        recent = window.file_actions.recent
        if prune:  # a few stat calls, when the user opens the menu
            recent.prune()
        menu.clear()
        entries = recent.entries()
        for kind, title in KINDS.items():
            mine = [e for e in entries if e.kind == kind]
            if not mine:
                continue
            menu.addSection(title)
            for entry in mine:
                action = menu.addAction(entry.name)
                action.setData(entry.path)
                action.setToolTip(f"{entry.path}\nOpened or saved {entry.when()}")
                action.triggered.connect(lambda _=False, e=entry: open_recent(window, e))
        if not entries:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear recent files", recent.clear)

    menu.aboutToShow.connect(rebuild)
    rebuild(prune=False)  # no file-system calls while the window starts
    window.recent_menu = menu
    return menu
