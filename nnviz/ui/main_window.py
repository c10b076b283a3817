"""The main window: the workspaces and their panels, toolbar, menus, status bar, settings.

The window owns a :class:`~nnviz.training.controller.TrainingController` (the worker thread)
and hands each snapshot it delivers to the panels on screen (:mod:`nnviz.ui.panel_host`);
where each panel is shown is decided in :mod:`nnviz.ui.workspaces`. Closing the window stops
the worker and waits for its thread.

File menu: export weights, save/load sessions and export the history are done by
:class:`~nnviz.ui.file_actions.FileActions` (``window.file_actions``), off the GUI thread;
:meth:`MainWindow.last_folder` / :meth:`MainWindow.remember_folder` keep the last folders.
"""
from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, Qt, QThreadPool
from PySide6.QtWidgets import (QApplication, QDialog, QFileDialog, QMainWindow, QMessageBox,
                               QStyle, QToolBar, QVBoxLayout, QWidget)

from nnviz.training.config import CSV_DATASET, SessionConfig
from nnviz.training.controller import TrainingController

from .file_actions import FileActions
from .help import concepts_dialog
from .keyboard import FieldFocus
from .pace import DEFAULT_BUDGET, DEFAULT_SPEED, PaceMixin
from .panel_host import PanelHostMixin
from .presentation import install_presentation
from .panels import PANELS, PanelSpec
from .panels.base import Panel, PanelContext
from .settings import open_settings
from .menus import MenusMixin
from .share import about_html
from .theme import Appearance
from .wheel_guard import install_wheel_guard
from .widgets.cost_hint import CostHint
from .widgets.hyper_bar import HyperparameterBar
from .widgets.status import MessageBanner, StatusReadout

CLOSE_WAIT_MS = 500  # for the training thread at close: the whole close stays under 2 s


class MainWindow(MenusMixin, PaceMixin, PanelHostMixin, QMainWindow):
    def __init__(self, config: SessionConfig | None = None, settings=None,
                 appearance: Appearance | None = None,
                 controller: TrainingController | None = None,
                 panels: list[PanelSpec] | None = None, restore_layout: bool = True,
                 defer_panels: bool = False):
        """``defer_panels``: the panels of the workspaces not on screen are built just after
        the window first paints, one per event-loop turn (the app does this to start fast;
        :meth:`build_pending_panels` builds the rest at once). ``restore_layout``: the window's
        geometry, workspace and splitter positions from the settings."""
        super().__init__()
        self.setObjectName("nnvizMainWindow")
        self.setWindowTitle("nnviz — see inside a neural network")
        app = QApplication.instance()
        install_wheel_guard(app)  # the wheel over an unfocused control scrolls, never sets
        self.settings = settings if settings is not None else open_settings()
        self.appearance = appearance or app.findChild(Appearance) or Appearance(
            app, str(self.settings.value("appearance/mode", "system")))
        self.controller = controller or TrainingController(config, parent=self)
        # The worker builds the session and its first snapshot while the window is built,
        # so the first paint already shows it (its signals reach this window through the
        # controller, whose slots _build_window connects before the event loop runs).
        self.controller.start()
        try:
            self._build_window(app, panels, restore_layout, defer_panels)
        except BaseException:
            self._abandon()  # a window that failed to build leaves no thread running behind
            raise

    def _abandon(self) -> None:
        """Stop what a window that failed to build had started: its panels' job threads
        and the worker (the error that stopped the build is the one raised)."""
        for panel in getattr(self, "panels", {}).values():
            shutdown = getattr(panel, "shutdown", None)
            if shutdown is not None:
                with contextlib.suppress(Exception):
                    shutdown()
        self.controller.shutdown()

    def _build_window(self, app, panels, restore_layout: bool, defer_panels: bool) -> None:
        self.context = PanelContext(self.controller, self.settings, self.appearance, self)
        self.file_actions = FileActions(self)
        self.panels: dict[str, Panel] = {}
        self.specs: dict[str, PanelSpec] = {}
        self._built_callbacks: dict[str, list] = {}
        self._restore = restore_layout
        self._fed_at: dict[str, float] = {}
        self._visible: dict[str, bool] = {}
        self._stale: set[str] = set()
        self._closing = False
        self._defer = defer_panels
        self._pending: list[str] = []   # panels still to build (deferred)
        self._painted = False
        if defer_panels:
            self.installEventFilter(self)  # to start building once the window has painted

        self._build_actions()
        self.field_focus = FieldFocus(self)  # Enter/Escape in a field: the keys work again
        self._build_toolbars()
        self._build_workspaces(PANELS if panels is None else panels)
        self._build_central()
        self._build_menus()
        self.status = StatusReadout(self.statusBar())
        self.fit_to_screen()
        if restore_layout:
            self._restore_settings()
        else:
            self.set_speed(DEFAULT_SPEED)
        self._budget_changed()

        c = self.controller
        c.snapshot.connect(self._on_snapshot)
        c.state_changed.connect(self._on_state)
        c.diverged.connect(self._on_diverged)
        c.budget_reached.connect(self._on_budget_reached)
        c.error.connect(self._on_error)
        c.config_applied.connect(self._on_config)
        c.config_rejected.connect(lambda config, _msg: self._on_config(config))
        self.appearance.changed.connect(self._on_theme)
        # After the panels' own restyling is connected: the scaling applies on top of it.
        install_presentation(self)  # View > Colours, Presentation mode (F11), Ctrl+= / Ctrl+-
        app.aboutToQuit.connect(self._shutdown)
        self._on_theme(self.appearance.colors)

    # -- construction ------------------------------------------------------------------
    def _build_toolbars(self) -> None:
        bar = QToolBar("Training")
        bar.setObjectName("toolbar_training")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.play_action)
        bar.addAction(self.step_action)
        bar.addAction(self.reset_action)
        bar.addSeparator()
        self._add_pace_controls(bar)
        bar.addSeparator()
        # The two settings the app is used for, in reach in every workspace.
        self.hyper_bar = HyperparameterBar(self.controller)
        bar.addWidget(self.hyper_bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.training_toolbar = bar

        bar.setMovable(False)  # the two rows of the window's top never rearrange themselves

    def _build_central(self) -> None:
        """The workspaces fill the window; the message banner lies over their top edge, so
        a message coming or going moves no panel."""
        central = QWidget()
        central.setObjectName("central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.workspaces)
        self.setCentralWidget(central)
        self.banner = MessageBanner(central)
        self.banner.setAutoFillBackground(True)
        self.banner.hide()
        self.banner.shown.connect(self._show_banner)
        self.banner.dismissed.connect(self.banner.hide)
        self.cost_hint = CostHint(self.banner)  # "the cost is bouncing: ..." (too large an α)
        central.installEventFilter(self)

    def _show_banner(self) -> None:
        self._place_banner()
        self.banner.show()

    def _place_banner(self) -> None:
        central = self.centralWidget()
        self.banner.setGeometry(0, 0, central.width(), self.banner.HEIGHT)
        self.banner.raise_()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.centralWidget() and event.type() == QEvent.Type.Resize:
            self._place_banner()
        return super().eventFilter(obj, event)

    # -- settings ----------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            if not self._fits_screen():  # saved on a bigger screen: start fitted instead
                self.fit_to_screen()
        try:
            self.set_speed(float(s.value("training/speed", DEFAULT_SPEED)))
        except (TypeError, ValueError):
            self.set_speed(DEFAULT_SPEED)
        self.budget_check.setChecked(str(s.value("training/budget_on", "true")) == "true")
        try:
            self.budget.setValue(int(s.value("training/budget", DEFAULT_BUDGET)))
        except (TypeError, ValueError):
            pass

    def _save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        self.workspaces.save()
        s.setValue("appearance/mode", self.appearance.mode)
        s.setValue("training/speed", self.speed)
        s.setValue("training/budget_on", "true" if self.budget_check.isChecked() else "false")
        s.setValue("training/budget", self.budget.value())
        s.sync()

    def last_folder(self, kind: str) -> str:
        """The folder last used for ``kind`` ("data", "figures", "weights", "session")."""
        folder = self.settings.value(f"paths/{kind}", "")
        return str(folder) if folder and Path(str(folder)).is_dir() else str(Path.home())

    def remember_folder(self, kind: str, path: str | Path) -> None:
        p = Path(path)
        self.settings.setValue(f"paths/{kind}", str(p if p.is_dir() else p.parent))

    def _show_builder(self, on: bool) -> None:
        slot = self.slots.get("builder")
        if slot is not None:
            slot.setVisible(on)  # the splitter gives its width to the plots, and back
            if on:
                self.show_panel("builder")

    def reset_layout(self) -> None:
        """The workspace on screen back to its default proportions."""
        self.workspaces.reset()

    def set_appearance(self, mode: str) -> None:
        self.appearance.set_mode(mode)
        self.settings.setValue("appearance/mode", mode)

    # -- snapshots and worker events ---------------------------------------------------
    def _on_snapshot(self, snapshot) -> None:
        if self._closing:
            return
        self.status.show_snapshot(snapshot)
        self.cost_hint.on_snapshot(snapshot)  # the hint, and an error a new run has ended
        self._dispatch_snapshot(snapshot)

    def _on_state(self, state: str) -> None:
        SP = QStyle.StandardPixmap
        running = state == "running"
        self.play_action.setText("Pause" if running else "Play")
        self.play_action.setIcon(self.style().standardIcon(SP.SP_MediaPause if running
                                                           else SP.SP_MediaPlay))
        self.status.set_state(state)
        if state in ("running", "idle") and self.banner.active and \
                self.banner.level == "warning":
            self.banner.dismiss()  # training again, or reset, after a divergence

    def _on_diverged(self, message: str) -> None:
        self.show_message(message, "warning")  # it leads with the fix

    def _on_error(self, message: str) -> None:
        self.show_message(message, "error")

    def _on_config(self, config: SessionConfig) -> None:
        self._call_panels("on_config", config)

    def _on_theme(self, colors) -> None:
        self.status.on_theme(colors)
        self._call_panels("on_theme", colors)
        for mode, action in getattr(self, "appearance_actions", {}).items():
            action.setChecked(mode == self.appearance.mode)

    def add_status_widget(self, widget) -> None:
        """A panel's live read-out in the status bar (e.g. the active challenge's progress),
        left of the training read-outs."""
        self.statusBar().addPermanentWidget(widget)

    def show_message(self, text: str, level: str = "warning", cause: str = "") -> None:
        """A non-modal message under the toolbar (dismissable)."""
        self.banner.show_message(text, level, cause)

    # -- File menu ---------------------------------------------------------------------
    def open_data(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open data", self.last_folder("data"),
            "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.open_data_file(path)

    def open_data_file(self, path: str) -> bool:
        """Preview ``path`` in the CSV dialog; on Load, switch the session to it."""
        from .widgets.csv_dialog import CsvDialog

        self.remember_folder("data", path)
        dialog = CsvDialog(path, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self.use_csv(path, **dialog.options())
        return True

    def use_csv(self, path: str, label_column=None, has_header=None, task=None) -> None:
        config = self.controller.requested_config
        data = dataclasses.replace(config.data, name=CSV_DATASET, params=(), csv_path=str(path),
                                   csv_label_column=label_column, csv_has_header=has_header,
                                   csv_task=task)
        self.controller.apply_config(dataclasses.replace(config, data=data))

    def export_figures(self, folder: str | None = None) -> list[Path]:
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "Export figures to folder",
                                                      self.last_folder("figures"))
            if not folder:
                return []
        self.remember_folder("figures", folder)
        from .figures import export_figures

        try:
            written = export_figures(self.visible_figures(), Path(folder))
        except (OSError, ValueError) as exc:
            self.show_message(f"Exporting figures failed: {exc}", "error")
            return []
        self.statusBar().showMessage(f"Exported {len(written)} files to {folder}", 8000)
        return written

    # -- Help --------------------------------------------------------------------------
    def show_concepts(self) -> None:
        if getattr(self, "_concepts", None) is None:
            self._concepts = concepts_dialog(self)
        self._concepts.show()  # non-modal: keep it open beside the plots
        self._concepts.raise_()

    def show_about(self) -> None:
        QMessageBox.about(self, "About nnviz", about_html())  # the installed version

    # -- shutdown ----------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802
        if not self._closing:
            self._save_settings()
        self._shutdown()
        event.accept()

    def _shutdown(self) -> None:
        if self._closing:  # once: a thread still running is run_app's to settle
            return
        self._closing = True
        from nnviz.training.jobs import cancel_all_jobs
        cancel_all_jobs()  # every job stops at once; each panel's shutdown then waits briefly
        self.controller.request_stop()  # the worker ends its step meanwhile
        self._call_panels("shutdown")
        self.file_actions.shutdown()  # a file being written is finished first
        # Bounded: a worker inside one long step keeps running (its thread is never quit
        # under it: its timers must stop on their own thread); run_app then leaves cleanly.
        if self.controller.thread.wait(CLOSE_WAIT_MS):
            self.controller.shutdown()
        QThreadPool.globalInstance().waitForDone(5000)
