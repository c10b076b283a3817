"""The curves panel's regularization views: the dev curves, the L2 term beside the
cross-entropy, the bias/variance readout and the λ sweep (runs, plots, cancels), at the
Landscape workspace's sizes."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.analysis.bias_variance import BOTH, FINE, HIGH_VARIANCE
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.curves.panel import DEV_NAME, L2_NAME, CurvesPanel
from nnviz.ui.theme import LIGHT
from tests.ui.layout_rules import layout_problems

SIZES = {"1366x768": (460, 680), "1920x1080": (650, 990)}
# A big network on few noisy points: it overfits (train error ~0, dev error well above).
OVERFIT = SessionConfig(
    DataSpec(name="moons", params=(("m", 160), ("noise", 0.35), ("seed", 1)),
             train_fraction=0.6, dev_fraction=0.2, normalize=True),
    NetworkSpec(hidden_units=(32, 32), activations=("relu", "relu"), init="he", seed=1),
    Hyperparameters(optimizer="adam", learning_rate=0.01))


@pytest.fixture(scope="module")
def overfit_snapshot():
    session = TrainingSession(OVERFIT)
    session.step(800)
    return session.snapshot(state="paused")


@pytest.fixture(scope="module")
def l2_snapshot():
    session = TrainingSession(dataclasses.replace(
        OVERFIT, hyper=dataclasses.replace(OVERFIT.hyper, lambd=0.5)))
    session.step(300)
    return session.snapshot(state="paused")


def make_panel(qtbot, size):
    panel = CurvesPanel(PanelContext(None, QSettings(), SimpleNamespace(colors=LIGHT)))
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def legend_names(plot) -> list[str]:
    return [label.text for _, label in plot.getPlotItem().legend.items]


@pytest.mark.parametrize("screen", list(SIZES))
def test_dev_and_l2_curves_and_the_readout_fit_the_landscape_workspace(qtbot, screen,
                                                                      l2_snapshot):
    size = SIZES[screen]
    panel = make_panel(qtbot, size)
    panel.on_snapshot(l2_snapshot)
    qtbot.wait(40)
    assert layout_problems(panel, size) == []
    assert legend_names(panel.curves.cost_plot) == ["train", "test", DEV_NAME, L2_NAME]
    assert legend_names(panel.curves.metric_plot) == ["train", "test", DEV_NAME]
    h = l2_snapshot.history
    x, y = panel.l2_cost.getData()
    np.testing.assert_array_equal(x, h.iterations)
    np.testing.assert_allclose(y, h.l2_cost)
    assert y[-1] > 0
    x, y = panel.dev_metric.getData()
    np.testing.assert_allclose(y, h.dev_metric)
    assert panel.readout.numbers.text().startswith("train error")


def test_without_l2_or_dev_set_their_curves_leave_the_legends(qtbot, l2_snapshot):
    panel = make_panel(qtbot, SIZES["1366x768"])
    panel.on_snapshot(l2_snapshot)
    session = TrainingSession(dataclasses.replace(
        OVERFIT, data=dataclasses.replace(OVERFIT.data, dev_fraction=0.0)))
    session.step(20)
    panel.on_snapshot(session.snapshot(state="paused"))
    assert legend_names(panel.curves.cost_plot) == ["train", "test"]
    assert panel.l2_cost.getData()[0] is None or len(panel.l2_cost.getData()[0]) == 0
    assert "test error" in panel.readout.numbers.text()  # the test set stands in
    assert "No dev set" in panel.readout.advice.text()


def test_the_readout_reads_the_run_and_follows_the_base_error(qtbot, overfit_snapshot):
    panel = make_panel(qtbot, SIZES["1366x768"])
    panel.on_snapshot(overfit_snapshot)
    reading = panel.readout.reading
    h = overfit_snapshot.history
    assert reading.train_error == pytest.approx(1 - h.train_metric[-1])
    assert reading.dev_error == pytest.approx(1 - h.dev_metric[-1])
    assert reading.verdict in (HIGH_VARIANCE, BOTH)
    assert "High variance" in panel.readout.verdict.text() or \
        "high variance" in panel.readout.verdict.text()
    assert "regularization" in panel.readout.advice.text()
    # A base error as high as the dev error: nothing avoidable is left.
    panel.readout.base.setValue(100 * reading.dev_error)
    assert panel.readout.reading.base_error == pytest.approx(reading.dev_error, abs=1e-3)
    assert panel.readout.reading.verdict in (FINE, HIGH_VARIANCE)
    assert panel.readout.reading.avoidable_bias < 0


def test_the_lambda_sweep_runs_and_plots_error_against_lambda(qtbot, overfit_snapshot):
    panel = make_panel(qtbot, SIZES["1366x768"])
    panel.on_snapshot(overfit_snapshot)
    dialog = panel.open_sweep("lambd")
    dialog.runner.cancel()
    dialog.values.setText("0, 0.1, 1, 10")
    dialog.iterations.setValue(200)
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=20000)
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    result = dialog.result
    assert result.values.tolist() == [0, 0.1, 1, 10] and result.held_out == "dev"
    assert dialog.plot.getPlotItem().ctrl.logXCheck.isChecked()  # λ on a log axis
    x, y = dialog.dev_curve.xData, dialog.dev_curve.yData  # the data, not its log10
    np.testing.assert_allclose(x, [0.1, 1, 10])  # λ = 0 is the dotted line instead
    np.testing.assert_allclose(y, 100 * result.dev_error[1:])
    assert dialog.zero_lines[1].isVisible()
    assert dialog.zero_lines[1].value() == pytest.approx(100 * result.dev_error[0])
    assert dialog.progress.value() == 1000
    assert "Lowest dev error" in dialog.status.text()
    dialog.resize(560, 520)
    dialog.show()
    qtbot.wait(30)
    view = dialog.plot.getPlotItem().vb.size()
    assert view.width() >= 200 and view.height() >= 150
    dialog.close()
    panel.shutdown()


def test_the_sweep_cancels(qtbot, overfit_snapshot):
    panel = make_panel(qtbot, SIZES["1366x768"])
    panel.on_snapshot(overfit_snapshot)
    dialog = panel.open_sweep("keep_prob")
    assert dialog.cancel_button.isEnabled()
    dialog.iterations.setValue(100_000)  # the next run would take minutes
    dialog.cancel()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=20000)
    assert dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=20000)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10000)
    assert dialog.result is None and "Cancelled" in dialog.status.text()
    dialog.values.setText("1, 0")
    assert not dialog.start()
    assert "keep_prob" in dialog.status.text()  # a keep_prob of 0 is refused, said why
    panel.shutdown()
