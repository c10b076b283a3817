"""A computation graph drawn with a QGraphicsScene: nodes with their value and dJ/dnode,
edges with the chain-rule product that passed along them.

The items are made once per graph *structure* (the same nodes and edges); new values, a new
step or a new theme only change their text, pens and visibility.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QGraphicsLineItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView)

from nnviz.engine.backprop_steps import ComputationGraph, Revealed, fmt

from ...theme import PlotColors, colors

COLUMN_GAP = 190.0
ROW_GAP = 84.0
RADIUS = 20.0
MAX_LABELLED_EDGES = 16  # more edges: only the current step's products are written


class _NodeItems:
    def __init__(self, scene: QGraphicsScene, x: float, y: float, font: QFont,
                 small: QFont):
        self.circle = scene.addEllipse(QRectF(x - RADIUS, y - RADIUS, 2 * RADIUS, 2 * RADIUS))
        self.circle.setZValue(2)
        self.label = _text(scene, font, 3)
        self.value = _text(scene, small, 3)
        self.derivative = _text(scene, small, 3)
        self.x, self.y = x, y

    def place(self) -> None:
        _centre(self.label, self.x, self.y)
        _centre(self.value, self.x, self.y + RADIUS + 9)
        _centre(self.derivative, self.x, self.y + RADIUS + 24)


class _EdgeItems:
    def __init__(self, scene: QGraphicsScene, x1, y1, x2, y2, small: QFont):
        self.line: QGraphicsLineItem = scene.addLine(x1 + RADIUS, y1, x2 - RADIUS, y2)
        self.line.setZValue(1)
        self.product = _text(scene, small, 4)
        self.mid = ((x1 + x2) / 2, (y1 + y2) / 2 - 10)


def _text(scene: QGraphicsScene, font: QFont, z: float) -> QGraphicsSimpleTextItem:
    item = scene.addSimpleText("")
    item.setFont(font)
    item.setZValue(z)
    return item


def _centre(item: QGraphicsSimpleTextItem, x: float, y: float) -> None:
    r = item.boundingRect()
    item.setPos(x - r.width() / 2, y - r.height() / 2)


class GraphView(QGraphicsView):
    """Shows one :class:`ComputationGraph` in the state a :class:`Revealed` describes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumSize(300, 160)
        self._font = QFont()
        self._font.setPointSize(11)
        self._font.setBold(True)
        self._small = QFont()
        self._small.setPointSize(9)
        self._structure = None
        self._nodes: dict[str, _NodeItems] = {}
        self._edges: list[_EdgeItems] = []
        self._graph: ComputationGraph | None = None
        self._revealed: Revealed | None = None
        self._colors = colors()
        self.builds = 0  # how often the items were made (tests: not per update)

    # -- public -----------------------------------------------------------------------
    def show_graph(self, graph: ComputationGraph, revealed: Revealed) -> None:
        structure = (tuple((n.key, n.column, n.row) for n in graph.nodes),
                     tuple((e.source, e.target) for e in graph.edges))
        self._graph, self._revealed = graph, revealed
        if structure != self._structure:
            self._build(graph)
            self._structure = structure
        self._update()

    def set_colors(self, c: PlotColors) -> None:
        self._colors = c
        self.setBackgroundBrush(QBrush(QColor(c.background)))
        self._update()

    def node_texts(self, key: str) -> tuple[str, str, str]:
        """What node ``key`` shows: its label, value and derivative text (tests)."""
        items = self._nodes[key]
        return items.label.text(), items.value.text(), items.derivative.text()

    def edge_text(self, index: int) -> str | None:
        """The product written beside edge ``index``, None when it is not shown (tests)."""
        item = self._edges[index].product
        return item.text() if item.isVisible() else None

    # -- internals --------------------------------------------------------------------
    def _build(self, graph: ComputationGraph) -> None:
        scene = self.scene()
        scene.clear()
        self.builds += 1
        self._nodes, self._edges = {}, []
        pos = {}
        for n in graph.nodes:
            pos[n.key] = (n.column * COLUMN_GAP, n.row * ROW_GAP)
            self._nodes[n.key] = _NodeItems(scene, *pos[n.key], self._font, self._small)
            self._nodes[n.key].circle.setToolTip(n.formula or f"{n.label}: an input")
        for e in graph.edges:
            self._edges.append(_EdgeItems(scene, *pos[e.source], *pos[e.target], self._small))
        rect = scene.itemsBoundingRect().adjusted(-40, -30, 40, 50)
        scene.setSceneRect(rect)
        self._fit()

    def _update(self) -> None:
        graph, revealed = self._graph, self._revealed
        if graph is None or revealed is None:
            return
        c = self._colors
        fg, value_colour, derivative_colour = QColor(c.foreground), QColor(c.train), QColor(c.test)
        current = revealed.current
        highlight = QColor(c.warn)
        many = len(graph.edges) > MAX_LABELLED_EDGES
        for n in graph.nodes:
            items = self._nodes[n.key]
            is_current = current is not None and current.node == n.key
            items.circle.setPen(QPen(highlight if is_current else fg, 3.0 if is_current else 1.2))
            items.circle.setBrush(QBrush(QColor(c.background)))
            items.label.setText(n.label)
            items.label.setBrush(fg)
            items.value.setText(f"{fmt(n.value)}" if n.key in revealed.values else "?")
            items.value.setBrush(value_colour if n.key in revealed.values else QColor(c.neutral))
            shown = n.key in revealed.derivatives
            # written as the course's code names dJ/dvar: "da", "dz[1]_2"
            items.derivative.setText(f"d{n.label} = {fmt(n.derivative)}" if shown else "")
            items.derivative.setBrush(derivative_colour)
            items.place()
            tip = [n.formula or f"{n.label} (input)"]
            if n.key in revealed.values:
                tip.append(f"value {n.value!r}")
            if shown:
                tip.append(f"d{graph.node(graph.output).label}/d{n.label} = {n.derivative!r}")
            items.circle.setToolTip("\n".join(tip))
        step_edges = set(current.edges) if current is not None else set()
        for i, e in enumerate(graph.edges):
            items = self._edges[i]
            active = i in step_edges
            items.line.setPen(QPen(highlight if active else QColor(c.neutral),
                                   2.5 if active else 1.0))
            written = i in revealed.products and (not many or active)
            items.product.setVisible(written)
            if written:
                items.product.setText(e.product_text)
                items.product.setBrush(derivative_colour)
                _centre(items.product, *items.mid)
            items.line.setToolTip(f"{e.local_text}\nproduct: {e.product_text}")

    def _fit(self) -> None:
        if self.scene() is not None and not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()
