"""What a workspace is: a name, a shortcut and a tree of splitters with panels as leaves.

A workspace names its panels (by their registry key) and their proportions; it never builds
widgets. :mod:`nnviz.ui.workspaces.view` turns the tree into splitters once, and after that
only the user's drags move them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Pane:
    """One part of a split: a panel key or a nested split, with its share of the length.

    ``share`` is relative to the other parts' shares. ``pixels``, when given, is the part's
    starting length in pixels instead, kept when the window is resized (a side column such
    as the builder); such a part can also be folded away by dragging its splitter handle."""
    content: Union[str, "Split"]
    share: float = 1.0
    pixels: int | None = None


@dataclass(frozen=True)
class Split:
    vertical: bool          # parts stacked top to bottom (True) or side by side (False)
    panes: tuple[Pane, ...]


def _panes(parts) -> tuple[Pane, ...]:
    return tuple(p if isinstance(p, Pane) else Pane(p) for p in parts)


def row(*parts) -> Split:
    """Parts side by side, left to right (a part is a :class:`Pane`, a key or a split)."""
    return Split(False, _panes(parts))


def column(*parts) -> Split:
    """Parts stacked, top to bottom."""
    return Split(True, _panes(parts))


@dataclass(frozen=True)
class Workspace:
    key: str            # stable: settings keep each workspace's splitter sizes under it
    title: str          # the tab's text
    shortcut: str       # Ctrl+1 ... Ctrl+6
    tooltip: str        # what the workspace is for, shown on its tab
    layout: Union[str, Split]

    def panel_keys(self) -> list[str]:
        """Every panel the workspace shows, in layout order."""
        keys: list[str] = []

        def walk(node) -> None:
            if isinstance(node, str):
                keys.append(node)
            else:
                for pane in node.panes:
                    walk(pane.content)
        walk(self.layout)
        return keys
