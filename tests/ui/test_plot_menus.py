"""Plots' right-click menus are made when first opened, and then work as pyqtgraph's."""
from __future__ import annotations

import pyqtgraph as pg

from nnviz.ui.plot_menus import LazyMenuViewBox, use_lazy_menus
from nnviz.ui.plotting import make_plot


def test_every_plot_item_gets_a_lazy_view_box(qtbot):
    assert use_lazy_menus()  # this pyqtgraph builds its ViewBox the way we expect
    widget = make_plot("cost", "iteration", "J")
    qtbot.addWidget(widget)
    vb = widget.getPlotItem().getViewBox()
    assert isinstance(vb, LazyMenuViewBox)
    assert vb.menu is None  # nothing built with the plot
    bar = pg.ColorBarItem(values=(0, 1), interactive=False)
    assert isinstance(bar.getViewBox(), LazyMenuViewBox) and bar.getViewBox().menu is None


def test_the_menu_is_built_on_first_right_click(qtbot):
    widget = make_plot("cost")
    qtbot.addWidget(widget)
    vb = widget.getPlotItem().getViewBox()
    assert vb.menuEnabled()
    menu = vb.getMenu(None)
    assert menu is not None and menu is vb.menu
    texts = [action.text() for action in vb.getContextMenus(None)]
    assert "View All" in texts
    assert vb.getMenu(None) is menu  # built once


def test_a_disabled_menu_stays_off(qtbot):
    widget = make_plot("cost")
    qtbot.addWidget(widget)
    item = widget.getPlotItem()
    item.setMenuEnabled(False)
    vb = item.getViewBox()
    assert vb.getMenu(None) is None and vb.getContextMenus(None) == []
    item.setMenuEnabled(True)
    assert vb.getMenu(None) is not None
    item.setMenuEnabled(False)
    assert vb.menu is None
