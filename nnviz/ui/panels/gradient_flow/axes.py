"""Axes and titles of the gradient-flow plots: decade-labelled log axes, whole-number
iteration axes, layer ticks, and titles that pick the wording that fits the plot's width."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QTextDocument

from ...plotting import make_plot

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_label(k: int, mantissa: float = 1.0) -> str:
    """mantissa·10^k as text: plain for 0.01 .. 500 (0.05, 1, 20), else 2·10⁻⁵, 10⁸ ..."""
    if -2 <= k <= 2:
        return f"{mantissa * 10.0 ** k:g}"
    power = "10" + str(k).translate(SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


class DecadeAxis(pg.AxisItem):
    """A log axis labelled only at powers of ten (10⁻⁵, 10⁻⁴, ...) once it spans more than
    a decade, instead of pyqtgraph's crowded mix of 2·10⁻⁸, 3·10⁻⁸, ... and 0.0001; 2 and 5
    (then 3 and 7) in between only when the axis is tall enough to keep them apart."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Room for "3·10⁻³" from the start: the automatic widening only comes a paint later,
        # and until then the axis label is drawn over the numbers.
        self.setStyle(tickTextWidth=46, autoExpandTextSpace=True)

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        lo, hi = sorted(self.range)
        span = hi - lo
        length = self.size().height() if self.orientation in ("left", "right") \
            else self.size().width()
        per_decade = length / span if span > 0 else float("inf")
        out = []
        for v in values:
            k = int(np.floor(v + 1e-9))
            mantissa = 10.0 ** (v - k)
            m = round(mantissa)
            if abs(mantissa - 1) < 1e-6:
                out.append(decade_label(k))
            elif abs(mantissa - m) < 1e-6 and (m in (2, 5) and span < 3 and per_decade >= 70
                                                or m in (3, 7) and span < 1.2
                                                and per_decade >= 140):
                out.append(decade_label(k, m))
            else:
                out.append("")
        return out


class LayerAxis(pg.AxisItem):
    """A horizontal axis of layer numbers whose first and last number are always drawn:
    they may reach a little past the axis' ends (pyqtgraph drops a tick label that leaves
    the axis' bounding rect, so "20" under the last of 20 narrow columns went missing)."""

    OVERHANG = 24  # px

    def boundingRect(self):  # noqa: N802 (Qt API)
        return super().boundingRect().adjusted(-self.OVERHANG, 0, self.OVERHANG, 0)


class IterationAxis(pg.AxisItem):
    """An iteration axis: whole numbers only (never 0.5 iterations, even over a short run)."""

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        levels = super().tickSpacing(minVal, maxVal, size)
        whole = [(spacing, offset) for spacing, offset in levels if spacing >= 1]
        return whole or [(1.0, 0.0)]


def log_plot(title: str, x_label: str, bottom: pg.AxisItem | None = None) -> pg.PlotWidget:
    """A plot with a decade-labelled left axis; over layers unless ``bottom`` says else."""
    axes = {"left": DecadeAxis("left"), "bottom": bottom or LayerAxis("bottom")}
    widget = make_plot(title, x_label, "", axisItems=axes)
    widget.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
    return widget


def title_width(item: pg.PlotItem, html: str) -> float:
    """Width in pixels of ``html`` drawn as ``item``'s title."""
    doc = QTextDocument()
    doc.setDefaultFont(item.titleLabel.item.font())
    size = item.titleLabel.opts.get("size") or "11pt"
    doc.setHtml(f"<span style='font-size:{size}'>{html}</span>")
    return doc.idealWidth()


class FittedTitle:
    """A plot title given as variants, longest first: it shows the first that fits the plot
    widget's width, and chooses again whenever the widget is resized (no title is clipped).
    (The widget's, not the plot item's: a long title widens the item past the widget.)"""

    MARGIN = 16  # the text item's own margins and the layout's spacing

    def __init__(self, widget: pg.PlotWidget):
        self.widget = widget
        self.item = widget.getPlotItem()
        self.variants: tuple[str, ...] = ()
        self.colour = "#202020"
        widget.sigDeviceRangeChanged.connect(lambda *_: self.fit())

    def set(self, variants, colour: str) -> None:
        variants = tuple(variants)
        if (variants, colour) != (self.variants, self.colour):
            self.variants, self.colour = variants, colour
            self.fit()

    def fit(self) -> None:
        if not self.variants:
            return
        # The title sits above the view box only: the axes and colour bar take the rest.
        beside = self.item.width() - self.item.vb.width()
        room = self.widget.width() - beside - self.MARGIN
        chosen = self.variants[-1]
        for text in self.variants:
            if room <= 0 or title_width(self.item, text) <= room:
                chosen = text
                break
        set_title(self.item, chosen, self.colour)
        if self.item.width() > self.widget.width() + 0.5:
            # The longer title had widened the plot past the widget: fit it back in.
            self.item.setGeometry(QRectF(self.widget.range))

    @property
    def text(self) -> str:
        return getattr(self.item, "_nnviz_title", ("", ""))[0]


def layer_ticks(L: int) -> list[tuple[float, str]]:
    """Layer numbers for the x axis: every layer when few, else 1 and multiples of 2 or 5
    (the last layer too when it is not crowded)."""
    step = 1 if L <= 8 else 2 if L <= 12 else 5
    ticks = [1] + [t for t in range(step, L + 1, step) if t - 1 > step / 2]
    if L - ticks[-1] > step / 2:
        ticks.append(L)
    return [(float(t), str(t)) for t in ticks]


def set_title(item: pg.PlotItem, text: str, colour: str) -> None:
    """setTitle only when it changes (re-laying out a title costs more than the plot)."""
    if getattr(item, "_nnviz_title", None) != (text, colour):
        item._nnviz_title = (text, colour)
        item.setTitle(text, color=colour)


def set_label(item: pg.PlotItem, axis: str, text: str, colour: str) -> None:
    key = f"_nnviz_label_{axis}"
    if getattr(item, key, None) != (text, colour):
        setattr(item, key, (text, colour))
        item.setLabel(axis, text, color=colour)
