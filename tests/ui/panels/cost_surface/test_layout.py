"""The cost surface lays itself out for the size it is given: the map takes most of the panel,
the settings fold into a strip above it, the texts under it are whole, nothing scrolls
sideways. Sizes: the old dock (407x446) and the Landscape workspace at 1366x768 and
1920x1080."""
import pytest
from PySide6.QtWidgets import QScrollArea

from nnviz.ui.panels.cost_surface.panel import PLOT_SHARE, CostSurfacePanel
from tests.ui.layout_rules import (clipped_widgets, layout_problems, panel_alone,
                                   paused_snapshot, sideways_scrolling)

TIMEOUT = 20000
NARROW = (407, 446)
WORKSPACE = {"1366x768": (900, 680), "1920x1080": (1270, 990)}
MIN_SURFACE_VIEW = (400, 300)


@pytest.fixture(scope="module")
def trained_snapshot():
    return paused_snapshot()


def shown_panel(qtbot, snapshot, size, open_settings=False):
    """The panel alone in a window of ``size``, showing the fine surface of ``snapshot``."""
    panel = panel_alone(qtbot, CostSurfacePanel, size)
    panel.settings_toggle.setChecked(open_settings)
    panel.on_snapshot(snapshot)
    qtbot.waitUntil(lambda: panel.result is not None and not panel.runner.busy
                    and panel.result.request.iteration == snapshot.iteration, timeout=TIMEOUT)
    qtbot.wait(300)  # a grid for the plot's final shape, then the texts' layout
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=TIMEOUT)
    qtbot.wait(50)
    return panel


def plot_share(panel) -> float:
    plot = panel.surface_plot
    return plot.width() * plot.height() / (panel.width() * panel.height())


@pytest.mark.parametrize("screen", list(WORKSPACE))
def test_in_the_landscape_workspace_the_map_dominates_and_every_text_is_whole(
        qtbot, trained_snapshot, screen):
    size = WORKSPACE[screen]
    panel = shown_panel(qtbot, trained_snapshot, size)
    try:
        box = panel.surface_plot.plot.vb
        assert box.width() >= MIN_SURFACE_VIEW[0] and box.height() >= MIN_SURFACE_VIEW[1]
        assert plot_share(panel) >= PLOT_SHARE
        assert not panel.strip.isVisible()  # the settings wait behind their button
        # the verdict about the contours is shown whole, not folded away
        assert panel.lesson.isVisible() and "Contours" in panel.lesson.text()
        assert not panel.notes.lesson_toggle.isVisible()
        assert layout_problems(panel, size) == []
    finally:
        panel.shutdown()


def test_in_a_narrow_dock_the_map_keeps_its_share_and_the_lesson_folds(
        qtbot, trained_snapshot):
    panel = shown_panel(qtbot, trained_snapshot, NARROW)
    try:
        assert plot_share(panel) >= PLOT_SHARE
        box = panel.surface_plot.plot.vb
        assert box.width() >= 200 and box.height() >= 150  # was 40 px wide beside the controls
        toggle = panel.notes.lesson_toggle
        assert toggle.isVisible() and not panel.lesson.isVisible()
        assert "Contours" in toggle.toolTip()  # the folded text is one hover away
        toggle.click()
        qtbot.wait(20)
        assert panel.lesson.isVisible()
        assert layout_problems(panel, NARROW) == []
    finally:
        panel.shutdown()


@pytest.mark.parametrize("size, columns", [(WORKSPACE["1366x768"], 3), (NARROW, 1)])
def test_the_open_settings_strip_fits_the_width(qtbot, trained_snapshot, size, columns):
    panel = shown_panel(qtbot, trained_snapshot, size, open_settings=True)
    try:
        assert panel.strip.isVisible() and panel.controls.groups[0].isVisible()
        assert panel.controls._columns == columns
        assert panel.strip.height() <= 0.4 * panel.height() + 1
        panel.set_mode("parameters")  # the widest page: two parameter pickers
        qtbot.wait(50)
        if size == NARROW:  # opened in a small dock, the map is small: the learner's choice,
            # but the settings themselves are whole and nothing scrolls sideways
            assert clipped_widgets(panel) + sideways_scrolling(panel) == []
        else:
            assert layout_problems(panel, size) == []
        areas = panel.findChildren(QScrollArea)
        assert areas and not any(a.horizontalScrollBar().isVisible() for a in areas)
        if size != NARROW:  # even with the strip open the map stays large
            box = panel.surface_plot.plot.vb
            assert box.width() >= MIN_SURFACE_VIEW[0] and box.height() >= MIN_SURFACE_VIEW[1]
        panel.settings_toggle.click()
        qtbot.wait(200)
        assert not panel.strip.isVisible()
        if size != NARROW:  # (the two parameter pickers need more height than a 446-px dock)
            assert plot_share(panel) >= PLOT_SHARE
    finally:
        panel.shutdown()
