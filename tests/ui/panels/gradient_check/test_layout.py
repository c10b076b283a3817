"""The gradient-check inspector lays itself out for the size the Gradients workspace gives it
(620x680 at 1366x768, 870x990 at 1920x1080): every plot at least 200x150 px on every tab,
every tensor named under its bar (dW1 .. db7 for six hidden layers, never "d…"), no label
cut, no sideways scrolling, the table's columns whole (offscreen)."""
import pytest

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_check.panel import GradientCheckPanel
from tests.ui.panels.gradient_check.test_panel import run
from tests.ui.layout_rules import CHECK_SIZES, layout_problems, panel_standalone, tick_texts

TIMEOUT = 20000


def trained_snapshot(hidden: int, steps: int = 120):
    """A flower network with ``hidden`` tanh layers of 4 units after ``steps`` iterations."""
    session = TrainingSession(SessionConfig(
        DataSpec(name="flower"),
        NetworkSpec(hidden_units=(4,) * hidden, activations=("tanh",) * hidden,
                    init="xavier"),
        Hyperparameters(learning_rate=0.3)))
    session.step(steps)
    return session.snapshot()


@pytest.fixture
def make_panel(qtbot):
    made = []

    def make(size, snapshot):
        panel = panel_standalone(qtbot, GradientCheckPanel, size)
        made.append(panel)
        panel.on_snapshot(snapshot)  # shown: checks the small network at once
        qtbot.waitUntil(lambda: panel.outcome is not None and not panel.busy, timeout=TIMEOUT)
        return panel

    yield make
    for panel in made:
        panel.shutdown()


def settle(qtbot, panel):
    qtbot.waitUntil(lambda: panel.eps_plot.sweep is not None, timeout=TIMEOUT)
    qtbot.wait(60)  # laid out and painted with the result


def problems_on_every_tab(qtbot, panel, size) -> dict:
    """The layout rules with each tab of both tab groups shown in turn."""
    found = {}
    for tabs in (panel.where_tabs, panel.plot_tabs):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            qtbot.wait(40)
            found[tabs.tabText(i)] = layout_problems(panel, size)
        tabs.setCurrentIndex(0)
    return found


@pytest.mark.parametrize("hidden", [1, 6])
@pytest.mark.parametrize("screen", list(CHECK_SIZES))
def test_gradient_check_fits_the_gradients_workspace(qtbot, make_panel, screen, hidden):
    size = CHECK_SIZES[screen]
    panel = make_panel(size, trained_snapshot(hidden))
    settle(qtbot, panel)
    assert panel.outcome.verdict == "pass"

    found = problems_on_every_tab(qtbot, panel, size)
    assert found == {name: [] for name in found}
    # Every tensor has its name under its bar, whole: dW1, db1, ..., dW7, db7.
    bars = panel.tensor_bars
    names = [f"d{kind}{l}" for l in range(1, hidden + 2) for kind in "Wb"]
    assert bars.names == names
    axis = bars.plot.getPlotItem().getAxis("bottom")
    assert [text for _, _, text, _ in tick_texts(axis)] == names
    # The table is across the panel, below the plots: its columns are whole.
    table = panel.table
    header = table.horizontalHeader()
    for column in range(panel.model.columnCount()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column) - 1, column
    assert table.mapTo(panel, table.rect().topLeft()).y() > panel.plot_tabs.mapTo(
        panel, panel.plot_tabs.rect().bottomLeft()).y()


@pytest.mark.parametrize("screen", list(CHECK_SIZES))
def test_a_planted_bug_and_a_long_status_still_fit(qtbot, make_panel, screen):
    """The teaching banner, the red "planted bug" mark and the bug's caption take room too;
    an error message and a note that the check is stale make the status and the verdict
    two lines."""
    size = CHECK_SIZES[screen]
    panel = make_panel(size, trained_snapshot(1))
    outcome = run(qtbot, panel, source="network", bug="dW2 doubled")
    assert outcome.verdict == "bug" and panel.controls.banner.isVisible()
    settle(qtbot, panel)
    assert panel.eps_plot.bug_line.isVisible()
    panel._show_error("No network yet: start or step training first, or check the course "
                      "exercise.")
    panel.on_snapshot(trained_snapshot(1, steps=200))  # trained on since the check
    assert "run again" in panel.verdict.text()
    qtbot.wait(40)
    found = problems_on_every_tab(qtbot, panel, size)
    assert found == {name: [] for name in found}


def test_controls_take_more_rows_when_narrow(qtbot, make_panel):
    """The controls wrap instead of widening the panel: more rows at 620 px than at 1400,
    each control whole (the layout rules) and inside the panel."""
    snapshot = trained_snapshot(1)
    heights, run_rows = {}, {}
    for width in (620, 1400):
        panel = make_panel((width, 680), snapshot)
        qtbot.wait(40)
        assert panel.width() == width
        heights[width] = panel.controls.height()
        run_rows[width] = panel.run_button.mapTo(panel, panel.run_button.rect().topLeft()).y()
        for widget in (panel.source, panel.examples, panel.mode, panel.eps, panel.bug,
                       panel.run_button, panel.cancel_button):
            right = widget.mapTo(panel, widget.rect().topRight()).x()
            assert widget.isVisible() and right < width, widget
    assert heights[620] > heights[1400] and run_rows[620] > run_rows[1400]


@pytest.mark.parametrize("screen", list(CHECK_SIZES))
def test_the_dropout_banner_still_fits(qtbot, screen):
    """With dropout on: the banner with the why (nothing checked yet), then one line once
    checked with dropout off; every plot keeps its size, nothing cut, on every tab."""
    size = CHECK_SIZES[screen]
    session = TrainingSession(SessionConfig(DataSpec(name="flower"), NetworkSpec(),
                                            Hyperparameters(keep_prob=0.8)))
    session.step(20)
    panel = GradientCheckPanel()
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    try:
        panel.on_snapshot(session.snapshot())
        assert panel.outcome is None and panel.controls.dropout_text.isVisible()
        qtbot.wait(40)
        found = problems_on_every_tab(qtbot, panel, size)
        assert found == {name: [] for name in found}
        panel.check_without_dropout()
        qtbot.waitUntil(lambda: panel.outcome is not None and not panel.busy,
                        timeout=TIMEOUT)
        settle(qtbot, panel)
        assert panel.controls.dropout_short.isVisible()
        found = problems_on_every_tab(qtbot, panel, size)
        assert found == {name: [] for name in found}
    finally:
        panel.shutdown()
