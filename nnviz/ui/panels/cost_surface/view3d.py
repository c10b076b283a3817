"""The optional 3-D view of the cost surface (pyqtgraph.opengl), used only when OpenGL works.

:func:`opengl_status` says whether it can be used, and why not: PyOpenGL missing, or a
platform without OpenGL contexts (for example Qt's offscreen platform). Nothing here is
imported by the panel until the learner turns the view on.
"""
from __future__ import annotations

import numpy as np

_STATUS: tuple[bool, str] | None = None


def opengl_status() -> tuple[bool, str]:
    """``(available, reason)``, probed once: pyqtgraph.opengl imports and an OpenGL context
    can be created on this platform."""
    global _STATUS
    if _STATUS is not None:
        return _STATUS
    try:
        import OpenGL.GL  # noqa: F401  (PyOpenGL, needed by pyqtgraph.opengl)
        import pyqtgraph.opengl  # noqa: F401
    except Exception as exc:  # ImportError, or a broken GL library
        _STATUS = (False, "The 3-D view needs PyOpenGL (pip install 'nnviz[gl]'); "
                          f"it could not be loaded: {type(exc).__name__}.")
        return _STATUS
    from PySide6.QtGui import QGuiApplication, QOpenGLContext

    context = QOpenGLContext()
    if not context.create():
        platform = QGuiApplication.platformName()
        _STATUS = (False, f"OpenGL is not available on this display (Qt platform "
                          f"'{platform}'), so the 3-D view is off. The 2-D map shows the "
                          "same surface.")
        return _STATUS
    _STATUS = (True, "")
    return _STATUS


def make_view(parent=None):
    """A :class:`SurfaceView3D` (import deferred: it needs OpenGL)."""
    return _view_class()(parent)


def _view_class():
    import pyqtgraph as pg
    import pyqtgraph.opengl as gl

    class SurfaceView3D(gl.GLViewWidget):
        """The grid as a coloured mesh over a unit square, height = the 2-D map's values
        (J or log10 J) scaled to the square's size, and the path lifted onto it."""

        HEIGHT = 1.2

        def __init__(self, parent=None):
            super().__init__(parent)
            self.setCameraPosition(distance=4.2, elevation=32, azimuth=-55)
            self.surface = gl.GLSurfacePlotItem(smooth=False, computeNormals=False,
                                                glOptions="opaque")
            # Orange: visible on every viridis colour and on light or dark backgrounds.
            self.path = gl.GLLinePlotItem(width=3, antialias=True, color=(1.0, 0.55, 0.1, 1),
                                          glOptions="opaque")
            self.now = gl.GLScatterPlotItem(size=12, color=(1, 0.3, 0.3, 1), pxMode=True)
            for item in (self.surface, self.path, self.now):
                self.addItem(item)
            self._lut = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=True)
            self._grid = None

        def set_background(self, colour: str) -> None:
            self.setBackgroundColor(colour)

        def show_surface(self, xs, ys, values) -> None:
            values = np.asarray(values, dtype=np.float64)
            lo, hi = float(values.min()), float(values.max())
            unit = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
            colours = self._lut[(unit * 255).astype(int)] / 255.0
            u = np.linspace(-1.0, 1.0, len(xs))
            v = np.linspace(-1.0, 1.0, len(ys))
            # GLSurfacePlotItem wants z[i, j] at (x[i], y[j]); the grid is [row=y, col=x].
            # Vertex colours in the mesh's vertex order: x-major, flattened.
            self.surface.setData(x=u, y=v, z=self.HEIGHT * unit.T,
                                 colors=colours.transpose(1, 0, 2).reshape(-1, 4))
            self._grid = (np.asarray(xs, float), np.asarray(ys, float), unit)

        def show_path(self, path) -> None:
            path = np.asarray(path, dtype=np.float64).reshape(-1, 2)
            if self._grid is None or path.shape[0] == 0:
                self.path.setData(pos=np.zeros((0, 3)))
                self.now.setData(pos=np.zeros((0, 3)))
                return
            xs, ys, unit = self._grid
            u = np.interp(path[:, 0], xs, np.linspace(-1, 1, len(xs)), left=np.nan, right=np.nan)
            v = np.interp(path[:, 1], ys, np.linspace(-1, 1, len(ys)), left=np.nan, right=np.nan)
            inside = np.isfinite(u) & np.isfinite(v)
            col = np.clip(np.round((u + 1) / 2 * (len(xs) - 1)), 0, len(xs) - 1)
            row = np.clip(np.round((v + 1) / 2 * (len(ys) - 1)), 0, len(ys) - 1)
            z = np.full(u.shape, np.nan)
            z[inside] = self.HEIGHT * unit[row[inside].astype(int), col[inside].astype(int)] + 0.02
            pos = np.column_stack([u, v, z])[inside]
            self.path.setData(pos=pos)
            self.now.setData(pos=pos[-1:] if inside[-1] else np.zeros((0, 3)))

    return SurfaceView3D
