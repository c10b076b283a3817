"""Light and dark appearance, colour palettes and text size: the Qt palette, the
application font and the colours plots use.

"system" follows the desktop's colour scheme (Qt's style hints) and switches when it
changes; "light" and "dark" force one. A palette ("default", "colour_blind",
"high_contrast") recolours classes, signs of weights, train/test curves and diverging maps;
``scale`` (presentation mode) enlarges the application font and, through
:mod:`nnviz.ui.plotting`, every plot's text and lines. Panels read colours from
:func:`colors` and restyle themselves in ``Panel.on_theme``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

MODES = ("system", "light", "dark")
PALETTES = ("default", "colour_blind", "high_contrast")
PALETTE_TITLES = {"default": "Default (blue / red)",
                  "colour_blind": "Colour-blind safe (blue / orange)",
                  "high_contrast": "High contrast"}


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
    palette: str = "default"        # one of PALETTES
    scale: float = 1.0              # text and line size (presentation mode: 1.5)


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


# Okabe & Ito's colours, distinguishable with every common colour-vision deficiency.
OKABE_ITO = {"black": "#000000", "orange": "#e69f00", "sky_blue": "#56b4e9",
             "green": "#009e73", "yellow": "#f0e442", "blue": "#0072b2",
             "vermillion": "#d55e00", "purple": "#cc79a7"}
_O = OKABE_ITO

# What each palette changes in LIGHT / DARK. The binary boundary map runs from class 0's
# colour (P = 0) to class 1's (P = 1); CET-CBD1 (blue-white-yellow) is Kovesi's diverging map
# for protanopes and deuteranopes, CET-D7 (dark blue-grey-yellow) rises in lightness
# throughout, so it reads even in grey.
_PALETTE_CHANGES = {
    ("colour_blind", False): dict(
        train=_O["blue"], test=_O["vermillion"],
        classes=(_O["blue"], _O["orange"], _O["green"], _O["purple"], _O["sky_blue"],
                 _O["vermillion"], _O["yellow"], _O["black"], "#999999", "#7f5200"),
        positive=_O["orange"], negative=_O["blue"],
        good=_O["green"], warn=_O["orange"], bad=_O["vermillion"], diverging_map="CET-CBD1"),
    ("colour_blind", True): dict(
        train=_O["sky_blue"], test=_O["orange"],
        classes=(_O["sky_blue"], _O["orange"], "#2bc79a", _O["purple"], _O["yellow"],
                 _O["vermillion"], "#4f9fd9", "#ffffff", "#aaaaaa", "#d9b36c"),
        positive=_O["orange"], negative=_O["sky_blue"],
        good="#2bc79a", warn=_O["orange"], bad="#ff7a33", diverging_map="CET-CBD1"),
    ("high_contrast", False): dict(
        background="#ffffff", foreground="#000000", grid_alpha=0.45,
        train="#0033a0", test="#c24a00",
        classes=("#0033a0", "#ffb000", "#007a4d", "#8a2be2", "#000000", "#c24a00", "#00a3e0",
                 "#7a5c00", "#555555", "#e6007e"),
        point_edge="#000000", positive="#c24a00", negative="#0033a0", neutral="#555555",
        good="#006b30", warn="#a04800", bad="#b00000", diverging_map="CET-D7"),
    ("high_contrast", True): dict(
        background="#000000", foreground="#ffffff", grid_alpha=0.5,
        train="#66b2ff", test="#ffb000",
        classes=("#66b2ff", "#ffd000", "#33e0a0", "#d9a0ff", "#ffffff", "#ff7a33", "#00e5ff",
                 "#c8a040", "#aaaaaa", "#ff66c4"),
        point_edge="#000000", positive="#ffb000", negative="#66b2ff", neutral="#b0b0b0",
        good="#33e07a", warn="#ffb000", bad="#ff5c5c", diverging_map="CET-D7"),
}


def plot_colors(dark: bool, palette: str = "default", scale: float = 1.0) -> PlotColors:
    """The plot colours for a light or dark window, a palette and a text/line scale
    (the default palette at scale 1 is LIGHT or DARK itself)."""
    base = DARK if dark else LIGHT
    if palette not in PALETTES:
        palette = "default"
    if palette == "default" and scale == 1.0:
        return base
    changes = _PALETTE_CHANGES.get((palette, dark), {})
    return dataclasses.replace(base, palette=palette, scale=float(scale), **changes)


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


MIN_SCALE, MAX_SCALE = 0.75, 3.0


class Appearance(QObject):
    """The app-wide appearance; ``changed`` fires with the new :class:`PlotColors`."""

    changed = Signal(object)

    def __init__(self, app: QApplication, mode: str = "system", palette: str = "default"):
        super().__init__(app)
        self._app = app
        self._default_palette = QPalette(app.palette())
        self.base_font = QFont(app.font())  # the font at scale 1
        self.mode = "system"
        self.palette_name = palette if palette in PALETTES else "default"
        self.scale = 1.0
        self._dark = False
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
        self._dark = dark
        self._publish()

    def set_palette(self, name: str) -> None:
        """Recolour with palette ``name`` (one of PALETTES; anything else: the default)."""
        self.palette_name = name if name in PALETTES else "default"
        self._publish()

    def set_scale(self, factor: float) -> None:
        """Text and lines ``factor`` times their size (1: normal): the application font now,
        plots through ``colors.scale`` (see :func:`nnviz.ui.plotting.scale_plots`)."""
        factor = round(min(max(float(factor), MIN_SCALE), MAX_SCALE), 2)
        if factor == self.scale:
            return
        self.scale = factor
        self._app.setFont(scaled_font(self.base_font, factor))
        # Widgets get the new font from posted events: deliver them now, so panels that
        # measure text while restyling measure it at the new size.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)
        self._publish()

    def _publish(self) -> None:
        self.colors = plot_colors(self._dark, self.palette_name, self.scale)
        self.changed.emit(self.colors)

    def _system_changed(self, *_):
        if self.mode == "system":
            self.set_mode("system")


def scaled_font(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        scaled.setPixelSize(max(1, round(font.pixelSize() * factor)))
    return scaled


def appearance() -> Appearance | None:
    app = QApplication.instance()
    return app.findChild(Appearance) if app is not None else None


def colors() -> PlotColors:
    """The current plot colours (light ones before an :class:`Appearance` exists)."""
    current = appearance()
    return current.colors if current is not None else LIGHT


def base_font() -> QFont:
    """The application font at scale 1 (the font itself when no appearance scales it)."""
    current = appearance()
    return QFont(current.base_font) if current is not None else QFont(QApplication.font())
