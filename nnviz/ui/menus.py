"""The main window's actions and menus: File, Edit, Training, View (the workspaces),
Experiments and Help, and the top bar that puts the workspace tabs beside the menus.

:class:`MenusMixin` is mixed into :class:`~nnviz.ui.main_window.MainWindow`, which provides
the controller, the file actions, the workspaces and the slots the actions call.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMenuBar, QStyle, QWidget

from .file_actions import ONNX_MISSING, onnx_available
from .recent_files import add_recent_menu
from .share import add_share_menus
from .shortcuts_overlay import install_shortcuts_overlay
from .start_page import add_start_page_action
from .undo import add_undo_actions
from .theme import MODES
from .workspaces import WORKSPACES


class MenusMixin:
    def _action(self, text: str, slot, shortcut=None, tip: str = "", icon=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        SP = QStyle.StandardPixmap
        self.play_action = self._action("Play", self.controller.toggle, Qt.Key.Key_Space,
                                        "Play / pause training (Space)", SP.SP_MediaPlay)
        self.step_action = self._action("Step", lambda: self.controller.step(1),
                                        Qt.Key.Key_Right, "One gradient step (→)",
                                        SP.SP_MediaSkipForward)
        self.step100_action = self._action("Step 100", lambda: self.controller.step(100),
                                           QKeySequence("Shift+Right"),
                                           "100 gradient steps (Shift+→)")
        self.reset_action = self._action("Reset", self.controller.reset, Qt.Key.Key_R,
                                         "Re-initialize the network with its seed and start "
                                         "again (R)", SP.SP_BrowserReload)
        self.open_data_action = self._action("Open data…", self.open_data,
                                             QKeySequence.StandardKey.Open,
                                             "Load a CSV file as the data set", SP.SP_DialogOpenButton)
        self.load_session_action = self._action(
            "Load session…", self.file_actions.load_session, "Ctrl+L",
            "Open a saved .nnviz session and continue training where it stopped (Ctrl+L); "
            "a file that cannot be used leaves the current session as it is")
        self.save_session_action = self._action(
            "Save session…", self.file_actions.save_session, QKeySequence.StandardKey.Save,
            "Save the data choice, every setting, the weights θ, the training history and "
            "the trajectory to a .nnviz file (Ctrl+S)")
        self.export_weights_action = self._action(
            "Export weights…", self.file_actions.export_weights, "Ctrl+E",
            "Export W[l], b[l] with the normalization μ, σ, activations and class names as "
            ".npz, JSON" + (" or ONNX (Ctrl+E)" if onnx_available() else
                            f" (Ctrl+E). {ONNX_MISSING}"))
        self.import_weights_action = self._action(
            "Import weights…", self.file_actions.import_weights, "Ctrl+I",
            "Use the network and weights of an nnviz .npz or JSON export on the current data, "
            "and train on from there (Ctrl+I)")
        self.export_history_action = self._action(
            "Export training history (CSV)…", self.file_actions.export_history, "Ctrl+Shift+H",
            "Save the cost J and accuracy (or R²) per recorded iteration, train and test, as "
            "CSV; the per-layer statistics go to a second file beside it (Ctrl+Shift+H)")
        self.export_figures_action = self._action("Export figures…", self.export_figures,
                                                  "Ctrl+Shift+E",
                                                  "Save every plot of the visible panels as "
                                                  "PNG and SVG")
        self.quit_action = self._action("Quit", self.close, QKeySequence("Ctrl+Q"), "Quit nnviz")
        self.reset_layout_action = self._action(
            "Reset workspace layout", self.reset_layout,
            tip="Put the splitters of the workspace on screen back where they started")
        self.builder_action = self._action(
            "Network builder", self._show_builder, "Ctrl+B",
            "Show or fold away the network builder beside the plots in Train (Ctrl+B); "
            "the learning rate and initialization stay in the toolbar")
        self.builder_action.setCheckable(True)
        self.builder_action.setChecked(True)
        self.workspace_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for workspace in WORKSPACES:
            action = self._action(workspace.title,
                                  lambda _=False, k=workspace.key: self.show_workspace(k),
                                  workspace.shortcut, workspace.tooltip)
            action.setCheckable(True)
            group.addAction(action)
            self.workspace_actions[workspace.key] = action
        self.concepts_action = self._action("Concepts", self.show_concepts, "Shift+F1",
                                            "The notation and ideas behind the plots")
        self.about_action = self._action("About nnviz", self.show_about)

    def menuBar(self) -> QMenuBar:  # noqa: N802
        return self._menu_bar

    def _build_menus(self) -> None:
        # The menus and, beside them, a tab per workspace (as Blender's top bar has).
        self._menu_bar = menu = QMenuBar()
        top = QWidget()
        top.setObjectName("top_bar")
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(menu)
        row.addWidget(self.workspaces.switcher)
        row.addStretch(1)
        self.setMenuWidget(top)
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.open_data_action)
        file_menu.addSeparator()
        file_menu.addAction(self.load_session_action)
        file_menu.addAction(self.save_session_action)
        file_menu.addAction(self.import_weights_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        add_recent_menu(self, file_menu)  # File > Open recent, after Open data…

        train_menu = menu.addMenu("&Training")
        for action in (self.play_action, self.step_action, self.step100_action,
                       self.reset_action):
            train_menu.addAction(action)

        view = menu.addMenu("&View")
        self.view_menu = view
        for action in self.workspace_actions.values():
            view.addAction(action)
        self.workspace_actions[self.workspaces.current_key].setChecked(True)
        panels_menu = view.addMenu("Panels")
        panels_menu.setToolTipsVisible(True)
        for key, spec in self.specs.items():
            workspace = self.workspaces.workspace_of(key)
            if workspace is None:
                continue
            title = self.workspaces.pages[workspace].workspace.title
            action = panels_menu.addAction(f"{spec.title}  (in {title})")
            action.setToolTip(spec.tooltip)
            action.triggered.connect(lambda _=False, k=key: self.show_panel(k))
        view.addAction(self.builder_action)
        view.addAction(self.reset_layout_action)
        view.addSeparator()
        appearance_menu = view.addMenu("Appearance")
        group = QActionGroup(self)
        self.appearance_actions = {}
        for mode in MODES:
            action = QAction({"system": "Follow the system", "light": "Light",
                              "dark": "Dark"}[mode], self, checkable=True)
            action.setChecked(mode == self.appearance.mode)
            action.triggered.connect(lambda _=False, m=mode: self.set_appearance(m))
            group.addAction(action)
            appearance_menu.addAction(action)
            self.appearance_actions[mode] = action

        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.concepts_action)
        help_menu.addAction(self.about_action)
        self.help_menu = help_menu
        add_start_page_action(self, help_menu)  # Help > Start page…, first
        add_share_menus(self)  # File > Export > PyTorch script, Edit > Copy as command line
        add_undo_actions(self, self.edit_menu)  # Edit > Undo / Redo first; builds window.undo
        # One Export menu: every kind of export side by side.
        first = self.export_menu.actions()[0] if self.export_menu.actions() else None
        self.export_menu.insertActions(first, [self.export_weights_action,
                                               self.export_history_action,
                                               self.export_figures_action])
        self.export_menu.insertSeparator(first)
        self.export_menu.setToolTipsVisible(True)
        self._add_experiments_menu()
        install_shortcuts_overlay(self)  # F1 / ? overlay; Help > Keyboard shortcuts

    def _add_experiments_menu(self) -> None:
        """The Experiments menu, before Help (it builds its panel when first used)."""
        from .panels.experiments.menu import add_experiments_menu

        bar = self.menuBar()
        bar.removeAction(self.help_menu.menuAction())
        add_experiments_menu(self, bar)
        bar.addAction(self.help_menu.menuAction())
