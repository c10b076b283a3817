"""What the network predicts, drawn from a snapshot (items created once, then updated).

- :class:`BoundaryView`: two input features; the output as an image over the plane with the
  0.5 contour and the train/test points on top.
- :class:`ResponseView`: one input feature; the output along x.
- :class:`ConfusionView`: more features, classification; counts per (true, predicted).
- :class:`PredictedVsTrueView`: more features, regression.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor

from ..plotting import finite_xy, softened_lookup_table, style_plot
from ..theme import PlotColors, colors
from .name_axis import NameAxis

MAX_POINTS_DRAWN = 3000
IMAGE_STRENGTH = 0.45  # colour of the probability image, blended with the background


def _rgb(color: str) -> np.ndarray:
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _class_brushes(y: np.ndarray, palette: tuple[str, ...]) -> list:
    brushes = [pg.mkBrush(palette[k % len(palette)]) for k in range(max(int(y.max()) + 1, 1))]
    return [brushes[int(k)] for k in y]


class BoundaryView(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(220, 200)
        item = self.getPlotItem()
        item.setMenuEnabled(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.addItem(self.image)
        # The P = 0.5 line, computed by the worker as segments (pyqtgraph's IsocurveItem
        # runs marching squares in Python on the GUI thread: far too slow to do live).
        self.contour = pg.PlotCurveItem(connect="pairs")
        self.contour.setZValue(-10)
        self.addItem(self.contour)
        self.train_points = pg.ScatterPlotItem(size=7, symbol="o", name="train")
        self.test_points = pg.ScatterPlotItem(size=8, symbol="t", name="test")
        self.addItem(self.train_points)
        self.addItem(self.test_points)
        for name in ("left", "bottom"):
            item.getAxis(name).enableAutoSIPrefix(False)
            item.getAxis(name).setStyle(maxTickLevel=0)  # see plotting.make_plot
        self.readout = pg.TextItem(anchor=(1, 1))
        self.readout.setZValue(10)
        self.addItem(self.readout)
        self.readout.setVisible(False)
        self._data = None
        self._grid = None
        self._kind = None
        self._colors = colors()
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self.on_theme(self._colors)

    # -- updates -----------------------------------------------------------------------
    def reset(self) -> None:
        """A new run (rebuild or reset): the old run's picture goes at once; the next grid
        draws the new network's (a run whose output is not finite yet shows none)."""
        self._grid = None
        self.image.clear()
        self.contour.setData([], [])
        self.readout.setVisible(False)

    def update_from(self, snapshot) -> None:
        data, grid = snapshot.data, snapshot.boundary
        if data is not self._data:
            self._data = data
            self._set_points(data)
            names = data.feature_names
            item = self.getPlotItem()
            item.setLabel("bottom", names[0] if names else "x1", color=self._colors.foreground)
            item.setLabel("left", names[1] if len(names) > 1 else "x2",
                          color=self._colors.foreground)
            self._set_title(data)
            self._grid = None
        if grid is None or grid is self._grid:
            return  # unchanged (the worker refreshes the grid at most ~10 times a second)
        first = self._grid is None
        self._grid = grid
        self._set_image(grid)
        if first:
            x0, x1, y0, y1 = grid.extent
            self.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _set_title(self, data) -> None:
        c = self._colors
        if data.task == "binary":
            names = data.class_names or ("0", "1")
            text = (f"P(y = 1 | x): "
                    f"<span style='color:{c.classes[0]}'>●</span> {names[0]} "
                    f"<span style='color:{c.classes[1]}'>●</span> {names[1]}")
        elif data.task == "multiclass":
            text = "Predicted class (paler = less confident)"
        else:
            text = "Prediction ŷ over the input plane"
        text += " &nbsp; ● train ▼ test"
        self.getPlotItem().setTitle(text, color=c.foreground, size="10pt")

    def _set_points(self, data) -> None:
        c = self._colors
        edge = pg.mkPen(c.point_edge, width=1)
        for scatter, X, y in ((self.train_points, data.X_train_raw, data.y_train),
                              (self.test_points, data.X_test_raw, data.y_test)):
            X, y = X[:, :MAX_POINTS_DRAWN], y[:MAX_POINTS_DRAWN]
            if X.shape[1] == 0:
                scatter.setData([], [])
                continue
            if data.task == "regression":
                lo, hi = float(np.min(data.y_train)), float(np.max(data.y_train))
                t = (y - lo) / (hi - lo) if hi > lo else np.zeros_like(y)
                cmap = pg.colormap.get(c.sequential_map)
                brushes = [pg.mkBrush(cmap.map(float(v), mode="qcolor")) for v in t.clip(0, 1)]
            else:
                brushes = _class_brushes(y, c.classes)
            scatter.setData(x=X[0], y=X[1], brush=brushes, pen=edge)

    def _set_image(self, grid) -> None:
        c = self._colors
        self._kind = grid.kind
        if grid.kind == "multiclass":
            probs = grid.probabilities
            palette = np.array([_rgb(c.classes[k % len(c.classes)]) for k in range(probs.shape[0])])
            rgb = np.tensordot(probs, palette, axes=(0, 0))  # (ny, nx, 3), soft colour mix
            bg = _rgb(c.background)
            rgb = IMAGE_STRENGTH * rgb + (1 - IMAGE_STRENGTH) * bg
            self.image.setLookupTable(None)
            self.image.setImage(rgb.clip(0, 255).astype(np.uint8), autoLevels=False,
                                levels=(0, 255))
            self.contour.setVisible(False)
        else:
            if grid.kind == "binary":
                levels = (0.0, 1.0)
                lut = softened_lookup_table(c.diverging_map, c.background, IMAGE_STRENGTH)
                self.contour.setVisible(True)
                seg = grid.contour if grid.contour is not None else np.zeros((0, 2, 2))
                self.contour.setData(seg[:, :, 0].ravel(), seg[:, :, 1].ravel(), connect="pairs")
            else:
                lo, hi = float(grid.values.min()), float(grid.values.max())
                if self._data is not None and self._data.m_train:
                    lo = min(lo, float(np.min(self._data.y_train)))
                    hi = max(hi, float(np.max(self._data.y_train)))
                levels = (lo, hi if hi > lo else lo + 1.0)
                lut = softened_lookup_table(c.sequential_map, c.background, 0.8)
                self.contour.setVisible(False)
            self.image.setLookupTable(lut)
            self.image.setImage(grid.values, autoLevels=False, levels=levels)
        x0, x1, y0, y1 = grid.extent
        ny, nx = grid.values.shape
        # Pixel centres sit on the grid points: widen by half a cell on each side.
        dx = (x1 - x0) / max(nx - 1, 1)
        dy = (y1 - y0) / max(ny - 1, 1)
        self.image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self, c)
        self.contour.setPen(pg.mkPen(c.foreground, width=2, style=Qt.PenStyle.DashLine))
        self.readout.setColor(QColor(c.foreground))
        if self._data is not None:
            self._set_points(self._data)
            self._set_title(self._data)
        if self._grid is not None:
            self._set_image(self._grid)

    # -- hover readout -----------------------------------------------------------------
    def _mouse_moved(self, pos) -> None:
        grid = self._grid
        vb = self.getPlotItem().vb
        if grid is None or not vb.sceneBoundingRect().contains(pos):
            self.readout.setVisible(False)
            return
        p = vb.mapSceneToView(pos)
        x, y = p.x(), p.y()
        j = int(np.clip(np.searchsorted(grid.xs, x), 0, grid.xs.size - 1))
        i = int(np.clip(np.searchsorted(grid.ys, y), 0, grid.ys.size - 1))
        if grid.kind == "binary":
            text = f"P(y=1) = {grid.values[i, j]:.3f}"
        elif grid.kind == "multiclass":
            names = self._data.class_names if self._data is not None else ()
            k = int(grid.classes[i, j])
            name = names[k] if k < len(names) else str(k)
            text = f"{name}: p = {grid.values[i, j]:.3f}"
        else:
            text = f"ŷ = {grid.values[i, j]:.4g}"
        self.readout.setText(f"({x:.3g}, {y:.3g})  {text}")
        (vx0, vx1), (vy0, vy1) = vb.viewRange()
        self.readout.setPos(vx1, vy0)
        self.readout.setVisible(True)


class ResponseView(pg.PlotWidget):
    """One input feature: P(class | x) curves (or ŷ(x)) with the data points."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(220, 200)
        self.getPlotItem().addLegend(offset=(6, 6), labelTextSize="8pt")
        self.points = pg.ScatterPlotItem(size=6)
        self.addItem(self.points)
        self.curves: list[pg.PlotDataItem] = []
        self._data = None
        self._colors = colors()
        style_plot(self, self._colors)

    def reset(self) -> None:
        for item in self.curves:
            item.setData([], [])

    def update_from(self, snapshot) -> None:
        data, curve = snapshot.data, snapshot.curve
        c = self._colors
        if data is not self._data:
            self._data = data
            x, y = data.X_train_raw[0], data.y_train.astype(np.float64)
            item = self.getPlotItem()
            item.setLabel("bottom", data.feature_names[0] if data.feature_names else "x",
                          color=c.foreground)
            if data.task == "regression":
                item.setLabel("left", "y and ŷ", color=c.foreground)
                self.points.setData(x=x, y=y, brush=pg.mkBrush(c.train), pen=None)
            else:
                item.setLabel("left", "P(class | x)", color=c.foreground)
                jitter = np.random.default_rng(0).uniform(-0.03, 0.03, y.size)
                yy = (y if data.task == "binary" else y / max(len(data.class_names) - 1, 1))
                self.points.setData(x=x, y=yy + jitter, brush=_class_brushes(data.y_train, c.classes),
                                    pen=None)
        if curve is None:
            return
        n = curve.values.shape[0]
        while len(self.curves) < n:
            k = len(self.curves)
            name = self._curve_name(k)
            self.curves.append(self.plot([], [], name=name))
        for k, item in enumerate(self.curves):
            if k < n:
                color = c.classes[(k + (1 if curve.kind == "binary" else 0)) % len(c.classes)]
                if curve.kind == "regression":
                    color = c.foreground
                item.setPen(pg.mkPen(color, width=2))
                item.setData(*finite_xy(curve.xs, curve.values[k]))
            else:
                item.setData([], [])

    def _curve_name(self, k: int) -> str:
        d = self._data
        if d is None or d.task == "regression":
            return "ŷ(x)"
        if d.task == "binary":
            return f"P({d.class_names[1] if len(d.class_names) > 1 else 1} | x)"
        return f"P({d.class_names[k]} | x)" if k < len(d.class_names) else f"P({k} | x)"

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self, c)
        self._data = None  # re-colour points at the next update


class ConfusionView(pg.PlotWidget):
    """Rows: true class; columns: predicted class; shade = fraction of the row."""

    def __init__(self, parent=None):
        super().__init__(parent, axisItems={"bottom": NameAxis("bottom")})
        self.setMinimumSize(220, 200)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.getPlotItem().invertY(True)
        self.getPlotItem().setAspectLocked(True)
        self.labels: list[pg.TextItem] = []
        self._k = 0
        self._names: list[str] = []
        self._colors = colors()
        self._last = None
        style_plot(self, self._colors)
        self.getPlotItem().showGrid(False, False)  # cells, not coordinates

    def reset(self) -> None:
        self._last = None
        self.image.clear()
        for t in self.labels:
            t.setText("")

    def update_from(self, snapshot) -> None:
        ev = snapshot.evaluation
        if ev is None or ev.confusion is None:
            return
        self._last = snapshot
        cm = ev.confusion
        K = cm.shape[0]
        c = self._colors
        names = list(snapshot.data.class_names)
        names = [names[k] if k < len(names) else str(k) for k in range(K)]
        if K != self._k:
            for t in self.labels:
                self.removeItem(t)
            self.labels = []
            for i in range(K):
                for j in range(K):
                    t = pg.TextItem(anchor=(0.5, 0.5))
                    t.setPos(j + 0.5, i + 0.5)
                    self.addItem(t)
                    self.labels.append(t)
            self.getPlotItem().setRange(xRange=(0, K), yRange=(0, K), padding=0.02)
            self._k = K
        if names != self._names:  # other data with as many classes: other names
            self._names = names
            ticks = [(k + 0.5, name) for k, name in enumerate(names)]
            item = self.getPlotItem()
            item.getAxis("bottom").setTicks([ticks])
            item.getAxis("left").setTicks([ticks])
            item.getAxis("bottom").setToolTip("Predicted class: " + ", ".join(names))
        rows = cm.sum(axis=1, keepdims=True)
        frac = np.divide(cm, rows, out=np.zeros(cm.shape), where=rows > 0)
        self.image.setLookupTable(softened_lookup_table("CET-L12" if not c.dark else "CET-L1",
                                                        c.background, 0.85))
        self.image.setImage(frac, autoLevels=False, levels=(0, 1))
        self.image.setRect(QRectF(0, 0, K, K))
        for t, (i, j) in zip(self.labels, np.ndindex(K, K)):
            t.setText(str(int(cm[i, j])))
            t.setColor(QColor(c.foreground))
        acc = np.trace(cm) / max(cm.sum(), 1)
        item = self.getPlotItem()
        item.setTitle(f"Confusion matrix ({ev.split} split): accuracy {acc:.1%}",
                      color=c.foreground, size="10pt")
        item.setLabel("bottom", "predicted class", color=c.foreground)
        item.setLabel("left", "true class", color=c.foreground)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self, c)
        self.getPlotItem().showGrid(False, False)
        if self._last is not None:
            self.update_from(self._last)


class PredictedVsTrueView(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(220, 200)
        self.points = pg.ScatterPlotItem(size=6)
        self.addItem(self.points)
        self.diagonal = pg.InfiniteLine(pos=(0, 0), angle=45, movable=False)
        self.addItem(self.diagonal)
        self._colors = colors()
        style_plot(self, self._colors)
        item = self.getPlotItem()
        item.setLabel("bottom", "true y", color=self._colors.foreground)
        item.setLabel("left", "predicted ŷ", color=self._colors.foreground)

    def reset(self) -> None:
        self.points.setData([], [])

    def update_from(self, snapshot) -> None:
        ev = snapshot.evaluation
        if ev is None or ev.y_true is None:
            return
        x, y = finite_xy(ev.y_true, ev.y_pred)
        self.points.setData(x=x, y=y, brush=pg.mkBrush(self._colors.train), pen=None)
        self.getPlotItem().setTitle(f"Predicted vs true ({ev.split} split); on the line = exact",
                                    color=self._colors.foreground, size="10pt")

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self, c)
        self.diagonal.setPen(pg.mkPen(c.neutral, width=1, style=Qt.PenStyle.DashLine))

