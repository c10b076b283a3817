"""Training panel: the plots get the height, every view restarts with a new run, the
Click-adds picker shows whole class names, the misclassified images are readable."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QObject, QPointF, QRectF, QSettings, Signal
from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.training.panel import TrainingPanel
from nnviz.ui.theme import LIGHT
from nnviz.ui.widgets.image_views import MIN_PICTURE_PX

TIMEOUT = 20000
SIZES = {"laptop": (1000, 420), "desktop": (1500, 600)}  # the Train workspace's share
DIGITS = SessionConfig(DataSpec(name="digits", normalize=True),
                       NetworkSpec(hidden_units=(32,), activations=("relu",), init="he"),
                       Hyperparameters(optimizer="adam", learning_rate=0.01))


class Controller(QObject):
    """What the panel asks of the controller: the neuron-picture focus and the latest."""
    unit_focus = Signal(object)
    latest = None

    def focus_example(self, index):
        pass


def make_panel(qtbot, size, controller=None):
    context = PanelContext(controller or Controller(), QSettings(),
                           SimpleNamespace(colors=LIGHT))
    panel = TrainingPanel(context)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def settle(qtbot, panel):
    qtbot.wait(30)
    panel.grab()  # lays out and paints the scenes


def view_box(plot):
    return plot.getPlotItem().getViewBox().sceneBoundingRect()


def trained(config, steps):
    session = TrainingSession(config)
    session.step(steps)
    return session, session.snapshot(state="paused")


@pytest.mark.parametrize("screen", sorted(SIZES))
def test_plots_get_the_height_at_both_sizes(qtbot, screen):
    panel = make_panel(qtbot, SIZES[screen])
    panel.on_snapshot(trained(course_default(), 300)[1])
    settle(qtbot, panel)
    assert panel.minimumSizeHint().width() <= SIZES[screen][0]
    assert panel.minimumSizeHint().height() <= SIZES[screen][1]
    boundary = view_box(panel.boundary)
    assert boundary.width() >= 400 and boundary.height() >= 300, boundary
    for plot in (panel.cost_plot, panel.metric_plot):
        box = view_box(plot)
        assert box.width() >= 200 and box.height() >= 150, box
        item = plot.getPlotItem()
        title = item.titleLabel.item.sceneBoundingRect()
        legend = item.legend.sceneBoundingRect()
        assert title.right() < legend.left(), (title, legend)  # side by side, not over
        assert legend.right() <= plot.sceneRect().right() + 1  # not cut at the edge
    # One header row above the plots: the boundary plot starts right under it.
    top = panel.boundary.mapTo(panel, panel.boundary.rect().topLeft()).y()
    assert top <= 34
    # The summary shows a whole wording (never elided), the full one in its tooltip.
    summary = panel.summary
    assert summary.text() in [summary.full_text, *summary._texts]
    assert summary.fontMetrics().horizontalAdvance("…") and "…" not in summary.text()
    assert summary._text_width(summary.text()) <= summary.contentsRect().width()
    assert "320 training / 80 test examples" in summary.toolTip()


def test_the_larger_panel_gives_the_boundary_more_room(qtbot):
    boxes = {}
    snap = trained(course_default(), 50)[1]
    for screen, size in SIZES.items():
        panel = make_panel(qtbot, size)
        panel.on_snapshot(snap)
        settle(qtbot, panel)
        boxes[screen] = (view_box(panel.boundary), view_box(panel.cost_plot))
    assert boxes["desktop"][0].width() > 1.5 * boxes["laptop"][0].width()
    assert boxes["desktop"][0].height() > 1.4 * boxes["laptop"][0].height()
    assert boxes["desktop"][1].width() > boxes["laptop"][1].width()


def test_every_view_restarts_at_the_snapshot_of_a_rebuild(qtbot):
    panel = make_panel(qtbot, SIZES["laptop"])
    config = course_default()
    session, old = trained(config, 300)
    panel.on_snapshot(old)
    assert len(panel.train_metric.getData()[0]) > 10
    old_image = np.array(panel.boundary.image.image)
    # The init-scale slider: the same network rebuilt with another scale.
    session.apply(dataclasses.replace(config, network=dataclasses.replace(
        config.network, init_scale=config.network.init_scale * 50)))
    new = session.snapshot(state="paused")
    assert new.generation == old.generation + 1 and new.iteration == 0
    panel.on_snapshot(new)
    for curve in (panel.train_cost, panel.train_metric, panel.test_metric):
        assert list(curve.getData()[0]) == [0.0]
    assert panel.train_metric.getData()[1][0] == pytest.approx(new.train_metric)
    np.testing.assert_array_equal(panel.boundary.image.image, new.boundary.values)
    assert not np.array_equal(panel.boundary.image.image, old_image)
    assert all(hint.isVisible() for hint in panel.start_hints)
    # A new run whose output is not finite yet has no grid: the old picture still goes.
    panel.on_snapshot(old)
    panel.on_snapshot(dataclasses.replace(new, generation=new.generation + 1, boundary=None))
    assert panel.boundary.image.image is None and panel.boundary._grid is None
    assert list(panel.train_metric.getData()[0]) == [0.0]


def test_a_rebuild_through_the_controller_restarts_all_views_together(qtbot):
    from nnviz.training.controller import TrainingController

    controller = TrainingController(course_default())
    panel = make_panel(qtbot, SIZES["laptop"], controller)
    seen = []

    def draw(snapshot):
        panel.on_snapshot(snapshot)
        x_cost, x_metric = panel.train_cost.getData()[0], panel.train_metric.getData()[0]
        seen.append((snapshot.generation, snapshot.iteration, x_cost[-1], x_metric[-1],
                     panel.boundary._grid is snapshot.boundary))

    controller.snapshot.connect(draw)
    controller.start()
    try:
        controller.step(200)
        qtbot.waitUntil(lambda: bool(seen) and seen[-1][1] == 200, timeout=TIMEOUT)
        first = seen[-1][0]
        config = controller.requested_config
        controller.apply_config(dataclasses.replace(config, network=dataclasses.replace(
            config.network, init_scale=config.network.init_scale * 3)))
        qtbot.waitUntil(lambda: seen[-1][0] == first + 1, timeout=TIMEOUT)
    finally:
        controller.shutdown()
    generation, iteration, cost_x, metric_x, boundary_drawn = seen[-1]
    assert iteration == 0 and cost_x == 0.0 and metric_x == 0.0 and boundary_drawn


@pytest.mark.parametrize("name", ["spiral", "moons", "gaussians"])
def test_click_adds_shows_whole_class_names(qtbot, name):
    config = dataclasses.replace(course_default(), data=DataSpec(name=name))
    panel = make_panel(qtbot, SIZES["laptop"])
    panel.on_snapshot(TrainingSession(config).snapshot())
    box = panel.boundary_box
    if name == "gaussians":  # and longer names, as a CSV of three classes may have
        box._set_classes(("versicolor", "setosa", "virginica"))
    settle(qtbot, panel)
    combo = box.draw_class
    assert combo.isVisible() and panel.minimumSizeHint().width() <= SIZES["laptop"][0]
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    for k in range(combo.count()):
        text = combo.itemText(k)
        needed = combo.fontMetrics().horizontalAdvance(text) + combo.iconSize().width() + 4
        assert needed <= field.width(), (text, needed, field.width())


@pytest.mark.parametrize("screen", sorted(SIZES))
def test_misclassified_digits_are_readable_and_labels_never_overlap(qtbot, screen):
    panel = make_panel(qtbot, SIZES[screen])
    panel.on_snapshot(trained(DIGITS, 3)[1])  # early: many wrong
    settle(qtbot, panel)
    view = panel.view("images")
    assert panel.outcome.currentWidget() is view
    plan, images = view.plan, view._images
    assert images.n_wrong > plan.shown >= 10  # more wrong than fit: the first ones
    assert f"first {plan.shown}" in view.wrong_plot.titleLabel.text
    vb = view.wrong_plot.getViewBox()
    shown_area = vb.sceneBoundingRect()
    rows, cols = images.image_shape
    tiles = []
    for n in range(plan.shown):
        i, j = divmod(n, plan.columns)
        x, y = j * (cols + 1), i * (rows + plan.label_rows)
        top_left = vb.mapViewToScene(QPointF(x, y))
        bottom_right = vb.mapViewToScene(QPointF(x + cols, y + rows))
        tile = (min(top_left.x(), bottom_right.x()), min(top_left.y(), bottom_right.y()),
                abs(bottom_right.x() - top_left.x()), abs(bottom_right.y() - top_left.y()))
        assert tile[2] >= MIN_PICTURE_PX - 1 and tile[3] >= MIN_PICTURE_PX - 1, tile
        tiles.append(tile)
    labels = [t.sceneBoundingRect() for t in view.labels if t.isVisible()]
    assert len(labels) == plan.shown
    tile_rects = [QRectF(*t) for t in tiles]
    for n, label in enumerate(labels):
        assert shown_area.contains(label), (n, label, shown_area)  # not cut
        assert label.top() >= tile_rects[n].bottom() - 1  # under its own image
        for m, other in enumerate(labels):
            assert m == n or not label.intersects(other)
        for m, tile in enumerate(tile_rects):
            assert not label.intersects(tile.adjusted(1, 1, -1, -1)), (n, m)
