"""The optimizer's state drawn at the current point of the cost surface: the gradient step,
the mini-batch's gradient step, the velocity and the step taken next, each a ``Δθ`` of the
snapshot's :class:`~nnviz.training.snapshot.OptimizerView` projected onto the slice with the
surface's projector (one ``(2 x n) @ (n x k)`` product per snapshot).

All arrows share one display scale (so their lengths compare); the bar under the map names
it, with the colours, the mini-batch readout and the batch-size buttons.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QToolButton, QWidget

HALO = "#111111"
ARROWS = {  # name: (colour, legend text, style)
    "gradient": ("#ff4dd2", "−α dW full batch", "solid"),
    "batch_gradient": ("#00e5ff", "−α dW mini-batch", "solid"),
    "velocity": ("#ff8c1a", "−α v velocity", "solid"),
    "step": ("#ffffff", "next step", "dash"),
}
STEP_LABELS = {"rmsprop": "next step −α dW/(√s+ε)", "adam": "next step −α v̂/(√ŝ+ε)",
               "momentum": "next step −α v"}
TARGET_SHARE = 0.5   # the longest arrow spans this share of the smaller half-width
HEAD_PX = 9.0        # arrowhead length on screen
BATCH_CHOICES = (("1", 1, "Batch size 1: stochastic gradient descent, one example a step"),
                 ("64", 64, "Mini-batches of 64 examples"),
                 ("full", None, "Full batch: every training example in every step"))


def display_scale(lengths, half_width: float) -> float:
    """One factor for all arrows: the longest spans 40 to 100 % of TARGET_SHARE of
    ``half_width``; the factor is a round number (1, 2 or 5 times a power of ten)."""
    longest = max((float(x) for x in lengths if np.isfinite(x)), default=0.0)
    if not (longest > 0 and half_width > 0):
        return 1.0
    wanted = TARGET_SHARE * half_width / longest
    power = 10.0 ** np.floor(np.log10(wanted))
    nice = max(f for f in (1.0, 2.0, 5.0) if f * power <= wanted * (1 + 1e-12))
    return float(nice * power)


class SurfaceArrows:
    """Arrow items (a dark halo under a coloured line, head included) on a plot."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.items = {}
        for name, (colour, _text, style) in ARROWS.items():
            halo = pg.PlotDataItem(pen=pg.mkPen(HALO, width=6), connect="pairs")
            pen = pg.mkPen(colour, width=3)
            if style == "dash":
                pen.setDashPattern([3, 2])
            line = pg.PlotDataItem(pen=pen, connect="pairs")
            for item in (halo, line):
                item.setZValue(20)
                plot.addItem(item, ignoreBounds=True)
            self.items[name] = (halo, line)
        self.vectors: dict[str, np.ndarray] = {}  # name -> display (dx, dy), scaled
        self.origin = np.zeros(2)
        self.scale = 1.0
        plot.vb.sigRangeChanged.connect(lambda *_: self._draw())

    def show(self, origin, projected: dict, half_width: float) -> float:
        """``projected``: name -> (dx, dy) in slice units; returns the display scale."""
        self.origin = np.asarray(origin, dtype=np.float64)
        self.scale = display_scale([np.hypot(*v) for v in projected.values()], half_width)
        self.vectors = {k: np.asarray(v, dtype=np.float64) * self.scale
                        for k, v in projected.items()}
        self._draw()
        return self.scale

    def clear(self) -> None:
        self.vectors = {}
        self._draw()

    def _draw(self) -> None:
        px, py = self.plot.vb.viewPixelSize()
        for name, (halo, line) in self.items.items():
            v = self.vectors.get(name)
            if v is None or not np.all(np.isfinite(v)) or not (px > 0 and py > 0):
                halo.setData([], [])
                line.setData([], [])
                continue
            x, y = arrow_segments(self.origin, v, px, py)
            halo.setData(x, y)
            line.setData(x, y)


def arrow_segments(origin, v, px: float, py: float):
    """Shaft and two barbs as pairs of points; the barbs are HEAD_PX long on screen whatever
    the axes' scales (``px``, ``py``: data units per pixel)."""
    tip = origin + v
    screen = np.array([v[0] / px, v[1] / py])
    length = float(np.hypot(*screen))
    if length < 1e-9:
        return np.array([origin[0]]), np.array([origin[1]])
    head = min(HEAD_PX, 0.5 * length)
    back = -screen / length * head
    points = [origin, tip]
    for angle in (0.45, -0.45):
        c, s = np.cos(angle), np.sin(angle)
        barb = np.array([c * back[0] - s * back[1], s * back[0] + c * back[1]])
        points += [tip, tip + np.array([barb[0] * px, barb[1] * py])]
    points = np.array(points)
    return points[:, 0], points[:, 1]


class ArrowBar(QWidget):
    """In the panel's header: show/hide the arrows and three batch-size buttons
    (``batch_size_chosen`` carries ``int`` or ``None``). Their key goes under the map."""

    batch_size_chosen = Signal(object)

    def __init__(self):
        super().__init__()
        self.check = QCheckBox("Arrows")
        self.check.setChecked(True)
        self.check.setWhatsThis("Draw the optimizer's state at the current θ projected onto "
                              "the slice: the gradient step −α dW, the velocity −α v "
                              "(momentum, Adam), and the step it takes next (RMSprop and "
                              "Adam scale each parameter's step by 1/(√s+ε)).")
        self.check.setToolTip(self.check.whatsThis())
        self.buttons = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.check)
        self.batch_label = QLabel(" batch")
        self.batch_label.setToolTip("The mini-batch size, one click apart: 1 (stochastic), "
                                    "64, full.")
        row.addWidget(self.batch_label)
        for text, size, tip in BATCH_CHOICES:
            button = QToolButton()  # as wide as its text
            button.setText(text)
            button.setCheckable(True)
            button.setToolTip(tip + " (applies at the next step).")
            button.clicked.connect(lambda _on=False, size=size: self.batch_size_chosen.emit(size))
            self.buttons[size] = button
            row.addWidget(button)
        self.key_html = ""

    def set_compact(self, compact: bool) -> None:
        """Only the arrows' switch (a narrow panel)."""
        for widget in (self.batch_label, *self.buttons.values()):
            widget.setVisible(not compact)

    def show_batch_size(self, batch_size, m: int) -> None:
        full = batch_size is None or batch_size >= m
        for size, button in self.buttons.items():
            button.setChecked(size is None if full else size == batch_size)

    def set_key(self, html: str) -> None:
        self.key_html = html


def key_html(view, shown: set, scale: float, foreground: str) -> str:
    """The arrows' colours and names, the scale, and the mini-batch readout."""
    parts = []
    for name in ARROWS:
        if name in shown:
            colour, text, _ = ARROWS[name]
            if name == "step":
                text = STEP_LABELS.get(view.name, text)
            parts.append(f"<span style='color:{colour}; background:{HALO}'>&nbsp;━&nbsp;</span>"
                         f"&nbsp;{text}")
    scale_text = "true length" if scale == 1 else f"arrows&nbsp;×{scale:g}"
    line = "Arrows at ● now: " + " &nbsp; ".join(parts) + f" &nbsp; ({scale_text})"
    if view.batch_size is not None:
        line += (f"<br>mini-batch of {view.batch_size} vs full batch: angle "
                 f"<b>{view.batch_angle:.1f}°</b>, |dW mini-batch| / |dW full| = "
                 f"<b>{view.batch_norm_ratio:.2f}</b>")
    return f"<span style='color:{foreground}'>{line}</span>"
