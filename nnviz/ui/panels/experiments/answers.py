"""The four ways to answer a lesson's question, each showing the run's answer at the reveal.

- :class:`ChoiceInput`: radio buttons; the reveal marks the run's answer and the learner's;
- :class:`NumberInput`: a slider (linear or log); the reveal draws both on a number line;
- :class:`SketchInput`: the empty cost plot the learner draws on with the mouse (a curve
  kept monotone in x: drawing back over it redraws that part); the reveal draws the real
  curve under the sketch;
- :class:`PickInput`: the layers or tensors as columns to click; the reveal draws the run's
  values and marks the learner's pick and the run's answer.

Each has ``changed`` (the answer may have changed), ``answer()`` (None until answered),
``set_locked(bool)`` and ``reveal(outcome)``.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QRadioButton,
                               QSlider, QVBoxLayout, QWidget)

from nnviz.analysis.math_text import math_html
from nnviz.experiments.predictions import MIN_SKETCH_COVERAGE, sketch_coverage
from nnviz.experiments.results import format_cell

from ...plotting import style_plot
from ...theme import PlotColors

SLIDER_STEPS = 1000


class ChoiceInput(QWidget):
    changed = Signal()

    def __init__(self, question, c: PlotColors, parent=None):
        super().__init__(parent)
        self.question, self._colors = question, c
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        columns = 2 if len(question.choices) > 4 else 1
        self.labels: dict[str, QLabel] = {}
        for n, choice in enumerate(question.choices):
            # the words in a wrapping label beside the button: a narrow column never
            # has to widen for a long choice or its marks after the reveal
            button = QRadioButton()
            label = _ClickLabel(math_html(choice.text), button)
            self.group.addButton(button)
            self.buttons[choice.key] = button
            self.labels[choice.key] = label
            row, col = (n // columns, 2 * (n % columns)) if columns > 1 else (n, 0)
            grid.addWidget(button, row, col, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, col + 1, Qt.AlignmentFlag.AlignTop)
            grid.setColumnStretch(col + 1, 1)
            button.toggled.connect(lambda on: on and self.changed.emit())

    def answer(self):
        return next((k for k, b in self.buttons.items() if b.isChecked()), None)

    def set_answer(self, key) -> None:
        self.buttons[key].setChecked(True)

    def set_locked(self, locked: bool) -> None:
        for b in self.buttons.values():
            b.setEnabled(not locked)

    def reveal(self, outcome) -> None:
        c, q, truth = self._colors, self.question, outcome.truth
        for key, button in self.buttons.items():
            choice = q.choice(key)
            marks = []
            value = truth.values.get(key)
            if value is not None:
                marks.append(format_cell(value, q.fmt))
            if key in truth.correct:
                marks.append("✓ the run's answer")
            if key == outcome.answer:
                marks.append("your answer")
            color = c.good if key in truth.correct else c.bad if key == outcome.answer else ""
            text = math_html(choice.text) + (f" &nbsp;<i>({'; '.join(marks)})</i>" if marks else "")
            if color:
                text = f"<span style='color:{color}; font-weight:bold'>{text}</span>"
            self.labels[key].setText(text)
            button.setEnabled(True)  # readable, not greyed out
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            self.labels[key].setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)


class _ClickLabel(QLabel):
    """A choice's words: wrapped, and a click on them checks the button."""

    def __init__(self, text: str, button: QRadioButton):
        super().__init__(text)
        self.button = button
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if self.button.isEnabled():
            self.button.setChecked(True)


class NumberInput(QWidget):
    changed = Signal()

    def __init__(self, question, c: PlotColors, parent=None):
        super().__init__(parent)
        self.question, self._colors = question, c
        self.touched = False
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setValue(SLIDER_STEPS // 2)
        self.slider.setMinimumWidth(120)
        self.slider.setToolTip("Drag to the value you expect.")
        self.readout = QLabel()
        self.readout.setMinimumWidth(90)
        self.low, self.high = QLabel(self._fmt(question.minimum)), QLabel(self._fmt(question.maximum))
        self.line = NumberLine(question, c)
        self.line.hide()
        row = QHBoxLayout()
        row.addWidget(self.low)
        row.addWidget(self.slider, 1)
        row.addWidget(self.high)
        row.addWidget(self.readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(question.label.capitalize() + ":"))
        layout.addLayout(row)
        layout.addWidget(self.line)
        self.slider.valueChanged.connect(self._moved)
        self._show_value()

    def _fmt(self, v: float) -> str:
        return format_cell(v, self.question.fmt)

    def value(self) -> float:
        q, t = self.question, self.slider.value() / SLIDER_STEPS
        if q.log:
            return float(10 ** (math.log10(q.minimum) + t * (math.log10(q.maximum)
                                                           - math.log10(q.minimum))))
        return q.minimum + t * (q.maximum - q.minimum)

    def set_value(self, v: float) -> None:
        q = self.question
        if q.log:
            t = (math.log10(v) - math.log10(q.minimum)) / (math.log10(q.maximum) - math.log10(q.minimum))
        else:
            t = (v - q.minimum) / (q.maximum - q.minimum)
        self.slider.setValue(int(round(min(max(t, 0.0), 1.0) * SLIDER_STEPS)))
        self.touched = True
        self._show_value()

    def _moved(self, _value) -> None:
        self.touched = True
        self._show_value()
        self.changed.emit()

    def _show_value(self) -> None:
        text = self._fmt(self.value())
        self.readout.setText(f"<b>{text}</b>" if self.touched else f"<i>{text}?</i>")

    def answer(self):
        return self.value() if self.touched else None

    def set_locked(self, locked: bool) -> None:
        self.slider.setEnabled(not locked)

    def reveal(self, outcome) -> None:
        self.line.set_marks(outcome.answer, outcome.truth.value)
        self.line.show()


class NumberLine(QWidget):
    """The answer's scale with the learner's value (above) and the run's (below)."""

    def __init__(self, question, c: PlotColors, parent=None):
        super().__init__(parent)
        self.question, self._colors = question, c
        self.marks = (None, None)
        self.setMinimumHeight(64)

    def set_marks(self, answer, truth) -> None:
        self.marks = (answer, truth)
        self.update()

    def _x(self, v: float, left: float, width: float) -> float:
        q = self.question
        if q.log:
            lo, hi = math.log10(q.minimum), math.log10(q.maximum)
            t = (math.log10(max(v, q.minimum * 1e-9)) - lo) / (hi - lo)
        else:
            t = (v - q.minimum) / (q.maximum - q.minimum)
        return left + width * min(max(t, 0.0), 1.0)

    def paintEvent(self, event) -> None:  # noqa: N802
        c, q = self._colors, self.question
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, width = 40.0, max(self.width() - 80.0, 10.0)
        mid = self.height() / 2
        p.setPen(QPen(QColor(c.foreground), 1.5))
        p.drawLine(QPointF(left, mid), QPointF(left + width, mid))
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        p.setFont(font)
        ticks = ([10 ** k for k in range(math.ceil(math.log10(q.minimum)),
                                           math.floor(math.log10(q.maximum)) + 1)]
                 if q.log else list(np.linspace(q.minimum, q.maximum, 6)))
        for v in ticks:
            x = self._x(v, left, width)
            p.drawLine(QPointF(x, mid - 3), QPointF(x, mid + 3))
        answer, truth = self.marks
        for value, color, above, text in ((answer, c.classes[0], True, "you"),
                                          (truth, c.good, False, "the run")):
            if value is None:
                continue
            x = self._x(float(value), left, width)
            p.setPen(QPen(QColor(color), 3))
            p.drawLine(QPointF(x, mid - 10), QPointF(x, mid + 10))
            label = f"{text}: {format_cell(float(value), q.fmt)}"
            w = p.fontMetrics().horizontalAdvance(label) + 4
            lx = min(max(x - w / 2, 0.0), self.width() - w)
            ly = mid - 28 if above else mid + 12
            p.drawText(QRectF(lx, ly, w, 16), Qt.AlignmentFlag.AlignCenter, label)
        p.end()


class _InputPlot(pg.PlotWidget):
    """A plot the learner draws or clicks on: no panning or zooming, no menu."""

    def __init__(self, c: PlotColors, parent=None):
        super().__init__(parent)
        self._colors = c
        self.locked = False
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
        self.setMinimumSize(260, 180)
        style_plot(self, c)

    def data_point(self, event) -> QPointF | None:
        scene = self.mapToScene(event.position().toPoint())
        box = self.getPlotItem().vb
        if not box.sceneBoundingRect().contains(scene):
            return None
        return box.mapSceneToView(scene)

    def set_locked(self, locked: bool) -> None:
        self.locked = locked


class SketchInput(_InputPlot):
    changed = Signal()

    def __init__(self, question, c: PlotColors, iterations: float, parent=None):
        super().__init__(c, parent)
        self.question, self.iterations = question, float(max(iterations, 1))
        self.points: list[tuple[float, float]] = []  # (iteration, y), x increasing
        self.drawing = False
        item = self.getPlotItem()
        item.setLabel("bottom", math_html(question.x_label))
        item.setLabel("left", math_html(question.label))
        item.setRange(xRange=(0, self.iterations), yRange=(question.minimum, question.maximum),
                      padding=0.02)
        item.showGrid(x=True, y=True, alpha=c.grid_alpha)
        self.real = item.plot([], [])
        self.sketch = item.plot([], [])
        self.hint = pg.TextItem("Press and drag from left to right to draw the curve you "
                                "expect", anchor=(0.5, 0.5))
        self.hint.setPos(self.iterations / 2, (question.minimum + question.maximum) / 2)
        item.addItem(self.hint)
        self.setToolTip("Draw with the mouse. Drawing back over a part redraws it; Clear "
                        "starts again.")
        self.on_theme(c)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self, c)
        self.sketch.setPen(pg.mkPen(c.classes[0], width=3, style=Qt.PenStyle.DashLine))
        self.real.setPen(pg.mkPen(c.good, width=3))
        self.hint.setColor(QColor(c.neutral))

    def _add(self, p: QPointF, start: bool) -> None:
        q = self.question
        x = min(max(p.x(), 0.0), self.iterations)
        y = min(max(p.y(), q.minimum), q.maximum)
        if start or (self.points and x <= self.points[-1][0]):
            # going back (or starting inside the curve): what lies to the right is redrawn
            self.points = [pt for pt in self.points if pt[0] < x]
        self.points.append((x, y))
        self._draw()

    def _draw(self) -> None:
        pts = np.array(self.points) if self.points else np.zeros((0, 2))
        self.sketch.setData(pts[:, 0], pts[:, 1])
        self.hint.setVisible(not self.points)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        p = self.data_point(event)
        if self.locked or event.button() != Qt.MouseButton.LeftButton or p is None:
            return
        self.drawing = True
        self._add(p, start=True)
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if not self.drawing:
            return super().mouseMoveEvent(event)
        p = self.data_point(event)
        if p is not None:
            self._add(p, start=False)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self.drawing:
            self.drawing = False
            self.changed.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def clear_sketch(self) -> None:  # not clear(): PlotWidget binds its plot's clear()
        if not self.locked:
            self.points = []
            self._draw()
            self.changed.emit()

    def set_points(self, points) -> None:
        """Points as (fraction of the run, y): what a test or a restored answer draws."""
        self.points = [(float(x) * self.iterations, float(y)) for x, y in points]
        self._draw()
        self.changed.emit()

    def answer(self):
        if len(self.points) < 2:
            return None
        pts = np.array(self.points, dtype=np.float64)
        pts[:, 0] /= self.iterations
        return pts if sketch_coverage(pts) >= MIN_SKETCH_COVERAGE else None

    def reveal(self, outcome) -> None:
        t = outcome.truth
        self.real.setData(np.asarray(t.curve_x) * self.iterations, t.curve_y)
        self.hint.setVisible(False)


class PickInput(_InputPlot):
    changed = Signal()

    def __init__(self, question, c: PlotColors, items, parent=None):
        super().__init__(c, parent)
        self.question, self.items = question, tuple(items)
        self.picked: str | None = None
        item = self.getPlotItem()
        n = len(self.items)
        step = max(1, math.ceil(n / 12))
        item.getAxis("bottom").setTicks([[(k, name) for k, name in enumerate(self.items)
                                          if k % step == 0 or k == n - 1]])
        item.setLabel("bottom", math_html(question.label))
        item.getAxis("left").setTicks([[]])
        item.setRange(xRange=(-0.6, n - 0.4), yRange=(0, 1), padding=0)
        self.columns = pg.BarGraphItem(x=np.arange(n), height=np.ones(n), width=0.8)
        item.addItem(self.columns)
        self.values_item = item.plot([], [])
        self.truth_marks = pg.ScatterPlotItem(size=16, symbol="star")
        item.addItem(self.truth_marks)
        self.hint = pg.TextItem(f"Click a {question.label}", anchor=(0.5, 0.5))
        self.hint.setPos((n - 1) / 2, 0.5)
        item.addItem(self.hint)
        self.revealed = False
        self.on_theme(c)

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        style_plot(self, c)
        self._paint_columns()
        self.values_item.setPen(pg.mkPen(c.foreground, width=2))
        self.values_item.setSymbol("o")
        self.values_item.setSymbolBrush(pg.mkBrush(c.foreground))
        self.values_item.setSymbolSize(6)
        self.truth_marks.setBrush(pg.mkBrush(c.good))
        self.truth_marks.setPen(pg.mkPen(c.foreground))
        self.hint.setColor(QColor(c.neutral))

    def _paint_columns(self) -> None:
        c = self._colors
        idle = QColor(c.neutral)
        idle.setAlpha(40)
        chosen = QColor(c.classes[0])
        chosen.setAlpha(120)
        self.columns.setOpts(brushes=[pg.mkBrush(chosen if name == self.picked else idle)
                                      for name in self.items], pens=[pg.mkPen(None)] * len(self.items))

    def mousePressEvent(self, event) -> None:  # noqa: N802
        p = self.data_point(event)
        if self.locked or event.button() != Qt.MouseButton.LeftButton or p is None:
            return
        k = int(round(p.x()))
        if 0 <= k < len(self.items):
            self.pick(self.items[k])
        event.accept()

    def pick(self, name: str) -> None:
        self.picked = name
        self.hint.setText(f"{self.question.label} {name}")
        self._paint_columns()
        self.changed.emit()

    def answer(self):
        return self.picked

    def reveal(self, outcome) -> None:
        """The run's values (log scale when the question writes them in sci), the pick's
        column kept, a star on the run's answer."""
        t, q = outcome.truth, self.question
        xs = [k for k, name in enumerate(self.items) if name in t.values]
        ys = np.array([t.values[self.items[k]] for k in xs], dtype=np.float64)
        log = q.fmt == "sci" and (ys > 0).all()
        shown = np.log10(ys) if log else ys
        lo, hi = float(np.nanmin(shown)), float(np.nanmax(shown))
        pad = 0.15 * (hi - lo or 1.0)
        item = self.getPlotItem()
        item.setRange(yRange=(lo - pad, hi + 2 * pad), padding=0)
        self.columns.setOpts(height=np.full(len(self.items), hi + 3 * pad - (lo - pad)),
                             y0=lo - pad)
        self.values_item.setData(xs, shown)
        stars = [(k, s + pad) for k, s in zip(xs, shown) if self.items[k] in t.correct]
        self.truth_marks.setData([s[0] for s in stars], [s[1] for s in stars])
        axis = item.getAxis("left")
        if log:
            first, last = math.ceil(lo - pad), math.floor(hi + 2 * pad)
            step = max(1, math.ceil((last - first) / 6))
            axis.setTicks([[(k, f"1e{k}") for k in range(last, first - 1, -step)], []])
            item.setLabel("left", "value (log scale)")
        else:
            axis.setTicks(None)
        self.hint.setVisible(False)  # the card says what the marks mean
        self.revealed = True
