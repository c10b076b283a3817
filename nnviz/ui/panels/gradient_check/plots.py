"""The inspector's plots. Every item is created once and updated with setData/setImage/setOpts.

- :class:`TensorBars`: per tensor, the course's difference (bar) and the worst element's
  relative error (diamond) on a log axis, coloured by the course's thresholds.
- :class:`ComparisonScatter`: analytic against numerical, one dot per checked element, y = x.
- :class:`EpsilonPlot`: error of one- and two-sided differences against eps, log-log.
(The heat maps of each ``[W[l] | b[l]]`` are in gradient_check_heatmaps.)
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.engine.gradient_check import BUG_THRESHOLD, GOOD_THRESHOLD, LOOK_THRESHOLD

from ...plotting import make_plot, style_plot
from ...theme import LIGHT, PlotColors
from ...widgets.name_axis import NameAxis

LOG_FLOOR = -16.0  # log10 of what a bar of "0" (all round-off) is drawn down to
MAX_SCATTER = 5_000  # dots in the comparison scatter (the worst are always kept)
CLASS_NAMES = {0: "good", 1: "fine", 2: "look", 3: "bug"}  # element_classes' numbers
CLASS_ORDER = (-1, 0, 1, 2, 3)  # -1: not checked
# Named beside the plot: short, so the bars keep their room ("look" = look closer).
THRESHOLD_LINES = ((GOOD_THRESHOLD, "good"), (LOOK_THRESHOLD, "look"), (BUG_THRESHOLD, "bug"))


def status_colour(status: str, c: PlotColors) -> str:
    return {"pass": c.good, "look closer": c.warn, "bug": c.bad}.get(status, c.neutral)


def class_colours(c: PlotColors) -> dict[str, str]:
    """Colours of the per-element classes of gradient_check_model.error_class."""
    fine = QColor(c.good).lighter(150 if not c.dark else 70).name()
    return {"good": c.good, "fine": fine, "look": c.warn, "bug": c.bad}


def element_classes(rel: np.ndarray, within_noise: np.ndarray) -> np.ndarray:
    """0 good, 1 fine (1e-7..1e-5), 2 look closer, 3 bug; NaN (unchecked) -> -1."""
    out = np.full(rel.shape, -1, dtype=np.int8)
    ok = np.isfinite(rel)
    r = np.where(ok, rel, 0.0)
    out[ok] = 0
    out[ok & (r > GOOD_THRESHOLD)] = 1
    out[ok & (r > LOOK_THRESHOLD)] = 2
    out[ok & (r >= BUG_THRESHOLD)] = 3
    out[ok & within_noise] = 0
    return out


class DecadeAxis(pg.AxisItem):
    """An axis over log10 values that labels ticks as powers of ten (``1e-7``)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        return [f"1e{int(round(v))}" if abs(v - round(v)) < 1e-6 else "" for v in values]


class MarkAxis(pg.AxisItem):
    """Named marks beside the plot: the thresholds, the check's ε, the planted bug's error.
    On an axis, outside the data, they never cover a bar or a curve (as labels on the lines
    did); each name in its line's colour."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.marks: list[tuple[float, str, str]] = []
        self.setStyle(tickLength=6, tickTextOffset=3)
        if orientation in ("top", "bottom"):
            # pyqtgraph sizes the row to 80% of the text's height: room for the rest.
            self.setStyle(autoExpandTextSpace=False, tickTextHeight=18)

    def set_marks(self, marks) -> None:
        """``marks``: ``(position, name, colour)``, position in the view's coordinates."""
        self.marks = [(float(pos), text, colour) for pos, text, colour in marks]
        self.setTicks([[(pos, text) for pos, text, _ in self.marks], []])

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs):  # noqa: N802 (pyqtgraph)
        super().drawPicture(p, axisSpec, tickSpecs, [])
        colours = {text: colour for _, text, colour in self.marks}
        for rect, flags, text in textSpecs:
            p.setPen(pg.mkPen(colours.get(text, self.textPen().color())))
            p.drawText(rect, int(flags), text)


def _log10(values) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log10(v)
    return np.where(np.isfinite(out), np.maximum(out, LOG_FLOOR), LOG_FLOOR)


class TensorBars(QWidget):
    """Which tensor is wrong: one bar per tensor (its difference), worst element as a dot."""

    tensor_clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.marks = MarkAxis("right")
        self.plot = make_plot("", "", "relative error",
                              axisItems={"left": DecadeAxis("left"), "right": self.marks,
                                         "bottom": NameAxis("bottom", gap=3, rows=3)})
        self.plot.getPlotItem().showAxis("right")
        small = QFont()
        small.setPointSizeF(8)  # six or more tensor names under a narrow plot
        self.plot.getPlotItem().getAxis("bottom").setStyle(tickFont=small)
        # Short: a title wider than the bars would push the named thresholds out of view.
        self.plot.getPlotItem().setTitle("◆ worst element", size="9pt")
        self.plot.setToolTip(
            "Bars: the course's difference ||dθ - dθ_approx|| / (||dθ|| + ||dθ_approx||) over "
            "that tensor's elements; diamonds: its worst single element, "
            "|a - n| / max(|a|, |n|). A tensor whose elements all agree to round-off shows no "
            "diamond.\nLines: the course's thresholds (1e-7 good, 1e-5 look closer, 1e-3 "
            "bug). The tall red bars are the tensors whose backprop is wrong. Click a bar to "
            "list its elements.")
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        self.bars = pg.BarGraphItem(x=[], height=[], y0=LOG_FLOOR, width=0.6,
                                    pen=pg.mkPen(None))
        item.addItem(self.bars)
        self.worst = pg.ScatterPlotItem(symbol="d", size=11)
        item.addItem(self.worst)
        self.lines = []
        for value, _ in THRESHOLD_LINES:  # named on the right axis (see on_theme)
            line = pg.InfiniteLine(pos=np.log10(value), angle=0, movable=False)
            line.setZValue(20)
            item.addItem(line, ignoreBounds=True)
            self.lines.append(line)
        item.setYRange(-12, 0.5, padding=0)
        self.names: list[str] = []
        self.statuses: list[str] = []
        self._colors = LIGHT
        item.scene().sigMouseClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_tensors(self, tensors) -> None:
        """``tensors``: the result's TensorSummary tuple (unchecked ones are left out)."""
        shown = [t for t in tensors if t.n_checked > 0]
        self.names = [t.name for t in shown]
        self.statuses = [t.status for t in shown]
        self.differences = np.array([t.difference for t in shown], dtype=np.float64)
        self.worst_errors = np.array([t.worst_rel_error for t in shown], dtype=np.float64)
        x = np.arange(len(shown), dtype=np.float64)
        heights = _log10(self.differences) - LOG_FLOOR
        self.bars.setOpts(x=x, height=heights, y0=LOG_FLOOR, width=0.6,
                          brushes=[pg.mkBrush(status_colour(s, self._colors))
                                   for s in self.statuses])
        judged = self.worst_errors > 0  # 0: every element agrees to round-off
        self.worst.setData(x[judged], _log10(self.worst_errors[judged]),
                           brush=pg.mkBrush(self._colors.foreground),
                           pen=pg.mkPen(self._colors.background))
        self.plot.getPlotItem().getAxis("bottom").setTicks([list(enumerate(self.names)), []])
        self.plot.getPlotItem().setXRange(-0.6, max(len(shown), 1) - 0.4, padding=0)
        top = float(np.max(_log10(np.concatenate([self.differences, self.worst_errors,
                                                  [BUG_THRESHOLD]]))))
        low = float(np.min(_log10(np.concatenate([self.differences, [1e-11]]))))
        self.plot.getPlotItem().setYRange(max(low - 1.0, LOG_FLOOR), max(top + 0.7, 0.5),
                                          padding=0)

    def clear(self) -> None:
        self.show_tensors(())

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.plot, c)
        colours = (c.good, c.warn, c.bad)
        for line, colour in zip(self.lines, colours):
            line.setPen(pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine))
        self.marks.set_marks([(np.log10(value), text, colour)
                              for (value, text), colour in zip(THRESHOLD_LINES, colours)])
        if self.names:
            self.bars.setOpts(brushes=[pg.mkBrush(status_colour(s, c)) for s in self.statuses])
            self.worst.setBrush(pg.mkBrush(c.foreground))
            self.worst.setPen(pg.mkPen(c.background))

    def _clicked(self, event) -> None:
        vb = self.plot.getPlotItem().vb
        if not self.names or not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        x = vb.mapSceneToView(event.scenePos()).x()
        i = int(round(x))
        if 0 <= i < len(self.names) and abs(x - i) <= 0.4:
            self.tensor_clicked.emit(self.names[i])


class ComparisonScatter(QWidget):
    """Analytic against numerical: a correct backprop puts every dot on y = x."""

    parameter_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = make_plot("Analytic vs numerical", "numerical (J(θ+ε) - J(θ-ε)) / 2ε",
                              "analytic (backprop)")
        self.plot.setToolTip(
            "One dot per checked element: x the two-sided difference, y backprop's value. A "
            "correct backward pass puts every dot on the line y = x; a bug that scales a "
            "gradient (dW[2] doubled) puts its elements on a line of another slope. Dots are "
            "coloured by relative error (green good, orange look closer, red bug). Click a "
            "dot to select its parameter.")
        item = self.plot.getPlotItem()
        self.identity = item.plot([], [])
        # one item per error class, each with one brush: far cheaper than a brush per dot
        self.dots = {}
        for cls in CLASS_ORDER:
            dots = pg.ScatterPlotItem(size=6, pen=None, hoverable=True, tip=self._tip)
            dots.setZValue(cls)  # the bad ones on top
            dots.sigClicked.connect(self._clicked)
            item.addItem(dots)
            self.dots[cls] = dots
        self.selected = pg.ScatterPlotItem(size=16, symbol="o", brush=None)
        self.selected.setZValue(10)
        item.addItem(self.selected)
        self._label_fn = str
        self.on_theme(LIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def show_points(self, numeric: np.ndarray, analytic: np.ndarray, classes: np.ndarray,
                    keys: np.ndarray, labels) -> None:
        """Dots at (numeric, analytic); ``keys`` identify them (flat indices), ``labels(k)``
        names them. At most MAX_SCATTER are drawn: every non-good one first, then an even
        sample of the rest."""
        n = numeric.size
        if n > MAX_SCATTER:
            keep = classes > 0
            if keep.sum() > MAX_SCATTER // 2:
                keep[np.flatnonzero(keep)[MAX_SCATTER // 2:]] = False
            rest = np.flatnonzero(~keep)
            keep[rest[:: -(-rest.size // (MAX_SCATTER - int(keep.sum())))]] = True
            numeric, analytic, classes, keys = (numeric[keep], analytic[keep], classes[keep],
                                                keys[keep])
        self._label_fn = labels
        for cls, dots in self.dots.items():
            mine = classes == cls
            dots.setData(x=numeric[mine], y=analytic[mine], data=keys[mine])
        both = np.concatenate([numeric, analytic]) if n else np.zeros(1)
        both = both[np.isfinite(both)]
        lo, hi = (float(both.min()), float(both.max())) if both.size else (-1.0, 1.0)
        if hi - lo < 1e-12:
            lo, hi = lo - 1.0, hi + 1.0
        pad = 0.05 * (hi - lo)
        self.identity.setData([lo - pad, hi + pad], [lo - pad, hi + pad])
        self.plot.getPlotItem().enableAutoRange()

    def shown_points(self) -> int:
        return sum(len(dots.data) for dots in self.dots.values())

    def select(self, x: float | None, y: float | None) -> None:
        if x is None or not (np.isfinite(x) and np.isfinite(y)):
            self.selected.setData([], [])
        else:
            self.selected.setData([x], [y])

    def clear(self) -> None:
        for dots in self.dots.values():
            dots.setData([], [])
        self.identity.setData([], [])
        self.selected.setData([], [])

    def on_theme(self, c: PlotColors) -> None:
        style_plot(self.plot, c)
        self.identity.setPen(pg.mkPen(c.neutral, width=1.5, style=Qt.PenStyle.DashLine))
        colours = class_colours(c)
        for cls, dots in self.dots.items():
            dots.setBrush(pg.mkBrush(colours[CLASS_NAMES[cls]] if cls >= 0 else c.neutral))
        self.selected.setPen(pg.mkPen(c.foreground, width=2))

    def _tip(self, x, y, data):
        return f"{self._label_fn(int(data))}\nnumerical {x:.6g}\nanalytic {y:.6g}"

    def _clicked(self, _item, points, *_):
        if len(points):
            self.parameter_clicked.emit(int(points[0].data()))


class EpsilonPlot(QWidget):
    """Error of the one- and the two-sided difference against eps, log-log."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.eps_mark = MarkAxis("top")
        self.bug_mark = MarkAxis("right")
        self.plot = make_plot("", "ε", "error",
                              axisItems={"top": self.eps_mark, "right": self.bug_mark})
        self.plot.setToolTip(
            "How the numerical derivative's error depends on the step ε (log-log). The "
            "one-sided (J(θ+ε) - J(θ)) / ε has truncation error ∝ ε (slope 1); the two-sided "
            "(J(θ+ε) - J(θ-ε)) / 2ε ∝ ε² (slope 2), so it is far more accurate. Below the "
            "best ε, round-off in J (about 1e-16 |J|) divided by ε takes over and the error "
            "grows again (slope -1): shaded. Dashed: the ideal slopes 1 and 2. Dotted: the ε "
            "used by the check.\nerror = "
            "|a - n| / (|a| + |n|) between backprop's a and the numerical n.")
        item = self.plot.getPlotItem()
        item.setLogMode(x=True, y=True)
        self.roundoff = pg.LinearRegionItem(movable=False)
        self.roundoff.setZValue(-20)
        for line in self.roundoff.lines:
            line.setPen(pg.mkPen(None))
        item.addItem(self.roundoff, ignoreBounds=True)
        self.one_sided = item.plot([], [], symbol="o", symbolSize=5)
        self.two_sided = item.plot([], [], symbol="s", symbolSize=5)
        self.slope1 = item.plot([], [])
        self.slope2 = item.plot([], [])
        # Named on the top and right axes, outside the curves.
        self.eps_line = pg.InfiniteLine(angle=90, movable=False)
        item.addItem(self.eps_line, ignoreBounds=True)
        self.bug_line = pg.InfiniteLine(angle=0, movable=False)
        item.addItem(self.bug_line, ignoreBounds=True)
        self.bug_line.hide()
        item.showAxis("top")
        item.showAxis("right")
        self._marked = (None, None)  # (check's log10 ε, bug's log10 error or None)
        self.caption = QLabel("Select a parameter to see how its error depends on ε.")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setToolTip(self.plot.toolTip())
        self.sweep = None
        self._colors = LIGHT
        self.on_theme(LIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        self._caption_row = QHBoxLayout()
        self._caption_row.addWidget(self.caption, 1)
        layout.addLayout(self._caption_row)

    def add_beside_caption(self, widget: QWidget) -> None:
        """A small control to the right of the caption (a row of height saved)."""
        self._caption_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignTop)

    def show_sweep(self, sweep, check_eps: float, bug_error: float | None = None) -> None:
        self.sweep = sweep
        eps = np.asarray(sweep.epsilons, dtype=np.float64)
        one, two = (np.asarray(sweep.one_sided_error), np.asarray(sweep.two_sided_error))
        for curve, err in ((self.one_sided, one), (self.two_sided, two)):
            keep = np.isfinite(err) & (err > 0)
            curve.setData(eps[keep], err[keep])
        lo, hi = sweep.fit_range
        for curve, err, power in ((self.slope1, one, 1.0), (self.slope2, two, 2.0)):
            # a reference line of the ideal slope through the fitted range's middle point
            inside = (eps >= lo) & (eps <= hi) & np.isfinite(err) & (err > 0)
            if not inside.any():
                curve.setData([], [])
                continue
            mid = np.flatnonzero(inside)[inside.sum() // 2]
            xs = np.array([lo / 10.0, hi * 10.0])
            curve.setData(xs, err[mid] * (xs / eps[mid]) ** power * 0.3)
        best = sweep.best_eps_two_sided
        self.roundoff.setRegion((np.log10(eps.min()), np.log10(best)))
        self.roundoff.setVisible(bool(best > eps.min()))
        self.eps_line.setPos(np.log10(check_eps))
        if bug_error is not None and bug_error > 0:
            self.bug_line.setPos(np.log10(bug_error))
            self.bug_line.show()
        else:
            self.bug_line.hide()
        self._marked = (float(np.log10(check_eps)),
                        float(np.log10(bug_error)) if self.bug_line.isVisible() else None)
        self._show_marks()
        shown = np.concatenate([one[np.isfinite(one) & (one > 0)],
                                two[np.isfinite(two) & (two > 0)],
                                [bug_error] if bug_error else []])
        item = self.plot.getPlotItem()
        item.setXRange(np.log10(eps.min()), np.log10(eps.max()), padding=0.03)
        if shown.size:
            item.setYRange(np.log10(shown.min()), np.log10(shown.max()), padding=0.08)
        bug = ""
        if bug_error is not None:
            bug = (f" <span style='color:{self._colors.bad}'><b>Planted bug:</b> off by "
                   f"{bug_error:.1e} at every ε (red line): no ε fixes a wrong gradient."
                   "</span>")
        if not (np.isfinite(sweep.one_sided_slope) and np.isfinite(sweep.two_sided_slope)):
            self.caption.setText(
                f"<b>{sweep.target}</b>: backprop and J agree exactly here (the gradient is "
                f"0, e.g. a dead ReLU unit), so there is no error to plot. Pick another "
                f"element.{bug}")
            return
        c = self._colors
        slopes = (f"{sweep.target}: one-sided slope {sweep.one_sided_slope:.2f}, best ε "
                  f"{sweep.best_eps_one_sided:.0e}; two-sided slope "
                  f"{sweep.two_sided_slope:.2f}, best ε {sweep.best_eps_two_sided:.0e}.")
        self.caption.setToolTip(f"{slopes}\n\n{self.plot.toolTip()}")
        # Short, so the plot keeps its height in a narrow panel; the rest is in the tooltip.
        # With a planted bug the slopes mean nothing: the flat error is the message.
        if bug:
            self.caption.setText(f"<b>{sweep.target}</b>{bug}")
            return
        self.caption.setText(
            f"<b>{sweep.target}</b> &nbsp;<span style='color:{c.test}'>● one-sided</span> "
            f"slope <b>{sweep.one_sided_slope:.2f}</b> (∝ ε) · <span style='color:{c.train}'>"
            f"■ two-sided</span> slope <b>{sweep.two_sided_slope:.2f}</b> (∝ ε²), best ε "
            f"{sweep.best_eps_two_sided:.0e}.")

    def clear(self, text: str = "Select a parameter to see how its error depends on ε.") -> None:
        self.sweep = None
        for curve in (self.one_sided, self.two_sided, self.slope1, self.slope2):
            curve.setData([], [])
        self.roundoff.hide()
        self.bug_line.hide()
        self._marked = (None, None)
        self._show_marks()
        self.caption.setText(text)

    def _show_marks(self) -> None:
        eps, bug = self._marked
        c = self._colors
        self.eps_mark.set_marks([] if eps is None else [(eps, "ε of the check", c.foreground)])
        self.bug_mark.set_marks([] if bug is None else [(bug, "bug", c.bad)])

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self.plot, c)
        for curve, colour in ((self.one_sided, c.test), (self.two_sided, c.train)):
            curve.setPen(pg.mkPen(colour, width=2))
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(pg.mkPen(colour))
        self.slope1.setPen(pg.mkPen(c.test, width=1, style=Qt.PenStyle.DashLine))
        self.slope2.setPen(pg.mkPen(c.train, width=1, style=Qt.PenStyle.DashLine))
        shade = QColor(c.neutral)
        shade.setAlpha(45)
        self.roundoff.setBrush(shade)
        self.eps_line.setPen(pg.mkPen(c.foreground, width=1, style=Qt.PenStyle.DotLine))
        self.bug_line.setPen(pg.mkPen(c.bad, width=1.5, style=Qt.PenStyle.DashLine))
        self._show_marks()
