"""The Backprop panel alone in its workspace (1366x768 and 1920x1080 screens): each page shows
its whole content, the graphs scaled to fit with no node cut and nothing scrolling, and the
vectorized page's heat maps each with a labelled colour scale."""
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetrics

from nnviz.training.config import NetworkSpec, course_default
from nnviz.ui.panels.backprop.graph_view import short_product
from nnviz.ui.panels.backprop.panel import BackpropPanel
from nnviz.ui.panels.backprop.vectorized_page import MAPS
from tests.ui.layout_rules import layout_problems, panel_alone, paused_snapshot

TIMEOUT = 20000
WORKSPACE = {"1366x768": (1366, 680), "1920x1080": (1920, 990)}


def trained_snapshot(hidden=(4,)):
    config = dataclasses.replace(course_default(), network=NetworkSpec(
        hidden_units=hidden, activations=("tanh",) * len(hidden)))
    return paused_snapshot(config)


@pytest.fixture(scope="module")
def snapshot():
    return trained_snapshot()


def shown_panel(qtbot, size, snapshot):
    panel = panel_alone(qtbot, BackpropPanel, size)
    panel.on_snapshot(snapshot)
    return panel


def open_page(qtbot, panel, index):
    panel.tabs.setCurrentIndex(index)
    page = panel.tabs.currentWidget()
    done = (lambda: page.result is not None) if index == 2 else (lambda: page.graph is not None)
    qtbot.waitUntil(lambda: done() and not panel.busy, timeout=TIMEOUT)
    if index < 2:
        page.finish()  # every value and derivative written: the widest boxes
    qtbot.wait(30)
    return page


def graph_problems(view) -> list[str]:
    """Nodes or written products outside the visible part of a graph view, and scrolling."""
    problems = []
    seen = QRectF(view.viewport().rect()).adjusted(-0.5, -0.5, 0.5, 0.5)
    for key, node in view._nodes.items():
        rect = view.mapFromScene(node.box.sceneBoundingRect()).boundingRect()
        if not seen.contains(QRectF(rect)):
            problems.append(f"node {key} is cut: {rect} not in {seen}")
    for i, edge in enumerate(view._edges):
        if edge.product.isVisible():
            rect = view.mapFromScene(edge.product.sceneBoundingRect()).boundingRect()
            if not seen.contains(QRectF(rect)):
                problems.append(f"product {i} is cut")
    for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
        if bar.isVisible() or bar.maximum() > 0:
            problems.append(f"the view scrolls ({bar.orientation()})")
    return problems


@pytest.mark.parametrize("screen", list(WORKSPACE))
@pytest.mark.parametrize("index", [0, 1])
def test_a_graph_page_shows_the_whole_graph(qtbot, snapshot, screen, index):
    size = WORKSPACE[screen]
    panel = shown_panel(qtbot, size, snapshot)
    try:
        page = open_page(qtbot, panel, index)
        view = page.view
        assert graph_problems(view) == []
        output = page.graph.output  # J (numbers) or the loss L (one example)
        assert view.node_texts(output)[2].startswith("d")  # its derivative written, on screen
        # legible: shrunk at most to 3/4 (the course's 2-4-1 network on a 1366 screen)
        assert view.fit_scale >= 0.75
        assert view.height() >= 0.7 * size[1]  # was a 120 px slot in the dock
        assert layout_problems(panel, size) == []
    finally:
        panel.shutdown()


@pytest.mark.parametrize("size", [(1000, 420), (700, 500)])
def test_a_bigger_network_in_a_smaller_space_is_scaled_down_never_cut(qtbot, size):
    panel = shown_panel(qtbot, size, trained_snapshot(hidden=(6, 5)))
    try:
        page = open_page(qtbot, panel, 1)
        view = page.view
        assert view.fit_scale >= 0.6  # products too long for their room show their result
        assert graph_problems(view) == []
        written = [(edge, e) for edge, e in zip(view._edges, page.graph.edges)
                   if edge.product.isVisible()]
        assert written  # the last backward step's products
        boxes = [node.box.sceneBoundingRect() for node in view._nodes.values()]
        for edge, e in written:
            text = edge.product.text()
            assert text in (e.product_text, short_product(e.product_text))
            assert not any(box.intersects(edge.product.sceneBoundingRect()) for box in boxes)
    finally:
        panel.shutdown()


@pytest.mark.parametrize("screen", list(WORKSPACE))
def test_the_vectorized_page_shows_every_map_with_its_colour_scale(qtbot, snapshot, screen):
    size = WORKSPACE[screen]
    panel = shown_panel(qtbot, size, snapshot)
    try:
        page = open_page(qtbot, panel, 2)
        assert layout_problems(panel, size) == []  # every map ≥ 200x150, titles whole
        step = page.result.steps[page.position_index]
        for name, _title in MAPS:
            plot, bar = page.plots[name], page.colour_bars[name]
            assert plot.isVisible() and bar.isVisible()
            shown = page.images[name].image
            bound = float(np.abs(shown).max())
            # the scale is the map's: symmetric, as far as its largest entry
            assert tuple(bar.levels()) == pytest.approx((-bound, bound))
            assert tuple(page.images[name].levels) == pytest.approx((-bound, bound))
            np.testing.assert_array_equal(shown, getattr(step, name)[:, :shown.shape[1]])
            ticks = [text for _v, text in bar.axis._tickLevels[0]]
            assert len(ticks) == 5 and ticks[2] == "0"
            assert float(ticks[-1]) == pytest.approx(bound, rel=0.05)  # labelled in its units
            # the labels fit the width given to the bar's axis
            metrics = QFontMetrics(bar.axis.style["tickFont"] or QFont())
            assert max(metrics.horizontalAdvance(t) for t in ticks) < bar.axis.width()
        equations = page.equations
        assert equations.height() >= equations.sizeHint().height()  # dA[l-1] is not cut
        assert "dA[1]" in equations.text()
    finally:
        panel.shutdown()
