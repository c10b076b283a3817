"""The Frobenius norm ||W[l]||_F of each layer's weights over the run: what L2
regularization does, seen directly. With λ > 0 every step multiplies W[l] by (1 - αλ/m)
before the gradient step ("weight decay"), so the lines settle lower the larger λ is.

One line per layer, coloured by depth like the bars and history lines beside it, from the
snapshot's per-layer history (``layer_history.series["weight_norm"]``, recorded with every
snapshot over the whole run)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from ...plotting import make_plot, style_plot
from ...theme import PlotColors
from .axes import FittedTitle, IterationAxis

WEIGHTS_TIP = ("||W[l]||_F = √(Σ_ij W[l]_ij²), the size of each layer's weights, over the "
               "run (colours as the bars: dark = layer 1 next to the input). L2 adds "
               "(λ/2m) Σ ||W[l]||²_F to the cost, so its gradient adds (λ/m) W[l] to dW[l]: "
               "the weights decay toward 0 and these lines settle lower as λ rises.")
TITLES = ("Weights ||W[l]||_F over iterations", "Weights ||W[l]||_F", "||W[l]||_F")


class WeightNormPlot:
    """``set_data(iterations, norms (entries, L), lambd)``; lines made when the depth changes."""

    def __init__(self):
        self.widget = make_plot("", "iteration", "||W[l]||_F",
                                axisItems={"bottom": IterationAxis("bottom")})
        self.widget.setToolTip(WEIGHTS_TIP)
        self.item = self.widget.getPlotItem()
        self.title = FittedTitle(self.widget)
        self.curves: list[pg.PlotCurveItem] = []
        self._colors: PlotColors | None = None
        self._lambd = 0.0

    def set_data(self, iterations, norms, colours: list[QColor], lambd: float) -> None:
        norms = np.asarray(norms, dtype=np.float64)
        L = norms.shape[1] if norms.ndim == 2 else 0
        if len(self.curves) != L:
            for curve in self.curves:
                self.item.removeItem(curve)
            self.curves = [pg.PlotCurveItem(connect="finite") for _ in range(L)]
            for curve in self.curves:
                self.item.addItem(curve)
        x = np.asarray(iterations, dtype=np.float64)
        for l, (curve, colour) in enumerate(zip(self.curves, colours)):
            curve.setPen(pg.mkPen(colour, width=1.6))
            curve.setData(x, norms[:, l])
        if lambd != self._lambd:
            self._lambd = lambd
            if self._colors is not None:
                self.title.set(self.titles(), self._colors.foreground)

    def titles(self) -> tuple[str, ...]:
        """Longest first (the first that fits is shown), λ named when there is L2."""
        if self._lambd > 0:
            return (f"{TITLES[0]}, λ = {self._lambd:g}", f"{TITLES[1]}, λ = {self._lambd:g}",
                    *TITLES[1:])
        return TITLES

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.widget, c)
        self.title.set(self.titles(), c.foreground)
