"""Neuron pictures: a unit's activation A[l]_j (or an input feature, layer 0) over the input
plane as a small image.

The arrays come computed in the snapshot (``BoundaryGrid.units`` and ``.inputs``); here they
only get colours, with the decision boundary's conventions: a diverging map around 0 (tanh,
linear, the inputs), the same map over 0..1 (sigmoid, softmax) and the sequential map over
0..max (ReLU). Thumbnails are sampled from the grid at their size in pixels (a few points
averaged per pixel) and drawn 1:1:
they are redrawn for every frame, so they cost what their pixels need and no more.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from PySide6.QtGui import QImage

from ..plotting import softened_lookup_table
from ..theme import PlotColors

PICTURE_STRENGTH = 0.85  # thumbnails are small: stronger colours than the boundary's image
SUPERSAMPLE = 3          # grid points averaged per thumbnail pixel, each way (at most)


def picture_lut(scale: str, c: PlotColors, strength: float = PICTURE_STRENGTH) -> np.ndarray:
    """``(256, 3)`` uint8 colours for a ``UnitPictures.scale``."""
    name = c.sequential_map if scale == "positive" else c.diverging_map
    return _lut(name, c.background, strength)


@lru_cache(maxsize=16)
def _lut(name: str, background: str, strength: float) -> np.ndarray:
    lut = softened_lookup_table(name, background, strength)
    lut.setflags(write=False)  # shared between calls
    return lut


def picture_indices(values: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """Values -> lookup-table indices 0..255 (clipped to ``levels``)."""
    lo, hi = levels
    span = hi - lo if hi > lo else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = np.clip((values - lo) / span * 255.0, 0, 255)
    return np.nan_to_num(scaled, nan=127.0).astype(np.uint8)


def picture_image(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> QImage:
    """A QImage of ``values`` (row ``i`` = ``ys[i]``, so flipped: y grows upwards)."""
    return _qimage(lut[picture_indices(values, levels)])


def _qimage(rgb: np.ndarray) -> QImage:
    """A QImage of ``(ny, nx, 3)`` colours whose row 0 is the bottom of the picture."""
    rgb = np.ascontiguousarray(rgb[::-1, :, :3], dtype=np.uint8)
    ny, nx = rgb.shape[:2]
    return QImage(rgb.data, nx, ny, 3 * nx, QImage.Format.Format_RGB888).copy()


def sample_indices(n: int, pixels: int) -> np.ndarray:
    """Which of ``n`` grid points to show in a ``pixels``-wide thumbnail (nearest point
    for each pixel's centre), so the thumbnail is drawn 1:1, without scaling."""
    pixels = max(int(pixels), 1)
    return np.minimum(((np.arange(pixels) + 0.5) * n / pixels).astype(np.intp), n - 1)


def unit_images(grid, c: PlotColors, shown: set | None = None,
                pixels: int = 0) -> dict[tuple[int, int], QImage]:
    """``{(layer, unit): QImage}`` for every pictured unit of ``grid``, layer 0 being the
    input features (only those in ``shown`` when given), ``pixels`` square when given (else
    the grid's own size). One colour look-up per layer: a frame redraws them all."""
    images = {}
    if grid is None:
        return images
    # Sampled at up to 3 points a pixel and averaged: edges stay smooth, not stair-stepped.
    f = max(1, min(SUPERSAMPLE, min(grid.xs.size, grid.ys.size) // pixels)) if pixels else 1
    rows = sample_indices(grid.ys.size, pixels * f) if pixels else slice(None)
    cols = sample_indices(grid.xs.size, pixels * f) if pixels else slice(None)
    layers = [((0, j), p) for j, p in enumerate(grid.inputs)]
    layers += [((p.layer, None), p) for p in grid.units]
    for (layer, unit), pictures in layers:
        keys = [(layer, unit)] if unit is not None else \
            [(layer, k) for k in range(pictures.values.shape[0])]
        picked = [k for k, key in enumerate(keys) if shown is None or key in shown]
        if not picked:
            continue
        values = pictures.values[picked][:, rows][:, :, cols]
        if f > 1:  # the mean of each f x f block, as f² strided adds (cheaper than .mean)
            values = sum(values[:, i::f, j::f] for i in range(f) for j in range(f)) / (f * f)
        rgb = picture_lut(pictures.scale, c)[picture_indices(values, pictures.levels)]
        for n, k in enumerate(picked):
            images[keys[k]] = _qimage(rgb[n])
    return images
