"""A computation graph drawn with a QGraphicsScene: each node a box with its name, its value
and dJ/dnode; each edge a line with the chain-rule product that passed along it.

The items are made once per graph *structure* (the same nodes and edges); new values, a new
step, a new theme or a new size only change their text, pens, positions and visibility.
Positions are in pixels (text stays legible at any dock size); a graph taller or wider than
the view scrolls.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (QGraphicsLineItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView)

from nnviz.engine.backprop_steps import ComputationGraph, Revealed, fmt

from ...theme import PlotColors, colors

MIN_COLUMN_GAP = 150.0  # pixels between node centres (more when the texts need it)
MIN_ROW_GAP = 46.0
MARGIN = 32.0
SIDE_MARGIN = 70.0  # room for half a box left of the first column and right of the last
PAD = 4.0
GAP = 5.0  # between a node's name and its value
MAX_LABELLED_EDGES = 16  # more edges: only the current step's products are written


def derivative_name(label: str) -> str:
    """The course's name for dJ/d(label) in code: ``a`` -> ``da``, ``z[1]_2`` -> ``dz``."""
    return "d" + re.split(r"[\[\d_]", label, maxsplit=1)[0]


class _Node:
    def __init__(self, scene: QGraphicsScene, bold: QFont, small: QFont):
        self.box: QGraphicsRectItem = scene.addRect(QRectF())
        self.box.setZValue(2)
        self.texts = []
        for font in (bold, small, small):
            item = QGraphicsSimpleTextItem(self.box)
            item.setFont(font)
            self.texts.append(item)
        self.label, self.value, self.derivative = self.texts
        self.centre = QPointF()

    def place(self) -> None:
        """Size the box to its text and centre it on ``centre``: the name and the value on
        one line, the derivative (once known) on a second."""
        name, value, derivative = (t.boundingRect() for t in self.texts)
        first = name.width() + GAP + value.width()
        line = max(name.height(), value.height())
        second = derivative.height() if self.derivative.text() else 0.0
        width = max(first, derivative.width() if second else 0.0) + 2 * PAD
        height = line + second + 2 * PAD
        x, y = self.centre.x(), self.centre.y() - height / 2
        self.box.setRect(QRectF(x - width / 2, y, width, height))
        left = x - first / 2
        self.label.setPos(left, y + PAD + (line - name.height()) / 2)
        self.value.setPos(left + name.width() + GAP, y + PAD + (line - value.height()) / 2)
        self.derivative.setPos(x - derivative.width() / 2, y + PAD + line)


class _Edge:
    def __init__(self, scene: QGraphicsScene, small: QFont, source: str, target: str):
        self.source, self.target = source, target
        self.line: QGraphicsLineItem = scene.addLine(0, 0, 0, 0)
        self.line.setZValue(1)
        self.product = scene.addSimpleText("")
        self.product.setFont(small)
        self.product.setZValue(4)

    def place_product(self) -> None:
        line = self.line.line()
        r = self.product.boundingRect()
        mid = (line.p1() + line.p2()) / 2
        self.product.setPos(mid.x() - r.width() / 2, mid.y() - r.height() - 1)


class GraphView(QGraphicsView):
    """Shows one :class:`ComputationGraph` in the state a :class:`Revealed` describes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumSize(300, 140)
        self._bold = QFont()
        self._bold.setBold(True)
        self._small = QFont()
        self._small.setPointSizeF(max(self._small.pointSizeF() - 1, 7.0))
        self._structure = None
        self._nodes: dict[str, _Node] = {}
        self._edges: list[_Edge] = []
        self._graph: ComputationGraph | None = None
        self._revealed: Revealed | None = None
        self._colors = colors()
        self.builds = 0  # how often the items were made (tests: not per update)
        self._column_gap = MIN_COLUMN_GAP

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
        node = self._nodes[key]
        return node.label.text(), node.value.text(), node.derivative.text()

    def edge_text(self, index: int) -> str | None:
        """The product written beside edge ``index``, None when it is not shown (tests)."""
        item = self._edges[index].product
        return item.text() if item.isVisible() else None

    # -- internals --------------------------------------------------------------------
    def _build(self, graph: ComputationGraph) -> None:
        scene = self.scene()
        scene.clear()
        self.builds += 1
        self._nodes = {n.key: _Node(scene, self._bold, self._small) for n in graph.nodes}
        self._edges = [_Edge(scene, self._small, e.source, e.target) for e in graph.edges]
        self._layout()

    def _layout(self) -> None:
        graph = self._graph
        if graph is None or not self._nodes:
            return
        columns = max(n.column for n in graph.nodes)
        rows = [n.row for n in graph.nodes]
        low, span = min(rows), max(rows) - min(rows)
        view = self.viewport().size()
        col_gap = max(self._column_gap, (view.width() - 2 * SIDE_MARGIN) / max(columns, 1))
        row_gap = max(MIN_ROW_GAP, (view.height() - 2 * MARGIN) / span) if span else 0.0
        for n in graph.nodes:
            y = MARGIN + (n.row - low) * row_gap if span else max(view.height() / 2, MARGIN)
            self._nodes[n.key].centre = QPointF(SIDE_MARGIN + n.column * col_gap, y)
        for edge in self._edges:
            a, b = self._nodes[edge.source].centre, self._nodes[edge.target].centre
            edge.line.setLine(a.x(), a.y(), b.x(), b.y())
            edge.place_product()
        for node in self._nodes.values():
            node.place()
        width = 2 * SIDE_MARGIN + columns * col_gap
        height = 2 * MARGIN + span * row_gap
        self.scene().setSceneRect(QRectF(0, 0, max(width, view.width()),
                                         max(height, view.height())))

    def _update(self) -> None:
        graph, revealed = self._graph, self._revealed
        if graph is None or revealed is None:
            return
        c = self._colors
        fg, neutral = QColor(c.foreground), QColor(c.neutral)
        value_colour, derivative_colour, highlight = QColor(c.train), QColor(c.test), QColor(c.warn)
        current = revealed.current
        output = graph.node(graph.output).label
        for n in graph.nodes:
            node = self._nodes[n.key]
            is_current = current is not None and current.node == n.key
            node.box.setPen(QPen(highlight if is_current else fg, 3.0 if is_current else 1.0))
            node.box.setBrush(QBrush(QColor(c.background)))
            node.label.setText(n.label)
            node.label.setBrush(fg)
            known = n.key in revealed.values
            node.value.setText(fmt(n.value) if known else "?")
            node.value.setBrush(value_colour if known else neutral)
            shown = n.key in revealed.derivatives
            node.derivative.setText(f"{derivative_name(n.label)} = {fmt(n.derivative)}"
                                    if shown else "")
            node.derivative.setBrush(derivative_colour)
            node.place()
            tip = [n.formula or f"{n.label}: an input"]
            if known:
                tip.append(f"value {n.value!r}")
            if shown:
                tip.append(f"d{output}/d{n.label} = {n.derivative!r}")
            node.box.setToolTip("\n".join(tip))
        step_edges = set(current.edges) if current is not None else set()
        many = len(graph.edges) > MAX_LABELLED_EDGES
        for i, e in enumerate(graph.edges):
            edge = self._edges[i]
            active = i in step_edges
            edge.line.setPen(QPen(highlight if active else neutral, 2.5 if active else 1.0))
            edge.line.setToolTip(f"{e.local_text}\nproduct: {e.product_text}")
            written = i in revealed.products and (not many or active)
            edge.product.setVisible(written)
            if written:
                edge.product.setText(e.product_text)
                edge.product.setBrush(derivative_colour)
                edge.place_product()
        self._fit_texts(graph)
        if current is not None:
            self.ensureVisible(self._nodes[current.node].box.sceneBoundingRect(), 30, 30)

    def _fit_texts(self, graph: ComputationGraph) -> None:
        """Columns far enough apart for the widest box plus the widest product beside an
        edge; a graph wider than the view scrolls (and follows the current step)."""
        metrics = QFontMetricsF(self._small)
        widest_product = max((metrics.horizontalAdvance(e.product_text) for e in graph.edges),
                             default=0.0)
        widest_box = max(n.box.rect().width() for n in self._nodes.values())
        gap = max(MIN_COLUMN_GAP, widest_box + widest_product + 16)
        if abs(gap - self._column_gap) > 4:
            self._column_gap = gap
            self._layout()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._layout()
