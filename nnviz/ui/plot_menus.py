"""Plots' right-click menus built when first opened, not with the plot.

pyqtgraph builds a ViewBox's context menu (its axis controls: two Qt Designer forms) in the
ViewBox's constructor. The window has about thirty plots, so those menus took about a fifth of
a second of start-up, for menus most sessions never open. :class:`LazyMenuViewBox` builds its
menu on the first right-click instead; everything else is pyqtgraph's ViewBox.

:func:`use_lazy_menus` makes it the ViewBox of every ``PlotItem`` pyqtgraph builds (plot
widgets, ``addPlot``, colour bars), so no call site has to remember it.
"""
from __future__ import annotations

import sys

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu

_PLOT_ITEM_MODULE = "pyqtgraph.graphicsItems.PlotItem.PlotItem"


class LazyMenuViewBox(pg.ViewBox):
    """A ViewBox whose context menu is made when it is first asked for."""

    def __init__(self, *args, enableMenu: bool = True, **kwargs):  # noqa: N803 (pyqtgraph's)
        super().__init__(*args, enableMenu=False, **kwargs)
        self.state["enableMenu"] = enableMenu  # wanted, built on first use

    def _applyMenuEnabled(self) -> None:  # noqa: N802
        # Turning the menu on builds nothing yet; turning it off drops a built one.
        if not self.menuEnabled() and self.menu is not None:
            self.menu.setParent(None)
            self.menu = None

    def built_menu(self) -> ViewBoxMenu | None:
        """The menu, made now if it was still waiting (None while the menu is off)."""
        if not self.menuEnabled():
            return None
        if self.menu is None:
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()
        return self.menu

    def getMenu(self, ev):  # noqa: N802
        return self.built_menu()

    def getContextMenus(self, event):  # noqa: N802
        menu = self.built_menu()
        return menu.actions() if menu is not None else []


def use_lazy_menus() -> bool:
    """Make :class:`LazyMenuViewBox` the ViewBox pyqtgraph's PlotItem creates; False if this
    pyqtgraph does not build it the expected way (then plots simply keep eager menus)."""
    module = sys.modules.get(_PLOT_ITEM_MODULE)
    if module is None or getattr(module, "ViewBox", None) not in (pg.ViewBox, LazyMenuViewBox):
        return False
    module.ViewBox = LazyMenuViewBox
    return True
