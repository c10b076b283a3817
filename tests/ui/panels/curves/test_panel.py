"""Curves panel (Landscape workspace): cost and accuracy stacked and readable at its sizes,
a new run restarts them, and a long run keeps its first iterations readable."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.training.config import course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.curves.panel import CurvesPanel
from nnviz.ui.theme import LIGHT
from nnviz.ui.widgets.curves import AUTO_LOG_FROM, CurvesView

SIZES = {"laptop": (460, 680), "desktop": (650, 990)}


def make_panel(qtbot, size):
    panel = CurvesPanel(PanelContext(None, QSettings(), SimpleNamespace(colors=LIGHT)))
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture(scope="module")
def long_run():
    """A run past the automatic log axis's threshold, and its first snapshot."""
    session = TrainingSession(course_default())
    first = session.snapshot(state="paused")
    session.step(AUTO_LOG_FROM + 500)
    return first, session.snapshot(state="paused")


def share_of_axis(plot, iteration: float) -> float:
    """Where ``iteration`` sits along the visible iteration axis, 0 (left) to 1 (right)."""
    item = plot.getPlotItem()
    (x0, x1), _ = item.getViewBox().viewRange()
    x = np.log10(iteration) if item.ctrl.logXCheck.isChecked() else iteration
    return (x - x0) / (x1 - x0)


@pytest.mark.parametrize("screen", sorted(SIZES))
def test_stacked_and_readable_at_both_sizes(qtbot, screen):
    panel = make_panel(qtbot, SIZES[screen])
    session = TrainingSession(course_default())
    session.step(200)
    panel.on_snapshot(session.snapshot(state="paused"))
    qtbot.wait(30)
    panel.grab()
    curves = panel.curves
    assert curves.stacked  # tall: the two share one iteration axis, one above the other
    cost = curves.cost_plot.getPlotItem().getViewBox().sceneBoundingRect()
    metric = curves.metric_plot.getPlotItem().getViewBox().sceneBoundingRect()
    assert curves.metric_plot.mapTo(panel, curves.metric_plot.rect().topLeft()).y() > \
        curves.cost_plot.mapTo(panel, curves.cost_plot.rect().topLeft()).y()
    for box in (cost, metric):
        assert box.width() >= 200 and box.height() >= 150, box
        # The panel's height, but for the bias/variance readout under them, goes to them.
        assert box.height() >= 0.3 * (SIZES[screen][1] - panel.readout.height())
    assert panel.readout.height() < 0.25 * SIZES[screen][1]  # the plots keep the most
    for plot in (curves.cost_plot, curves.metric_plot):
        item = plot.getPlotItem()
        assert item.titleLabel.item.sceneBoundingRect().right() < \
            item.legend.sceneBoundingRect().left()
    assert panel.minimumSizeHint().width() <= SIZES[screen][0]
    x, y = curves.train_cost.getData()
    np.testing.assert_array_equal(x, session.history.arrays()["iterations"])
    assert set(panel.figures()) == {"cost", "accuracy"}


def test_wide_and_low_puts_the_plots_side_by_side(qtbot):
    view = CurvesView()
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    assert not view.stacked  # two 150 px tall view boxes do not fit in 300 px
    view.resize(600, 700)
    qtbot.waitUntil(lambda: view.stacked, timeout=2000)


def test_a_long_run_gets_a_log_iteration_axis_and_a_new_run_starts_linear(qtbot, long_run):
    first, long = long_run
    panel = make_panel(qtbot, SIZES["laptop"])
    curves = panel.curves
    panel.on_snapshot(first)
    assert not curves.log_x.isChecked()
    panel.on_snapshot(long)
    assert curves.log_x.isChecked()
    plot = curves.cost_plot
    assert plot.getPlotItem().ctrl.logXCheck.isChecked()
    # The first 300 iterations, where the cost falls, take over half the axis (on a linear
    # axis they would be a sliver of about 300 / 2,500 of it).
    assert share_of_axis(plot, 300) >= 0.5
    x = curves.train_cost.xData  # the iterations given (getData() gives their log10)
    assert x.min() > 0  # iteration 0 has no place on a log axis
    (x0, _), _ = plot.getPlotItem().getViewBox().viewRange()
    assert x0 == pytest.approx(np.log10(x.min()))  # from the first record, nothing empty
    # A new run (rebuild or reset) starts linear again.
    panel.on_snapshot(dataclasses.replace(first, generation=long.generation + 1))
    assert not curves.log_x.isChecked()
    assert not plot.getPlotItem().ctrl.logXCheck.isChecked()
    assert list(curves.train_cost.getData()[0]) == [0.0]


def test_the_users_choice_overrides_the_rule(qtbot, long_run):
    first, long = long_run
    panel = make_panel(qtbot, SIZES["laptop"])
    curves = panel.curves
    panel.on_snapshot(long)
    assert curves.log_x.isChecked()
    curves.log_x.click()  # the user wants the linear axis back
    assert not curves.log_x.isChecked()
    panel.on_snapshot(long)
    assert not curves.log_x.isChecked()
    assert share_of_axis(curves.cost_plot, long.iteration) <= 1.0
    assert share_of_axis(curves.cost_plot, 300) < 0.2  # linear, as asked
    # ...and a short run on a log axis when the user asks for it.
    curves.log_x.click()
    panel.on_snapshot(dataclasses.replace(first, generation=long.generation + 1))
    assert curves.log_x.isChecked()
    assert "2,000 iterations" in curves.log_x.toolTip()  # the rule, stated


def test_a_new_run_restarts_the_curves_at_its_first_snapshot(qtbot, long_run):
    first, long = long_run
    panel = make_panel(qtbot, SIZES["laptop"])
    panel.on_snapshot(long)
    assert len(panel.curves.train_metric.getData()[0]) > 10
    restarted = dataclasses.replace(first, generation=long.generation + 1)
    panel.on_snapshot(restarted)
    for curve in panel.curves.curves:
        assert list(curve.getData()[0]) == [0.0]
    (x0, x1), _ = panel.curves.cost_plot.getPlotItem().getViewBox().viewRange()
    assert x1 <= 20  # the old run's range went too
