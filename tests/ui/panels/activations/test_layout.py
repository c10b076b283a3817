"""The activation explorer lays itself out for the size it is given (alone in the Activations
workspace at 1366x768 and 1920x1080, or smaller), and its g(z) axis keeps the S-curves
readable next to unbounded functions."""
import numpy as np
import pytest
from nnviz.engine.activations import activation_value
from nnviz.ui.panels.activations.layout import FOLD_BELOW
from nnviz.ui.panels.activations.panel import ActivationExplorerPanel
from nnviz.ui.panels.activations.plots import value_window
from tests.ui.layout_rules import layout_problems, panel_alone, paused_snapshot

WORKSPACE = {"1366x768": ((1366, 680), 250), "1920x1080": ((1920, 990), 300)}
SMALL = (700, 500)


@pytest.fixture(scope="module")
def trained_snapshot():
    return paused_snapshot()


def shown_panel(qtbot, size, snapshot=None):
    panel = panel_alone(qtbot, ActivationExplorerPanel, size)
    if snapshot is not None:
        panel.on_snapshot(snapshot)
    qtbot.wait(50)
    return panel


def view_heights(panel):
    return [p.vb.height() for p in (panel.plots.value_plot, panel.plots.slope_plot)]


def inside_value_view(panel, item) -> bool:
    box = panel.plots.value_plot.vb.sceneBoundingRect().adjusted(-1, -1, 1, 1)
    return box.contains(item.sceneBoundingRect())


@pytest.mark.parametrize("screen", list(WORKSPACE))
def test_alone_in_its_workspace_both_plots_are_tall_and_every_text_is_whole(
        qtbot, trained_snapshot, screen):
    size, tallest = WORKSPACE[screen]
    panel = shown_panel(qtbot, size, trained_snapshot)
    heights = view_heights(panel)
    assert min(heights) >= tallest  # was 60-80 px in the bottom tab group
    assert abs(heights[0] - heights[1]) <= 2  # g and g' get the same room
    assert not panel.settings_column.folded
    # the description is read whole, without scrolling
    assert not panel.info.verticalScrollBar().isVisible()
    assert panel.info.document().size().height() <= panel.info.viewport().height()
    assert panel.readout_label.isVisible()
    assert layout_problems(panel, size) == []
    assert inside_value_view(panel, panel.plots.clip_note)


def test_at_700_by_500_the_settings_fold_to_a_button_and_the_plots_keep_their_room(qtbot):
    panel = shown_panel(qtbot, SMALL)
    assert SMALL[0] < FOLD_BELOW and panel.settings_column.folded
    assert panel.settings_column.open_button.isVisible()
    assert layout_problems(panel, SMALL) == []
    assert panel.plots.width() >= 0.6 * panel.width()
    assert inside_value_view(panel, panel.plots.clip_note)
    panel.settings_column.open_button.click()
    qtbot.wait(20)
    assert not panel.settings_column.folded and panel.function_list.isVisible()
    panel.parentWidget().resize(1400, 700)  # the learner's choice outlives a resize
    qtbot.wait(20)
    panel.settings_column.fold_button.click()
    panel.parentWidget().resize(1500, 700)
    qtbot.wait(20)
    assert panel.settings_column.folded


def test_the_g_axis_fits_sigmoid_and_tanh_and_marks_relu_where_it_leaves(qtbot):
    panel = shown_panel(qtbot, WORKSPACE["1366x768"][0])
    assert panel.shown_functions() == ["sigmoid", "tanh", "relu"]
    low, high = panel.plots.value_window()
    assert low == pytest.approx(-1.0, abs=0.25) and high == pytest.approx(1.0, abs=0.25)
    # sigmoid's S spans a good part of the axis (with ReLU's 0..6 it took a sixth)
    z = np.linspace(-6, 6, 801)
    sigmoid = activation_value("sigmoid", z)
    assert (sigmoid.max() - sigmoid.min()) / (high - low) > 0.4
    assert set(panel.plots.clipped()) == {"relu"}
    assert panel.plots.clipped()["relu"][1] == pytest.approx(6.0)
    note = panel.plots.clip_note
    assert note.isVisible() and "ReLU" in note.toPlainText() and "6" in note.toPlainText()
    # one ▲ where ReLU leaves the top edge: at z = high (ReLU(z) = z)
    spots = panel.plots.clip_markers.data
    assert len(spots) == 1 and spots[0]["symbol"] == "t1"
    assert spots[0]["x"] == pytest.approx(high, abs=0.05) and spots[0]["y"] < high
    # the learner may fit every curve instead
    panel.clip_check.setChecked(False)
    low, high = panel.plots.value_window()
    assert high >= 6.0 and not panel.plots.clipped() and not note.isVisible()
    assert "per-function" in panel.clip_check.toolTip()  # says why the default teaches best


def test_value_window_rule():
    z = np.linspace(-6, 6, 801)

    def values(*names, alpha=None):
        return {n: activation_value(n, z, alpha) for n in names}

    # unbounded alone: every curve fits
    low, high = value_window(values("relu"), True)
    assert low < 0 < 6 < high
    # a small dip near the S-curves' range stays in view (ELU's -1 beside tanh) ...
    low, high = value_window(values("tanh", "elu"), True)
    assert low < -1 and high < 1.5
    # ... a far one leaves (linear's -6 beside sigmoid)
    low, high = value_window(values("sigmoid", "linear"), True)
    assert -1.2 < low < 0 and 1 < high < 1.2
    # off: fit everything
    low, high = value_window(values("sigmoid", "linear"), False)
    assert low < -6 and high > 6
