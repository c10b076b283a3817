"""Lesson plots as a learner reads them: round circles with x1/x2 axes, curves that can be
told apart, formulas with their symbols (never ASCII "sigma(")."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QAbstractButton, QLabel

from nnviz.experiments import EXPERIMENTS, get_experiment
from nnviz.experiments.results import BoundaryPlot
from nnviz.ui.panels.experiments.panel import ExperimentsPanel
from nnviz.ui.panels.experiments.plots import BoundaryGridView
from nnviz.ui.panels.experiments.view import ResultView
from nnviz.ui.theme import LIGHT


def test_lesson_6_boundaries_keep_one_to_one_aspect_and_name_their_axes(qtbot):
    result = get_experiment("init_schemes", iterations=20, resolution=24).run()
    plot = next(p for p in result.plots if isinstance(p, BoundaryPlot))
    view = BoundaryGridView(plot, LIGHT)
    qtbot.addWidget(view)
    view.resize(1000, 330)  # a wide, short slot: without the lock the rings become ovals
    view.show()
    qtbot.waitExposed(view)
    for cell in view.cells:
        box = cell.getViewBox()
        assert box.state["aspectLocked"] == 1.0
        (x0, x1), (y0, y1) = box.viewRange()
        width, height = box.width(), box.height()
        # one data unit is as many pixels across as up
        assert np.isclose(width / (x1 - x0), height / (y1 - y0), rtol=0.02)
        assert cell.getAxis("bottom").labelText == "x1"
        assert cell.getAxis("left").labelText == "x2"
        assert cell.getAxis("bottom").isVisible() and cell.getAxis("left").isVisible()


def test_lesson_7_he_and_half_he_training_curves_are_far_apart():
    e = get_experiment("deep_gradients", seeds=1, scales=(1.0,), activations=("relu",))
    result = e.run()
    training = result.plots[-1]
    assert training.title.startswith("Training") and training.log_y
    curves = {s.label: s for s in training.series}
    half, he = curves["init: He x0.5"], curves["init: He"]
    # On the plot's log axis, over the last quarter of the run, the two lines are apart
    # by at least a fifth of the axis's whole span (a glance tells them apart).
    ys = np.concatenate([s.y[np.isfinite(s.y) & (s.y > 0)] for s in training.series])
    span = np.log10(ys.max()) - np.log10(ys.min())
    late = he.x >= 0.75 * he.x.max()
    gap = np.log10(np.interp(he.x[late], half.x, half.y)) - np.log10(he.y[late])
    assert np.median(gap) > 0.2 * span, (np.median(gap), span)
    assert np.allclose(half.y, np.log(2), atol=1e-6)  # vanishing: flat at ln 2
    assert he.y[-1] < 0.1  # He learns


def _texts(widget) -> list[str]:
    """Every text a learner can see or hover in ``widget``."""
    out = [widget.toolTip()]
    for child in widget.findChildren(QLabel):
        out += [child.text(), child.toolTip()]
    for child in widget.findChildren(QAbstractButton):
        out += [child.text(), child.toolTip()]
    return out


def test_no_lesson_shows_ascii_sigma(qtbot):
    panel = ExperimentsPanel()
    qtbot.addWidget(panel)
    try:
        for e in EXPERIMENTS.values():
            assert "sigma(" not in panel.lesson_buttons[e.key].toolTip(), e.key
        assert not any("sigma(" in t for t in _texts(panel))
    finally:
        panel.shutdown()  # its job thread
    # A result whose text, plot note and tooltip write a = sigma(z) in ASCII.
    result = get_experiment("cost_function", resolution=15, iterations=20).run()
    assert any("sigma(" in getattr(p, "note", "") for p in result.plots)  # the source does
    view = ResultView(LIGHT)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show_result(result)
    shown = _texts(view) + [card.view.toolTip() for card in view.views]
    for card in view.views:
        item = card.view.figure()
        shown += [getattr(item, "titleLabel", None) and item.titleLabel.text or ""]
    assert shown and not any("sigma(" in t for t in shown)
    assert any("σ(z)" in t for t in shown)
