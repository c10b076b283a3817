"""Builder: what it shows is what the worker uses (huge or precise values from a file, a
typed value outside a field's range), the init scale in one unit, and its width."""
import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from nnviz.training.config import (MAX_BATCH_SIZE, MAX_LEARNING_RATE, Hyperparameters,
                                   SessionConfig, course_default)
from nnviz.ui.panels.builder.panel import MAX_WIDTH, MIN_WIDTH

from .conftest import TIMEOUT


def type_into(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def applied(qtbot, controller, predicate):
    qtbot.waitUntil(lambda: predicate(controller.config), timeout=TIMEOUT)


def test_a_session_with_a_mini_batch_of_10_to_the_12_is_refused_with_a_message():
    settings = course_default().to_dict()
    settings["hyper"].update(batch_size=10**12, lambd=0.3, keep_prob=0.5)
    with pytest.raises(ValueError) as refused:
        SessionConfig.from_dict(settings)
    message = str(refused.value)
    assert "mini-batch size" in message and f"{MAX_BATCH_SIZE:,}" in message
    assert "1,000,000,000,000" in message and "full batch" in message


def test_the_largest_settings_a_file_may_hold_are_all_shown_as_used(qtbot, controller,
                                                                   builder):
    # Before: a batch size beyond the spin box's 32 bits raised in _show_hyper, so L2 and
    # keep_prob kept the previous session's values while training used the new ones.
    config = dataclasses.replace(controller.requested_config, hyper=Hyperparameters(
        batch_size=MAX_BATCH_SIZE, lambd=0.3, keep_prob=0.875, learning_rate=1e-7,
        optimizer="adam", beta1=0.8125, beta2=0.99999))
    controller.apply_config(config)
    applied(qtbot, controller, lambda c: c == config)
    qtbot.waitUntil(lambda: builder.optimizer.currentData() == "adam", timeout=TIMEOUT)
    assert builder.batch_size.value() == MAX_BATCH_SIZE
    assert builder.lambd.text() == "0.3" and builder.keep_prob.text() == "0.875"
    assert builder.beta1.text() == "0.8125" and builder.beta2.text() == "0.99999"
    # Below the slider's end: the slider stops, the field shows the value in use.
    assert builder.learning_rate.edit.text() == "1e-07"
    assert builder.learning_rate.value() == 1e-7
    assert builder.learning_rate.slider.value() == 0


def test_a_change_sends_back_the_other_settings_exactly_not_as_rounded(qtbot, controller,
                                                                       builder):
    precise = dict(lambd=0.123456789, keep_prob=0.987654321, beta=0.91234567)
    config = dataclasses.replace(controller.requested_config, hyper=Hyperparameters(
        optimizer="momentum", learning_rate=0.5, **precise))
    controller.apply_config(config)
    applied(qtbot, controller, lambda c: c == config)
    qtbot.waitUntil(lambda: builder.learning_rate.value() == 0.5, timeout=TIMEOUT)
    builder.learning_rate.setValue(0.25, emit=True)
    applied(qtbot, controller, lambda c: c.hyper.learning_rate == 0.25)
    for name, value in precise.items():
        assert getattr(controller.config.hyper, name) == value
    # A field the user changes sends what it shows.
    type_into(qtbot, builder.keep_prob, "0.5")
    applied(qtbot, controller, lambda c: c.hyper.keep_prob == 0.5)
    assert controller.config.hyper.lambd == precise["lambd"]


def test_a_learning_rate_of_100_trains_at_100_and_above_is_refused_in_red(qtbot, controller,
                                                                         builder):
    field = builder.learning_rate.edit
    type_into(qtbot, field, "100")
    applied(qtbot, controller, lambda c: c.hyper.learning_rate == MAX_LEARNING_RATE)
    assert field.text() == "100" and not builder.learning_rate.refused
    assert builder.learning_rate.slider.value() == builder.learning_rate.slider.maximum()
    type_into(qtbot, field, "250")
    assert builder.learning_rate.refused
    assert field.text() == "250"  # the typed text is kept, marked, not replaced
    assert "c62828" in field.styleSheet()
    assert "at most 100" in field.toolTip() and "Still 100" in field.toolTip()
    qtbot.wait(50)
    assert controller.requested_config.hyper.learning_rate == 100
    # Typing again takes the mark away; a value in range applies.
    type_into(qtbot, field, "3")
    applied(qtbot, controller, lambda c: c.hyper.learning_rate == 3)
    assert not builder.learning_rate.refused and field.styleSheet() == ""
    assert "at most 100" not in field.toolTip()


def test_a_spin_box_value_outside_its_range_is_refused_in_red(qtbot, controller, builder):
    box = builder.keep_prob
    type_into(qtbot, box, "0.01")
    mark = box.range_refusal.mark
    qtbot.waitUntil(lambda: mark.refused, timeout=TIMEOUT)
    assert box.lineEdit().text() == "0.01" and "c62828" in box.lineEdit().styleSheet()
    assert "between 0.05 and 1" in box.toolTip() and "Still 1" in box.toolTip()
    assert box.value() == 1.0
    qtbot.wait(50)
    assert controller.requested_config.hyper.keep_prob == 1.0
    box.setValue(0.8)  # a value in range clears the mark and applies
    assert not mark.refused and box.lineEdit().styleSheet() == ""
    applied(qtbot, controller, lambda c: c.hyper.keep_prob == 0.8)


def test_the_init_scale_field_shows_the_setting_itself(qtbot, controller, builder):
    field = builder.init_scale.edit
    assert field.text() == "1" and builder.init_scale_label.text() == "Scale ×"
    type_into(qtbot, field, "129")
    applied(qtbot, controller, lambda c: c.network.init_scale == 129)
    assert field.text() == "129"
    # The standard deviation it gives is shown beside it, for the random scheme 0.01 × 129.
    qtbot.waitUntil(lambda: "σ(W[1]) = 1.29" in builder.init_std_label.text(),
                    timeout=TIMEOUT)
    # Another scheme keeps the multiplier.
    builder.init_scheme.setCurrentIndex(builder.init_scheme.findData("he"))
    applied(qtbot, controller, lambda c: c.network.init == "he")
    assert controller.config.network.init_scale == 129 and field.text() == "129"


@pytest.mark.parametrize("screen_width", [1366, 1920])
def test_the_builder_stays_narrow_in_a_splitter(qtbot, builder, screen_width):
    splitter = QSplitter()
    splitter.addWidget(builder)
    splitter.addWidget(QWidget())
    splitter.resize(screen_width, 700)
    splitter.show()
    splitter.setSizes([screen_width // 2, screen_width // 2])  # asked for far more
    qtbot.waitUntil(lambda: builder.width() <= MAX_WIDTH, timeout=TIMEOUT)
    assert MIN_WIDTH <= builder.width() <= MAX_WIDTH <= 420
    builder.setParent(None)  # the fixture closes it
    splitter.close()


def test_rmsprop_shows_beta2_and_adam_its_bias_correction_switch(qtbot, controller, builder):
    form = builder.form_opt
    builder.optimizer.setCurrentIndex(builder.optimizer.findData("rmsprop"))
    applied(qtbot, controller, lambda c: c.hyper.optimizer == "rmsprop")
    assert form.isRowVisible(builder.beta2) and not form.isRowVisible(builder.beta1)
    assert not form.isRowVisible(builder.bias_correction)
    assert "s := β₂ s + (1-β₂) dW²" in builder.optimizer.toolTip()
    builder.optimizer.setCurrentIndex(builder.optimizer.findData("adam"))
    applied(qtbot, controller, lambda c: c.hyper.optimizer == "adam")
    assert form.isRowVisible(builder.bias_correction) and builder.bias_correction.isChecked()
    builder.bias_correction.setChecked(False)
    applied(qtbot, controller, lambda c: c.hyper.bias_correction is False)
    # A loaded setting is shown as used.
    controller.apply_config(dataclasses.replace(controller.config, hyper=dataclasses.replace(
        controller.config.hyper, bias_correction=True)))
    qtbot.waitUntil(builder.bias_correction.isChecked, timeout=TIMEOUT)
