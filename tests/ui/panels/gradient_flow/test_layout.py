"""The gradient-flow panel lays itself out for the size the Gradients workspace gives it
(740x680 at 1366x768, 1050x990 at 1920x1080): every plot at least 200x150 px, every bar in
view, no tick label, axis label, title or legend entry cut or elided, no sideways scrolling;
for a shallow, a 7-layer and a 20-layer network after some training (offscreen)."""
import numpy as np
import pytest

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_flow.panel import GradientFlowPanel
from tests.ui.layout_rules import FLOW_SIZES, layout_problems, panel_standalone, tick_texts

# hidden layers, activation, init: one hidden layer (the course's flower network), six
# (the deep case: bars dW1..dW7) and nineteen (thinned layer ticks, a two-column legend)
NETWORKS = {"L=2": (1, "tanh", "random"), "L=7": (6, "tanh", "xavier"),
            "L=20": (19, "relu", "he")}


def trained_snapshots(hidden, activation, init, rounds=4, steps=30):
    session = TrainingSession(SessionConfig(
        DataSpec(name="flower"),
        NetworkSpec(hidden_units=(6,) * hidden, activations=(activation,) * hidden,
                    init=init),
        Hyperparameters(learning_rate=0.3)))
    snapshots = []
    for _ in range(rounds):
        session.step(steps)
        snapshots.append(session.snapshot())
    return snapshots


def shown_panel(qtbot, size, snapshots):
    panel = panel_standalone(qtbot, GradientFlowPanel, size)
    for snapshot in snapshots:
        panel.on_snapshot(snapshot)
    qtbot.wait(60)  # laid out and painted with the data
    return panel


def bars_out_of_view(now_plot) -> list[int]:
    """Layers whose bar is not whole in the view, top clear of the edge."""
    (x0, x1), (y0, y1) = now_plot.item.vb.viewRange()
    opts = now_plot.bars.opts
    half = opts["width"] / 2
    margin = 0.03 * (y1 - y0)
    out = []
    for l, (x, bottom, height) in enumerate(zip(opts["x"], opts["y0"], opts["height"]),
                                             start=1):
        top = bottom + height
        if not (x - half >= x0 and x + half <= x1 and bottom >= y0 - margin
                and top <= y1 - margin):
            out.append(l)
    return out


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("screen", list(FLOW_SIZES))
def test_gradient_flow_fits_the_gradients_workspace(qtbot, screen, network):
    hidden, activation, init = NETWORKS[network]
    snapshots = trained_snapshots(hidden, activation, init)
    size = FLOW_SIZES[screen]
    panel = shown_panel(qtbot, size, snapshots)
    L = hidden + 1

    assert layout_problems(panel, size) == []
    # Every layer has its bar, whole and inside the plot, however tall the tallest.
    assert np.isfinite(panel.now_plot.bar_values()).sum() == L
    assert bars_out_of_view(panel.now_plot) == []
    # The layer numbers under the bars, the heat map's columns and the dead/saturated bars:
    # every one up to 8 layers; thinned (1, 5, 10, ... and L) beyond, never the last dropped.
    for plot in (panel.now_plot, panel.distribution_plot, panel.activity_plot):
        drawn = [text for _, _, text, _ in tick_texts(plot.item.getAxis("bottom"))]
        if L <= 8:
            assert drawn == [str(l) for l in range(1, L + 1)]
        else:
            assert drawn[0] == "1" and drawn[-1] == str(L) and len(drawn) >= 5
    # The legend is the key to the line colours: every layer in a shallow network, the
    # ticked ones (1, 5, 10, 15, 20) in a deep one, each with its line's colour; it fits.
    history = panel.history_plot
    assert not history.compact
    named = list(range(1, L + 1)) if L <= 10 else [1, 5, 10, 15, 20]
    entries = history.legend.items
    assert [label.text for _, label in entries] == (
        [str(l) for l in named[:-1]] + [f"{L} (output)"])
    for l, (sample, _) in zip(named, entries):
        assert sample.item is history.curves[l - 1]


@pytest.mark.parametrize("screen", list(FLOW_SIZES))
def test_the_layer_readout_is_whole_and_moves_nothing(qtbot, screen):
    """Pointing at a bar shows that layer's numbers on the line under the controls: whole,
    on one line, and the plots do not move."""
    size = FLOW_SIZES[screen]
    panel = shown_panel(qtbot, size, trained_snapshots(6, "tanh", "xavier"))
    assert "Point at a bar" in panel.readout.text()
    before = panel.now_plot.widget.geometry()
    line = panel.readout.height()
    for l in range(1, 8):
        panel.readout.setText(panel.layer_summary(l))
        qtbot.wait(20)
        assert layout_problems(panel, size) == [], l
        assert panel.readout.height() == line, l
        assert panel.now_plot.widget.geometry() == before, l


def test_the_bars_stay_in_view_when_one_layer_jumps(qtbot):
    """A later snapshot with a bar decades taller than before (exploding) still shows it
    whole: the range follows the data, it does not keep the first one."""
    snapshots = trained_snapshots(1, "tanh", "random", rounds=1)
    panel = shown_panel(qtbot, FLOW_SIZES["1920x1080"], snapshots)
    stats_before = panel.now_plot.values.copy()
    colours = panel.now_plot.colours
    jumped = stats_before * np.array([1.0, 1e6])
    panel.now_plot.set_data(jumped, "||dW[l]||", colours)
    qtbot.wait(30)
    assert bars_out_of_view(panel.now_plot) == []
    np.testing.assert_allclose(panel.now_plot.bar_values(), jumped, rtol=1e-9)
