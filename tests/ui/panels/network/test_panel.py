"""Network diagram panel: the hover read-out stays, one counting convention, absolute widths."""
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QWidget

from nnviz.training.config import course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.network_diagram import ABSOLUTE_FULL_WIDTH, WIDTH_LEVELS, NetworkDiagram


def snapshot_with_scale(scale: float):
    config = course_default()
    config = dataclasses.replace(config, network=dataclasses.replace(config.network,
                                                                     init_scale=scale))
    return TrainingSession(config).snapshot()


@pytest.fixture
def diagram(qtbot):
    host = QWidget()
    host.setToolTip("the panel's generic tooltip")
    qtbot.addWidget(host)
    d = NetworkDiagram(host)
    d.resize(600, 300)
    host.resize(600, 300)
    d.set_snapshot(snapshot_with_scale(1.0))
    yield d


def test_delayed_tooltip_event_keeps_the_unit_readout(diagram, monkeypatch):
    shown = []
    monkeypatch.setattr(diagram, "show_readout", lambda pos, text: shown.append(text))
    node = diagram._positions[1][2]
    pos = QPoint(round(node.x()), round(node.y()))
    event = QHelpEvent(QEvent.Type.ToolTip, pos, diagram.mapToGlobal(pos))
    handled = diagram.event(event)
    assert handled and event.isAccepted()  # never passed on to the panel
    assert shown == [diagram.describe_at(pos.x(), pos.y())]
    assert shown[0].startswith("unit 3 of layer 1")
    # Away from units and links: nothing, not the panel's tooltip either.
    far = QPoint(2, 2)
    assert diagram.describe_at(2, 2) is None
    assert diagram.event(QHelpEvent(QEvent.Type.ToolTip, far, diagram.mapToGlobal(far)))
    assert shown[-1] is None


def test_unit_and_link_readouts_use_one_convention(diagram):
    snap = TrainingSession().snapshot()
    diagram.set_snapshot(snap)
    node = diagram._positions[1][2]  # the third unit of layer 1 (array row 2)
    text = diagram.describe_at(node.x(), node.y())
    b = snap.layers[0].b[2, 0]
    assert text.startswith("unit 3 of layer 1 (tanh)")
    assert f"b[1]_3 = {b:.4g}" in text and "NumPy (0-based): b1[2, 0]" in text
    assert "b1[2]" not in text.replace("b1[2, 0]", "")  # no bare mixed index
    p, q = diagram._positions[0][1], diagram._positions[1][2]
    text = diagram.describe_at(p.x() + 0.2 * (q.x() - p.x()), p.y() + 0.2 * (q.y() - p.y()))
    w = snap.layers[0].W[2, 1]
    assert f"W[1]_3,2 = {w:.4g}" in text
    assert "from input 2" in text and "to unit 3 of layer 1" in text
    assert "NumPy (0-based): W1[2, 1]" in text
    out = diagram._positions[2][0]
    assert diagram.describe_at(out.x(), out.y()).startswith("output unit 1 of layer 2")


def test_absolute_scale_tells_small_and_large_initial_weights_apart(diagram):
    assert diagram.scale == "absolute"  # the default
    levels = {}
    for scale in ("absolute", "relative"):
        diagram.set_scale(scale)
        for init_scale in (1.0, 1000.0):  # randn * 0.01 and randn * 10
            diagram.set_snapshot(snapshot_with_scale(init_scale))
            levels[scale, init_scale] = diagram.link_levels()
    # Absolute: 0.01-sized weights are all thinnest, 10-sized ones mostly thickest.
    assert (levels["absolute", 1.0] == 0).all()
    big = np.abs(np.concatenate([W.ravel() for W in diagram._W]))
    expected = np.minimum((big / ABSOLUTE_FULL_WIDTH * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)
    assert sorted(levels["absolute", 1000.0]) == sorted(expected)
    assert levels["absolute", 1000.0].mean() > WIDTH_LEVELS / 2
    # Relative: the same draws scaled by 1000 give the same picture.
    np.testing.assert_array_equal(levels["relative", 1.0], levels["relative", 1000.0])
    with pytest.raises(ValueError, match="scale"):
        diagram.set_scale("log")


def test_panel_toggle_switches_the_scale_and_caption(qtbot):
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.panels import panel_spec
    from nnviz.ui.settings import open_settings
    import os

    w = MainWindow(settings=open_settings(os.environ["NNVIZ_SETTINGS"]),
                   panels=[panel_spec("network")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=20000)
    panel = w.panels["network"]
    assert panel.scale.currentData() == "absolute"
    assert f"thickest from |w| = {ABSOLUTE_FULL_WIDTH:g}" in panel.caption.text()
    panel.scale.setCurrentIndex(panel.scale.findData("relative"))
    assert panel.diagram.scale == "relative"
    assert "relative to the largest" in panel.caption.text()
    w.close()


# -- neuron pictures -------------------------------------------------------------------------
def image_bytes(image) -> bytes:
    from PySide6.QtGui import QImage

    # 32-bit pixels: no row padding, whose bytes are undefined.
    converted = image.convertToFormat(QImage.Format.Format_RGB32)
    return bytes(converted.constBits())


def test_every_unit_and_input_is_drawn_as_its_picture_and_pictures_update(diagram):
    session = TrainingSession()
    diagram.set_snapshot(session.snapshot())
    assert diagram.pictured_units == ((0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (1, 3), (2, 0))
    # Sampled at the size they are drawn (1:1, no scaling).
    pixels = round(diagram.picture_side * diagram.devicePixelRatioF())
    assert diagram.picture_side >= 40
    assert {(img.width(), img.height()) for img in diagram._images.values()} == {(pixels, pixels)}
    before = {key: image_bytes(img) for key, img in diagram._images.items()}
    session.step(300)
    diagram.set_snapshot(session.snapshot())
    after = {key: image_bytes(img) for key, img in diagram._images.items()}
    assert set(after) == set(before)
    units = [key for key in before if key[0] > 0]
    assert all(after[key] != before[key] for key in units)  # the units learn
    assert all(after[key] == before[key] for key in before if key[0] == 0)  # inputs do not
    diagram.grab()  # paints without error


def test_an_input_picture_is_its_feature_over_the_plane(diagram):
    diagram.set_snapshot(TrainingSession().snapshot())
    x1, x2 = diagram._images[(0, 0)], diagram._images[(0, 1)]
    n = x1.width()
    colour = lambda img, col, row: img.pixelColor(col, row).getRgb()
    # x1 changes from left to right only, x2 from bottom to top only (opposite ends of
    # the diverging map: blue-ish for negative, red-ish for positive).
    assert colour(x1, 2, 2) == colour(x1, 2, n - 3) != colour(x1, n - 3, 2)
    assert colour(x1, 2, 2)[2] > colour(x1, 2, 2)[0] and colour(x1, n - 3, 2)[0] > colour(x1, n - 3, 2)[2]
    assert colour(x2, 2, 2) == colour(x2, n - 3, 2) != colour(x2, 2, n - 3)
    assert colour(x2, 2, 2)[0] > colour(x2, 2, 2)[2]  # top of the picture: x2 > 0


def test_hovering_a_unit_asks_for_its_picture_and_a_click_pins_it(diagram, qtbot, monkeypatch):
    from PySide6.QtTest import QTest
    from PySide6.QtCore import Qt

    monkeypatch.setattr(diagram, "show_readout", lambda pos, text: None)  # no tooltip window
    diagram.parentWidget().show()
    hovered, pinned = [], []
    diagram.unit_hovered.connect(hovered.append)
    diagram.unit_pinned.connect(pinned.append)
    node = diagram._positions[1][1]
    pos = QPoint(round(node.x()) + 3, round(node.y()) - 3)  # inside the square picture
    QTest.mouseMove(diagram, QPoint(1, 1))  # from elsewhere: a move to where the pointer
    QTest.mouseMove(diagram, pos)           # already is (left by an earlier test) sends nothing
    assert hovered[-1] == (1, 1)
    assert "picture: A[1]_2 over the input plane" in diagram.hover_text
    QTest.mouseClick(diagram, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert pinned == [(1, 1)]
    QTest.mouseMove(diagram, QPoint(2, 2))
    assert hovered[-1] is None
    QTest.mouseClick(diagram, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    assert pinned == [(1, 1), None]  # a second click unpins


def test_hovering_an_input_asks_for_its_feature_picture(diagram, monkeypatch):
    from PySide6.QtTest import QTest

    monkeypatch.setattr(diagram, "show_readout", lambda pos, text: None)
    diagram.parentWidget().show()
    hovered = []
    diagram.unit_hovered.connect(hovered.append)
    node = diagram._positions[0][1]
    QTest.mouseMove(diagram, QPoint(round(node.x()) - 5, round(node.y()) + 5))
    assert hovered[-1] == (0, 1)
    assert diagram.hover_text.startswith("input 2: x2")
    assert "picture: A[0]_2 (the input as the network sees it)" in diagram.hover_text
    assert diagram.parameter_at(node.x(), node.y()) is None  # still no parameter to edit


def test_boundary_plot_shows_a_unit_picture_large(qtbot):
    from nnviz.ui.widgets.boundary_plot import BoundaryPlot

    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    session = TrainingSession()
    session.step(200)
    snap = session.snapshot()
    plot.update_from(snap)
    np.testing.assert_array_equal(plot.image.image, snap.boundary.values)
    plot.show_unit((1, 3))
    np.testing.assert_array_equal(plot.image.image, snap.boundary.units[0].values[3])
    assert plot.image.levels is not None and tuple(plot.image.levels) == (-1.0, 1.0)
    assert "unit 4 of layer 1 (tanh)" in plot.getPlotItem().titleLabel.text
    session.step(50)
    plot.update_from(session.snapshot())  # follows training
    np.testing.assert_array_equal(plot.image.image, session.snapshot().boundary.units[0].values[3])
    plot.show_unit(None)
    assert "P(y = 1 | x)" in plot.getPlotItem().titleLabel.text
    np.testing.assert_array_equal(plot.image.image, session.snapshot().boundary.values)


def test_hover_in_the_diagram_enlarges_the_unit_in_the_training_panel(qtbot):
    import os

    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.panels import panel_spec
    from nnviz.ui.settings import open_settings

    w = MainWindow(settings=open_settings(os.environ["NNVIZ_SETTINGS"]),
                   panels=[panel_spec(k) for k in ("training", "network")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=20000)
    diagram, boundary = w.panels["network"].diagram, w.panels["training"].boundary
    qtbot.waitUntil(lambda: diagram.pictured_units != (), timeout=20000)
    diagram.unit_hovered.emit((1, 2))
    assert boundary.shown_unit == (1, 2)
    diagram.unit_pinned.emit((2, 0))
    diagram.unit_hovered.emit(None)  # leaving: back to the pinned one
    assert boundary.shown_unit == (2, 0)
    diagram.unit_pinned.emit(None)
    assert boundary.shown_unit is None
    w.close()


# -- weights you edit --------------------------------------------------------------------------
def test_clicking_a_link_or_unit_while_paused_asks_to_edit_it(diagram, monkeypatch):
    from PySide6.QtTest import QTest
    from PySide6.QtCore import Qt

    monkeypatch.setattr(diagram, "show_readout", lambda pos, text: None)
    diagram.parentWidget().show()
    asked, pinned = [], []
    diagram.edit_requested.connect(asked.append)
    diagram.unit_pinned.connect(pinned.append)
    p, q = diagram._positions[0][1], diagram._positions[1][2]
    on_link = QPoint(round(p.x() + 0.2 * (q.x() - p.x())), round(p.y() + 0.2 * (q.y() - p.y())))
    unit = diagram._positions[1][3]
    on_unit = QPoint(round(unit.x()), round(unit.y()))
    QTest.mouseClick(diagram, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, on_link)
    assert asked == []  # not editable while training runs
    diagram.editable = True
    QTest.mouseClick(diagram, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, on_link)
    QTest.mouseClick(diagram, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, on_unit)
    assert asked == [("W", 1, 2, 1), ("b", 1, 3)]
    assert diagram.parameter_value(("W", 1, 2, 1)) == diagram._W[0][2, 1]
    inp = diagram._positions[0][0]
    assert diagram.parameter_at(inp.x(), inp.y()) is None  # inputs have no parameter


def test_weight_edit_applies_and_every_view_updates_at_once(qtbot, monkeypatch):
    import os

    from nnviz.engine.network import Network
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.panels import panel_spec
    from nnviz.ui.settings import open_settings

    w = MainWindow(settings=open_settings(os.environ["NNVIZ_SETTINGS"]),
                   panels=[panel_spec(k) for k in ("training", "network")])
    qtbot.addWidget(w)
    w.show()
    c = w.controller
    qtbot.waitUntil(lambda: c.snapshots_delivered > 0, timeout=20000)
    c.step(200)
    qtbot.waitUntil(lambda: c.latest.iteration == 200 and c.state == "paused", timeout=20000)
    before = c.latest
    panel = w.panels["network"]
    assert panel.diagram.editable
    monkeypatch.setattr(panel, "ask_value", lambda title, label, value: 3.5)
    panel.diagram.edit_requested.emit(("W", 2, 0, 1))  # W[2]_1,2: unit 2 of layer 1 -> out
    qtbot.waitUntil(lambda: c.latest.params()["W2"][0, 1] == 3.5, timeout=20000)
    after = c.latest
    assert after.iteration == 200  # not a training step
    net = Network(after.layer_dims, list(after.activations), after.head, init="zeros")
    net.set_theta(after.theta)
    X, Y = after.data.X_train, after.data.Y_train
    assert after.train_cost == pytest.approx(net.cost(X, Y), rel=1e-12)
    assert after.train_cost != pytest.approx(before.train_cost, rel=1e-6)
    assert not np.allclose(after.boundary.values, before.boundary.values)  # boundary redrawn
    boundary = w.panels["training"].boundary
    np.testing.assert_array_equal(boundary.image.image, after.boundary.values)
    # A bias too; a cancelled dialog changes nothing.
    monkeypatch.setattr(panel, "ask_value", lambda title, label, value: -1.25)
    panel.edit_parameter(("b", 1, 3))
    qtbot.waitUntil(lambda: c.latest.params()["b1"][3, 0] == -1.25, timeout=20000)
    serial = c.latest.serial
    monkeypatch.setattr(panel, "ask_value", lambda title, label, value: None)
    panel.edit_parameter(("b", 1, 0))
    qtbot.wait(200)
    assert c.latest.serial == serial
    w.close()
