"""Render the application icon's PNG sizes from its SVG source (run after editing the SVG).

    .venv/bin/python resources/render_icons.py

Reads nnviz/resources/icons/nnviz.svg and writes nnviz-<size>.png beside it for every size
in ICON_SIZES (the freedesktop hicolor sizes the desktop entry installs). Needs PySide6's
QtSvg, which the app already depends on; runs without a display.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnviz.desktop import ICON_SIZES  # noqa: E402  (after the path set-up)


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # painting needs one
    folder = ROOT / "nnviz" / "resources" / "icons"
    renderer = QSvgRenderer(str(folder / "nnviz.svg"))
    if not renderer.isValid():
        print(f"cannot read {folder / 'nnviz.svg'}", file=sys.stderr)
        return 1
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = folder / f"nnviz-{size}.png"
        if not image.save(str(out)):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
        print(f"wrote {out.relative_to(ROOT)}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
