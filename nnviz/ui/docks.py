"""The main window's panels as docks: building them (some just after the first paint),
feeding them snapshots while they are visible, and their default sizes.

:class:`PanelDocksMixin` is mixed into :class:`~nnviz.ui.main_window.MainWindow`, which sets
up the attributes it uses (``panels``, ``docks``, ``specs``, ``context``, ``controller``...).
"""
from __future__ import annotations

import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea, QWidget

from .panels import PanelSpec
from .panels.base import Panel

AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea,
         "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "top": Qt.DockWidgetArea.TopDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}


def scrolled(panel: QWidget) -> QScrollArea:
    """``panel`` in a frameless scroll area: a dock (or a tab group of docks) can then be
    smaller than the largest panel's minimum size, which would otherwise claim the space of
    every dock sharing its area; the panel scrolls only when the dock is really that small."""
    area = QScrollArea()
    area.setObjectName(f"scroll_{panel.objectName() or type(panel).__name__}")
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(panel)
    area.setMinimumSize(120, 80)
    return area


PRESETS = {"learn": "Learn", "analyze": "Analyze"}
ANALYZE_WITH_BUILDER_WIDTH = 1600  # narrower windows show Analyze without the builder


class PanelDocksMixin:
    def _build_docks(self, specs: list[PanelSpec]) -> None:
        shared = [self.play_action, self.step_action, self.step100_action, self.reset_action]
        for spec in specs:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(f"dock_{spec.key}")
            if self._defer and not spec.eager:
                placeholder = QLabel("Loading…")
                placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
                dock.setWidget(placeholder)
                self._pending.append(spec.key)
            else:
                panel = self._make_panel(spec)
                dock.setWidget(scrolled(panel))
                self.panels[spec.key] = panel
            dock.setToolTip(spec.tooltip)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable |
                             QDockWidget.DockWidgetFeature.DockWidgetMovable |
                             QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            dock.addActions(shared)  # shortcuts keep working when the dock floats
            if spec.tab_with in self.docks:
                self.tabifyDockWidget(self.docks[spec.tab_with], dock)
            else:
                self.addDockWidget(AREAS.get(spec.area, Qt.DockWidgetArea.RightDockWidgetArea),
                                   dock)
            if not spec.visible:
                dock.hide()
            dock.visibilityChanged.connect(lambda visible, key=spec.key:
                                           self._dock_visibility(key, visible))
            self.docks[spec.key] = dock
            self.specs[spec.key] = spec
            self._visible[spec.key] = spec.visible
        for spec in specs:  # the first panel of each tab group in front
            if spec.tab_with in self.docks:
                self.docks[spec.tab_with].raise_()

    def _build_next_pending(self) -> None:
        """Build one deferred panel, then come back for the next (keeps the GUI live)."""
        if self._pending and not self._closing:
            self._build_pending(self._pending[0])
            if self._pending:
                QTimer.singleShot(0, self._build_next_pending)
            else:
                self._all_panels_built()

    def build_pending_panels(self) -> None:
        """Build every deferred panel now."""
        while self._pending:
            self._build_pending(self._pending[0])
        if self._defer:
            self._all_panels_built()

    def _all_panels_built(self) -> None:
        self._add_experiments_menu()
        if not self._layout_restored:
            # The placeholders are gone: give the docks their default sizes again.
            QTimer.singleShot(0, self._default_dock_sizes)

    def _build_pending(self, key: str) -> None:
        if key not in self._pending:
            return
        import nnviz.ui.plotting  # noqa: F401  (pyqtgraph, configured, before any panel)

        self._pending.remove(key)
        spec, dock = self.specs[key], self.docks[key]
        panel = self._make_panel(spec)
        old = dock.widget()
        dock.setWidget(scrolled(panel))
        if old is not None:
            old.deleteLater()
        self.panels[key] = panel
        for method, arg in (("on_theme", self.appearance.colors),
                            ("on_config", self.controller.config)):
            function = getattr(panel, method, None)
            if function is not None:
                function(arg)
        if self.controller.latest is not None:
            if self._panel_shown(key):
                self._feed(key, self.controller.latest)
            else:
                self._stale.add(key)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self and event.type() == QEvent.Type.Paint and not self._painted:
            self._painted = True
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._build_next_pending)
        return super().eventFilter(obj, event)

    def _make_panel(self, spec: PanelSpec):
        cls = spec.load()
        if isinstance(cls, type) and issubclass(cls, Panel):
            return cls(self.context)
        panel = cls()  # a plain widget with on_snapshot(); give it the context anyway
        if getattr(panel, "context", None) is None:
            panel.context = self.context
        return panel

    def _call_panels(self, method: str, *args) -> None:
        for panel in self.panels.values():
            function = getattr(panel, method, None)
            if function is not None:
                function(*args)

    def _default_dock_sizes(self) -> None:
        """Builder narrow on the left, the training plots large (needs a shown window)."""
        left = [d for d in self.docks.values() if self.dockWidgetArea(d) == AREAS["left"]
                and d.isVisible()]
        right = [d for d in self.docks.values() if self.dockWidgetArea(d) == AREAS["right"]
                 and d.isVisible()]
        if left:
            # Name both sides: Qt then splits the width as asked (within minimum sizes).
            docks = left[:1] + right[:1]
            sizes = [390, max(self.width() - 390, 1)][:len(docks)]
            self.resizeDocks(docks, sizes, Qt.Orientation.Horizontal)
        stacked = [self.docks[k] for k in ("training", "network") if k in self.docks]
        if len(stacked) == 2:
            # The diagram gets what it needs to be read (its unit pictures too); the plots get
            # the rest. Sizes are shares of the height the two docks have between them.
            total = sum(d.height() for d in stacked)
            diagram = max(190, int(total * 0.26))
            self.resizeDocks(stacked, [total - diagram, diagram], Qt.Orientation.Vertical)

    # -- a panel shown large ------------------------------------------------------------------
    def show_large(self, key: str) -> None:
        """Float dock ``key`` over the window's panels (below the toolbar), as its own window,
        so a lesson's plots are all visible; :meth:`restore_docked` puts it back."""
        dock = self.docks.get(key)
        if dock is None or dock.isFloating() or self._closing:
            return
        self._enlarged = key
        top = self.menuBar().height() + self.training_toolbar.height()
        area = self.geometry().adjusted(0, top, 0, -self.statusBar().height())
        dock.setFloating(True)
        dock.setGeometry(area)
        dock.show()
        dock.raise_()
        dock.activateWindow()

    def restore_docked(self, key: str) -> None:
        """Undo :meth:`show_large` (a dock the learner floated stays floating)."""
        if getattr(self, "_enlarged", None) == key and key in self.docks:
            self._enlarged = None
            self.docks[key].setFloating(False)
            self.docks[key].raise_()

    # -- layout presets ----------------------------------------------------------------------
    def apply_preset(self, name: str) -> None:
        """``"learn"``: builder, decision boundary and curves, network diagram (the default).
        ``"analyze"``: cost surface above, gradient flow beside gradient check below, large
        (without the builder on a window narrower than ``ANALYZE_WITH_BUILDER_WIDTH``)."""
        if name not in PRESETS:
            raise ValueError(f"no layout {name!r}; choose one of {', '.join(PRESETS)}")
        self.reset_layout()
        if name == "learn":
            for key in ("training", "network"):
                if key in self.docks:
                    self.docks[key].raise_()
            return
        self.build_pending_panels()
        wanted = [k for k in ("cost_surface", "gradient_flow", "gradient_check")
                  if k in self.docks]
        for key in wanted:
            self.docks[key].show()
            self.docks[key].raise_()
        if "builder" in self.docks and self.width() < ANALYZE_WITH_BUILDER_WIDTH:
            # A laptop has room for three analysis panels or for the builder, not both;
            # Learn (Ctrl+1) or View > Network builder brings it back.
            self.docks["builder"].hide()
        if {"gradient_flow", "gradient_check"} <= set(wanted):
            flow, check = self.docks["gradient_flow"], self.docks["gradient_check"]
            # Out of its tab group, then beside the gradient check: both visible at once.
            # (splitDockWidget would only add a tab: the check is in a tab group)
            self.removeDockWidget(flow)
            self.addDockWidget(self.dockWidgetArea(check), flow, Qt.Orientation.Horizontal)
            flow.show()
            check.raise_()
        # Sizes once the docks have their new places (the next event-loop turn).
        QTimer.singleShot(0, lambda: self._analyze_sizes(wanted))

    def _analyze_sizes(self, wanted: list[str]) -> None:
        if self._closing:
            return
        if {"gradient_flow", "gradient_check"} <= set(wanted):
            flow, check = self.docks["gradient_flow"], self.docks["gradient_check"]
            half = (flow.width() + check.width()) // 2
            self.resizeDocks([check, flow], [half, half], Qt.Orientation.Horizontal)
        if "cost_surface" in wanted and "gradient_flow" in wanted:
            surface, flow = self.docks["cost_surface"], self.docks["gradient_flow"]
            total = surface.height() + flow.height()
            top = int(total * 0.48)
            self.resizeDocks([surface, flow], [top, total - top], Qt.Orientation.Vertical)

    def _panel_shown(self, key: str) -> bool:
        dock = self.docks[key]
        return self._visible.get(key, False) and not dock.isHidden()

    def _dock_visibility(self, key: str, visible: bool) -> None:
        self._visible[key] = visible
        if visible and key in self._pending:
            if self._painted:  # before the first paint, the queue builds it
                QTimer.singleShot(0, lambda: self._build_pending(key))
            return
        if visible and key in self._stale and self.controller.latest is not None:
            self._stale.discard(key)
            self._feed(key, self.controller.latest)

    def _feed(self, key: str, snapshot) -> None:
        self._stale.discard(key)
        self._fed_at[key] = time.perf_counter()
        try:
            self.panels[key].on_snapshot(snapshot)
        except Exception:  # one broken panel must not stop the others from drawing
            sys.excepthook(*sys.exc_info())

    def visible_figures(self) -> dict[str, object]:
        figures = {}
        for key, panel in self.panels.items():
            if self._panel_shown(key) and hasattr(panel, "figures"):
                for name, item in panel.figures().items():
                    figures[f"{key}_{name}"] = item
        return figures

    def _dispatch_snapshot(self, snapshot) -> None:
        """Hand ``snapshot`` to every visible panel (a slowly changing panel with a
        ``max_rate`` skips frames while training runs); hidden ones catch up when shown."""
        now = time.perf_counter()
        fed = []
        for key in list(self.panels):
            if not self._panel_shown(key):
                self._stale.add(key)
                continue
            rate = self.specs[key].max_rate if key in self.specs else None
            if (snapshot.state == "running" and rate
                    and now - self._fed_at.get(key, 0.0) < 1.0 / rate):
                continue
            self._feed(key, snapshot)
            fed.append(key)
        # Paint now, while the worker is parked (TrainingController.frame_gate), rather than
        # later in the event loop with the two threads trading the GIL for every Python call
        # pyqtgraph makes while painting: the scenes' queued updates and the resulting paint
        # events are posted events, so handle them here.
        if fed:
            QCoreApplication.sendPostedEvents()
