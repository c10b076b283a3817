"""A computation graph drawn with a QGraphicsScene: each node a box with its name, its value
and dJ/dnode; each edge a line with the chain-rule product that passed along it.

The items are made once per graph *structure* (the same nodes and edges); new values, a new
step, a new theme or a new size only change their text, pens, positions and visibility.
Positions are in pixels, spread to fill the view; a graph that needs more room than the view
has is scaled down to fit it whole (never up), so no node is cut and nothing scrolls.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (QGraphicsLineItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView)

from nnviz.engine.backprop_steps import ComputationGraph, Revealed, fmt

from ...theme import PlotColors, colors

MIN_COLUMN_GAP = 110.0  # pixels between node centres (more when the texts need it)
COLUMN_PAD = 16.0  # between a product written beside an edge and the boxes at its ends
ROW_PAD = 14.0  # between two boxes of a column
MARGIN = 24.0  # around the graph
PAD = 4.0
GAP = 5.0  # between a node's name and its value
MAX_LABELLED_EDGES = 16  # more edges: only the current step's products are written, and
FULL_PRODUCTS_SCALE = 0.8  # written out whole only if that leaves the graph this legible
                           # (else a product too long for its room shows its result alone)


def short_product(text: str) -> str:
    """``"0.2 × (-3) = -0.6"`` -> ``"= -0.6"``: the product's result alone."""
    return "= " + text.rsplit(" = ", 1)[1] if " = " in text else text


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
        # the product stays readable where other edges cross it
        self.backdrop = scene.addRect(QRectF(), QPen(Qt.PenStyle.NoPen))
        self.backdrop.setZValue(3)

    def place_product(self) -> None:
        line = self.line.line()
        r = self.product.boundingRect()
        mid = (line.p1() + line.p2()) / 2
        self.product.setPos(mid.x() - r.width() / 2, mid.y() - r.height() - 1)
        self.backdrop.setRect(self.product.sceneBoundingRect().adjusted(-1, 0, 1, 0))
        self.backdrop.setVisible(self.product.isVisible())


class GraphView(QGraphicsView):
    """Shows one :class:`ComputationGraph` in the state a :class:`Revealed` describes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumSize(300, 140)
        for policy in (self.setHorizontalScrollBarPolicy, self.setVerticalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the graph is scaled to fit
        self.fit_scale = 1.0  # the view's scale: below 1 when the graph is shrunk to fit
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

    # -- public -----------------------------------------------------------------------
    def show_graph(self, graph: ComputationGraph, revealed: Revealed) -> None:
        structure = (tuple((n.key, n.column, n.row) for n in graph.nodes),
                     tuple((e.source, e.target) for e in graph.edges))
        self._graph, self._revealed = graph, revealed
        if structure != self._structure:
            self._build(graph)
            self._structure = structure
        self._layout()  # new values, new text widths
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

    def _layout(self) -> None:
        """Place the nodes for the viewport: columns as far apart as the widest box and the
        widest product beside an edge need, spread to fill the view, the whole graph scaled
        down (never up) when it needs more room than the view has, so no node is ever cut
        and nothing scrolls."""
        graph = self._graph
        if graph is None or not self._nodes:
            return
        view = self.viewport().size()
        if view.width() < 10 or view.height() < 10:
            return
        rows = [n.row for n in graph.nodes]
        low, span = min(rows), max(rows) - min(rows)
        for short in (False, True):
            gaps, left, right, box_height = self._needs(graph, short)
            need_width = left + sum(gaps) + right
            need_height = 2 * MARGIN + box_height + span * (box_height + ROW_PAD)
            scale = min(1.0, view.width() / need_width, view.height() / need_height)
            if scale >= FULL_PRODUCTS_SCALE or len(graph.edges) <= MAX_LABELLED_EDGES:
                break  # room for every product written out at a legible size
        width, height = view.width() / scale, view.height() / scale
        if gaps:  # the room left over widens every gap alike
            spare = (width - need_width) / len(gaps)
            gaps = [gap + spare for gap in gaps]
        row_gap = (height - 2 * MARGIN - box_height) / span if span else 0.0
        xs = [left]
        for gap in gaps:
            xs.append(xs[-1] + gap)
        for n in graph.nodes:
            y = MARGIN + box_height / 2 + (n.row - low) * row_gap if span else height / 2
            self._nodes[n.key].centre = QPointF(xs[n.column], y)
        for edge in self._edges:
            a, b = self._nodes[edge.source].centre, self._nodes[edge.target].centre
            edge.line.setLine(a.x(), a.y(), b.x(), b.y())
            edge.place_product()
        for node in self._nodes.values():
            node.place()
        self.scene().setSceneRect(QRectF(0, 0, width, height))
        self.resetTransform()
        self.scale(scale, scale)
        self.fit_scale = scale

    def _needs(self, graph: ComputationGraph,
               short: bool) -> tuple[list[float], float, float, float]:
        """The smallest gaps between neighbouring columns, the room left of the first and
        right of the last column's centre, and a box's height; from every text a node or
        an edge will show (so stepping never moves the nodes); with ``short``, the room
        for the products' results only."""
        bold, small = QFontMetricsF(self._bold), QFontMetricsF(self._small)
        columns = max(n.column for n in graph.nodes)
        half = [0.0] * (columns + 1)
        for n in graph.nodes:
            first = (bold.horizontalAdvance(n.label) + GAP
                     + small.horizontalAdvance(fmt(n.value)))
            second = small.horizontalAdvance(f"{derivative_name(n.label)} = "
                                             f"{fmt(n.derivative)}")
            half[n.column] = max(half[n.column], (max(first, second) + 2 * PAD) / 2)
        gaps = [max(MIN_COLUMN_GAP, half[c] + half[c + 1] + COLUMN_PAD)
                for c in range(columns)]
        column = {n.key: n.column for n in graph.nodes}
        for e in graph.edges:
            first, last = sorted((column[e.source], column[e.target]))
            if last == first:
                continue
            text = short_product(e.product_text) if short else e.product_text
            share = (small.horizontalAdvance(text) + COLUMN_PAD) / (last - first)
            for c in range(first, last):  # the product sits between the edge's ends
                gaps[c] = max(gaps[c], half[c] + half[c + 1] + share)
        box_height = max(bold.height(), small.height()) + small.height() + 2 * PAD
        return gaps, half[0] + MARGIN, half[-1] + MARGIN, box_height

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
            edge.backdrop.setVisible(written)
            edge.backdrop.setBrush(QBrush(QColor(c.background)))
            if written:
                edge.product.setText(e.product_text if not many or self._fits(edge, e)
                                     else short_product(e.product_text))
                edge.product.setBrush(derivative_colour)
                edge.place_product()

    def _fits(self, edge: _Edge, e) -> bool:
        """Whether the whole product fits between the boxes at the edge's ends."""
        a, b = self._nodes[e.source].box.rect(), self._nodes[e.target].box.rect()
        left, right = (a, b) if a.center().x() <= b.center().x() else (b, a)
        room = right.left() - left.right() - COLUMN_PAD
        return QFontMetricsF(self._small).horizontalAdvance(e.product_text) <= room

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._layout()
