"""The decision-boundary plot's tools: output toggles (and, below, data you draw)."""
import dataclasses

import numpy as np
import pytest

from nnviz.training.config import DataSpec, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.boundary_box import BoundaryBox


@pytest.fixture
def trained():
    session = TrainingSession(course_default())
    session.step(400)
    return session.snapshot()


def test_discretize_shows_two_solid_class_regions(qtbot, trained):
    box = BoundaryBox()
    qtbot.addWidget(box)
    box.update_from(trained)
    soft = np.array(box.plot.image.image)
    assert soft.ndim == 2  # probabilities through a lookup table
    box.discretize.setChecked(True)
    hard = np.array(box.plot.image.image)
    assert hard.ndim == 3 and hard.dtype == np.uint8
    colours = np.unique(hard.reshape(-1, 3), axis=0)
    assert len(colours) == 2
    # The two colours split the plane exactly where P(y = 1) crosses 0.5.
    above = trained.boundary.values > 0.5
    first = hard[above][0]
    assert (np.all(hard == first, axis=-1) == above).all()
    box.discretize.setChecked(False)
    np.testing.assert_array_equal(box.plot.image.image, trained.boundary.values)


def test_show_test_data_toggles_the_test_points(qtbot, trained):
    box = BoundaryBox()
    qtbot.addWidget(box)
    box.update_from(trained)
    assert box.show_test.isChecked() and box.plot.shows_test
    assert len(box.plot.test_points.data) == trained.data.m_test
    box.show_test.setChecked(False)
    assert not box.plot.test_points.isVisible()
    assert box.plot.train_points.isVisible()
    box.show_test.setChecked(True)
    assert box.plot.test_points.isVisible()


def test_toggles_disabled_where_they_mean_nothing(qtbot):
    config = dataclasses.replace(course_default(), data=DataSpec(name="regression"))
    config = dataclasses.replace(config, hyper=dataclasses.replace(config.hyper,
                                                                   learning_rate=0.01))
    box = BoundaryBox()
    qtbot.addWidget(box)
    box.update_from(TrainingSession(config).snapshot())
    assert not box.discretize.isEnabled()
    no_test = dataclasses.replace(course_default(), data=DataSpec(train_fraction=1.0))
    box.update_from(TrainingSession(no_test).snapshot())
    assert box.discretize.isEnabled() and not box.show_test.isEnabled()


# -- data you draw ---------------------------------------------------------------------------
def test_clicks_report_where_only_when_editable(qtbot, trained):
    from PySide6.QtCore import Qt

    box = BoundaryBox()
    qtbot.addWidget(box)
    added, removed = [], []
    box.plot.point_requested.connect(lambda *a: added.append(a))
    box.plot.remove_requested.connect(lambda *a: removed.append(a))
    box.plot.click_at(0.5, 1.5, Qt.MouseButton.LeftButton)
    assert added == []  # no data yet: not editable
    box.update_from(trained)
    assert box.plot.editable and box.draw_tools.isVisibleTo(box)
    assert [box.draw_class.itemText(k) for k in range(box.draw_class.count())] == \
        list(trained.data.class_names)
    box.plot.click_at(0.5, 1.5, Qt.MouseButton.LeftButton)
    box.plot.click_at(0.5, 1.5, Qt.MouseButton.LeftButton, shift=True)
    box.plot.click_at(-1.0, 2.0, Qt.MouseButton.RightButton)
    assert added == [(0.5, 1.5, False), (0.5, 1.5, True)] and removed == [(-1.0, 2.0)]
    assert box.class_for_click(False) == 0 and box.class_for_click(True) == 1
    box.draw_class.setCurrentIndex(1)
    assert box.class_for_click(False) == 1 and box.class_for_click(True) == 0
    iris = TrainingSession(dataclasses.replace(course_default(), data=DataSpec(name="iris")))
    box.update_from(iris.snapshot())  # not two inputs: nothing to draw on
    assert not box.plot.editable and not box.draw_tools.isVisibleTo(box)


def test_drawn_points_train_on_and_restore_and_save(qtbot, tmp_path):
    import os

    from PySide6.QtCore import Qt

    from nnviz.engine.data import load_csv
    from nnviz.training.config import SessionConfig
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.panels import panel_spec
    from nnviz.ui.settings import open_settings

    w = MainWindow(settings=open_settings(os.environ["NNVIZ_SETTINGS"]),
                   panels=[panel_spec(k) for k in ("builder", "training")])
    qtbot.addWidget(w)
    w.show()
    c = w.controller
    qtbot.waitUntil(lambda: c.snapshots_delivered > 0, timeout=20000)
    c.step(50)
    qtbot.waitUntil(lambda: c.latest.iteration == 50, timeout=20000)
    first = c.latest
    m0 = first.data.m_train
    box = w.panels["training"].boundary_box
    box.plot.click_at(1.0, 2.0, Qt.MouseButton.LeftButton)
    box.plot.click_at(-2.5, 0.5, Qt.MouseButton.LeftButton, shift=True)
    qtbot.waitUntil(lambda: c.latest.data.m_train == m0 + 2, timeout=20000)
    snap = c.latest
    assert snap.iteration == 50 and snap.generation == first.generation  # training goes on
    np.testing.assert_array_equal(snap.data.X_train_raw[:, -2:], [[1.0, -2.5], [2.0, 0.5]])
    np.testing.assert_array_equal(snap.data.y_train[-2:], [0, 1])
    np.testing.assert_array_equal(snap.theta, first.theta)  # the same network
    assert c.requested_config.data.added_points == ((1.0, 2.0, 0), (-2.5, 0.5, 1))
    assert box.restore.isEnabled()
    # Right-click beside a loaded training point removes that one.
    x, y = snap.data.X_train_raw[:, 7]
    box.plot.click_at(x + 1e-3, y - 1e-3, Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: c.latest.data.m_train == m0 + 1, timeout=20000)
    X = c.latest.data.X_train_raw
    assert not ((X[0] == x) & (X[1] == y)).any()
    # Saved as CSV: the data as drawn, readable again.
    path = tmp_path / "drawn.csv"
    box.save_data(path)
    loaded = load_csv(path, label_column="target")
    d = c.latest.data
    assert loaded.m == d.m_train + d.m_test
    np.testing.assert_allclose(loaded.X, np.hstack([d.X_train_raw, d.X_test_raw]))
    # The edits are part of the session's settings (saved with it) and rebuild the same data.
    again = SessionConfig.from_dict(c.config.to_dict())
    assert again == c.config
    # Training continues on the edited data.
    c.step(5)
    qtbot.waitUntil(lambda: c.latest.iteration == 55, timeout=20000)
    assert c.latest.data.m_train == m0 + 1
    # Restore: the loaded data again, still the same run.
    box.restore.click()
    qtbot.waitUntil(lambda: c.latest.data.m_train == m0, timeout=20000)
    assert c.latest.iteration == 55 and not c.config.data.edited
    np.testing.assert_array_equal(c.latest.data.X_train_raw, first.data.X_train_raw)
    # "New sample" in the builder draws new data without the old sample's edits.
    box.plot.click_at(0.0, 0.0, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: c.config.data.edited, timeout=20000)
    w.panels["builder"].regenerate.click()
    assert not c.requested_config.data.edited
    w.close()


def test_a_real_mouse_click_on_the_plot_asks_for_a_point_there(qtbot, trained):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    box = BoundaryBox()
    qtbot.addWidget(box)
    box.resize(500, 500)
    box.show()
    qtbot.waitExposed(box)
    box.update_from(trained)
    added = []
    box.plot.point_requested.connect(lambda *a: added.append(a))
    vb = box.plot.getPlotItem().vb
    centre = vb.sceneBoundingRect().center()
    expected = vb.mapSceneToView(centre)
    pos = box.plot.mapFromScene(centre)
    QTest.mouseClick(box.plot.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ShiftModifier, pos)
    qtbot.waitUntil(lambda: len(added) == 1, timeout=2000)
    x, y, shift = added[0]
    assert shift and x == pytest.approx(expected.x(), abs=0.05) and \
        y == pytest.approx(expected.y(), abs=0.05)


def test_axes_name_the_raw_inputs_when_the_network_sees_features(qtbot):
    config = dataclasses.replace(course_default(),
                                 data=DataSpec(name="circles", features=("x1^2", "x2^2")))
    box = BoundaryBox()
    qtbot.addWidget(box)
    snap = TrainingSession(config).snapshot()
    box.update_from(snap)
    item = box.plot.getPlotItem()
    assert snap.data.feature_names == ("x1²", "x2²")
    assert item.getAxis("bottom").labelText == "x1" and item.getAxis("left").labelText == "x2"


def test_an_input_feature_is_shown_large_as_the_network_sees_it(qtbot, trained):
    from nnviz.ui.widgets.boundary_plot import BoundaryPlot

    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    plot.update_from(trained)
    plot.show_unit((0, 1))
    grid = trained.boundary
    np.testing.assert_array_equal(plot.image.image, grid.inputs[1].values[0])
    # x2 over the plane: constant along each row (y fixed), growing with y.
    assert np.ptp(grid.inputs[1].values[0], axis=1).max() == 0
    assert grid.inputs[1].values[0][-1, 0] > grid.inputs[1].values[0][0, 0]
    assert "input 2, x2" in plot.getPlotItem().titleLabel.text


def test_the_grid_is_drawn_smoothly_not_in_blocks(qtbot, trained):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor

    from nnviz.ui.widgets.boundary_plot import BoundaryPlot

    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(640, 520)
    plot.show()
    qtbot.waitExposed(plot)
    plot.update_from(trained)
    for item in (plot.train_points, plot.test_points, plot.contour):
        item.setVisible(False)
    # An 8-column ramp over the whole view: drawn in blocks it would show 8 colours a row.
    plot.image.setImage(np.tile(np.linspace(0.0, 1.0, 8), (8, 1)), autoLevels=False,
                        levels=(0.0, 1.0))
    x0, x1, y0, y1 = trained.boundary.extent
    plot.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
    picture = plot.grab().toImage()
    vb = plot.getPlotItem().vb.sceneBoundingRect()
    row = int(vb.center().y())
    colours = {picture.pixelColor(x, row).rgb()
               for x in range(int(vb.left()) + 4, int(vb.right()) - 4)}
    colours.discard(QColor(plot._colors.background).rgb())
    assert len(colours) > 40
