"""The decision-boundary plot with what a learner does on it (a :class:`BoundaryView`).

- **Neuron pictures, large**: ``show_unit((l, j))`` draws unit ``j`` of layer ``l``'s
  activation ``A[l]_j`` over the plane instead of the output (the network diagram asks for it
  on hover/click, through the controller's ``unit_focus``); ``(0, j)`` is input feature
  ``j`` as the network sees it; ``show_unit(None)`` goes back.
- **Output toggles**: ``set_discrete(True)`` shows the class regions only (P > 0.5, or the
  winning class, at full strength); ``set_show_test(False)`` hides the test points.
- **Data you draw** (``set_editable(True)``): a left click asks for a point at that place
  (``point_requested(x1, x2, shift)``), a right click for removing the nearest one
  (``remove_requested(x1, x2)``). The plot only reports where; the worker edits the data.
"""
from __future__ import annotations

import numpy as np

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter

from .outcome_views import IMAGE_STRENGTH, BoundaryView
from .unit_pictures import picture_lut

FOCUS_STRENGTH = 0.7  # the enlarged picture, blended with the background like the boundary


def _rgb(color: str) -> np.ndarray:
    q = QColor(color)
    return np.array([q.red(), q.green(), q.blue()], dtype=np.float64)


class BoundaryPlot(BoundaryView):
    point_requested = Signal(float, float, bool)   # raw (x1, x2), Shift held
    remove_requested = Signal(float, float)        # raw (x1, x2): remove the nearest point
    example_requested = Signal(float, float)       # raw (x1, x2), Ctrl+click: pick an example

    def __init__(self, parent=None):
        self._unit = None  # (layer, 0-based unit) shown instead of the output, or None
        self._discrete = False
        self._editable = False
        super().__init__(parent)
        # The grid is drawn bilinearly interpolated: a 160-point grid over a 700-pixel plot
        # shows no stair steps (P(y=1|x) is smooth; the 0.5 line is drawn as segments).
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.scene().sigMouseClicked.connect(self._clicked)

    # -- data you draw -----------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self._editable

    def set_editable(self, on: bool) -> None:
        """Clicks add and remove points (two-input classification data only). The right
        button then removes instead of opening the plot's menu."""
        self._editable = bool(on)
        self.getPlotItem().setMenuEnabled(not on)
        self.getPlotItem().vb.setMenuEnabled(not on)

    def click_at(self, x1: float, x2: float, button, shift: bool = False) -> None:
        """A click at raw ``(x1, x2)`` (what a mouse click on the plot does)."""
        if not self._editable:
            return
        if button == Qt.MouseButton.LeftButton:
            self.point_requested.emit(float(x1), float(x2), bool(shift))
        elif button == Qt.MouseButton.RightButton:
            self.remove_requested.emit(float(x1), float(x2))

    def _clicked(self, event) -> None:
        vb = self.getPlotItem().vb
        if event.double() or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        if (event.button() == Qt.MouseButton.LeftButton
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.example_requested.emit(float(p.x()), float(p.y()))  # for the Backprop panel
            event.accept()
            return
        if not self._editable:
            return
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.click_at(p.x(), p.y(), event.button(), shift)
        event.accept()

    # -- output toggles ----------------------------------------------------------------
    @property
    def discrete(self) -> bool:
        return self._discrete

    def set_discrete(self, on: bool) -> None:
        """Class regions only: no shades of confidence (classification)."""
        self._discrete = bool(on)
        if self._grid is not None:
            self._set_image(self._grid)

    def set_show_test(self, on: bool) -> None:
        self.test_points.setVisible(bool(on))

    @property
    def shows_test(self) -> bool:
        return self.test_points.isVisible()

    def _set_discrete_image(self, grid) -> None:
        c = self._colors
        bg = _rgb(c.background)
        if grid.kind == "binary":
            classes = (grid.values > 0.5).astype(np.intp)
        else:
            classes = grid.classes.astype(np.intp)
        palette = np.array([_rgb(c.classes[k % len(c.classes)])
                            for k in range(int(classes.max()) + 1 if classes.size else 1)])
        rgb = IMAGE_STRENGTH * palette[classes] + (1 - IMAGE_STRENGTH) * bg
        self.image.setLookupTable(None)
        self.image.setImage(rgb.clip(0, 255).astype(np.uint8), autoLevels=False,
                            levels=(0, 255))

    # -- neuron pictures ---------------------------------------------------------------
    @property
    def shown_unit(self):
        """The unit whose picture is shown, or None (the network's output)."""
        return self._unit

    def show_unit(self, unit) -> None:
        unit = None if unit is None else (int(unit[0]), int(unit[1]))
        if unit == self._unit:
            return
        self._unit = unit
        if self._data is not None:
            self._set_title(self._data)
        if self._grid is not None:
            self._set_image(self._grid)

    def _focused_picture(self, grid):
        if self._unit is None or grid is None:
            return None
        return grid.unit_picture(*self._unit)

    def _set_image(self, grid) -> None:
        super()._set_image(grid)  # the output, its rectangle and the 0.5 contour
        focus = self._focused_picture(grid)
        if focus is None and self._discrete and grid.kind in ("binary", "multiclass"):
            self._set_discrete_image(grid)
        elif focus is not None:
            values, pictures = focus
            self.image.setLookupTable(picture_lut(pictures.scale, self._colors, FOCUS_STRENGTH))
            self.image.setImage(values, autoLevels=False, levels=pictures.levels)

    def _set_title(self, data) -> None:
        focus = self._focused_picture(self._grid)
        if self._unit is None or (self._grid is not None and focus is None):
            super()._set_title(data)
            return
        l, j = self._unit
        c = self._colors
        act = focus[1].activation if focus is not None else ""
        lo, hi = focus[1].levels if focus is not None else (0.0, 1.0)
        # Short: a long title widens the plot's layout and squeezes the picture.
        if l == 0:
            names = data.feature_names
            name = names[j] if j < len(names) else f"x{j + 1}"
            what = f"input {j + 1}, {name}{' (normalized)' if data.normalized else ''}"
        else:
            what = f"unit {j + 1} of layer {l} ({act})"
        self.getPlotItem().setTitle(
            f"A[{l}]<sub>{j + 1}</sub>, {what}: {lo:.3g} … {hi:.3g}",
            color=c.foreground, size="10pt")

    def update_from(self, snapshot) -> None:
        had_picture = self._focused_picture(self._grid) is not None
        new_data = snapshot.data is not self._data
        super().update_from(snapshot)
        if new_data and snapshot.config.data.features:
            # The plane is the raw inputs' even when the network sees features of them.
            item, fg = self.getPlotItem(), self._colors.foreground
            item.setLabel("bottom", "x1", color=fg)
            item.setLabel("left", "x2", color=fg)
        if self._unit is not None and self._data is not None and \
                (self._focused_picture(self._grid) is not None) != had_picture:
            self._set_title(self._data)

    def _mouse_moved(self, pos) -> None:
        super()._mouse_moved(pos)
        focus = self._focused_picture(self._grid)
        if focus is None or not self.readout.isVisible():
            return
        grid, (values, _) = self._grid, focus
        p = self.getPlotItem().vb.mapSceneToView(pos)
        j = int(np.clip(np.searchsorted(grid.xs, p.x()), 0, grid.xs.size - 1))
        i = int(np.clip(np.searchsorted(grid.ys, p.y()), 0, grid.ys.size - 1))
        l, k = self._unit
        self.readout.setText(f"({p.x():.3g}, {p.y():.3g})  A[{l}]_{k + 1} = {values[i, j]:.3f}")
