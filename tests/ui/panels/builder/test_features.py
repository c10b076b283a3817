"""Builder: input-feature checkboxes and the course-exact option, wired to the session."""
import os

import pytest

from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.panels.builder.features import InputFeatures
from nnviz.ui.settings import open_settings

TIMEOUT = 20000


@pytest.fixture
def window(qtbot):
    w = MainWindow(settings=open_settings(os.environ["NNVIZ_SETTINGS"]),
                   panels=[panel_spec(k) for k in ("builder", "training", "network")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=TIMEOUT)
    yield w
    w.close()


def latest(qtbot, w, predicate):
    qtbot.waitUntil(lambda: w.controller.latest is not None and predicate(w.controller.latest),
                    timeout=TIMEOUT)
    return w.controller.latest


def test_feature_boxes_default_to_the_plain_inputs_and_keep_one_checked(qtbot):
    f = InputFeatures()
    qtbot.addWidget(f)
    assert f.features() == ()
    assert f.boxes["x1"].isChecked() and f.boxes["x2"].isChecked()
    seen = []
    f.changed.connect(lambda: seen.append(f.features()))
    f.boxes["x1^2"].setChecked(True)
    assert seen[-1] == ("x1", "x2", "x1^2")
    f.boxes["x1"].setChecked(False)
    f.boxes["x2"].setChecked(False)
    assert seen[-1] == ("x1^2",)
    assert not f.boxes["x1^2"].isEnabled()  # the last one cannot be unticked
    f.set_features(("x1*x2", "sin(x2)"))
    assert f.features() == ("x1*x2", "sin(x2)") and f.boxes["x1^2"].isEnabled()
    assert len(seen) == 3  # set_features does not emit


def test_checking_features_rebuilds_the_network_on_them(qtbot, window):
    builder = window.panels["builder"]
    assert builder.input_features.isVisibleTo(builder)  # the flower has two inputs
    for name, on in (("x1^2", True), ("x2^2", True), ("x1", False), ("x2", False)):
        builder.input_features.boxes[name].setChecked(on)
    assert window.controller.requested_config.data.features == ("x1^2", "x2^2")
    snap = latest(qtbot, window, lambda s: s.data.feature_names == ("x1²", "x2²"))
    assert snap.layer_dims[0] == 2 and snap.data.X_train_raw.shape[0] == 2
    # The network sees the squares of the raw inputs.
    assert (snap.data.X_train[0] == snap.data.X_train_raw[0] ** 2).all()
    # Drawn once the window delivers it (the controller has it a moment before the panels).
    diagram = window.panels["network"].diagram
    qtbot.waitUntil(lambda: diagram._features == ("x1²", "x2²"), timeout=TIMEOUT)


def test_features_hidden_for_data_with_more_inputs(qtbot, window):
    builder = window.panels["builder"]
    builder.dataset.setCurrentIndex(builder.dataset.findData("iris"))
    latest(qtbot, window, lambda s: s.data.name == "iris")
    qtbot.waitUntil(lambda: not builder.input_features.isVisibleTo(builder), timeout=TIMEOUT)
    assert not builder.course_exact.isVisibleTo(builder)
    assert window.controller.requested_config.data.features == ()


def test_course_exact_box_switches_to_the_notebook_draws(qtbot, window):
    builder = window.panels["builder"]
    assert builder.course_exact.isVisibleTo(builder) and not builder.course_exact.isChecked()
    builder.course_exact.setChecked(True)
    config = window.controller.requested_config
    assert config.course_exact and config.network.seed == 2
    snap = latest(qtbot, window, lambda s: s.config.course_exact)
    assert snap.data.m_train == 400 and snap.data.m_test == 0  # the notebook trains on all 400
    # Circles keep it, with the initialization lesson's seed 3.
    builder.dataset.setCurrentIndex(builder.dataset.findData("circles"))
    config = window.controller.requested_config
    assert config.course_exact and config.data.name == "circles" and config.network.seed == 3
    snap = latest(qtbot, window, lambda s: s.data.name == "circles")
    assert (snap.data.m_train, snap.data.m_test) == (300, 100)
    builder.course_exact.setChecked(False)
    assert not window.controller.requested_config.course_exact
