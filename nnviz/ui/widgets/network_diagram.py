"""A live drawing of the network: units as columns of nodes (or pictures), weights as links.

Link colour = sign of ``W[l][i, j]``, thickness = ``|W[l][i, j]|`` on an absolute scale
(thickest from ``ABSOLUTE_FULL_WIDTH``, so init scale 0.01 and 10 look different) or relative
to the largest weight; node fill = the bias ``b[l][i]``. Hovering shows the value and the
current gradient of a weight or bias, in the course's 1-based unit numbers with the 0-based
NumPy indices labelled as such. Wide layers are drawn with at most ``MAX_DRAWN_UNITS`` units
(the caption says how many are hidden), so the picture stays legible.

For two-input data every unit is drawn as its picture: ``A[l]_j`` over the input plane
(``BoundaryGrid.units``, computed by the worker), and every input feature too (``x1``,
``x1²``, ``sin x1``... as the network sees them, ``BoundaryGrid.inputs``). The pictures are as
large as the widget's size allows (``diagram_layout``: at least 40 px, wrapping a tall layer
into two columns before going smaller). Hovering a unit or input emits
``unit_hovered((l, j))`` (None when the mouse leaves it) so the decision-boundary plot can
show that picture large; a click pins it (``unit_pinned``). While ``editable`` (training
paused), a click on a link or a unit asks for its weight or bias to be edited instead
(``edit_requested(("W", l, i, j))`` or ``(("b", l, i))``, 0-based ``i, j``).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QToolTip, QWidget

from ..theme import PlotColors, colors
from .diagram_dropout import DiagramDropout
from .diagram_layout import DiagramLayout, circle_layout, picture_layout
from .diagram_readouts import DiagramReadouts
from .unit_pictures import unit_images

MAX_DRAWN_UNITS = 12
WIDTH_LEVELS = 8
MAX_WIDTH = 5.0
ABSOLUTE_FULL_WIDTH = 4.0  # absolute scale: |w| from this up draws the thickest link
SCALES = ("absolute", "relative")
NAME_WIDTH = 8                 # input names longer than this are cut, with "…"

ACTIVATION_LABELS = {"sigmoid": "σ sigmoid", "softmax": "softmax", "linear": "linear",
                     "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU",
                     "softplus": "softplus", "gelu": "GELU", "swish": "swish"}


def _mix(color: QColor, background: QColor, weight: float) -> QColor:
    """``weight`` of ``color`` over ``background``, as an opaque colour."""
    w = min(max(weight, 0.0), 1.0)
    return QColor(round(w * color.red() + (1 - w) * background.red()),
                  round(w * color.green() + (1 - w) * background.green()),
                  round(w * color.blue() + (1 - w) * background.blue()))


def drawn_units(n: int) -> list[int]:
    """Indices of the units drawn for a layer of ``n`` (the first ones, when capped)."""
    return list(range(n)) if n <= MAX_DRAWN_UNITS else list(range(MAX_DRAWN_UNITS - 1))


class NetworkDiagram(DiagramReadouts, DiagramDropout, QWidget):
    unit_hovered = Signal(object)   # (layer, 0-based unit) of a pictured unit, or None
    unit_pinned = Signal(object)    # clicked: (layer, unit), or None to unpin
    edit_requested = Signal(object)  # ("W", l, i, j) or ("b", l, i) clicked while editable

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(240, 150)
        self._colors = colors()
        self._dims: tuple[int, ...] = ()
        self._acts: tuple[str, ...] = ()
        self._features: tuple[str, ...] = ()
        self._W: list[np.ndarray] = []
        self._b: list[np.ndarray] = []
        self._dW: list[np.ndarray] = []
        self._db: list[np.ndarray] = []
        self._positions: list[dict[int, QPointF]] = []
        self._segments = np.zeros((0, 4))
        self._segment_keys: list[tuple[int, int, int]] = []
        self._key_array = np.zeros((0, 3), dtype=np.intp)
        self._node_keys: list[tuple[int, int]] = []
        self._node_points = np.zeros((0, 2))
        self._max_abs = 0.0
        self._radius = 8.0
        self._scale = "absolute"
        self._hover_text: str | None = None
        self._grid = None                     # the BoundaryGrid the pictures come from
        self._images: dict = {}               # (layer, unit) -> QImage
        self._picture = 0.0                   # thumbnail side (0: no pictures fit)
        self._expects_pictures = False        # the snapshots carry pictures (two inputs)
        self._geometry: DiagramLayout | None = None
        self._links_key = None                # what the cached links picture shows
        self._links_pixmap: QPixmap | None = None
        self._hovered_unit = None
        self._pinned_unit = None
        self.editable = False                 # clicks edit parameters (training paused)
        self._init_dropout()

    # -- data --------------------------------------------------------------------------
    def set_snapshot(self, snapshot) -> None:
        dims = tuple(snapshot.layer_dims)
        grid = snapshot.boundary
        pictured = grid is not None and bool(grid.units)
        features = tuple(snapshot.data.feature_names)  # their names set the left margin
        changed = (dims != self._dims or pictured != self._expects_pictures
                   or features != self._features)
        self._dims = dims
        self._expects_pictures = pictured
        self._acts = tuple(snapshot.activations) + (snapshot.head,)
        self._features = features
        self._W = [layer.W for layer in snapshot.layers]
        self._b = [layer.b for layer in snapshot.layers]
        self._dW = [layer.dW for layer in snapshot.layers]
        self._db = [layer.db for layer in snapshot.layers]
        self._dropout = getattr(snapshot, "dropout_masks", None)
        self._max_abs = max((float(np.abs(W).max()) for W in self._W if W.size), default=0.0)
        if changed:
            self._layout()
        if grid is not self._grid or changed:
            self._grid = grid
            self._images = self._make_images()
        self.update()

    def set_colors(self, c: PlotColors) -> None:
        self._colors = c
        self._images = self._make_images()
        self.update()

    def _make_images(self) -> dict:
        grid = self._grid
        if grid is None or not grid.units or not self._positions or not self._picture:
            return {}
        if len(self._positions) != len(grid.units) + 1:
            return {}  # pictures of another network (rebuilt since)
        shown = {(l, i) for l, pos in enumerate(self._positions) for i in pos}
        return unit_images(grid, self._colors, shown,
                           round(self._picture * self.devicePixelRatioF()))

    @property
    def pictured_units(self) -> tuple[tuple[int, int], ...]:
        """``(layer, unit)`` of every unit drawn as its picture (layer 0: the inputs)."""
        return tuple(sorted(self._images)) if self._picture else ()

    @property
    def picture_side(self) -> float:
        """The pictures' side in pixels (0: units are drawn as circles)."""
        return self._picture if self._images else 0.0

    @property
    def max_abs_weight(self) -> float:
        return self._max_abs

    @property
    def scale(self) -> str:
        return self._scale

    def set_scale(self, scale: str) -> None:
        """Link thickness ``"absolute"`` (|w| / ABSOLUTE_FULL_WIDTH) or ``"relative"`` (to the
        largest |w| now)."""
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
        self._scale = scale
        self.update()

    @property
    def width_reference(self) -> float:
        """The |w| drawn with the thickest link."""
        if self._scale == "absolute":
            return ABSOLUTE_FULL_WIDTH
        return self._max_abs if self._max_abs > 0 else 1.0

    def link_levels(self) -> np.ndarray:
        """Thickness level (0 .. WIDTH_LEVELS-1) of each drawn link, in ``_segment_keys``
        order."""
        values = self._link_values()
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = np.abs(values) / self.width_reference * WIDTH_LEVELS
        # Clipped as floats: a huge weight (after a divergence) must not overflow the cast.
        return np.nan_to_num(np.clip(scaled, 0, WIDTH_LEVELS - 1), nan=0).astype(int)

    @property
    def hidden_units(self) -> int:
        """How many units are not drawn (wide layers)."""
        return sum(max(0, n - len(drawn_units(n))) for n in self._dims)

    # -- geometry ----------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        side = self._picture
        self._layout()
        if self._picture != side:
            self._images = self._make_images()  # thumbnails made for the new size

    def _slot_counts(self) -> list[int]:
        """Drawn units per layer, plus a slot for "⋮ +n" in a capped layer."""
        return [len(drawn_units(n)) + (n > MAX_DRAWN_UNITS) for n in self._dims]

    def _name_room(self) -> float:
        """Pixels kept left of the inputs for their names."""
        metrics = QFontMetricsF(self._caption_font())
        names = [self._short_name(name) for name in self._features[:MAX_DRAWN_UNITS]]
        return 8.0 + max((metrics.horizontalAdvance(n) for n in names), default=0.0)

    def _caption_room(self) -> float:
        """Pixels kept right of the output pictures for the half of its captions beyond."""
        metrics = QFontMetricsF(self._caption_font())
        half = max(metrics.horizontalAdvance(t) for t in self._captions(len(self._dims) - 1)) / 2
        return max(10.0, half - 16.0)

    def _layout(self) -> None:
        self._positions = []
        self._geometry = None
        if not self._dims:
            self._build_segments()
            return
        w, h = float(self.width()), float(self.height())
        counts = self._slot_counts()
        geometry = None
        if self._expects_pictures:
            geometry = picture_layout(counts, w, h, self._name_room(), self._caption_room())
        if geometry is None:
            geometry = circle_layout(counts, w, h, max(56.0, self._name_room()))
        self._geometry = geometry
        self._picture = geometry.picture
        self._radius = geometry.radius if not geometry.picture else 8.0
        for l, n in enumerate(self._dims):
            units = drawn_units(n)
            self._positions.append({i: QPointF(*geometry.centres[l][k])
                                    for k, i in enumerate(units)})
        self._build_segments()

    def _build_segments(self) -> None:
        segs, keys = [], []
        for l in range(1, len(self._dims)):
            if l - 1 >= len(self._W) or l >= len(self._positions):
                break
            prev, cur = self._positions[l - 1], self._positions[l]
            for i, p in cur.items():
                for j, q in prev.items():
                    segs.append((q.x(), q.y(), p.x(), p.y()))
                    keys.append((l, i, j))
        self._segments = np.array(segs, dtype=np.float64).reshape(-1, 4)
        self._segment_keys = keys
        self._key_array = np.array(keys, dtype=np.intp).reshape(-1, 3)  # (l, i, j) rows
        nodes = [(l, i) for l, pos in enumerate(self._positions) for i in pos]
        self._node_keys = nodes
        self._node_points = np.array([[self._positions[l][i].x(), self._positions[l][i].y()]
                                      for l, i in nodes], dtype=np.float64).reshape(-1, 2)

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        c = self._colors
        p = QPainter(self)
        if not self._dims or not self._positions:
            p.fillRect(self.rect(), QColor(c.background))
            p.end()
            return
        p.drawPixmap(0, 0, self._links_picture())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_nodes(p)
        p.end()

    def _link_values(self) -> np.ndarray:
        """``W[l][i, j]`` of every drawn link, in ``_segment_keys`` order."""
        keys = self._key_array
        parts = [self._W[l - 1][keys[keys[:, 0] == l, 1], keys[keys[:, 0] == l, 2]]
                 for l in range(1, len(self._dims)) if l - 1 < len(self._W)]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _links_picture(self) -> QPixmap:
        """The background, the links and the captions. Links are drawn in a few widths and
        shades, so the picture only changes when a weight crosses a level or changes sign;
        antialiased wide lines are the costliest thing the diagram draws, hence the cache."""
        values = self._link_values() if self._segment_keys else np.zeros(0)
        level = self.link_levels() if self._segment_keys else np.zeros(0, dtype=int)
        dpr = self.devicePixelRatioF()
        key = (level.tobytes(), (values > 0).tobytes(), self._geometry, self._colors,
               self.width(), self.height(), dpr, self._dims, self._acts, self._features,
               self._dropout_key())
        if key != self._links_key:
            pixmap = QPixmap(round(self.width() * dpr), round(self.height() * dpr))
            pixmap.setDevicePixelRatio(dpr)
            pixmap.fill(QColor(self._colors.background))
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_links(p, values, level)
            self._paint_labels(p)
            p.end()
            self._links_key, self._links_pixmap = key, pixmap
        return self._links_pixmap

    def _paint_links(self, p: QPainter, values: np.ndarray, level: np.ndarray) -> None:
        c = self._colors
        if not self._segment_keys:
            return
        bg = QColor(c.background)
        greyed = self._greyed_link_rows()  # from units dropped out: drawn faint, dashed
        for sign, color in ((1, c.positive), (-1, c.negative)):
            base = QColor(color)
            for k in range(WIDTH_LEVELS):
                mask = (level == k) & ((values > 0) if sign > 0 else (values <= 0)) & ~greyed
                if not mask.any():
                    continue
                # Fainter for small weights, mixed with the background here rather than drawn
                # translucent: opaque lines are much cheaper to paint.
                col = _mix(base, bg, 0.35 + 0.65 * (k + 1) / WIDTH_LEVELS)
                pen = QPen(col, 0.4 + MAX_WIDTH * (k + 0.5) / WIDTH_LEVELS)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)  # the ends are under the units
                p.setPen(pen)
                p.drawLines([QLineF(*s) for s in self._segments[mask]])
        self._paint_greyed_links(p, greyed)

    def _paint_nodes(self, p: QPainter) -> None:
        c = self._colors
        r = self._radius
        fg = QColor(c.foreground)
        bmax = max((float(np.abs(b).max()) for b in self._b if b.size), default=0.0) or 1.0
        side = self._picture
        dropped = self.dropped_units
        for l, pos in enumerate(self._positions):
            for i, pt in pos.items():
                if l == 0:
                    fill = QColor(c.neutral)
                else:
                    b = float(self._b[l - 1][i, 0]) if l - 1 < len(self._b) else 0.0
                    fill = _mix(QColor(c.positive if b > 0 else c.negative),
                                QColor(c.background), 0.15 + 0.85 * min(abs(b) / bmax, 1.0))
                image = self._images.get((l, i)) if side else None
                if image is not None:
                    # The picture, framed in its bias colour (thicker when in focus); an
                    # input has no bias: a thin neutral frame.
                    # Pixel-aligned and sampled at this size: drawn 1:1, no scaling.
                    rect = QRectF(round(pt.x() - side / 2), round(pt.y() - side / 2),
                                  side, side)
                    p.drawImage(rect, image)
                    focus = (l, i) in (self._hovered_unit, self._pinned_unit)
                    width = 3.0 if focus else (1.0 if l == 0 else 2.5)
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.setPen(QPen(fg if focus else fill, width))
                    p.drawRect(rect)
                    if (l, i) in dropped:
                        self._paint_dropped(p, pt, side / 2, True)
                    continue
                p.setPen(QPen(fg, 1.2))
                p.setBrush(fill)
                p.drawEllipse(pt, r, r)
                if (l, i) in dropped:
                    self._paint_dropped(p, pt, r, False)
            n = self._dims[l]
            if n > MAX_DRAWN_UNITS and pos and self._geometry is not None:
                x, y = self._geometry.centres[l][-1]  # the slot kept for the count
                p.setPen(fg)
                p.drawText(QRectF(x - 40, y - 10, 80, 20), Qt.AlignmentFlag.AlignCenter,
                           f"⋮ +{n - len(pos)}")

    def _caption_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        return font

    @staticmethod
    def _short_name(name: str) -> str:
        return name if len(name) <= NAME_WIDTH else name[:NAME_WIDTH - 1] + "…"

    def _captions(self, l: int) -> tuple[str, str]:
        """Layer ``l``'s caption above its units and below them."""
        if l == 0:
            return f"input n[0]={self._dims[0]}", "x"
        kind = "output" if l == len(self._dims) - 1 else f"layer {l}"
        foot = ACTIVATION_LABELS.get(self._acts[l - 1], self._acts[l - 1])
        note = self.dropout_note(l)
        return f"{kind} n[{l}]={self._dims[l]}", f"{foot} · {note}" if note else foot

    def _paint_labels(self, p: QPainter) -> None:
        c = self._colors
        fg = QColor(c.foreground)
        p.setFont(self._caption_font())
        p.setPen(fg)
        geometry = self._geometry
        xs = geometry.layer_x if geometry is not None else ()
        # Each caption may use the room up to the next layer's.
        room = min((b - a for a, b in zip(xs, xs[1:])), default=float(self.width()))
        for l, x in enumerate(xs):
            head, foot = self._captions(l)
            half = max(room, 60.0) / 2
            p.drawText(QRectF(x - half, 2, 2 * half, 16), Qt.AlignmentFlag.AlignCenter, head)
            p.drawText(QRectF(x - half, self.height() - 18, 2 * half, 16),
                       Qt.AlignmentFlag.AlignCenter, foot)
        # Input feature names beside the inputs.
        if self._positions and len(self._features) <= MAX_DRAWN_UNITS:
            half = self._picture / 2 if self._picture else self._radius
            for i, pt in self._positions[0].items():
                if i < len(self._features):
                    p.drawText(QRectF(0, pt.y() - 8, pt.x() - half - 4, 16),
                               Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                               self._short_name(self._features[i]))

    # -- hover -------------------------------------------------------------------------
    @property
    def hover_text(self) -> str | None:
        """The read-out shown for the mouse's position (None away from units and links)."""
        return self._hover_text

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        pos = event.position()
        self._hover_text = self.describe_at(pos.x(), pos.y())
        self.show_readout(event.globalPosition().toPoint(), self._hover_text)
        self._set_hovered_unit(self._pictured_at(pos.x(), pos.y()))
        super().mouseMoveEvent(event)

    def _set_hovered_unit(self, unit) -> None:
        if unit != self._hovered_unit:
            self._hovered_unit = unit
            self.unit_hovered.emit(unit)
            self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        x, y = event.position().x(), event.position().y()
        if event.button() == Qt.MouseButton.LeftButton and self.editable:
            key = self.parameter_at(x, y)
            if key is not None:
                self.edit_requested.emit(key)
                super().mousePressEvent(event)
                return
        if event.button() == Qt.MouseButton.LeftButton:
            unit = self._pictured_at(event.position().x(), event.position().y())
            if unit is not None or self._pinned_unit is not None:
                self._pinned_unit = None if unit == self._pinned_unit else unit
                self.unit_pinned.emit(self._pinned_unit)
                self.update()
        super().mousePressEvent(event)

    def show_readout(self, global_pos, text: str | None) -> None:
        if text:
            QToolTip.showText(global_pos, text, self)
        else:
            QToolTip.hideText()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._hover_text = None
        self._set_hovered_unit(None)
        super().leaveEvent(event)

    def event(self, event) -> bool:
        # Qt's delayed tooltip event would otherwise travel up to the panel or dock and
        # replace the read-out with their generic tooltip after about a second.
        if event.type() == QEvent.Type.ToolTip:
            self.show_readout(event.globalPos(),
                              self.describe_at(event.pos().x(), event.pos().y()))
            event.accept()
            return True
        return super().event(event)
