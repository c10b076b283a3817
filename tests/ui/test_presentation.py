"""Presentation mode (F11): the window full screen, the application font and every plot's text
and lines scaled by the factor (1.5 by default, Ctrl+= / Ctrl+- in steps), and everything as
it was after leaving it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.plotting import make_plot, scale_scene
from nnviz.ui.presentation import DEFAULT_SCALE, SCALE_KEY, SCALE_STEP, install_presentation
from nnviz.ui.settings import open_settings

TIMEOUT = 20000
PANELS = ("builder", "training", "network")


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in PANELS])
    qtbot.addWidget(w)
    install_presentation(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=TIMEOUT)
    yield w
    w.presentation.set_active(False)
    w.close()


def sizes(window) -> dict:
    """The text and line sizes presentation mode changes, read from the widgets."""
    curves = window.panels["training"].curves
    cost = curves.cost_plot.getPlotItem()
    axis = cost.getAxis("bottom")
    boundary = window.panels["training"].boundary
    legend_label = cost.legend.items[0][1]
    tick_font = axis.style["tickFont"]
    return {
        "app font": QApplication.font().pointSizeF(),
        "tick font": tick_font.pointSizeF() if tick_font is not None else None,
        "axis label": axis.label.font().pointSizeF(),
        "title": cost.titleLabel.opts.get("size"),
        "legend": legend_label.opts.get("size"),
        "curve width": curves.curves[0].opts["pen"].widthF(),
        "axis pen": axis.pen().widthF(),
        "contour width": boundary.contour.opts["pen"].widthF(),
        "builder font": window.panels["builder"].font().pointSizeF(),
    }


def points(size: str) -> float:
    return float(size.removesuffix("pt"))


def assert_scaled(now: dict, before: dict, factor: float) -> None:
    base = before["app font"]
    assert now["app font"] == pytest.approx(base * factor)
    assert now["builder font"] == pytest.approx(before["builder font"] * factor)
    # A plot's ticks use the application's font unless set: explicit and scaled.
    tick = before["tick font"] if before["tick font"] is not None else base
    assert now["tick font"] == pytest.approx(tick * factor)
    assert now["axis label"] == pytest.approx(before["axis label"] * factor)
    assert points(now["title"]) == pytest.approx(points(before["title"]) * factor)
    assert points(now["legend"]) == pytest.approx(points(before["legend"]) * factor)
    for line in ("curve width", "axis pen", "contour width"):
        assert now[line] == pytest.approx(before[line] * factor), line


def test_presentation_mode_scales_text_and_lines_and_gives_them_back(window, qtbot):
    before = sizes(window)
    geometry = window.geometry()
    window.presentation_action.trigger()
    assert window.presentation.active and window.isFullScreen()
    assert window.appearance.colors.scale == DEFAULT_SCALE
    assert_scaled(sizes(window), before, DEFAULT_SCALE)
    # A panel restyling itself (its pens set anew) is scaled again, not twice.
    window.appearance.set_mode("dark")
    assert_scaled(sizes(window), before, DEFAULT_SCALE)
    window.appearance.set_mode("light")

    window.presentation_action.trigger()
    assert not window.presentation.active and not window.isFullScreen()
    assert sizes(window) == before
    assert window.geometry() == geometry


def test_ctrl_plus_and_minus_change_the_size_and_it_is_kept(window, qtbot):
    before = sizes(window)
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(window, Qt.Key.Key_Equal, ctrl)  # nothing outside presentation mode
    assert window.appearance.scale == 1.0
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presentation.active
    qtbot.keyClick(window, Qt.Key.Key_Equal, ctrl)
    assert window.appearance.scale == DEFAULT_SCALE + SCALE_STEP
    assert_scaled(sizes(window), before, DEFAULT_SCALE + SCALE_STEP)
    qtbot.keyClick(window, Qt.Key.Key_Minus, ctrl)
    qtbot.keyClick(window, Qt.Key.Key_Minus, ctrl)
    smaller = DEFAULT_SCALE - SCALE_STEP
    assert window.appearance.scale == smaller
    assert_scaled(sizes(window), before, smaller)
    assert float(window.settings.value(SCALE_KEY)) == smaller
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert sizes(window) == before
    qtbot.keyClick(window, Qt.Key.Key_F11)  # the size chosen last time
    assert window.appearance.scale == smaller


def test_closing_in_presentation_mode_saves_the_normal_window(window, qtbot):
    window.presentation.set_active(True)
    window.close()
    assert not window.presentation.active
    assert window.appearance.scale == 1.0
    assert not window.isFullScreen()


def test_scaling_a_plot_made_while_presenting_does_not_scale_it_twice(window, qtbot):
    window.presentation.set_active(True)
    plot = make_plot("Title", "x", "y")  # built at 1.5: the app font is already large
    qtbot.addWidget(plot)
    axis = plot.getPlotItem().getAxis("bottom")
    scaled = axis.label.font().pointSizeF()
    scale_scene(plot.scene(), 1.5)
    assert axis.label.font().pointSizeF() == scaled
    assert scaled == pytest.approx(window.appearance.base_font.pointSizeF() * 1.5)
    scale_scene(plot.scene(), 1.0)
    assert axis.label.font().pointSizeF() == pytest.approx(
        window.appearance.base_font.pointSizeF())


def test_plots_made_later_while_presenting_are_scaled_like_the_rest(window, qtbot):
    # The activation explorer makes a function's curves when it is first shown, and the
    # backprop page its heat maps when first opened: made while presenting, they match.
    from nnviz.ui.panels.activations.panel import ActivationExplorerPanel
    from nnviz.ui.theme import appearance

    explorer = ActivationExplorerPanel()
    qtbot.addWidget(explorer)
    width = explorer.plots.curves["sigmoid"].value.opts["pen"].widthF()
    window.presentation.set_active(True)
    assert appearance().scale == DEFAULT_SCALE
    explorer.set_shown_functions(["sigmoid", "gelu"])  # gelu's curves made now
    gelu = explorer.plots.curves["gelu"].value.opts["pen"].widthF()
    assert gelu == pytest.approx(width * DEFAULT_SCALE)
