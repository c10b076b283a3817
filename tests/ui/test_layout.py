"""The default layout at the two screens a learner is likely to have: a 1366x768 laptop and a
1920x1080 monitor. The window is told the screen's available area (offscreen has one fixed
screen), then the rules of the default "Learn" layout are checked on the real widgets."""
import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea

from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels.builder.panel import MAX_WIDTH
from nnviz.ui.settings import open_settings

TIMEOUT = 20000
SCREENS = {"laptop": QRect(0, 0, 1366, 768), "desktop": QRect(0, 0, 1920, 1080)}


@pytest.fixture(params=sorted(SCREENS))
def window(request, qtbot, isolated_settings, monkeypatch):
    area = SCREENS[request.param]
    monkeypatch.setattr(MainWindow, "_available", lambda self: area)
    w = MainWindow(settings=open_settings(isolated_settings))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=TIMEOUT)
    qtbot.wait(50)  # the default dock sizes are applied once the window is shown
    w.area = area
    yield w
    w.close()


def test_the_window_fits_the_screen(window):
    # Everything can shrink to the screen...
    hint = window.minimumSizeHint()
    assert hint.width() <= window.area.width() and hint.height() <= window.area.height()
    assert window.width() <= window.area.width()
    assert window.height() <= window.area.height()
    assert window.width() >= 0.85 * window.area.width()  # and uses it


def test_builder_is_narrow_and_scrolls_only_vertically(window, qtbot):
    builder = window.panels["builder"]
    assert 300 <= builder.width() <= MAX_WIDTH
    scroll = builder.findChild(QScrollArea)
    content = scroll.widget()
    # nothing is cut off on the right: the content fits the viewport's width
    assert content.minimumSizeHint().width() <= scroll.viewport().width()
    assert scroll.horizontalScrollBar().maximum() == 0
    # every control is reachable: the last one can be scrolled into view
    last = builder.keep_prob if hasattr(builder, "keep_prob") else builder.learning_rate
    scroll.ensureWidgetVisible(last)
    qtbot.wait(10)
    top_left = last.mapTo(scroll.viewport(), last.rect().topLeft())
    assert 0 <= top_left.y() <= scroll.viewport().height() - last.height()


def test_groups_fold_away(window, qtbot):
    builder = window.panels["builder"]
    assert set(builder.groups) == {"Data", "Layers", "Initialization", "Optimization"}
    data = builder.groups["Data"]
    assert data.isExpanded()
    data.collapse(animate=False)
    qtbot.waitUntil(lambda: not builder.dataset.isVisible(), timeout=2000)
    data.expand(animate=False)
    qtbot.waitUntil(lambda: builder.dataset.isVisible(), timeout=2000)


def test_the_decision_boundary_is_the_largest_plot_and_curves_are_tall_enough(window):
    training = window.panels["training"]
    boundary = training.boundary
    assert boundary.isVisible()
    assert boundary.width() >= 300 and boundary.height() >= 300
    area = boundary.width() * boundary.height()
    for plot in (training.cost_plot, training.metric_plot):
        assert plot.height() >= 150 and plot.width() >= 300
        assert plot.width() * plot.height() < area
    diagram = window.panels["network"].diagram  # the drawing, without its controls
    assert diagram.width() * diagram.height() < area


def test_legends_sit_in_the_title_row_not_on_the_curves(window):
    training = window.panels["training"]
    for plot in (training.cost_plot, training.metric_plot):
        item = plot.getPlotItem()
        legend = item.legend
        assert legend is not None and legend.isVisible()
        view = item.getViewBox().sceneBoundingRect()
        box = legend.sceneBoundingRect()
        assert box.bottom() <= view.top() + 4, (box, view)


def test_the_divergence_banner_is_one_compact_line(window, qtbot):
    long = ("Training diverged at iteration 3: the cost became infinite. Lower the learning "
            "rate α (now 100; try 10) or normalize the inputs, then press R to reset.")
    window.show_message(long, "warning")
    qtbot.waitUntil(lambda: window.banner_bar.isVisible(), timeout=2000)
    line = window.banner.text.fontMetrics().height()
    assert window.banner.text.text() == "Training diverged at iteration 3: the cost became " \
                                        "infinite."
    assert window.banner.height() <= 2.5 * line
    assert window.banner.message == long and long in window.banner.text.toolTip()
    window.banner.details.click()
    assert window.banner.text.text() == long


def test_the_empty_plots_say_how_to_start_until_the_first_step(window, qtbot):
    training = window.panels["training"]
    assert all(h.isVisible() for h in training.start_hints)
    # iteration 0 is drawn (one marked point per curve)
    x, y = training.train_cost.getData()
    assert list(x) == [0.0] and y[0] == pytest.approx(0.693, abs=0.01)
    window.controller.step(1)
    qtbot.waitUntil(lambda: not any(h.isVisible() for h in training.start_hints),
                    timeout=TIMEOUT)


def test_view_presets_learn_and_analyze(window, qtbot):
    window.analyze_layout_action.trigger()
    qtbot.wait(100)
    shown = {k for k, d in window.docks.items() if not d.visibleRegion().isEmpty()}
    assert {"cost_surface", "gradient_flow", "gradient_check"} <= shown
    flow, check = window.panels["gradient_flow"], window.panels["gradient_check"]
    assert flow.height() >= 250 and check.height() >= 250  # large, side by side
    surface = window.panels["cost_surface"]
    assert flow.height() >= 0.4 * (flow.height() + surface.height())
    # a laptop shows the three without the builder; a big screen keeps it
    assert ("builder" in shown) == (window.width() >= 1600)
    window.learn_layout_action.trigger()
    qtbot.wait(50)
    shown = {k for k, d in window.docks.items() if not d.visibleRegion().isEmpty()}
    assert {"builder", "training", "network"} <= shown  # Learn brings the builder back
    assert "gradient_flow" not in shown
