"""Builder: the learning-rate decay schedule, its fields shown when the schedule uses them,
and the picture of α against epochs following the combo, the fields and the learning rate."""
import dataclasses

import pytest

from nnviz.training.config import Hyperparameters

from .conftest import TIMEOUT
from .test_panel import applied, type_into


def choose(builder, kind):
    decay = builder.lr_decay
    decay.kind.setCurrentIndex(decay.kind.findData(kind))


def rows_shown(builder):
    return {name: builder.form_opt.isRowVisible(widget) for name, widget in
            (("rate", builder.lr_decay.rate), ("interval", builder.lr_decay.interval),
             ("curve", builder.lr_decay.curve))}


def test_no_decay_shows_only_the_schedule(builder):
    assert builder.lr_decay.kind.currentData() == "none"
    assert builder.form_opt.isRowVisible(builder.lr_decay.kind)
    assert rows_shown(builder) == {"rate": False, "interval": False, "curve": False}


@pytest.mark.parametrize("kind, rate, shown_interval", [
    ("inverse", 1.0, False), ("exponential", 0.95, False), ("staircase", 1.0, True)])
def test_a_schedule_is_sent_and_its_curve_drawn(qtbot, controller, builder, kind, rate,
                                                shown_interval):
    choose(builder, kind)
    applied(qtbot, controller, lambda c: c.hyper.lr_decay == kind)
    hyper = controller.requested_config.hyper
    assert hyper.decay_rate is None  # the course's value for the schedule, shown:
    assert builder.lr_decay.rate.value() == rate
    assert rows_shown(builder) == {"rate": True, "interval": shown_interval, "curve": True}
    curve = builder.lr_decay.curve
    alpha0 = hyper.learning_rate
    formula = {"inverse": lambda e: alpha0 / (1 + rate * e),
               "exponential": lambda e: rate ** e * alpha0,
               "staircase": lambda e: alpha0 / (1 + rate * (e // 1000))}[kind]
    assert curve.xs[0] == 0 and curve.xs[-1] == curve.epochs >= 10
    assert curve.ys == pytest.approx([formula(e) for e in curve.xs], rel=1e-12)
    # Drawn from α0 at the top-left down to the right.
    start, end = curve.point(curve.xs[0], curve.ys[0]), curve.point(curve.xs[-1], curve.ys[-1])
    assert start.x() < end.x() and start.y() < end.y()


def test_the_fields_and_the_learning_rate_move_the_curve(qtbot, controller, builder):
    choose(builder, "staircase")
    applied(qtbot, controller, lambda c: c.hyper.lr_decay == "staircase")
    type_into(qtbot, builder.lr_decay.rate, "0.5")
    type_into(qtbot, builder.lr_decay.interval, "20")
    applied(qtbot, controller, lambda c: (c.hyper.decay_rate, c.hyper.decay_interval)
            == (0.5, 20))
    curve = builder.lr_decay.curve
    assert curve.epochs == 80  # four steps of the staircase
    assert curve.schedule.at(40) == pytest.approx(1.2 / (1 + 0.5 * 2))
    type_into(qtbot, builder.learning_rate.edit, "0.6")
    applied(qtbot, controller, lambda c: c.hyper.learning_rate == 0.6)
    assert curve.schedule.initial_rate == 0.6 and curve.ys[0] == 0.6
    # Another schedule starts from its own course value, not the staircase's rate.
    choose(builder, "exponential")
    applied(qtbot, controller, lambda c: c.hyper.lr_decay == "exponential")
    assert controller.requested_config.hyper.decay_rate is None
    assert builder.lr_decay.rate.value() == 0.95 and builder.lr_decay.rate.maximum() == 1.0


def test_settings_from_a_file_are_shown_as_used(qtbot, controller, builder):
    config = dataclasses.replace(controller.requested_config, hyper=Hyperparameters(
        lr_decay="exponential", decay_rate=0.8125, learning_rate=0.5))
    controller.apply_config(config)
    applied(qtbot, controller, lambda c: c == config)
    qtbot.waitUntil(lambda: builder.lr_decay.kind.currentData() == "exponential",
                    timeout=TIMEOUT)
    assert builder.lr_decay.rate.text() == "0.8125"
    assert builder.lr_decay.values() == {"lr_decay": "exponential", "decay_rate": 0.8125,
                                         "decay_interval": 1000}
    assert builder.lr_decay.curve.schedule == config.hyper.lr_schedule()


def test_the_dot_follows_the_training_epoch(qtbot, controller, builder):
    choose(builder, "inverse")
    applied(qtbot, controller, lambda c: c.hyper.lr_decay == "inverse")
    controller.step(5)
    qtbot.waitUntil(lambda: builder.lr_decay.curve.epoch == 5, timeout=TIMEOUT)


def test_larger_text_gets_a_taller_picture(builder):
    curve = builder.lr_decay.curve
    assert curve.height() >= 5 * curve.fontMetrics().height()
    font = curve.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    curve.setFont(font)
    assert curve.height() >= 5 * curve.fontMetrics().height() > curve.HEIGHT
