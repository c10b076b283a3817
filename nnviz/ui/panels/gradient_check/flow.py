"""A layout that places its items left to right and starts a new row when the next one would
not fit: controls that sit on one line when the panel is wide wrap onto more when it is
narrow, and none is ever cut."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 12,
                 row_spacing: int = 4):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._filling: set[int] = set()  # ids of items that take the rest of their row
        self._spacing = spacing
        self._row_spacing = row_spacing
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout's item list -------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt API)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 (Qt API)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 (Qt API)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def add_filling(self, widget: QWidget, least: int = 160) -> None:
        """``widget`` takes the rest of its row (at least ``least`` px, else a row of its
        own): a word-wrapped message then takes few lines, not a narrow column of them."""
        self.addWidget(widget)
        self._filling.add(id(self._items[-1]))
        self._least = least

    # -- sizes ---------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt API)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt API)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt API)
        return self._place(QRect(0, 0, width, 0), move=False)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Everything on one row."""
        shown = self._shown()
        width = sum(i.sizeHint().width() for i in shown) + self._spacing * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt API)
        """As narrow as the widest item (one item a row)."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt API)
        super().setGeometry(rect)
        self._place(rect, move=True)

    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _place(self, rect: QRect, move: bool) -> int:
        """Lay the items out in ``rect`` (when ``move``); returns the height used. Items in a
        row are vertically centred; an item wider than the row gets the row's width (a
        word-wrapped label then takes the lines it needs)."""
        rows: list[list[tuple[QLayoutItem, int, int]]] = [[]]
        x = 0
        for item in self._shown():
            width = min(item.sizeHint().width(), rect.width())
            if id(item) in self._filling:
                rest = rect.width() - x - (self._spacing if rows[-1] else 0)
                width = rest if rest >= self._least else rect.width()
            if rows[-1] and x + self._spacing + width > rect.width():
                rows.append([])
                x = 0
            elif rows[-1]:
                x += self._spacing
            height = (item.heightForWidth(width) if item.hasHeightForWidth()
                      else item.sizeHint().height())
            rows[-1].append((item, width, max(height, item.minimumSize().height())))
            x += width
        y = rect.y()
        for row in rows:
            if not row:
                continue
            row_height = max(h for _, _, h in row)
            x = rect.x()
            for item, width, height in row:
                if move:
                    item.setGeometry(QRect(QPoint(x, y + (row_height - height) // 2),
                                           QSize(width, height)))
                x += width + self._spacing
            y += row_height + self._row_spacing
        return max(y - rect.y() - self._row_spacing, 0)
