"""The worker's requests for the issue-13 views: data edits and weight edits, refused clearly."""
import dataclasses

import pytest

from nnviz.training.config import DataSpec, course_default
from nnviz.training.controller import TrainingController

TIMEOUT = 20000


@pytest.fixture
def controller(qtbot):
    made = []

    def make(config=None):
        c = TrainingController(config)
        made.append(c)
        c.start()
        qtbot.waitUntil(lambda: c.latest is not None, timeout=TIMEOUT)
        return c

    yield make
    for c in made:
        assert c.shutdown()


def test_drawing_on_data_with_more_inputs_is_refused_with_a_reason(qtbot, controller):
    c = controller(dataclasses.replace(course_default(), data=DataSpec(name="iris")))
    errors = []
    c.error.connect(errors.append)
    c.add_point(0.0, 0.0, 0)
    qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
    assert "Could not edit the data" in errors[0] and "two-input" in errors[0]
    assert not c.config.data.edited


def test_weight_edit_is_refused_while_training_runs_and_applies_when_paused(qtbot, controller):
    c = controller()
    errors = []
    c.error.connect(errors.append)
    c.set_speed(0)
    c.play()
    qtbot.waitUntil(lambda: c.state == "running", timeout=TIMEOUT)
    c.set_parameter("W1", (0, 0), 5.0)
    qtbot.waitUntil(lambda: bool(errors), timeout=TIMEOUT)
    assert errors == ["Pause training to edit a weight or bias."]
    c.pause()
    qtbot.waitUntil(lambda: c.latest.state == "paused", timeout=TIMEOUT)
    c.set_parameter("W1", (0, 0), 5.0)
    qtbot.waitUntil(lambda: c.latest.params()["W1"][0, 0] == 5.0, timeout=TIMEOUT)
    c.set_parameter("W1", (9, 9), 1.0)  # outside W1: the worker says so
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=TIMEOUT)
    assert errors[1].startswith("Could not set W1") and "outside" in errors[1]


def test_removing_the_nearest_point_and_restoring(qtbot, controller):
    c = controller()
    m0 = c.latest.data.m_test
    x, y = c.latest.data.X_test_raw[:, 3]
    c.remove_point_near(x, y)  # a test point: it leaves the test split
    qtbot.waitUntil(lambda: c.latest.data.m_test == m0 - 1, timeout=TIMEOUT)
    assert c.config.data.removed_points and c.requested_config == c.config
    c.restore_data()
    qtbot.waitUntil(lambda: c.latest.data.m_test == m0, timeout=TIMEOUT)
    assert not c.config.data.edited
