"""Neuron pictures: a unit's activation A[l]_j over the input plane as a small image.

The arrays come computed in the snapshot (``BoundaryGrid.units``); here they only get
colours, with the decision boundary's conventions: a diverging map around 0 (tanh, linear),
the same map over 0..1 (sigmoid, softmax) and the sequential map over 0..max (ReLU).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from ..plotting import softened_lookup_table
from ..theme import PlotColors

PICTURE_STRENGTH = 0.85  # thumbnails are small: stronger colours than the boundary's image


def picture_lut(scale: str, c: PlotColors, strength: float = PICTURE_STRENGTH) -> np.ndarray:
    """``(256, 3)`` uint8 colours for a ``UnitPictures.scale``."""
    name = c.sequential_map if scale == "positive" else c.diverging_map
    return softened_lookup_table(name, c.background, strength)


def picture_indices(values: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """Values -> lookup-table indices 0..255 (clipped to ``levels``)."""
    lo, hi = levels
    span = hi - lo if hi > lo else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.clip((values - lo) / span * 255.0, 0, 255)
    return np.nan_to_num(scaled, nan=127.0).astype(np.uint8)


def picture_image(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> QImage:
    """A QImage of ``values`` (row ``i`` = ``ys[i]``, so flipped: y grows upwards)."""
    rgb = np.ascontiguousarray(lut[picture_indices(values, levels)][::-1, :, :3],
                               dtype=np.uint8)
    ny, nx = values.shape
    return QImage(rgb.data, nx, ny, 3 * nx, QImage.Format.Format_RGB888).copy()


def unit_images(grid, c: PlotColors, shown: set | None = None) -> dict[tuple[int, int], QImage]:
    """``{(layer, unit): QImage}`` for every pictured unit of ``grid`` (only those in
    ``shown`` when given)."""
    images = {}
    if grid is None:
        return images
    for pictures in grid.units:
        lut = picture_lut(pictures.scale, c)
        for j in range(pictures.values.shape[0]):
            key = (pictures.layer, j)
            if shown is None or key in shown:
                images[key] = picture_image(pictures.values[j], pictures.levels, lut)
    return images
