"""Image data (the 8x8 digits): what the first layer looks for and what the network gets wrong.

- top: each first-layer unit's row of ``W[1]`` laid out as the input image (live, from the
  snapshot's ``W``), diverging colours around 0 (red-ish: the pixel pushes the unit up);
- below: the misclassified examples of the test split with their predicted labels
  (``Evaluation.images``, computed by the worker).

Both are one mosaic image each (one ``ImageItem``: cheap to redraw); tiles are separated by
transparent (NaN) gaps.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from ..plotting import lookup_table, softened_lookup_table
from ..theme import PlotColors, colors

MAX_WEIGHT_PICTURES = 64
GAP = 1
LABEL_ROWS = 5  # empty pixel rows under each misclassified image, for its predicted label


def tile(pictures: np.ndarray, columns: int, gap: int = GAP,
         row_gap: int | None = None) -> np.ndarray:
    """``(k, rows, cols)`` pictures as one mosaic, ``columns`` wide, NaN between tiles
    (``gap`` pixels between columns, ``row_gap`` (default ``gap``) between rows)."""
    k, r, c = pictures.shape
    rg = gap if row_gap is None else row_gap
    n_rows = -(-k // columns) if k else 0
    out = np.full((max(n_rows * (r + rg) - rg, 0), max(columns * (c + gap) - gap, 0)), np.nan)
    for n in range(k):
        i, j = divmod(n, columns)
        out[i * (r + rg):i * (r + rg) + r, j * (c + gap):j * (c + gap) + c] = pictures[n]
    return out


def tile_origin(n: int, columns: int, shape, gap: int = GAP,
                row_gap: int | None = None) -> tuple[int, int]:
    """Top-left (x, y) of tile ``n`` in the mosaic."""
    i, j = divmod(n, columns)
    return j * (shape[1] + gap), i * (shape[0] + (gap if row_gap is None else row_gap))


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
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(260, 200)
        self.weights_plot = _image_plot("")
        self.wrong_plot = _image_plot("")
        # Stacked: the outcome area is taller than wide; the weights get most of it.
        self.addItem(self.weights_plot, 0, 0)
        self.addItem(self.wrong_plot, 1, 0)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self.weights = pg.ImageItem(axisOrder="row-major")
        self.wrong = pg.ImageItem(axisOrder="row-major")
        self.weights_plot.addItem(self.weights)
        self.wrong_plot.addItem(self.wrong)
        self.labels: list[pg.TextItem] = []
        self._colors = colors()
        self._shape = None
        self._images = None       # the MisclassifiedImages drawn
        self._class_names: tuple[str, ...] = ()
        self.on_theme(self._colors)

    @staticmethod
    def columns_for(k: int, aspect: float = 2.0) -> int:
        """Tiles per row for ``k`` pictures in an area ``aspect`` times wider than tall."""
        return max(1, min(k, int(np.ceil(np.sqrt(k * aspect))))) if k else 1

    def update_from(self, snapshot) -> None:
        ev = snapshot.evaluation
        images = ev.images if ev is not None else None
        if images is not None:
            self._shape = images.image_shape
        if self._shape is None or not snapshot.layers:
            return
        self._class_names = tuple(snapshot.data.class_names)
        self._set_weights(snapshot.layers[0].W)
        if images is not self._images and images is not None:
            self._images = images
            self._set_wrong(images, ev.split)

    def _set_weights(self, W1: np.ndarray) -> None:
        rows, cols = self._shape
        k = min(W1.shape[0], MAX_WEIGHT_PICTURES)
        pictures = np.asarray(W1[:k], dtype=np.float64).reshape(k, rows, cols)
        mosaic = tile(pictures, self.columns_for(k))
        top = float(np.abs(pictures).max()) if pictures.size else 0.0
        top = top if top > 0 else 1.0
        self.weights.setImage(mosaic, autoLevels=False, levels=(-top, top))
        more = f" (first {k} of {W1.shape[0]})" if W1.shape[0] > k else ""
        self.weights_plot.setTitle(
            f"W[1]: each unit's weights as a {rows}x{cols} picture{more} (±{top:.2g})",
            color=self._colors.foreground, size="9pt")

    def _set_wrong(self, images, split: str) -> None:
        k = images.pictures.shape[0]
        columns = self.columns_for(k, 3.0)
        mosaic = (tile(images.pictures.astype(np.float64), columns, row_gap=LABEL_ROWS) if k
                  else np.full((1, 1), np.nan))
        finite = mosaic[np.isfinite(mosaic)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self.wrong.setImage(mosaic, autoLevels=False, levels=(lo, hi if hi > lo else lo + 1))
        while len(self.labels) < k:
            t = pg.TextItem(anchor=(0.5, 0), color=QColor(self._colors.bad))
            self.wrong_plot.addItem(t)
            self.labels.append(t)
        names = self._class_names
        for n, t in enumerate(self.labels):
            if n >= k:
                t.setVisible(False)
                continue
            x, y = tile_origin(n, columns, images.image_shape, row_gap=LABEL_ROWS)
            p = int(images.predicted[n])
            t.setText(names[p] if p < len(names) else str(p))
            rows, cols = images.image_shape
            t.setPos(x + cols / 2, y + rows - 0.5)  # centred under the image
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
