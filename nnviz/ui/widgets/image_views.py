"""Image data (the 8x8 digits): what the first layer looks for and what the network gets wrong.

- top: each first-layer unit's row of ``W[1]`` laid out as the input image (live, from the
  snapshot's ``W``), diverging colours around 0 (red-ish: the pixel pushes the unit up);
- below: the misclassified examples of the test split with their predicted labels
  (``Evaluation.images``, computed by the worker).

Both are one mosaic image each (one ``ImageItem``: cheap to redraw); tiles are separated by
transparent (NaN) gaps.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont

from ..plotting import lookup_table, softened_lookup_table
from ..theme import PlotColors, colors

MAX_WEIGHT_PICTURES = 64
GAP = 1
MIN_PICTURE_PX = 40     # a misclassified image smaller than this is not readable
MAX_PICTURE_PX = 72     # a few wrong images: larger, not huge
WRONG_SHARE = 0.55      # at most this share of the height for the misclassified images
TITLE_PX = 24           # a plot's title row (9pt text)


def tile(pictures: np.ndarray, columns: int, gap: int = GAP,
         row_gap: int | None = None, trailing: bool = False) -> np.ndarray:
    """``(k, rows, cols)`` pictures as one mosaic, ``columns`` wide, NaN between tiles
    (``gap`` pixels between columns, ``row_gap`` (default ``gap``) between rows, and under
    the last row too with ``trailing``: room for its labels)."""
    k, r, c = pictures.shape
    rg = gap if row_gap is None else row_gap
    n_rows = -(-k // columns) if k else 0
    height = n_rows * (r + rg) - (0 if trailing else rg)
    out = np.full((max(height, 0), max(columns * (c + gap) - gap, 0)), np.nan)
    for n in range(k):
        i, j = divmod(n, columns)
        out[i * (r + rg):i * (r + rg) + r, j * (c + gap):j * (c + gap) + c] = pictures[n]
    return out


def tile_origin(n: int, columns: int, shape, gap: int = GAP,
                row_gap: int | None = None) -> tuple[int, int]:
    """Top-left (x, y) of tile ``n`` in the mosaic."""
    i, j = divmod(n, columns)
    return j * (shape[1] + gap), i * (shape[0] + (gap if row_gap is None else row_gap))


@dataclass(frozen=True)
class GridPlan:
    """How the misclassified images are laid out: ``shown`` of them, ``columns`` a row,
    each ``picture_px`` screen pixels wide, ``label_rows`` image pixels under each row for
    the labels, ``height_px`` for the whole grid."""
    picture_px: int
    columns: int
    rows: int
    shown: int
    label_rows: int
    height_px: int


def plan_grid(k: int, shape: tuple[int, int], width_px: float, height_px: float,
              label_px: float) -> GridPlan:
    """The largest pictures (``MIN_PICTURE_PX``..``MAX_PICTURE_PX``) at which all ``k``
    images and their labels fit ``width_px x height_px``; if none does, the smallest size
    and as many images as fit (at least one row)."""
    r, c = shape

    def layout(px: int):
        unit = px / c                                   # screen pixels per image pixel
        label_rows = int(np.ceil((label_px + 2) / unit))
        columns = max(1, int((width_px + unit * GAP) // (px + unit * GAP)))
        return unit, label_rows, columns

    for px in range(MAX_PICTURE_PX, MIN_PICTURE_PX - 1, -2):
        unit, label_rows, columns = layout(px)
        rows = -(-k // columns) if k else 0
        height = rows * (r + label_rows) * unit
        if height <= height_px:
            return GridPlan(px, columns, rows, k, label_rows, int(np.ceil(height)))
    px = MIN_PICTURE_PX
    unit, label_rows, columns = layout(px)
    row_px = (r + label_rows) * unit
    rows = max(1, min(-(-k // columns), int(height_px // row_px)))
    shown = min(k, rows * columns)
    return GridPlan(px, columns, rows, shown, label_rows, int(np.ceil(rows * row_px)))


def largest_tiles(k: int, shape: tuple[int, int], width: float, height: float) -> int:
    """The number of columns that draws ``k`` pictures of ``shape`` largest in
    ``width x height`` (on a tie, the one leaving fewer empty places)."""
    r, c = shape
    best, best_key = 1, None
    for columns in range(1, max(k, 1) + 1):
        rows = -(-k // columns)
        scale = min(width / (columns * (c + GAP)), height / (rows * (r + GAP)))
        key = (round(scale, 6), -(rows * columns - k))
        if best_key is None or key > best_key:
            best, best_key = columns, key
    return best


def _image_plot(title: str) -> pg.PlotItem:
    plot = pg.PlotItem(title=title)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(False, False)
    plot.invertY(True)  # row 0 of an image at the top
    plot.setAspectLocked(True)
    return plot


class ImageDataView(pg.GraphicsLayoutWidget):
    """The first layer's weights as pictures above the misclassified images. The images get
    the height they need to be at least ``MIN_PICTURE_PX`` wide with their labels below
    (up to ``WRONG_SHARE`` of the view; if more are wrong than fit, the first ones, and the
    title says so); the weights get the rest."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(260, 200)
        self.weights_plot = _image_plot("")
        self.wrong_plot = _image_plot("")
        self.addItem(self.weights_plot, 0, 0)
        self.addItem(self.wrong_plot, 1, 0)
        self.weights = pg.ImageItem(axisOrder="row-major")
        self.wrong = pg.ImageItem(axisOrder="row-major")
        self.weights_plot.addItem(self.weights)
        self.wrong_plot.addItem(self.wrong)
        self.labels: list[pg.TextItem] = []
        self.label_font = QFont(self.font())
        self.label_font.setPointSizeF(9)
        self._colors = colors()
        self._shape = None
        self._W1 = None
        self._images = None       # the MisclassifiedImages drawn
        self._split = "test"
        self._class_names: tuple[str, ...] = ()
        self.plan: GridPlan | None = None
        self.weight_columns = 1
        self._weights_box = (2.0, 1.0)  # the weights' area (width, height) in pixels
        self.on_theme(self._colors)

    def reset(self) -> None:
        """A new run: the old network's pictures go (the next snapshot draws the new)."""
        self._images = self._W1 = None
        self.weights.clear()
        self.wrong.clear()
        for t in self.labels:
            t.setVisible(False)

    def update_from(self, snapshot) -> None:
        ev = snapshot.evaluation
        images = ev.images if ev is not None else None
        if images is not None:
            self._shape = images.image_shape
        if self._shape is None or not snapshot.layers:
            return
        self._class_names = tuple(snapshot.data.class_names)
        self._W1 = snapshot.layers[0].W
        if images is not self._images and images is not None:
            self._images, self._split = images, ev.split
            self._arrange()  # the grid's height depends on how many are wrong
        else:
            self._set_weights(self._W1)

    # -- layout ------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if hasattr(self, "weights_plot"):  # pyqtgraph resizes once while it is being built
            self._arrange()

    def _label_px(self) -> float:
        """A label's height on screen, with the text item's own margins."""
        probe = pg.TextItem("0")
        probe.setFont(self.label_font)
        return probe.textItem.boundingRect().height()

    def _arrange(self) -> None:
        """Share the height: the misclassified images first (readable), the weights the
        rest; then draw both for that layout."""
        layout = self.ci.layout
        left, top, right, bottom = layout.getContentsMargins()
        spacing = max(layout.verticalSpacing(), 0.0)
        width = self.width() - left - right - 8
        plots = self.height() - top - bottom - spacing - 2 * TITLE_PX - 8
        k = self._images.pictures.shape[0] if self._images is not None else 0
        if self._shape is not None and k:
            self.plan = plan_grid(k, self._shape, width, WRONG_SHARE * plots, self._label_px())
            wrong = self.plan.height_px
        else:
            self.plan, wrong = None, 0
        layout.setRowFixedHeight(1, TITLE_PX + wrong + 8)
        self._weights_box = (max(width, 1.0), max(plots - wrong, 1.0))  # before it is laid out
        if self._W1 is not None:
            self._set_weights(self._W1)
        if self._images is not None:
            self._set_wrong(self._images, self._split)

    def _weights_area(self) -> tuple[float, float]:
        return self._weights_box

    def _set_weights(self, W1: np.ndarray) -> None:
        rows, cols = self._shape
        k = min(W1.shape[0], MAX_WEIGHT_PICTURES)
        pictures = np.asarray(W1[:k], dtype=np.float64).reshape(k, rows, cols)
        self.weight_columns = largest_tiles(k, (rows, cols), *self._weights_area())
        mosaic = tile(pictures, self.weight_columns)
        top = float(np.abs(pictures).max()) if pictures.size else 0.0
        top = top if top > 0 else 1.0
        self.weights.setImage(mosaic, autoLevels=False, levels=(-top, top))
        more = f" (first {k} of {W1.shape[0]})" if W1.shape[0] > k else ""
        self.weights_plot.setTitle(
            f"W[1]: each unit's weights as a {rows}x{cols} picture{more} (±{top:.2g})",
            color=self._colors.foreground, size="9pt")

    def _set_wrong(self, images, split: str) -> None:
        plan = self.plan
        k = plan.shown if plan is not None else 0
        columns = plan.columns if plan is not None else 1
        label_rows = plan.label_rows if plan is not None else 0
        mosaic = (tile(images.pictures[:k].astype(np.float64), columns, row_gap=label_rows,
                       trailing=True) if k else np.full((1, 1), np.nan))
        finite = mosaic[np.isfinite(mosaic)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.wrong.setImage(mosaic, autoLevels=False, levels=(lo, hi if hi > lo else lo + 1))
        self.wrong_plot.getViewBox().setRange(xRange=(0, mosaic.shape[1]),
                                              yRange=(0, mosaic.shape[0]), padding=0)
        while len(self.labels) < k:
            t = pg.TextItem(anchor=(0.5, 0), color=QColor(self._colors.bad))
            t.setFont(self.label_font)
            self.wrong_plot.addItem(t)
            self.labels.append(t)
        names = self._class_names
        rows, cols = images.image_shape
        for n, t in enumerate(self.labels):
            if n >= k:
                t.setVisible(False)
                continue
            x, y = tile_origin(n, columns, images.image_shape, row_gap=label_rows)
            p = int(images.predicted[n])
            t.setText(names[p] if p < len(names) else str(p))
            t.setPos(x + cols / 2, y + rows)  # centred under the image, in its label rows
            t.setVisible(True)
        shown = f", first {k}" if images.n_wrong > k else ""
        self.wrong_plot.setTitle(
            f"Misclassified {split} images: {images.n_wrong} of {images.n_total}{shown} "
            f"(label = predicted)", color=self._colors.foreground, size="9pt")

    @property
    def predicted_labels(self) -> list[str]:
        return [t.toPlainText() for t in self.labels if t.isVisible()]

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        self.setBackground(c.background)
        self.weights.setLookupTable(softened_lookup_table(c.diverging_map, c.background, 0.95))
        grey = lookup_table("CET-L1") if c.dark else lookup_table("CET-L1")[::-1]
        self.wrong.setLookupTable(grey)
        for t in self.labels:
            t.setColor(QColor(c.bad))

    def getPlotItem(self):  # noqa: N802  (figure export takes the weights picture)
        return self.weights_plot
