"""Presentation mode and colour palettes, for a classroom.

View > Presentation mode (F11): the window full screen with every font and line
``scale`` times larger (1.5 by default; Ctrl+= / Ctrl+- change it in steps, and the size
chosen is kept for next time). The application font is scaled by
:meth:`~nnviz.ui.theme.Appearance.set_scale`; plots follow through ``PlotColors.scale``
(:func:`nnviz.ui.plotting.scale_scene`). Leaving it gives the window its former place and
every font and line its former size.

View > Colours: the default palette, a colour-blind-safe one (Okabe-Ito blue / orange) or a
high-contrast one, for classes, signs of weights, train/test curves and diverging maps; the
choice is kept in the settings and restored when this is installed.

:func:`install_presentation` adds both to a main window (once).
"""
from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from .plotting import scale_plots, scale_scene
from .theme import MAX_SCALE, PALETTE_TITLES, PALETTES

DEFAULT_SCALE = 1.5
SCALE_STEP = 0.25
MIN_PRESENTATION_SCALE = 1.0
# Panels that set a pen again while drawing a snapshot get it back at its own width; while
# presenting, the visible plots are scaled again at most this often.
RESCALE_INTERVAL_S = 1.0
SCALE_KEY = "appearance/presentation_scale"
PALETTE_KEY = "appearance/palette"


class PresentationMode(QObject):
    """The mode's actions and state for one main window (``window.presentation``)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.appearance = window.appearance
        self.active = False
        self._geometry: QRect | None = None
        self._was_maximized = False
        self._last_rescale = 0.0
        self._scaled = False  # nothing to give back until the first scaling

        self.action = QAction("Presentation mode", window, checkable=True)
        self.action.setShortcut(QKeySequence("F11"))
        tip = ("Full screen, with every text and line larger for a projector (F11); "
               "Ctrl+= and Ctrl+- change the size")
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.action.toggled.connect(self.set_active)
        self.larger_action = QAction("Larger text and lines", window)
        self.larger_action.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.larger_action.triggered.connect(lambda: self.step(+1))
        self.smaller_action = QAction("Smaller text and lines", window)
        self.smaller_action.setShortcut(QKeySequence("Ctrl+-"))
        self.smaller_action.triggered.connect(lambda: self.step(-1))
        for action in (self.larger_action, self.smaller_action):
            action.setToolTip("In presentation mode: " + action.text().lower())
            action.setStatusTip(action.toolTip())
            action.setEnabled(False)
        for action in (self.action, self.larger_action, self.smaller_action):
            window.addAction(action)  # the keys work wherever the focus is in the window

        # Connected after the window's own theme handler: the panels have restyled (and
        # set their pens) by the time this scales them. Bound methods: the appearance
        # outlives the window, and Qt disconnects a destroyed receiver's methods.
        self.appearance.changed.connect(self._appearance_changed)
        window.workspaces.workspace_changed.connect(self._workspace_changed)
        window.controller.snapshot.connect(self._after_snapshot)
        window.installEventFilter(self)

    @property
    def scale(self) -> float:
        """The size presentation mode uses (kept in the settings)."""
        try:
            value = float(self.window.settings.value(SCALE_KEY, DEFAULT_SCALE))
        except (TypeError, ValueError):
            value = DEFAULT_SCALE
        return min(max(value, MIN_PRESENTATION_SCALE), MAX_SCALE)

    def set_active(self, on: bool) -> None:
        on = bool(on)
        if on == self.active:
            return
        self.active = on
        window = self.window
        if on:
            self._was_maximized = window.isMaximized()
            self._geometry = window.geometry()
            self.appearance.set_scale(self.scale)
            window.showFullScreen()
        else:
            self.appearance.set_scale(1.0)
            window.showNormal()
        workspaces = getattr(window, "workspaces", None)
        if workspaces is not None:  # the builder's column grows with its text, and back
            workspaces.set_scale(self.appearance.scale)
            if self._was_maximized:
                window.showMaximized()
            elif self._geometry is not None:
                window.setGeometry(self._geometry)
        for action in (self.larger_action, self.smaller_action):
            action.setEnabled(on)
        if self.action.isChecked() != on:
            self.action.setChecked(on)

    def step(self, direction: int) -> None:
        """One step larger (+1) or smaller (-1), while presenting."""
        if not self.active:
            return
        scale = min(max(self.appearance.scale + direction * SCALE_STEP,
                        MIN_PRESENTATION_SCALE), MAX_SCALE)
        self.window.settings.setValue(SCALE_KEY, scale)
        self.appearance.set_scale(scale)
        workspaces = getattr(self.window, "workspaces", None)
        if workspaces is not None:
            workspaces.set_scale(scale)
        self.window.statusBar().showMessage(f"Text and lines at {scale:g}x", 3000)

    def rescale(self, scale: float | None = None, visible_only: bool = True) -> None:
        """Scale the plots' text and lines (those on screen, or all) to the current size."""
        scale = self.appearance.scale if scale is None else scale
        if scale == 1.0 and not self._scaled:
            return
        self._scaled = True
        self._last_rescale = time.monotonic()
        if not visible_only:
            scale_plots(self.window, scale)
            return
        import pyqtgraph as pg

        for view in self.window.findChildren(pg.GraphicsView):
            if view.isVisible():
                scale_scene(view.scene(), scale)

    def _appearance_changed(self, colors) -> None:
        self.rescale(colors.scale, visible_only=False)

    def _workspace_changed(self, _key: str) -> None:
        self.rescale()

    def _after_snapshot(self, _snapshot) -> None:
        if self.active and time.monotonic() - self._last_rescale > RESCALE_INTERVAL_S:
            self.rescale()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        # Before the window saves its geometry at close: the normal window is saved, and
        # the application font is back to its size.
        if obj is self.window and event.type() == QEvent.Type.Close and self.active:
            self.set_active(False)
        return False


class PaletteMenu(QObject):
    """View > Colours: one checkable action per palette (``window.palette_actions``)."""

    def __init__(self, window, menu):
        super().__init__(window)
        self.window = window
        self.appearance = window.appearance
        self.actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name in PALETTES:
            action = QAction(PALETTE_TITLES[name], window, checkable=True)
            action.triggered.connect(lambda _=False, n=name: self.choose(n))
            group.addAction(action)
            menu.addAction(action)
            self.actions[name] = action
        menu.setToolTipsVisible(True)
        self.actions["colour_blind"].setToolTip(
            "Okabe-Ito colours and a blue-white-yellow map: classes, weights and curves stay "
            "apart with any common colour-vision deficiency")
        self.actions["high_contrast"].setToolTip(
            "Dark and bright colours, black or white text, a map that also reads in grey")
        saved = str(window.settings.value(PALETTE_KEY, "default"))
        if saved in PALETTES and saved != self.appearance.palette_name:
            self.appearance.set_palette(saved)
        self.appearance.changed.connect(self._sync)
        self._sync()

    def choose(self, name: str) -> None:
        self.appearance.set_palette(name)
        self.window.settings.setValue(PALETTE_KEY, self.appearance.palette_name)

    def _sync(self, _colors=None) -> None:
        for name, action in self.actions.items():
            action.setChecked(name == self.appearance.palette_name)


def install_presentation(window) -> PresentationMode:
    """View > Colours, View > Presentation mode (F11) and the size keys, once per window."""
    existing = getattr(window, "presentation", None)
    if existing is not None:
        return existing
    view = window.view_menu
    colours = view.addMenu("Colours")
    window.palette_menu = PaletteMenu(window, colours)
    window.palette_actions = window.palette_menu.actions
    mode = PresentationMode(window)
    view.addSeparator()
    view.addAction(mode.action)
    view.addAction(mode.larger_action)
    view.addAction(mode.smaller_action)
    window.presentation = mode
    window.presentation_action = mode.action
    return mode
