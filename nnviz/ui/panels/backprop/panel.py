"""Backprop, step by step: the course's three pictures of backpropagation, as one panel.

1. The computation graph of ``J = 3(a + bc)`` on numbers: Forward fills one node's value at a
   time, Backward one node's ``dJ/dnode``, with the chain-rule product beside each edge.
2. One training example through the network being trained: inputs, every ``z`` and ``a``,
   the loss; values and derivatives from the engine (a job on the snapshot's parameters).
3. The vectorized backward equations of each layer, from ``L`` back to 1, with the current
   shapes and heat maps of ``A[l-1]``, ``dZ[l]``, ``dW[l]``, ``db[l]``, ``dA[l-1]``.

Everything is computed by the pages' job runners, never on the GUI thread. With "live" on the
network pages follow the training; a step by the learner turns it off, so the numbers hold
still while they are read.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QHBoxLayout, QLabel, QLineEdit,
                               QTabWidget, QVBoxLayout, QWidget)

from ...theme import PlotColors, colors
from ..base import Panel, PanelContext
from .pages import ExamplePage, NumbersPage
from .vectorized_page import VectorizedPage

LIVE_TIP = ("On: the network pages follow the training (every derivative filled in). "
            "Stepping turns it off, so the values hold still while you step.")


class BackpropPanel(Panel):
    gradient_check_requested = Signal()  # the main window may also connect to this

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(context, parent)
        self._snapshot = None
        self.numbers = NumbersPage()
        self.example_page = ExamplePage()
        self.vectorized = VectorizedPage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.numbers, "Graph on numbers")
        self.tabs.addTab(self.example_page, "One example")
        self.tabs.addTab(self.vectorized, "Vectorized, layer by layer")
        self.tabs.setTabToolTip(0, "The course's J = 3(a + bc): values forward, derivatives "
                                   "backward, one node at a time.")
        self.tabs.setTabToolTip(1, "One training example through the current network: "
                                   "x, z, a and the loss, then dL/dnode back to the inputs.")
        self.tabs.setTabToolTip(2, "dZ, dW, db and dA for all m examples at once, layer L "
                                   "back to 1, with shapes and the matrices themselves.")
        self.live = QCheckBox("live")
        self.live.setChecked(True)
        self.live.setToolTip(LIVE_TIP)
        self.held = QLabel()
        self.held.setToolTip(LIVE_TIP)
        keys = QLabel("keys: → ← Home")
        keys.setToolTip("→ forward, ← backward, Home reset, Shift+→ all values, Shift+← "
                        "all derivatives; while the panel has the focus (click into it).")
        corner = QWidget()  # beside the tabs: the dock is short
        header = QHBoxLayout(corner)
        header.setContentsMargins(8, 0, 4, 0)
        header.addWidget(self.held)
        header.addWidget(self.live)
        header.addSpacing(8)
        header.addWidget(keys)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._keys = {(Qt.Key.Key_Right, False): self.forward,
                      (Qt.Key.Key_Left, False): self.backward,
                      (Qt.Key.Key_Home, False): self.reset,
                      (Qt.Key.Key_Right, True): self._fill_values,
                      (Qt.Key.Key_Left, True): self._finish}
        self._route_keys()
        for page in (self.numbers, self.example_page, self.vectorized):
            page.stepped.connect(lambda page=page: self._on_stepped(page))
        self.live.toggled.connect(self._on_live)
        self.tabs.currentChanged.connect(lambda _i: self._feed_current())
        self.vectorized.gradient_check_requested.connect(self.open_gradient_check)
        if context is not None:  # Ctrl+click on a point of the decision-boundary plot
            context.controller.example_focus.connect(self.show_example)
        self.on_theme(context.appearance.colors if context is not None else colors())

    # ----- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        self._snapshot = snapshot
        self._feed_current()
        self._show_held()

    def on_theme(self, c: PlotColors) -> None:
        for page in (self.numbers, self.example_page, self.vectorized):
            page.on_theme(c)

    def figures(self) -> dict[str, object]:
        figures = {"graph_on_numbers": self.numbers.view,
                   "one_example": self.example_page.view}
        if self.vectorized.plots:  # its maps are made when the page is first opened
            figures["vectorized"] = self.vectorized.graphics.ci
        return figures

    def shutdown(self) -> None:
        for page in (self.numbers, self.example_page, self.vectorized):
            page.shutdown()

    # ----- public API (the lead wires show_example to the decision-boundary plot) ------
    def show_example(self, index: int) -> None:
        """Follow training example ``index`` (a column of the training split) on page 2."""
        self.tabs.setCurrentWidget(self.example_page)
        if self.example_page.snapshot is None and self._latest() is not None:
            self.example_page.snapshot = self._latest()
        self.example_page.show_example(index)

    def forward(self) -> None:
        self.tabs.currentWidget().forward()

    def backward(self) -> None:
        self.tabs.currentWidget().backward()

    def reset(self) -> None:
        self.tabs.currentWidget().reset()

    @property
    def busy(self) -> bool:
        return any(p.busy for p in (self.numbers, self.example_page, self.vectorized))

    def open_gradient_check(self) -> None:
        """Bring the gradient-check inspector's workspace forward (and tell whoever listens)."""
        self.gradient_check_requested.emit()
        window = self.context.window if self.context is not None else None
        show_panel = getattr(window, "show_panel", None)
        if show_panel is not None:
            show_panel("gradient_check")

    # ----- keys --------------------------------------------------------------------------
    def _route_keys(self) -> None:
        """→/← step only while the focus is in this panel. The main window's →, Shift+→
        (training steps) are shortcuts too, and two shortcuts on one key cancel each other
        out, so the panel's widgets claim these keys before the shortcut map sees them
        (spin boxes keep them for their text)."""
        for widget in [self] + self.findChildren(QWidget):
            if (widget.focusPolicy() != Qt.FocusPolicy.NoFocus
                    and not isinstance(widget, (QAbstractSpinBox, QLineEdit))):
                widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
                action = self._keys.get(
                    (event.key(), modifiers == Qt.KeyboardModifier.ShiftModifier))
                if action is not None:
                    event.accept()
                    if kind == QEvent.Type.KeyPress:
                        action()
                    return True
        return super().eventFilter(obj, event)

    # ----- internals -------------------------------------------------------------------
    def _latest(self):
        controller = self.context.controller if self.context is not None else None
        latest = getattr(controller, "latest", None)
        return latest if latest is not None else self._snapshot

    def _fill_values(self) -> None:
        page = self.tabs.currentWidget()
        if hasattr(page, "fill_values"):
            page.fill_values()

    def _finish(self) -> None:
        page = self.tabs.currentWidget()
        if hasattr(page, "finish"):
            page.finish()

    def _on_stepped(self, page) -> None:
        if page is not self.numbers and self.live.isChecked():
            self.live.setChecked(False)  # hold still while the learner steps

    def _on_live(self, on: bool) -> None:
        self.example_page.live = on
        if on:
            self._feed_current(force=True)
        self._show_held()

    def _feed_current(self, force: bool = False) -> None:
        """Give the shown network page the latest snapshot: always while live, else only
        the first one (so it has something to show)."""
        page = self.tabs.currentWidget()
        latest = self._latest()
        if page is self.numbers or latest is None:
            return
        if page.snapshot is None or (self.live.isChecked() and (force or page.snapshot
                                                                 is not latest)):
            page.set_snapshot(latest)

    def _show_held(self) -> None:
        page = self.example_page if self.tabs.currentWidget() is self.numbers \
            else self.tabs.currentWidget()
        snapshot = getattr(page, "snapshot", None)
        if self.live.isChecked() or snapshot is None:
            self.held.setText("")
            return
        latest = self._latest()
        behind = latest is not None and (latest.generation != snapshot.generation
                                         or latest.iteration != snapshot.iteration)
        self.held.setText(f"held at iteration {snapshot.iteration:,}"
                          + (" (training has moved on: tick live to follow)" if behind else ""))
