"""A page (of a tab widget or a stack) whose content is made when it is first shown.

A hidden tab costs its plots' construction at start-up although most sessions open it late
or never. :class:`LazyPage` stands in for it: ``content()`` makes the real widget (once) when
the page is first shown or first asked for, and ``made()`` gives it only if it exists, for
code that has nothing to update on a page nobody has opened.
"""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

W = TypeVar("W", bound=QWidget)


class LazyPage(QWidget, Generic[W]):
    def __init__(self, factory: Callable[[], W], parent: QWidget | None = None):
        super().__init__(parent)
        self._factory = factory
        self._content: W | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def content(self) -> W:
        """The page's widget, made now if it was still waiting."""
        if self._content is None:
            self._content = self._factory()
            self.layout().addWidget(self._content)
            self._content.show()  # now, not after the event loop (shown with its page)
        return self._content

    def made(self) -> W | None:
        """The page's widget if it has been made, else None."""
        return self._content

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.content()
        super().showEvent(event)
