"""The gradient-flow panel's weights tab: ||W[l]||_F per layer over the run, drawn from the
snapshot's per-layer history, fitted at the Gradients workspace's sizes, and lower with L2."""
import numpy as np
import pytest

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_flow.panel import GradientFlowPanel
from tests.ui.layout_rules import FLOW_SIZES, layout_problems, panel_standalone


def snapshots(lambd, rounds=6, steps=60):
    session = TrainingSession(SessionConfig(
        DataSpec(name="moons", params=(("m", 200), ("noise", 0.35), ("seed", 1)),
                 normalize=True),
        NetworkSpec(hidden_units=(16, 16), activations=("relu", "relu"), init="he", seed=1),
        Hyperparameters(optimizer="adam", learning_rate=0.01, lambd=lambd)))
    out = []
    for _ in range(rounds):
        session.step(steps)
        out.append(session.snapshot())
    return out


def shown(qtbot, size, snaps):
    panel = panel_standalone(qtbot, GradientFlowPanel, size)
    panel.fourth_combo.setCurrentIndex(1)  # weights ||W[l]||
    for s in snaps:
        panel.on_snapshot(s)
    qtbot.wait(60)
    return panel


@pytest.mark.parametrize("screen", list(FLOW_SIZES))
def test_the_weights_tab_fits_and_draws_the_run_history(qtbot, screen):
    snaps = snapshots(0.5)
    size = FLOW_SIZES[screen]
    panel = shown(qtbot, size, snaps)
    assert layout_problems(panel, size) == []
    run = snaps[-1].layer_history
    assert len(panel.weights_plot.curves) == 3
    for l, curve in enumerate(panel.weights_plot.curves):
        x, y = curve.getData()
        np.testing.assert_array_equal(x, run.iterations)
        np.testing.assert_allclose(y, run.series["weight_norm"][:, l])
    assert "λ = 0.5" in panel.weights_plot.title.text
    assert "weight_norms" in panel.figures()


def test_the_norms_settle_lower_with_a_larger_lambda(qtbot):
    """The same network and data, λ = 0 and λ = 3: L2 shrinks every layer's ||W[l]||_F."""
    finals = {}
    for lambd in (0.0, 3.0):
        panel = shown(qtbot, FLOW_SIZES["1366x768"], snapshots(lambd))
        finals[lambd] = np.array([c.getData()[1][-1] for c in panel.weights_plot.curves])
    assert np.all(finals[3.0] < 0.75 * finals[0.0])
    # Σ ||W[l]||², the L2 term's sum, at most a quarter of what it is without L2.
    assert np.sum(finals[3.0] ** 2) < 0.25 * np.sum(finals[0.0] ** 2)
