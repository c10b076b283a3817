"""The toolbar's learning rate and initialization: live effect, refused values, in step with
the builder both ways (through the controller, no loop), one toolbar row at 1366 px."""
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings
from nnviz.ui.widgets.hyper_bar import HyperparameterBar

from .panels.builder.conftest import builder, controller  # noqa: F401 (fixtures)

TIMEOUT = 20000


@pytest.fixture
def bar(qtbot, controller):
    widget = HyperparameterBar(controller)
    qtbot.addWidget(widget)
    widget.show()
    return widget


class Requests:
    """Every config the widgets ask the controller for."""

    def __init__(self, controller):
        self.log = []
        original = controller.apply_config

        def spy(config):
            self.log.append(config)
            original(config)
        controller.apply_config = spy


def snapshot_after(qtbot, controller, predicate):
    qtbot.waitUntil(lambda: controller.latest is not None and predicate(controller.latest),
                    timeout=TIMEOUT)
    return controller.latest


def type_into(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_bar_shows_the_settings_in_use_and_fits_its_width(bar):
    assert bar.learning_rate.edit.text() == "1.2"
    assert bar.init_scheme.currentData() == "random" and bar.init_scale.edit.text() == "1"
    assert bar.sizeHint().width() <= 500
    assert bar.learning_rate.slider.width() == 90 and bar.init_scale.edit.width() == 56
    for tip in (bar.learning_rate.toolTip(), bar.init_scale.toolTip(), bar.init_scheme.toolTip()):
        assert "W[l]" in tip
    assert "α dW[l]" in bar.learning_rate.toolTip() and "--init-scale" in bar.init_scale.toolTip()


def test_alpha_applies_at_the_next_step_and_the_init_rebuilds_the_seeded_network(
        qtbot, controller, bar):
    first = controller.latest
    bar.learning_rate.slider.setValue(bar.learning_rate.slider.maximum())
    qtbot.waitUntil(lambda: controller.config.hyper.learning_rate == 100, timeout=TIMEOUT)
    controller.step(1)
    stepped = snapshot_after(qtbot, controller, lambda s: s.iteration == 1)
    assert stepped.generation == first.generation  # no rebuild for α
    controller.reset()
    snapshot_after(qtbot, controller, lambda s: s.iteration == 0)
    type_into(qtbot, bar.init_scale.edit, "50")
    rebuilt = snapshot_after(qtbot, controller, lambda s: s.generation > first.generation
                             and s.config.network.init_scale == 50)
    assert np.allclose(rebuilt.theta, 50 * np.asarray(first.theta))  # same seed, × 50
    bar.init_scheme.setCurrentIndex(bar.init_scheme.findData("zeros"))
    zeros = snapshot_after(qtbot, controller, lambda s: s.config.network.init == "zeros")
    assert not np.any(zeros.theta) and not bar.init_scale.isEnabled()


def test_a_learning_rate_above_100_is_refused_in_red(qtbot, controller, bar):
    field = bar.learning_rate.edit
    type_into(qtbot, field, "1000")
    assert bar.learning_rate.refused and field.text() == "1000"
    assert "c62828" in field.styleSheet()
    assert "more than 0 and at most 100" in field.toolTip() and "Still 1.2" in field.toolTip()
    type_into(qtbot, bar.init_scale.edit, "-1")
    assert bar.init_scale.refused and "between 0 and 1000" in bar.init_scale.edit.toolTip()
    qtbot.wait(100)
    assert controller.requested_config == controller.config
    assert controller.config.hyper.learning_rate == 1.2
    assert controller.config.network.init_scale == 1


def test_the_bar_and_the_builder_follow_each_other_without_a_loop(qtbot, controller, bar,
                                                                   builder):
    requests = Requests(controller)
    bar.learning_rate.setValue(0.3, emit=True)
    qtbot.waitUntil(lambda: builder.learning_rate.value() == 0.3, timeout=TIMEOUT)
    type_into(qtbot, bar.init_scale.edit, "129")
    qtbot.waitUntil(lambda: builder.init_scale.edit.text() == "129", timeout=TIMEOUT)
    builder.init_scheme.setCurrentIndex(builder.init_scheme.findData("he"))
    qtbot.waitUntil(lambda: bar.init_scheme.currentData() == "he", timeout=TIMEOUT)
    type_into(qtbot, builder.learning_rate.edit, "0.05")
    qtbot.waitUntil(lambda: bar.learning_rate.edit.text() == "0.05", timeout=TIMEOUT)
    type_into(qtbot, builder.keep_prob, "0.8")  # not in the bar: the bar keeps its values
    qtbot.waitUntil(lambda: controller.config.hyper.keep_prob == 0.8, timeout=TIMEOUT)
    qtbot.wait(200)
    # One request per change, none sent back by the widget that only showed it.
    assert len(requests.log) == 5
    final = controller.config
    assert (final.hyper.learning_rate, final.network.init, final.network.init_scale,
            final.hyper.keep_prob) == (0.05, "he", 129, 0.8)
    assert bar.learning_rate.value() == 0.05 and bar.init_scale.value() == 129


def test_a_refused_setting_puts_both_back_to_the_settings_in_use(qtbot, controller, bar,
                                                                 builder):
    # The worker refuses settings it cannot build (here: more inputs than a file allows is
    # stood in for by an unreadable CSV); both widgets show the settings kept.
    bad = dataclasses.replace(controller.requested_config, data=dataclasses.replace(
        controller.requested_config.data, name="csv", csv_path="/nonexistent/data.csv"),
        hyper=dataclasses.replace(controller.requested_config.hyper, learning_rate=7.0))
    with qtbot.waitSignal(controller.config_rejected, timeout=TIMEOUT):
        controller.apply_config(bad)
    qtbot.waitUntil(lambda: bar.learning_rate.value() == controller.config.hyper.learning_rate,
                    timeout=TIMEOUT)
    assert builder.learning_rate.value() == controller.config.hyper.learning_rate


def test_the_bar_fits_the_training_toolbar_at_1366(qtbot, isolated_settings):
    window = MainWindow(settings=open_settings(isolated_settings),
                        panels=[panel_spec(k) for k in ("builder", "training")])
    qtbot.addWidget(window)
    bar = window.hyper_bar  # the window's own, in the training toolbar
    assert bar.parentWidget() is window.training_toolbar
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.controller.latest is not None, timeout=TIMEOUT)
    qtbot.waitUntil(bar.isVisible, timeout=TIMEOUT)
    toolbar = window.training_toolbar
    extension = [b for b in toolbar.findChildren(QToolButton)
                 if b.objectName() == "qt_toolbar_ext_button"]
    assert not any(b.isVisible() for b in extension)  # nothing pushed into an overflow menu
    assert bar.geometry().right() <= toolbar.width()
    assert toolbar.height() < 60  # one row
    bar.learning_rate.setValue(0.7, emit=True)
    qtbot.waitUntil(lambda: window.panels["builder"].learning_rate.value() == 0.7,
                    timeout=TIMEOUT)
    window.close()
