"""Small widgets: the log slider, the network diagram's hover read-out."""
import numpy as np
import pytest

from nnviz.training.config import NetworkSpec, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.log_slider import LogSlider
from nnviz.ui.widgets.network_diagram import MAX_DRAWN_UNITS, NetworkDiagram


def test_log_slider_maps_positions_on_a_log_scale(qtbot):
    slider = LogSlider(1e-5, 10.0, 1.2)
    qtbot.addWidget(slider)
    assert slider.value() == 1.2 and slider.edit.text() == "1.2"
    seen = []
    slider.valueChanged.connect(seen.append)
    slider.slider.setValue(500)  # the middle of 1e-5 .. 10 on a log scale
    assert seen[-1] == pytest.approx(10 ** -2, rel=1e-2)
    slider.edit.setText("0.37")
    slider.edit.editingFinished.emit()
    assert seen[-1] == 0.37 and slider.value() == 0.37
    slider.setValue(1e9)  # clamped
    assert slider.value() == 10.0


def test_network_diagram_hover_reads_weights_and_gradients(qtbot):
    session = TrainingSession()
    session.step(20)
    snap = session.snapshot()
    diagram = NetworkDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(600, 300)
    diagram.set_snapshot(snap)
    # The link from input 0 to unit 2 of layer 1: hover a point a fifth of the way along
    # (away from the middle, where links cross).
    p, q = diagram._positions[0][0], diagram._positions[1][2]
    text = diagram.describe_at(p.x() + 0.2 * (q.x() - p.x()), p.y() + 0.2 * (q.y() - p.y()))
    W, dW = snap.layers[0].W, snap.layers[0].dW
    assert f"W[1]_3,1 = {W[2, 0]:.4g}" in text and f"dW[1]_3,1 = {dW[2, 0]:.3g}" in text
    node = diagram._positions[2][0]
    text = diagram.describe_at(node.x(), node.y())
    assert f"b[2]_1 = {snap.layers[1].b[0, 0]:.4g}" in text
    assert diagram.max_abs_weight == pytest.approx(np.abs(np.concatenate(
        [snap.layers[0].W.ravel(), snap.layers[1].W.ravel()])).max())


def test_network_diagram_caps_wide_layers(qtbot):
    config = course_default()
    config = type(config)(config.data, NetworkSpec(hidden_units=(40,), activations=("relu",)),
                          config.hyper)
    snap = TrainingSession(config).snapshot()
    diagram = NetworkDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(600, 300)
    diagram.set_snapshot(snap)
    assert len(diagram._positions[1]) == MAX_DRAWN_UNITS - 1
    assert diagram.hidden_units == 40 - (MAX_DRAWN_UNITS - 1)
    assert len(diagram._segment_keys) == 2 * (MAX_DRAWN_UNITS - 1) + (MAX_DRAWN_UNITS - 1)
