"""A guard for widgets that show settings they also let the user change.

Setting a widget's value emits the same signal as the user changing it; while the guard is
on, handlers return early, so a value that is only shown is never sent back as a change.
"""
from __future__ import annotations


class ShowGuard:
    """``with guard:`` while showing values; ``if guard:`` in a change handler to ignore
    them. Nests: it stays on until the outermost ``with`` ends."""

    def __init__(self) -> None:
        self._depth = 0

    def __bool__(self) -> bool:
        return self._depth > 0

    def __enter__(self) -> "ShowGuard":
        self._depth += 1
        return self

    def __exit__(self, *_exc) -> None:
        self._depth -= 1
