"""Light and dark appearance: the Qt palette and the colours plots use.

"system" follows the desktop's colour scheme (Qt's style hints) and switches when it
changes; "light" and "dark" force one. Panels read colours from :func:`colors` and restyle
themselves in ``Panel.on_theme``.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

MODES = ("system", "light", "dark")


@dataclass(frozen=True)
class PlotColors:
    dark: bool
    background: str
    foreground: str
    grid_alpha: float
    train: str
    test: str
    classes: tuple[str, ...]        # point colours for classes 0, 1, 2, ...
    point_edge: str
    positive: str                   # weights > 0
    negative: str                   # weights < 0
    neutral: str
    good: str
    warn: str
    bad: str
    diverging_map: str              # pyqtgraph colormap name for probabilities (0..1)
    sequential_map: str


LIGHT = PlotColors(
    dark=False, background="#ffffff", foreground="#202020", grid_alpha=0.25,
    train="#1f5fbf", test="#e06c00",
    classes=("#2166ac", "#b2182b", "#1b9e77", "#7570b3", "#d95f02", "#e7298a", "#66a61e",
             "#a6761d", "#666666", "#e6ab02"),
    point_edge="#ffffff", positive="#d6604d", negative="#4393c3", neutral="#9a9a9a",
    good="#1a7f37", warn="#b35900", bad="#c62828",
    diverging_map="CET-D1", sequential_map="viridis",
)

DARK = PlotColors(
    dark=True, background="#1e1f22", foreground="#e0e0e0", grid_alpha=0.3,
    train="#5aa2ff", test="#ffa24a",
    classes=("#6baed6", "#f4766a", "#4fd1a5", "#b3a7f0", "#ffae5c", "#f58ac0", "#9fd66a",
             "#d9b36c", "#bdbdbd", "#ffd94d"),
    point_edge="#111111", positive="#f4a582", negative="#92c5de", neutral="#8a8a8a",
    good="#5fd38d", warn="#ffb454", bad="#ff6b6b",
    diverging_map="CET-D1", sequential_map="viridis",
)


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#e0e0e0")
    disabled = QColor("#7a7a7a")
    p.setColor(QPalette.Window, window)
    p.setColor(QPalette.WindowText, text)
    p.setColor(QPalette.Base, base)
    p.setColor(QPalette.AlternateBase, QColor("#26282b"))
    p.setColor(QPalette.ToolTipBase, QColor("#3c3f41"))
    p.setColor(QPalette.ToolTipText, text)
    p.setColor(QPalette.PlaceholderText, disabled)
    p.setColor(QPalette.Text, text)
    p.setColor(QPalette.Button, QColor("#3a3d41"))
    p.setColor(QPalette.ButtonText, text)
    p.setColor(QPalette.BrightText, QColor("#ff6b6b"))
    p.setColor(QPalette.Light, QColor("#4a4d52"))
    p.setColor(QPalette.Midlight, QColor("#404347"))
    p.setColor(QPalette.Mid, QColor("#35373a"))
    p.setColor(QPalette.Dark, QColor("#1a1b1d"))
    p.setColor(QPalette.Shadow, QColor("#000000"))
    p.setColor(QPalette.Highlight, QColor("#3d7ad6"))
    p.setColor(QPalette.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.Link, QColor("#6cb4ff"))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, disabled)
    return p


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    # Unknown: judge by the platform palette's window colour.
    return QGuiApplication.palette().color(QPalette.Window).lightness() < 128


class Appearance(QObject):
    """The app-wide appearance; ``changed`` fires with the new :class:`PlotColors`."""

    changed = Signal(object)

    def __init__(self, app: QApplication, mode: str = "system"):
        super().__init__(app)
        self._app = app
        self._default_palette = QPalette(app.palette())
        self.mode = "system"
        self.colors = LIGHT
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._system_changed)
        self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            mode = "system"
        self.mode = mode
        dark = system_prefers_dark() if mode == "system" else mode == "dark"
        if mode == "system" and not dark:
            palette = self._default_palette
        elif dark:
            palette = _dark_palette()
        else:
            palette = self._app.style().standardPalette()
        self._app.setPalette(palette)
        self.colors = DARK if dark else LIGHT
        self.changed.emit(self.colors)

    def _system_changed(self, *_):
        if self.mode == "system":
            self.set_mode("system")


def colors() -> PlotColors:
    """The current plot colours (light ones before an :class:`Appearance` exists)."""
    app = QApplication.instance()
    appearance = app.findChild(Appearance) if app is not None else None
    return appearance.colors if appearance is not None else LIGHT
