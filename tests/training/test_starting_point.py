"""A lesson's starting point: the network starts (and resets) at the θ the lesson names."""
import numpy as np
import pytest

from nnviz.experiments import get_experiment
from nnviz.training.config import NetworkSpec, SessionConfig, course_default
from nnviz.training.session import TrainingSession


def test_lesson_1_opens_in_the_app_at_the_start_its_text_names():
    lesson = get_experiment("cost_function")
    assert "w = (-6, -6)" in lesson.text
    session = TrainingSession(lesson.live_config())
    w1, w2, b = session.net.theta
    assert (w1, w2, b) == (-6.0, -6.0, 0.0)
    J0 = session.net.cost(session.trainer.X, session.trainer.Y)
    session.step(20)
    assert not np.allclose(session.net.theta, [-6.0, -6.0, 0.0])
    session.reset()  # R goes back to the lesson's start, not to a random draw
    np.testing.assert_array_equal(session.net.theta, [-6.0, -6.0, 0.0])
    assert session.net.cost(session.trainer.X, session.trainer.Y) == pytest.approx(J0)


def test_a_starting_point_survives_the_settings_round_trip_and_is_checked():
    config = course_default()
    n = 4 * 2 + 4 + 4 + 1  # [2, 4, 1]
    theta = tuple(np.linspace(-1, 1, n))
    config = SessionConfig(config.data, NetworkSpec(initial_theta=theta), config.hyper)
    again = SessionConfig.from_dict(config.to_dict())
    assert again == config
    np.testing.assert_array_equal(TrainingSession(again).net.theta, theta)
    with pytest.raises(ValueError, match="starting point has 3 parameters"):
        TrainingSession(SessionConfig(config.data, NetworkSpec(initial_theta=(1.0, 2.0, 3.0)),
                                      config.hyper))
