"""The exponentially weighted average against the raw gradient, for one chosen parameter.

``v := β v + (1-β) dW`` step by step from the snapshot's traced gradients (the momentum or
Adam v the optimizer holds; for gradient descent and RMSprop the same average with β = 0.9,
shown for comparison), with the window of about 1/(1-β) steps written, and over the first
steps the bias-corrected ``v / (1-βᵗ)`` that undoes the average's start at 0.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.engine.optimizers_trace import FIRST_STEPS, RECENT_STEPS, bias_corrected

from ...plotting import style_plot

RAW, EWA, CORRECTED = "#8c8c8c", "#ff8c1a", "#1f77b4"
WINDOWS = {"first": f"first {FIRST_STEPS} steps", "recent": f"latest {RECENT_STEPS} steps"}


def window_text(beta: float, by_optimizer: bool, optimizer: str) -> str:
    window = 1.0 / (1.0 - beta) if beta < 1 else float("inf")
    who = (f"the v {optimizer} steps with" if by_optimizer else
           f"the average momentum would use ({optimizer} keeps none of dW)")
    return (f"v := β v + (1-β) dW with β = {beta:g}: about 1/(1-β) = {window:.3g} steps "
            f"averaged; {who}. v starts at 0, so its first values are too small: "
            f"v/(1-βᵗ) corrects them (the difference fades after a few windows).")


class AveragesView(QWidget):
    def __init__(self):
        super().__init__()
        self.parameter = QComboBox()
        self.parameter.setToolTip("The parameter W[l][i,j] or b[l][i] whose gradient is "
                                  "plotted (the first rows and columns of each layer).")
        self.window = QComboBox()
        for key, text in WINDOWS.items():
            self.window.addItem(text, key)
        self.window.setToolTip("The first steps after a reset show the bias correction; "
                               "the latest steps show the average following training now.")
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "step t")
        self.plot.setLabel("left", "dW of the chosen parameter")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.raw = self.plot.plot([], [], pen=None, symbol="o", symbolSize=4,
                                  symbolPen=None, symbolBrush=RAW, name="raw dW")
        self.ewa = self.plot.plot([], [], pen=pg.mkPen(EWA, width=2.5), name="v (average)")
        pen = pg.mkPen(CORRECTED, width=2)
        pen.setDashPattern([4, 3])
        self.corrected = self.plot.plot([], [], pen=pen, name="v / (1-βᵗ) (bias-corrected)")
        self.note = QLabel()
        self.note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Parameter"))
        top.addWidget(self.parameter, 1)
        top.addWidget(self.window)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(top)
        column.addWidget(self.plot_widget, 1)
        column.addWidget(self.note)
        self._averages = None
        self._optimizer = ""
        self.parameter.currentIndexChanged.connect(self._draw)
        self.window.currentIndexChanged.connect(self._draw)

    def show_view(self, view) -> None:
        averages = None if view is None else view.averages
        if averages is None:
            return
        labels = list(averages.labels)
        if [self.parameter.itemText(i) for i in range(self.parameter.count())] != labels:
            current = self.parameter.currentText()
            self.parameter.blockSignals(True)
            self.parameter.clear()
            self.parameter.addItems(labels)
            if current in labels:
                self.parameter.setCurrentText(current)
            self.parameter.blockSignals(False)
        self._averages, self._optimizer = averages, view.name
        self._draw()

    def curves(self) -> dict:
        """What is drawn: ``{"raw": (t, y), "ewa": ..., "corrected": ...}``."""
        out = {}
        for name, item in (("raw", self.raw), ("ewa", self.ewa), ("corrected", self.corrected)):
            x, y = item.getData()
            out[name] = (np.zeros(0) if x is None else x, np.zeros(0) if y is None else y)
        return out

    def _draw(self) -> None:
        a = self._averages
        k = self.parameter.currentIndex()
        if a is None or k < 0:
            return
        first = self.window.currentData() == "first"
        t, raw, ewa = ((a.first_t, a.first_raw, a.first_ewa) if first else
                       (a.recent_t, a.recent_raw, a.recent_ewa))
        beta = a.first_beta if first else a.beta
        self.raw.setData(t, raw[:, k])
        self.ewa.setData(t, ewa[:, k])
        if len(t):
            self.corrected.setData(t, bias_corrected(ewa[:, k:k + 1], t, beta)[:, 0])
        else:
            self.corrected.setData([], [])
        self.plot.setTitle(f"dW of {a.labels[k]} and its average v", size="10pt")
        self.note.setText(window_text(beta, a.averaged_by_optimizer, self._optimizer_name()))

    def _optimizer_name(self) -> str:
        return {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSprop",
                "adam": "Adam"}.get(self._optimizer, self._optimizer)

    def apply_theme(self, colors) -> None:
        style_plot(self.plot_widget, colors)  # axes, title, legend; scaled when presenting
