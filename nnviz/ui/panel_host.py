"""The main window's panels in their workspaces: building them (the shown workspace's before
the first paint, the others just after it), feeding them snapshots while they are on screen,
and bringing a panel's workspace forward.

:class:`PanelHostMixin` is mixed into :class:`~nnviz.ui.main_window.MainWindow`, which sets
up the attributes it uses (``panels``, ``specs``, ``context``, ``controller``...). Where a
panel is shown is decided in :mod:`nnviz.ui.workspaces`, not here.
"""
from __future__ import annotations

import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent, QTimer

from .panels import PanelSpec
from .panels.base import Panel
from .workspaces import WORKSPACES
from .workspaces.view import PanelSlot, WorkspaceStack

DEFAULT_WORKSPACE = "train"
FIRST_SNAPSHOT_WAIT_S = 2.0  # the hidden panels are built after the first picture, or this


class PanelHostMixin:
    def _build_workspaces(self, specs: list[PanelSpec]) -> None:
        self.specs = {spec.key: spec for spec in specs}
        self.workspaces = WorkspaceStack(WORKSPACES, list(self.specs), self.settings)
        self.slots: dict[str, PanelSlot] = self.workspaces.slots
        start = self.workspaces.saved_current() if self._restore else None
        start = start or DEFAULT_WORKSPACE
        shown = set(self.workspaces.pages[start].workspace.panel_keys())
        for spec in specs:
            if self._defer and spec.key not in shown:
                self._pending.append(spec.key)  # built just after the first paint
            else:
                self._install_panel(spec.key, self._make_panel(spec))
        self.workspaces.show_workspace(start)
        self.workspaces.workspace_changed.connect(self._workspace_changed)
        self._want_outcome()

    def _install_panel(self, key: str, panel) -> None:
        self.slots[key].set_panel(panel)
        self.panels[key] = panel
        for callback in self._built_callbacks.pop(key, []):
            callback(panel)

    def panel(self, key: str):
        """Panel ``key``, built now if it was still waiting (None if the window has none)."""
        if key in self._pending:
            self._build_pending(key)
        return self.panels.get(key)

    def when_panel_built(self, key: str, callback) -> None:
        """Call ``callback(panel)`` once panel ``key`` exists (now, if it does)."""
        if key in self.panels:
            callback(self.panels[key])
        else:
            self._built_callbacks.setdefault(key, []).append(callback)

    # -- deferred panels -------------------------------------------------------------------
    def _build_next_pending(self) -> None:
        """Build one deferred panel, then come back for the next (keeps the GUI live)."""
        if self._pending and not self._closing:
            self._build_pending(self._pending[0])
            if self._pending:
                QTimer.singleShot(0, self._build_next_pending)

    def build_pending_panels(self) -> None:
        """Build every deferred panel now."""
        while self._pending:
            self._build_pending(self._pending[0])

    def _build_pending(self, key: str) -> None:
        if key not in self._pending:
            return
        import nnviz.ui.plotting  # noqa: F401  (pyqtgraph, configured, before any panel)

        self._pending.remove(key)
        panel = self._make_panel(self.specs[key])
        self._install_panel(key, panel)
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
            self._painted_at = time.perf_counter()
            QTimer.singleShot(0, self._start_pending_builds)
        return super().eventFilter(obj, event)

    def _start_pending_builds(self) -> None:
        """The other workspaces' panels, once the first snapshot is on screen (each build
        holds the event loop for a moment, so it must not hold back the first picture)."""
        if self._closing:
            return
        waited = time.perf_counter() - self._painted_at
        if self.controller.snapshots_delivered == 0 and waited < FIRST_SNAPSHOT_WAIT_S:
            QTimer.singleShot(10, self._start_pending_builds)
            return
        self._build_next_pending()

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

    # -- workspaces --------------------------------------------------------------------------
    def show_workspace(self, key: str) -> None:
        """Bring workspace ``key`` ("train", "gradients"...) on screen."""
        self.workspaces.show_workspace(key)

    def show_panel(self, key: str) -> bool:
        """Bring the workspace showing panel ``key`` forward; False if no workspace shows it."""
        workspace = self.workspaces.workspace_of(key)
        if workspace is None:
            return False
        self.show_workspace(workspace)
        return True

    def _workspace_changed(self, key: str) -> None:
        for action_key, action in getattr(self, "workspace_actions", {}).items():
            action.setChecked(action_key == key)
        self._want_outcome()
        for panel_key in self.workspaces.panels_shown():
            if panel_key in self._pending:
                self._build_pending(panel_key)
            elif panel_key in self._stale and self.controller.latest is not None:
                self._feed(panel_key, self.controller.latest)

    def _want_outcome(self) -> None:
        """Tell the worker whether a panel on screen draws the decision boundary."""
        self.controller.want_outcome(any(self.specs[key].draws_outcome
                                         for key in self.workspaces.panels_shown()
                                         if key in self.specs))

    def _panel_shown(self, key: str) -> bool:
        return key in self.workspaces.panels_shown()

    # -- snapshots -----------------------------------------------------------------------------
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
        """Hand ``snapshot`` to every panel on screen (a slowly changing panel with a
        ``max_rate`` skips frames while training runs); the others catch up when shown."""
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
