"""The status bar's α: the learning rate the next step uses, after decay, with the schedule
named in its tooltip."""
import dataclasses

import pytest
from PySide6.QtWidgets import QStatusBar

from nnviz.training.config import Hyperparameters, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.status import StatusReadout


def session_with(**hyper) -> TrainingSession:
    config = course_default()
    return TrainingSession(dataclasses.replace(
        config, hyper=dataclasses.replace(config.hyper, **hyper)))


@pytest.fixture
def readout(qtbot):
    bar = QStatusBar()
    qtbot.addWidget(bar)
    readout = StatusReadout(bar)
    readout.bar = bar  # the labels live as long as their bar
    return readout


def test_the_status_bar_shows_the_decayed_alpha_and_names_the_schedule(readout):
    session = session_with(learning_rate=1.2, lr_decay="inverse", decay_rate=1.0)
    readout.show_snapshot(session.snapshot())
    assert readout.alpha.text() == "α 1.2"
    session.step(3)  # full batch: 3 epochs, α = 1.2 / (1 + 3)
    readout.show_snapshot(session.snapshot())
    assert readout.alpha.text() == "α 0.3"
    tip = readout.alpha.toolTip()
    assert "inverse time decay" in tip and "α0 / (1 + 1 · epoch)" in tip and "1.2" in tip


def test_a_constant_alpha_says_there_is_no_decay(readout):
    session = session_with(learning_rate=0.5)
    session.step(4)
    readout.show_snapshot(session.snapshot())
    assert readout.alpha.text() == "α 0.5"
    assert "constant" in readout.alpha.toolTip()
    # The settings change: the tooltip follows.
    session.apply(dataclasses.replace(session.config, hyper=Hyperparameters(
        learning_rate=0.5, lr_decay="exponential")))
    readout.show_snapshot(session.snapshot())
    assert readout.alpha.text() == f"α {0.95 ** 4 * 0.5:.4g}"
    assert "0.95^epoch" in readout.alpha.toolTip()
