"""The vectorized page: the course's backward equations for one layer at a time, from L back
to 1, with the current shapes and heat maps of the actual matrices."""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from nnviz.engine.backprop_steps import fmt
from nnviz.training.jobs import JobRunner

from ...plotting import scale_scene
from ...theme import PlotColors, colors
from . import jobs

# (matrix, where it comes from in a LayerBackward, heat-map title)
MAPS = (("dZ", "dZ[l]"), ("dW", "dW[l]"), ("db", "db[l]"), ("A_prev", "A[l-1]"),
        ("dA_prev", "dA[l-1]"))  # in reading order: dZ and what it gives, then A, dA side by side
MAX_SHOWN_COLUMNS = 400  # wider (n, m) maps show their first examples: pixels are the limit
WIDE_EQUATIONS = 900  # px: from this width two equations share a row (the maps get height)
MAP_KEY = ("How to read the maps:<br>rows are units, columns examples<br>(for dW[l]: "
           "inputs, the units of layer l-1);<br>red positive, blue negative, white 0;<br>"
           "each map has its own scale,<br>shown by the bar at its right.")
WIDE_MAPS = 900  # px: from this width three maps a row, else two (an (n, m) map is wide)


class VectorizedPage(QWidget):
    stepped = Signal()
    gradient_check_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.backward_button = QPushButton("← Backward (layer l-1)")
        self.backward_button.setToolTip("The next layer down: its equations use dA[l-1] from "
                                        "this one (←).")
        self.forward_button = QPushButton("Forward → (layer l+1)")
        self.forward_button.setToolTip("Back up one layer (→).")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the output layer L, where backprop starts (Home).")
        self.check_button = QPushButton("Gradient check…")
        self.check_button.setToolTip("Open the gradient-check inspector: dθ against two-sided "
                                     "differences of J for every parameter.")
        self.position = QLabel()
        self.equations = QLabel("No network yet: start or step training.")
        self.equations.setTextFormat(Qt.TextFormat.RichText)
        self.equations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()  # errors only
        self.status.setWordWrap(True)
        self.status.hide()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setMinimumHeight(140)
        # The maps (ten plot items with their colour bars) are made when the page is first
        # shown: most sessions open the page late or never, and they cost start-up time.
        self.plots, self.images, self.colour_bars = {}, {}, {}
        self.key: pg.LabelItem | None = None  # how to read the maps, in the free cell
        self.graphics.setToolTip("Heat maps of the matrices in this layer's equations: rows "
                                 "are units, columns examples (or inputs, for dW). Colour: "
                                 "sign and size, 0 in the middle; each map has its own "
                                 "symmetric scale, shown by the bar beside it.")
        row = QHBoxLayout()
        for widget in (self.backward_button, self.forward_button, self.reset_button):
            row.addWidget(widget)
        row.addWidget(self.position, 1)
        row.addWidget(self.check_button)
        column = QVBoxLayout(self)  # the equations above the maps: each map gets the height
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(row)
        column.addWidget(self.equations)
        column.addWidget(self.graphics, 1)
        column.addWidget(self.status)
        self.backward_button.clicked.connect(self.backward)
        self.forward_button.clicked.connect(self.forward)
        self.reset_button.clicked.connect(self.reset)
        self.check_button.clicked.connect(self.gradient_check_requested)
        self.jobs = JobRunner("nnviz-backprop-vectorized", self)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self._serial = 0
        self.snapshot = None
        self.result: jobs.VectorizedResult | None = None
        self.position_index = 0  # into result.steps: 0 is layer L
        self._colors = colors()
        self._shown_per_row = 0
        self._map_columns = 0
        self._update_buttons()

    # -- public -----------------------------------------------------------------------
    @property
    def layer(self) -> int | None:
        """The layer whose equations are shown."""
        if self.result is None:
            return None
        return self.result.steps[self.position_index].layer

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def set_snapshot(self, snapshot) -> None:
        self.snapshot = snapshot
        self._serial += 1
        self.jobs.submit(lambda job: jobs.run_vectorized(snapshot, job), tag=self._serial)

    def backward(self) -> None:
        if self.result is not None and self.position_index < len(self.result.steps) - 1:
            self.position_index += 1
            self.stepped.emit()
            self._show()

    def forward(self) -> None:
        if self.result is not None and self.position_index > 0:
            self.position_index -= 1
            self.stepped.emit()
            self._show()

    def reset(self) -> None:
        self.position_index = 0
        self.stepped.emit()
        self._show()

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        self.graphics.setBackground(c.background)
        self._style_maps(c)
        self._show()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self.plots:
            self._build_maps()
            self._show()

    # -- internals --------------------------------------------------------------------
    def _build_maps(self) -> None:
        for name, title in MAPS:
            plot = pg.PlotItem()
            plot.invertY(True)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setTitle(title, size="9pt")
            image = pg.ImageItem(axisOrder="row-major")
            plot.addItem(image)
            bar = pg.ColorBarItem(values=(-1.0, 1.0), interactive=False, width=10,
                                  colorMapMenu=False)
            bar.setImageItem(image, insert_in=plot)  # its own scale, beside its map
            self.plots[name], self.images[name], self.colour_bars[name] = plot, image, bar
        self.key = pg.LabelItem(justify="left")
        self._map_columns = 0
        self._arrange_maps()
        self._style_maps(self._colors)
        if self._colors.scale != 1.0:  # made while presenting: titles and ticks to match
            scale_scene(self.graphics.scene(), self._colors.scale)

    def _style_maps(self, c: PlotColors) -> None:
        cmap = pg.colormap.get(c.diverging_map)
        for name, plot in self.plots.items():
            for side in ("left", "bottom"):
                plot.getAxis(side).setPen(pg.mkPen(c.foreground))
                plot.getAxis(side).setTextPen(pg.mkPen(c.foreground))
            plot.setTitle(plot.titleLabel.text, color=c.foreground, size="9pt")
            self.colour_bars[name].setColorMap(cmap)
            axis = self.colour_bars[name].axis
            axis.setPen(pg.mkPen(c.foreground))
            axis.setTextPen(pg.mkPen(c.foreground))
        if self.key is not None:
            self.key.setText(MAP_KEY, color=c.foreground, size="9pt")

    def shutdown(self) -> None:
        self.jobs.shutdown()

    def _on_finished(self, tag, result: jobs.VectorizedResult) -> None:
        if tag != self._serial:
            return
        same_network = (self.result is not None
                        and len(self.result.steps) == len(result.steps))
        self.result = result
        if not same_network:
            self.position_index = 0
        self._show()

    def _on_failed(self, tag, message: str) -> None:
        if tag == self._serial:
            self.status.setText(f"<span style='color:{self._colors.bad}'>"
                                f"{html.escape(message)}</span>")
            self.status.show()

    def _equations_per_row(self) -> int:
        """Two equations side by side when the page is wide enough, else one a row."""
        return 2 if self.width() >= WIDE_EQUATIONS else 1

    def _arrange_maps(self) -> None:
        """The maps in rows of three (two on a narrow page), in the order of MAPS."""
        columns = 3 if self.width() >= WIDE_MAPS else 2
        if not self.plots or columns == self._map_columns:
            return
        self._map_columns = columns
        layout = self.graphics.ci
        for plot in self.plots.values():
            if plot in layout.items:
                layout.removeItem(plot)
        if self.key in layout.items:
            layout.removeItem(self.key)
        for i, (name, _title) in enumerate(MAPS):
            layout.addItem(self.plots[name], row=i // columns, col=i % columns)
        layout.addItem(self.key, row=len(MAPS) // columns, col=len(MAPS) % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._arrange_maps()
        if self.result is not None and self._equations_per_row() != self._shown_per_row:
            self._show()

    def _update_buttons(self) -> None:
        n = 0 if self.result is None else len(self.result.steps)
        self.backward_button.setEnabled(self.position_index < n - 1)
        self.forward_button.setEnabled(self.position_index > 0)
        self.reset_button.setEnabled(self.position_index > 0)
        if self.result is not None:
            L = len(self.result.steps)
            path = " → ".join(f"<b>{s.layer}</b>" if i == self.position_index else str(s.layer)
                              for i, s in enumerate(self.result.steps))
            self.position.setText(f"layer {self.layer} of {L}: &nbsp; {path}")

    def _show(self) -> None:
        self._update_buttons()
        result = self.result
        if result is None:
            return
        step = result.steps[self.position_index]
        c = self._colors
        cells = [f"<td style='padding-right:24px'><b>{html.escape(eq.formula)}</b>&nbsp;&nbsp;"
                 f"{html.escape(eq.symbolic_shape)}<br><span style='color:{c.neutral}'>"
                 f"&nbsp;&nbsp;&nbsp;{html.escape(eq.shapes)}</span></td>"
                 for eq in step.equations]
        per_row = self._equations_per_row()
        rows = ["<tr>" + "".join(cells[i:i + per_row]) + "</tr>"
                for i in range(0, len(cells), per_row)]
        agreement = result.agreement[self.position_index]
        colour = c.good if agreement < 1e-4 else c.warn
        head = (f"m = {result.m:,} training examples, g[{step.layer}] = {step.activation}"
                + (f", λ = {result.lambd:g}" if result.lambd else "")
                + f", iteration {result.iteration:,}")
        check = (f"<span style='color:{colour}'>dW[{step.layer}] from this product against "
                 f"the training's: largest difference {agreement:.1e} (relative to its "
                 "largest entry)</span>")
        self.equations.setText(f"{head}<table>{''.join(rows)}</table>{check}")
        self._shown_per_row = per_row
        self.equations.setToolTip("The course's backward equations for this layer: symbolic "
                                  "shapes, then the shapes they have now.")
        if self.plots:  # made once the page is shown
            self._show_maps(step, c)
        self.status.hide()

    def _show_maps(self, step, c: PlotColors) -> None:
        for name, title in MAPS:
            value = getattr(step, name)
            shown = value[:, :MAX_SHOWN_COLUMNS] if value.shape[1] > MAX_SHOWN_COLUMNS \
                else value
            bound = float(np.abs(shown).max()) or 1.0
            self.images[name].setImage(shown, autoLevels=False, levels=(-bound, bound))
            self.colour_bars[name].setLevels((-bound, bound))
            _label_scale(self.colour_bars[name].axis, bound)
            self.images[name].setRect(-0.5, -0.5, shown.shape[1], shown.shape[0])
            l = step.layer
            label = title.replace("[l-1]", f"[{l - 1}]").replace("[l]", f"[{l}]")
            if name == "A_prev" and l == 1:
                label = "X = A[0]"
            cut = f", first {MAX_SHOWN_COLUMNS}" if value.shape[1] > MAX_SHOWN_COLUMNS else ""
            plot = self.plots[name]
            plot.setTitle(f"{label} {value.shape}{cut}", color=c.foreground, size="9pt")
            plot.setRange(xRange=(-0.5, shown.shape[1] - 0.5),
                          yRange=(-0.5, shown.shape[0] - 0.5), padding=0.02)
            plot.getAxis("bottom").setTicks([_index_ticks(shown.shape[1]), []])
            plot.getAxis("left").setTicks([_index_ticks(shown.shape[0]), []])


def _index_ticks(n: int, most: int = 4) -> list[tuple[int, str]]:
    """Integer ticks 0..n-1, at most about ``most`` of them, a step of 1, 2 or 5 x 10^k:
    rows and columns are indices."""
    raw = max(1.0, n / most)
    power = 10 ** int(np.floor(np.log10(raw)))
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    return [(i, str(i)) for i in range(0, n, int(step))]


def _label_scale(axis: pg.AxisItem, bound: float) -> None:
    """Five labelled ticks on a colour bar's axis, -bound .. bound, and the width they need
    (pyqtgraph would widen the axis only at the next paint, dropping labels until then)."""
    ticks = [(v, fmt(v, 2)) for v in (-bound, -bound / 2, 0.0, bound / 2, bound)]
    axis.setTicks([ticks, []])
    metrics = QFontMetrics(axis.style["tickFont"] or QFont())
    widest = max(metrics.horizontalAdvance(text) for _v, text in ticks)
    axis.setWidth(widest + axis.style["tickTextOffset"][0] + max(axis.style["tickLength"], 0)
                  + 4)
