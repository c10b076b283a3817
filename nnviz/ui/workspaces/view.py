"""The workspaces on screen: a tab per workspace and a stack of pages, each page a tree of
splitters built once from its :class:`~nnviz.ui.workspaces.spec.Workspace`.

Nothing here resizes a panel by itself: a page gets its default proportions the first time
it is shown at a real size (or the arrangement the user left, from the settings), and from
then on only the user's drags, or the window's own resizing, move a splitter. A panel sits
in a :class:`PanelSlot` (a frameless scroll area), so a panel asking for more room cannot push
its neighbours: it scrolls instead.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, Signal
from PySide6.QtWidgets import (QLabel, QScrollArea, QSplitter, QStackedWidget, QStyle, QTabBar,
                               QVBoxLayout, QWidget)

from .spec import Split, Workspace

SETTINGS_GROUP = "workspaces"


class PanelSlot(QScrollArea):
    """Where one panel sits in a workspace: the panel gets exactly the slot's size, and it
    scrolls only when that is smaller than the panel's minimum size. (A resizable scroll area
    would give a panel with wrapped text its preferred height instead, and scroll it.)
    Holds a placeholder until the panel is built."""

    def __init__(self, key: str):
        super().__init__()
        self.key = key
        self.setObjectName(f"slot_{key}")
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setMinimumSize(120, 80)
        placeholder = QLabel("Loading…")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_panel(placeholder)

    def set_panel(self, panel: QWidget) -> None:
        old = self.takeWidget()
        if old is not None:
            old.removeEventFilter(self)
            old.deleteLater()
        self.setWidget(panel)
        panel.installEventFilter(self)  # its minimum size may change: fit it again
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if obj is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit()
        return super().eventFilter(obj, event)

    def _fit(self) -> None:
        panel = self.widget()
        if panel is None:
            return
        room = self.maximumViewportSize()  # the viewport without scroll bars
        need = panel.minimumSizeHint().expandedTo(panel.minimumSize())
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        width, height = room.width(), room.height()
        if need.height() > height:
            width -= bar  # a vertical scroll bar will take this much
        if need.width() > width:
            height -= bar
            if need.height() > height and need.height() <= room.height():
                width -= bar
        panel.resize(max(width, need.width()), max(height, need.height()))

    @property
    def panel(self) -> QWidget | None:
        return self.widget()


class WorkspacePage(QWidget):
    """One workspace's page: its splitters, laid out once at the first real size."""

    def __init__(self, workspace: Workspace, slots: dict[str, PanelSlot]):
        super().__init__()
        self.workspace = workspace
        self.setObjectName(f"workspace_{workspace.key}")
        self.splitters: list[QSplitter] = []
        self._nodes: dict[int, Split] = {}
        self._arranged = False
        self._saved: list[QByteArray] | None = None
        self.scale = 1.0  # presentation mode: side columns (pixels) grow with the text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        root = self._build(workspace.layout, slots)
        if root is not None:
            layout.addWidget(root)
        self.root = root

    def _build(self, node, slots: dict[str, PanelSlot]) -> QWidget | None:
        if isinstance(node, str):
            return slots.get(node)
        parts = [(pane, self._build(pane.content, slots)) for pane in node.panes]
        parts = [(pane, widget) for pane, widget in parts if widget is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0][1]
        splitter = QSplitter(Qt.Orientation.Vertical if node.vertical
                             else Qt.Orientation.Horizontal)
        splitter.setObjectName(f"split_{self.workspace.key}_{len(self.splitters)}")
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(5)
        for index, (pane, widget) in enumerate(parts):
            splitter.addWidget(widget)
            # A side column keeps its width when the window grows; the plots take the rest.
            splitter.setStretchFactor(index, 0 if pane.pixels else max(1, round(pane.share * 100)))
            splitter.setCollapsible(index, pane.pixels is not None)
        self._nodes[id(splitter)] = Split(node.vertical, tuple(p for p, _ in parts))
        self.splitters.append(splitter)
        return splitter

    # -- proportions ------------------------------------------------------------------------
    def restore(self, states: list[QByteArray]) -> None:
        """Use these saved splitter states instead of the defaults (one per splitter)."""
        self._saved = states if len(states) == len(self.splitters) else None

    def states(self) -> list[QByteArray]:
        return [s.saveState() for s in self.splitters]

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if not self._arranged and self.width() > 200 and self.height() > 150:
            self._arranged = True
            if self._saved is not None and all(
                    s.restoreState(state) for s, state in zip(self.splitters, self._saved)):
                return
            self.arrange()

    def arrange(self) -> None:
        """Give every splitter the workspace's default proportions for the page's size."""
        self._arranged = True
        if isinstance(self.root, QSplitter):
            self._arrange(self.root, self.width(), self.height())

    def _arrange(self, splitter: QSplitter, width: int, height: int) -> None:
        node = self._nodes[id(splitter)]
        length = height if node.vertical else width
        length -= splitter.handleWidth() * (splitter.count() - 1)
        pixels = [int(p.pixels * self.scale) if p.pixels else 0 for p in node.panes]
        shares = sum(p.share for p in node.panes if not p.pixels) or 1.0
        rest = max(0, length - sum(pixels))
        sizes = [px if px else int(rest * p.share / shares)
                 for p, px in zip(node.panes, pixels)]
        splitter.setSizes(sizes)
        for index, size in enumerate(sizes):
            child = splitter.widget(index)
            if isinstance(child, QSplitter):
                self._arrange(child, width if node.vertical else size,
                              size if node.vertical else height)


class WorkspaceSwitcher(QTabBar):
    """A tab per workspace, beside the menus (one click, or Ctrl+1..Ctrl+6)."""

    def __init__(self, workspaces: list[Workspace]):
        super().__init__()
        self.setObjectName("workspace_tabs")
        self.setDocumentMode(True)
        self.setDrawBase(False)
        self.setExpanding(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space and the arrows stay training keys
        for workspace in workspaces:
            index = self.addTab(workspace.title)
            self.setTabToolTip(index, workspace.tooltip)


class WorkspaceStack(QStackedWidget):
    """Every workspace's page; :attr:`slots` holds each panel's place (one per panel)."""

    workspace_changed = Signal(str)

    def __init__(self, workspaces: list[Workspace], panel_keys, settings: QSettings):
        super().__init__()
        self.setObjectName("workspaces")
        self.workspaces = list(workspaces)
        self.settings = settings
        self.slots: dict[str, PanelSlot] = {key: PanelSlot(key) for key in panel_keys}
        self.pages: dict[str, WorkspacePage] = {}
        for workspace in self.workspaces:
            page = WorkspacePage(workspace, self.slots)
            self.pages[workspace.key] = page
            page.restore(self._saved_states(workspace.key))
            self.addWidget(page)
        self._before_scale: dict[str, list[QByteArray]] | None = None
        self.switcher = WorkspaceSwitcher(self.workspaces)
        self.switcher.currentChanged.connect(self._tab_changed)

    # -- which workspace ---------------------------------------------------------------------
    @property
    def current_key(self) -> str:
        return self.workspaces[self.currentIndex()].key

    def show_workspace(self, key: str) -> None:
        index = [w.key for w in self.workspaces].index(key)
        self.switcher.setCurrentIndex(index)  # -> _tab_changed
        if self.currentIndex() != index:
            self._tab_changed(index)

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < self.count() and index != self.currentIndex():
            self.setCurrentIndex(index)
            self.workspace_changed.emit(self.current_key)

    def workspace_of(self, panel_key: str) -> str | None:
        for workspace in self.workspaces:
            if panel_key in workspace.panel_keys() and panel_key in self.slots:
                return workspace.key
        return None

    def panels_shown(self) -> set[str]:
        """The panels of the workspace on screen."""
        return {k for k in self.workspaces[self.currentIndex()].panel_keys() if k in self.slots}

    # -- arrangement -------------------------------------------------------------------------
    def _saved_states(self, key: str) -> list[QByteArray]:
        states = []
        for index in range(len(self.pages[key].splitters) if key in self.pages else 16):
            value = self.settings.value(f"{SETTINGS_GROUP}/{key}/{index}")
            if not isinstance(value, QByteArray) or value.isEmpty():
                break
            states.append(value)
        return states

    def save(self) -> None:
        for key, page in self.pages.items():
            for index, state in enumerate(page.states()):
                self.settings.setValue(f"{SETTINGS_GROUP}/{key}/{index}", state)
        self.settings.setValue(f"{SETTINGS_GROUP}/current", self.current_key)

    def saved_current(self) -> str | None:
        key = self.settings.value(f"{SETTINGS_GROUP}/current")
        return key if key in self.pages else None

    def set_scale(self, scale: float) -> None:
        """Presentation mode: every workspace laid out again for text ``scale`` times its size
        (side columns such as the builder grow with it); back at 1, the arrangement the user
        had before is restored."""
        if scale != 1.0 and self._before_scale is None:
            self._before_scale = {key: page.states() for key, page in self.pages.items()}
        for page in self.pages.values():
            page.scale = scale
            if page._arranged:
                page.arrange()
        if scale == 1.0 and self._before_scale is not None:
            for key, states in self._before_scale.items():
                for splitter, state in zip(self.pages[key].splitters, states):
                    splitter.restoreState(state)
            self._before_scale = None

    def reset(self, key: str | None = None) -> None:
        """Back to the default proportions (the current workspace's, or ``key``'s)."""
        page = self.pages[key or self.current_key]
        page.arrange()
        self.settings.remove(f"{SETTINGS_GROUP}/{page.workspace.key}")
