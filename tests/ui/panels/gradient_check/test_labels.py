"""The gradient check's plot labels ("good", "look", "bug", "ε of the check", the planted
bug's "bug") sit beside the plots, never over a bar or a curve, and never over each other
(offscreen)."""
from itertools import combinations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF

from nnviz.ui.panels.gradient_check.panel import GradientCheckPanel
from tests.ui.panels.gradient_check.test_panel import run
from tests.ui.layout_rules import panel_in_plain_host, tick_texts


@pytest.fixture
def panel(qtbot):
    """The panel in a shown host of the size the other panel tests use."""
    widget = panel_in_plain_host(qtbot, GradientCheckPanel, (1400, 850), show=True)
    yield widget
    widget.shutdown()


def scene_texts(axis) -> dict:
    """Each name the axis draws -> its rectangle in scene coordinates."""
    return {text: axis.mapRectToScene(rect) for rect, _, text, _ in tick_texts(axis)}


def bar_rects(bars: pg.BarGraphItem) -> list:
    opts = bars.opts
    return [bars.mapRectToScene(QRectF(x - opts["width"] / 2, opts["y0"], opts["width"], h))
            for x, h in zip(opts["x"], opts["height"])]


def assert_apart(rects: dict) -> None:
    for (a, ra), (b, rb) in combinations(rects.items(), 2):
        assert not ra.intersects(rb), (a, b)


@pytest.fixture
def shown(qtbot, panel):
    run(qtbot, panel, bug="dW2 doubled")
    qtbot.waitUntil(lambda: panel.eps_plot.sweep is not None, timeout=20000)
    qtbot.wait(100)  # laid out and painted
    return panel


def test_threshold_names_are_beside_the_bars(shown):
    bars = shown.tensor_bars
    view = bars.plot.getPlotItem().vb.sceneBoundingRect()
    names = scene_texts(bars.marks)
    assert set(names) == {"good", "look", "bug"}
    assert_apart(names)
    drawn_bars = bar_rects(bars.bars)
    assert len(drawn_bars) == 6 and max(r.height() for r in drawn_bars) > 0
    for name, rect in names.items():
        assert not rect.intersects(view), name  # outside the data area
        assert not any(rect.intersects(bar) for bar in drawn_bars), name
    assert not any(hasattr(line, "label") for line in bars.lines)  # no label on the lines
    # The tensor names under the bars: whole and apart.
    tensors = scene_texts(bars.plot.getPlotItem().getAxis("bottom"))
    assert list(tensors) == bars.names
    assert_apart(tensors)


def test_eps_and_planted_bug_names_are_beside_the_curves(shown):
    eps = shown.eps_plot
    assert eps.bug_line.isVisible()
    item = eps.plot.getPlotItem()
    view = item.vb.sceneBoundingRect()
    names = {**scene_texts(eps.eps_mark), **scene_texts(eps.bug_mark)}
    assert set(names) == {"ε of the check", "bug"}
    assert_apart(names)
    scene = eps.plot.sceneRect()
    for name, rect in names.items():
        assert not rect.intersects(view), name  # the curves are inside the view
        # Whole in the picture (the glyphs reach about a quarter above the measured box).
        assert rect.top() - 0.25 * rect.height() >= scene.top() - 0.5, name
        assert rect.right() <= scene.right() + 0.5, name
    assert not hasattr(eps.eps_line, "label") and not hasattr(eps.bug_line, "label")
    # The marks follow the lines.
    [(pos, _, _)] = eps.bug_mark.marks
    assert pos == pytest.approx(eps.bug_line.value())
    [(pos, _, _)] = eps.eps_mark.marks
    assert pos == pytest.approx(eps.eps_line.value())


def test_without_a_planted_bug_there_is_no_bug_mark(qtbot, panel):
    outcome = run(qtbot, panel)
    panel.select_parameter(outcome.result.layout[0].start)
    qtbot.waitUntil(lambda: panel.eps_plot.sweep is not None, timeout=20000)
    assert panel.eps_plot.bug_mark.marks == [] and not panel.eps_plot.bug_line.isVisible()
    assert [text for _, text, _ in panel.eps_plot.eps_mark.marks] == ["ε of the check"]
