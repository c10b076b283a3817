"""File > Export figures: every plot of the visible panels as PNG (and SVG for plots)."""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers the exporters)
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QWidget


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "figure"


def _atomic_export(path: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes 0600 files; a figure gets the usual mode (an existing file keeps its own)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def export_figure(item, path: Path) -> None:
    """Save one figure: a pyqtgraph PlotItem/PlotWidget/GraphicsLayout or a QWidget."""
    path = Path(path)
    if isinstance(item, pg.PlotWidget):
        item = item.getPlotItem()
    if isinstance(item, QWidget):
        if path.suffix.lower() != ".png":
            raise ValueError(f"{path.name}: widgets export as PNG only")
        _atomic_export(path, lambda tmp: _check(item.grab().save(tmp, "PNG"), path))
        return
    if path.suffix.lower() == ".svg":
        # pyqtgraph 0.14's SVGExporter fails on Qt 6 for every plot here ("not enough values
        # to unpack": it cannot parse the closed paths Qt writes), so Qt renders the item's
        # part of the scene as vector SVG itself.
        with _uncached(item.scene()):
            _atomic_export(path, lambda tmp: _render_svg(item, tmp))
        return
    exporter = pg.exporters.ImageExporter(item)
    width = int(item.sceneBoundingRect().width())
    exporter.parameters()["width"] = max(2 * width, 800)  # crisp at twice screen size
    with _uncached(item.scene()):
        _atomic_export(path, exporter.export)


@contextlib.contextmanager
def _uncached(scene):
    """Items drawn afresh, not from their screen caches (the axes keep a pixmap while their
    range holds): an SVG gets vector ticks and text, a 2x PNG sharp ones."""
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _mode in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def _render_svg(item, filename: str) -> None:
    source = item.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(filename)
    generator.setSize(source.size().toSize())
    generator.setViewBox(target)
    # pyqtgraph's axes replay cached QPictures, which Qt scales by the ratio of the picture's
    # resolution (the screen's) to the device's: at QSvgGenerator's default 72 dpi the axes,
    # ticks and grid would come out at 3/4 size, off the data.
    generator.setResolution(QPicture().logicalDpiX())
    generator.setTitle("nnviz figure")
    generator.setDescription("Exported from nnviz")
    scene = item.scene()
    views = scene.views()
    background = views[0].backgroundBrush() if views else scene.backgroundBrush()
    painter = QPainter(generator)
    # Export mode: scatter symbols are drawn as vector paths, not as fragments of a pixmap
    # atlas (which a QSvgGenerator stores as one clipped image per point, misplaced).
    exporter = pg.exporters.Exporter(item)
    exporter.setExportMode(True, {"antialias": True, "painter": painter})
    try:
        if background.style() != Qt.BrushStyle.NoBrush:  # the plot's own background colour
            painter.fillRect(target, background)
        scene.render(painter, target, source)
    finally:
        exporter.setExportMode(False)
        painter.end()


def _check(ok: bool, path: Path) -> None:
    if not ok:
        raise OSError(f"could not write {path}")


def export_figures(figures: dict[str, object], folder: Path, svg: bool = True) -> list[Path]:
    """Export ``{name: item}`` into ``folder``; returns the files written."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OSError(f"{folder} is not a folder")
    written = []
    for name, item in figures.items():
        base = folder / _safe(name)
        export_figure(item, base.with_suffix(".png"))
        written.append(base.with_suffix(".png"))
        is_plot = isinstance(item, pg.PlotWidget) or not isinstance(item, QWidget)
        if svg and is_plot:
            export_figure(item, base.with_suffix(".svg"))
            written.append(base.with_suffix(".svg"))
    return written
