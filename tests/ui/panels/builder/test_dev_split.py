"""The builder's dev-set share: turning it on takes the share from training (80/20 becomes
60/20/20), the session gets the dev set, and its sizes are said."""
import pytest

from .conftest import TIMEOUT


def test_a_dev_share_comes_from_training_and_the_session_gets_the_dev_set(qtbot, controller,
                                                                          builder):
    assert builder.dev_percent.value() == 0 and not builder.split_info.isVisible()
    builder.dev_percent.setValue(20)
    qtbot.waitUntil(lambda: controller.latest.data.m_dev > 0, timeout=TIMEOUT)
    data = controller.config.data
    assert (data.train_fraction, data.dev_fraction) == pytest.approx((0.6, 0.2))
    assert builder.train_percent.value() == pytest.approx(60)
    d = controller.latest.data
    assert (d.m_train, d.m_dev, d.m_test) == (240, 80, 80)  # the flower's 400 points
    qtbot.waitUntil(builder.split_info.isVisible, timeout=TIMEOUT)
    assert "Dev set: 80" in builder.split_info.text() and "test" in builder.split_info.text()
    # Back to 0: the share returns to training.
    builder.dev_percent.setValue(0)
    qtbot.waitUntil(lambda: controller.latest.data.m_dev == 0, timeout=TIMEOUT)
    assert controller.config.data.train_fraction == pytest.approx(0.8)


def test_more_training_makes_the_dev_set_give_way(qtbot, controller, builder):
    builder.dev_percent.setValue(20)
    qtbot.waitUntil(lambda: controller.config.data.dev_fraction == 0.2, timeout=TIMEOUT)
    builder.train_percent.setValue(90)
    qtbot.waitUntil(lambda: controller.config.data.train_fraction == 0.9, timeout=TIMEOUT)
    assert controller.config.data.dev_fraction == pytest.approx(0.1)
    assert builder.dev_percent.value() == pytest.approx(10)
