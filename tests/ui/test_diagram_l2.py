"""L2 made visible in the network diagram: its links are drawn on an absolute scale, so
training the same network with a larger λ draws thinner links (weight decay, seen)."""
import numpy as np

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.network_diagram import WIDTH_LEVELS, NetworkDiagram


def drawn_levels(qtbot, lambd, steps=1500):
    session = TrainingSession(SessionConfig(
        DataSpec(name="flower"), NetworkSpec(hidden_units=(4,), activations=("tanh",)),
        Hyperparameters(learning_rate=1.2, lambd=lambd)))
    session.step(steps)
    diagram = NetworkDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(1000, 260)  # the Train workspace's diagram at 1366x768
    diagram.show()
    diagram.set_snapshot(session.snapshot())
    assert diagram.scale == "absolute"  # the default: thickness follows |w| itself
    return diagram.link_levels()


def test_raising_lambda_and_training_shrinks_the_drawn_link_widths(qtbot):
    levels = {lambd: drawn_levels(qtbot, lambd) for lambd in (0.0, 1.0, 3.0)}
    means = [levels[lambd].mean() for lambd in (0.0, 1.0, 3.0)]
    assert means[0] > means[1] > means[2]
    # Visibly: without L2 most links are at the thickest levels, with λ = 3 none is.
    assert np.mean(levels[0.0] >= WIDTH_LEVELS - 2) > 0.5
    assert levels[3.0].max() < WIDTH_LEVELS - 2
