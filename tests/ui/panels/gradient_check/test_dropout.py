"""The gradient check and dropout (the course's rule): with dropout on, the check does not
run and says why; one click checks the same network with keep_prob = 1, and training keeps
its keep_prob."""
import dataclasses

import numpy as np
import pytest

from nnviz.engine.gradient_check import gradient_check
from nnviz.training.config import course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_check.panel import GradientCheckPanel
from tests.ui.layout_rules import panel_in_plain_host

TIMEOUT = 20000


@pytest.fixture
def panel(qtbot):
    widget = panel_in_plain_host(qtbot, GradientCheckPanel, (620, 680))
    yield widget
    widget.shutdown()


def course_session(keep_prob):
    config = course_default()
    config = dataclasses.replace(config, hyper=dataclasses.replace(config.hyper,
                                                                   keep_prob=keep_prob))
    session = TrainingSession(config)
    session.step(50)
    return session


def test_with_dropout_on_the_check_refuses_and_says_why(qtbot, panel):
    snapshot = course_session(0.8).snapshot()
    panel.on_snapshot(snapshot)
    panel.parentWidget().show()
    qtbot.waitExposed(panel)
    # Not checked on first show either: the banner is the answer.
    assert panel.outcome is None and not panel.busy
    banner = panel.controls.dropout_banner
    assert banner.isVisible()
    why = panel.controls.dropout_text.text()
    assert "keep_prob 0.8" in why and "different random function" in why
    assert "check with keep_prob = 1, then turn dropout back on" in why
    panel.set_source("network")
    panel.run_check()
    assert not panel.busy and panel.outcome is None  # nothing submitted
    assert "Not checked: dropout is on" in panel.status.text()
    assert "press Check with dropout off" in panel.verdict.text().replace("<b>", "").replace(
        "</b>", "")
    # The course exercise has no dropout: no banner there.
    panel.set_source("course")
    assert not banner.isVisible() and "Run check" in panel.verdict.text()
    panel.set_source("network")
    assert banner.isVisible()


def test_one_click_checks_with_dropout_off_and_training_keeps_its_keep_prob(qtbot, panel):
    session = course_session(0.8)
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    panel.parentWidget().show()
    panel.set_source("network")
    panel.controls.dropout_button.click()
    qtbot.waitUntil(lambda: not panel.busy and panel.outcome is not None, timeout=TIMEOUT)
    outcome = panel.outcome
    assert outcome.request.dropout_off
    assert outcome.verdict == "pass" and outcome.difference < 1e-6
    assert outcome.result.dropout == "off"  # J and backprop both with keep_prob = 1
    np.testing.assert_array_equal(outcome.setup.net.theta, snapshot.theta)  # the same network
    verdict = panel.verdict.text()
    assert "Good" in verdict and "with dropout off (keep_prob = 1; training: 0.8)" in verdict
    # The banner keeps saying dropout is on, in one line now (the why in its tooltip).
    controls = panel.controls
    assert controls.dropout_banner.isVisible() and not controls.dropout_text.isVisible()
    assert "keep_prob 0.8" in controls.dropout_short.text()
    assert "different random function" in controls.dropout_short.toolTip()
    assert "dropout switched off" in panel.explanation.toPlainText()
    # The live settings are untouched.
    assert session.config.hyper.keep_prob == 0.8 and session.trainer.keep_probs() == [0.8]
    assert snapshot.config.hyper.keep_prob == 0.8
    # The difference is that of J without dropout: the engine's check at keep_prob = 1.
    reference = gradient_check(outcome.setup.net, outcome.setup.X, outcome.setup.Y,
                               lambd=outcome.setup.lambd, keep_prob=1.0)
    assert outcome.difference == pytest.approx(reference.difference, rel=1e-9)


def test_with_dropout_left_in_j_the_numerical_gradient_is_not_the_analytic_one():
    """Why the rule holds, on the same network: differences of J with new masks at every
    evaluation are far from backprop's gradient (with those masks or without)."""
    session = course_session(0.8)
    snapshot = session.snapshot()
    net = snapshot.network(np.float64)
    X = np.asarray(snapshot.data.X_train, np.float64)
    Y = np.asarray(snapshot.data.Y_train, np.float64)
    rng = np.random.default_rng(0)
    keep = [0.8]
    eps, units = 1e-7, snapshot.layer_dims[1]
    net.gradients(X, Y, 0.0, keep, rng=np.random.default_rng(1))
    analytic = net.grad.copy()
    theta = net.theta.copy()
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        net.theta[k] = theta[k] + eps
        plus = net.cost(X, Y, 0.0, keep, [(rng.random((units, X.shape[1])) < 0.8).astype(float)])
        net.theta[k] = theta[k] - eps
        minus = net.cost(X, Y, 0.0, keep, [(rng.random((units, X.shape[1])) < 0.8).astype(float)])
        net.theta[k] = theta[k]
        numeric[k] = (plus - minus) / (2 * eps)
    difference = np.linalg.norm(numeric - analytic) / (np.linalg.norm(numeric)
                                                       + np.linalg.norm(analytic))
    assert difference > 0.9  # noise, not a slope: nowhere near 1e-7


def test_without_dropout_there_is_no_banner_and_the_check_runs(qtbot, panel):
    panel.on_snapshot(course_session(1.0).snapshot())
    panel.set_source("network")
    assert not panel.controls.dropout_banner.isVisibleTo(panel)
    panel.run_check()
    qtbot.waitUntil(lambda: not panel.busy and panel.outcome is not None, timeout=TIMEOUT)
    assert panel.outcome.verdict == "pass" and not panel.outcome.request.dropout_off
    assert "with dropout off" not in panel.verdict.text()


def test_the_job_refuses_a_request_with_dropout_left_on():
    from nnviz.ui.panels.gradient_check import jobs

    class Job:
        cancel_event = None

        def check(self):
            pass

    snapshot = course_session(0.5).snapshot()
    with pytest.raises(ValueError, match="Dropout is on"):
        jobs.run_check(jobs.CheckRequest(source="network"), snapshot, Job())


def test_in_the_app_the_live_training_keeps_dropout_after_the_one_click(qtbot):
    """With the real controller: the check reads the worker's snapshot, and the worker's
    settings and the next steps still use keep_prob 0.8."""
    import types

    from PySide6.QtCore import QSettings

    from nnviz.training.controller import TrainingController
    from nnviz.ui.panels.base import PanelContext
    from nnviz.ui.theme import colors

    config = course_default()
    config = dataclasses.replace(config, hyper=dataclasses.replace(config.hyper,
                                                                   keep_prob=0.8))
    controller = TrainingController(config)
    panel = GradientCheckPanel(PanelContext(controller, QSettings(),
                                            types.SimpleNamespace(colors=colors())))
    qtbot.addWidget(panel)
    controller.snapshot.connect(panel.on_snapshot)
    try:
        controller.start()
        controller.step(30)
        qtbot.waitUntil(lambda: controller.latest is not None
                        and controller.latest.iteration == 30, timeout=TIMEOUT)
        assert panel.controls.dropout_blocks
        panel.check_without_dropout()
        qtbot.waitUntil(lambda: not panel.busy and panel.outcome is not None,
                        timeout=TIMEOUT)
        assert panel.outcome.verdict == "pass"
        controller.step(1)
        qtbot.waitUntil(lambda: controller.latest.iteration == 31, timeout=TIMEOUT)
        latest = controller.latest
        assert latest.config.hyper.keep_prob == 0.8
        assert latest.dropout_masks is not None and latest.dropout_masks.keep_probs == (0.8,)
    finally:
        panel.shutdown()
        assert controller.shutdown()
