"""The layout rules a panel must meet at whatever size it is given: every plot's view box
large enough, every text whole (tick labels, axis labels, titles, legends, labels, tabs,
buttons) and no sideways scrolling. Each check returns a list of problems (empty: all well),
so one failing test names every broken thing at once.

Also the ways the panel tests give a panel its area (``panel_alone``, ``panel_standalone``,
``panel_in_plain_host``) and a trained snapshot to show (``paused_snapshot``)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import (QAbstractButton, QAbstractScrollArea, QComboBox, QLabel,
                               QTabBar, QVBoxLayout, QWidget)

from nnviz.training.config import SessionConfig, course_default
from nnviz.training.session import TrainingSession

MIN_VIEW = (200, 150)
SLACK = 1.5  # px: rounding between Qt's integer and pyqtgraph's float geometry

# The sizes the Gradients workspace gives its two panels at 1366x768 and 1920x1080.
FLOW_SIZES = {"1366x768": (740, 680), "1920x1080": (1050, 990)}
CHECK_SIZES = {"1366x768": (620, 680), "1920x1080": (870, 990)}


def paused_snapshot(config: SessionConfig | None = None, steps: int = 300):
    """The paused snapshot after ``steps`` iterations of ``config`` (the course's flower
    network by default)."""
    session = TrainingSession(config or course_default())
    session.step(steps)
    return session.snapshot(state="paused")


def panel_alone(qtbot, panel_class, size) -> QWidget:
    """A new ``panel_class`` filling a shown window of ``size`` with no margin, as a
    workspace gives it that area."""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    panel = panel_class(parent=host)
    layout.addWidget(panel)
    host.resize(*size)
    host.show()
    panel._host = host  # pytest-qt holds only a weak reference
    return panel


def panel_standalone(qtbot, panel_class, size) -> QWidget:
    """A new ``panel_class`` shown as its own window of ``size``."""
    panel = panel_class()
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def panel_in_plain_host(qtbot, panel_class, size, show: bool = False) -> QWidget:
    """A new ``panel_class`` of ``size`` in a host of that size with no layout, not shown
    unless ``show`` (as a hidden dock or workspace holds it)."""
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(*size)
    panel = panel_class(parent=host)
    panel.resize(*size)
    if show:
        host.show()
    panel._host = host  # pytest-qt holds only a weak reference
    return panel


def shown_views(panel: QWidget) -> list[pg.GraphicsView]:
    return [v for v in panel.findChildren(pg.GraphicsView) if v.isVisible()]


def plot_items(view: pg.GraphicsView) -> list[pg.PlotItem]:
    """The plots (a colour bar is a PlotItem too, but no plot)."""
    return [i for i in view.scene().items() if isinstance(i, pg.PlotItem) and i.isVisible()
            and not isinstance(i, pg.ColorBarItem)]


def _visible_rect(view: pg.GraphicsView) -> QRectF:
    return view.mapToScene(view.viewport().rect()).boundingRect()


def _inside(inner: QRectF, outer: QRectF, slack: float = SLACK) -> bool:
    return (inner.left() >= outer.left() - slack and inner.right() <= outer.right() + slack
            and inner.top() >= outer.top() - slack and inner.bottom() <= outer.bottom() + slack)


def text_rect(item) -> QRectF:
    """The scene rectangle of a QGraphicsTextItem's text (without the document's margin)."""
    m = item.document().documentMargin()
    return item.mapRectToScene(item.boundingRect().adjusted(m, m, -m, -m))


def tick_texts(axis: pg.AxisItem) -> list:
    """What the axis draws: ``(rect, flags, text)`` per tick label, as its paint computes
    them (rects in the axis' coordinates)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        if axis.style["tickFont"]:
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
        metrics = painter.fontMetrics()
    finally:
        painter.end()
    return [] if specs is None else [(rect, flags, text, metrics.horizontalAdvance(text))
                                     for rect, flags, text in specs[2]]


def small_views(panel: QWidget, minimum=MIN_VIEW) -> list[str]:
    problems = []
    for view in shown_views(panel):
        for item in plot_items(view):
            size = item.vb.size()
            if size.width() < minimum[0] - 0.5 or size.height() < minimum[1] - 0.5:
                problems.append(f"{_name(item)}: view box {size.width():.0f}x"
                                f"{size.height():.0f} px")
    return problems


def clipped_plot_texts(panel: QWidget) -> list[str]:
    """Tick labels, axis labels, titles and legend entries that are elided ('…'), cut by
    the space given to them or by the edge of the picture."""
    problems = []
    for view in shown_views(panel):
        seen = _visible_rect(view)
        for axis in (i for i in view.scene().items()
                     if isinstance(i, pg.AxisItem) and i.isVisible()):
            # (its geometry: the bounding rect reaches over the view box with the grid)
            bounds = axis.mapRectToScene(QRectF(0, 0, axis.width(), axis.height()))
            for rect, _flags, text, width in tick_texts(axis):
                where = f"{_name(axis)} tick {text!r}"
                if "…" in text:
                    problems.append(f"{where}: elided")
                elif width > rect.width() + SLACK:
                    problems.append(f"{where}: {width:.0f} px of text in {rect.width():.0f}")
                scene = axis.mapRectToScene(rect)
                if not _inside(scene, seen):
                    problems.append(f"{where}: outside the picture")
                elif axis.orientation in ("left", "right") and not (
                        scene.left() >= bounds.left() - SLACK
                        and scene.right() <= bounds.right() + SLACK):
                    problems.append(f"{where}: wider than its axis")
            label = axis.label
            if axis.style.get("showValues", True) and label.isVisible() and axis.labelText:
                scene = text_rect(label)
                if not _inside(scene, seen):
                    problems.append(f"{_name(axis)} label {axis.labelText!r}: cut")
                length = bounds.height() if axis.orientation in ("left", "right") \
                    else bounds.width()
                along = scene.height() if axis.orientation in ("left", "right") \
                    else scene.width()
                if along > length + SLACK:
                    problems.append(f"{_name(axis)} label {axis.labelText!r}: longer than "
                                    f"its axis ({along:.0f} > {length:.0f} px)")
        for item in plot_items(view):
            title = item.titleLabel
            if title.isVisible() and title.text:
                rect = text_rect(title.item)
                if not _inside(rect, seen) or not _inside(
                        rect, item.mapRectToScene(item.boundingRect())):
                    problems.append(f"{_name(item)} title {title.text!r}: cut")
                if "…" in title.text:
                    problems.append(f"{_name(item)} title {title.text!r}: elided")
        for legend in (i for i in view.scene().items()
                       if isinstance(i, pg.LegendItem) and i.isVisible()):
            box = legend.mapRectToScene(legend.boundingRect())
            if not _inside(box, seen):
                problems.append("a legend's box is cut by the edge of its plot")
            for _sample, label in legend.items:
                if not label.isVisible():
                    continue
                rect = text_rect(label.item)
                if "…" in label.text or not _inside(rect, seen) or not _inside(rect, box):
                    problems.append(f"legend entry {label.text!r}: cut")
    return problems


def clipped_widgets(panel: QWidget) -> list[str]:
    """Labels, buttons, combo boxes and tabs narrower (or shorter) than their text."""
    problems = []
    for label in panel.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if need > label.height() + 1:
                problems.append(f"label {_short(label.text())!r}: {label.height()} px tall, "
                                f"needs {need}")
        elif label.sizeHint().width() > label.width() + 1:
            problems.append(f"label {_short(label.text())!r}: {label.width()} px wide, needs "
                            f"{label.sizeHint().width()}")
    for widget in panel.findChildren(QAbstractButton) + panel.findChildren(QComboBox):
        if widget.isVisible() and widget.minimumSizeHint().width() > widget.width() + 1:
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            problems.append(f"{type(widget).__name__} {text!r}: {widget.width()} px wide, "
                            f"needs {widget.minimumSizeHint().width()}")
    for bar in panel.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        for i in range(bar.count()):
            if bar.tabRect(i).width() + 1 < bar.tabSizeHint(i).width() or not bar.rect(
                    ).contains(bar.tabRect(i)):
                problems.append(f"tab {bar.tabText(i)!r}: cut")
    return problems


def sideways_scrolling(panel: QWidget) -> list[str]:
    return [f"{type(area).__name__}: horizontal scroll bar"
            for area in panel.findChildren(QAbstractScrollArea)
            if area.isVisible() and area.horizontalScrollBar().isVisible()]


def layout_problems(panel: QWidget, size: tuple[int, int]) -> list[str]:
    """Every rule at once. ``size``: what the panel was given (it must not need more)."""
    problems = []
    if (panel.width(), panel.height()) != tuple(size):
        problems.append(f"panel is {panel.width()}x{panel.height()}, was given {size}")
    hint = panel.minimumSizeHint()
    if hint.width() > size[0] or hint.height() > size[1]:
        problems.append(f"panel needs at least {hint.width()}x{hint.height()} px")
    return (problems + small_views(panel) + clipped_plot_texts(panel)
            + clipped_widgets(panel) + sideways_scrolling(panel))


def _name(item) -> str:
    plot = item
    while plot is not None and not isinstance(plot, pg.PlotItem):
        plot = plot.parentItem()
    title = ""
    if plot is not None:
        title = plot.titleLabel.text or plot.getAxis("left").labelText or "untitled"
    what = getattr(item, "orientation", "") if isinstance(item, pg.AxisItem) else ""
    return f"plot {_short(title)!r}{' ' + what + ' axis' if what else ''}"


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "..."
