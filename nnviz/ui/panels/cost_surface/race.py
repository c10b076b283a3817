"""Race mode: two to four optimizers from the current θ, their paths on one surface (the
slice through the start spanned by the principal components of all the paths) and their
costs side by side. The race runs on its own :class:`JobRunner` (cancellable, with
progress); the training run is not touched.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (QBoxLayout, QCheckBox, QDoubleSpinBox, QGridLayout, QLabel,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from nnviz.analysis.optimizer_race import (MAX_RACERS, MAX_STEPS, MIN_RACERS, RACE_COLOURS,
                                           RACE_NAMES, RaceRequest, Racer, run_race)
from nnviz.training.jobs import JobRunner

from ...plotting import style_plot
from .plots import PATH_HALO, SurfacePlot

DEFAULT_RATES = {"gd": 0.5, "momentum": 0.5, "rmsprop": 0.01, "adam": 0.01}
SIDE_BY_SIDE_WIDTH = 820  # wider than this: the map and the costs side by side


class RaceView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.runner = JobRunner("nnviz-race", parent=self)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(lambda _tag: self._stopped("Race cancelled."))
        self.runner.progress.connect(self._progress)
        self.snapshot = None
        self.result = None
        self.checks, self.rates = {}, {}
        grid = QGridLayout()
        grid.setContentsMargins(4, 4, 4, 0)
        for row, name in enumerate(RACE_NAMES):  # one optimizer a row: fits a narrow panel
            check = QCheckBox(RACE_NAMES[name])
            check.setChecked(name != "gd")
            check.setStyleSheet(f"QCheckBox {{ color: {RACE_COLOURS[name]}; "
                                "background: #222; padding: 1px 3px; }")
            check.setToolTip("Race this optimizer (two to four of them).")
            rate = QDoubleSpinBox()
            rate.setDecimals(4)
            rate.setRange(1e-4, 10.0)
            rate.setValue(DEFAULT_RATES[name])
            rate.setPrefix("α ")
            rate.setToolTip(f"The learning rate α of {RACE_NAMES[name]} in the race.")
            grid.addWidget(check, row, 0)
            grid.addWidget(rate, row, 1)
            self.checks[name], self.rates[name] = check, rate
        self.steps = QSpinBox()
        self.steps.setRange(10, MAX_STEPS)
        self.steps.setValue(300)
        self.steps.setSuffix(" steps")
        self.steps.setToolTip("Steps each optimizer takes from the current θ (same data, same "
                              "mini-batch order).")
        self.start = QPushButton("Race")
        self.start.setToolTip("Train each chosen optimizer from the current θ on a thread of "
                              "its own, then draw their paths on one surface.")
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(10)
        self.status = QLabel("Choose 2 to 4 optimizers and press Race: each starts from the "
                             "current θ.")
        self.status.setWordWrap(True)
        grid.addWidget(self.steps, 0, 2)
        grid.addWidget(self.start, 1, 2)
        grid.addWidget(self.cancel, 2, 2)
        grid.setColumnStretch(3, 1)

        self.surface = SurfacePlot()
        self.surface.set_message("No race yet")
        self.costs_widget = pg.PlotWidget()
        self.costs_plot = self.costs_widget.getPlotItem()
        self.costs_plot.setLabel("bottom", "step")
        self.costs_plot.setLabel("left", "J")
        self.costs_plot.setTitle("Cost of each optimizer", size="10pt")
        self.costs_plot.showGrid(x=True, y=True, alpha=0.2)
        for side in ("left", "bottom"):
            self.costs_plot.getAxis(side).enableAutoSIPrefix(False)
        self.costs_legend = self.costs_plot.addLegend(offset=(-10, 10))
        self.path_items, self.cost_items = [], []
        for _ in range(MAX_RACERS):
            halo = pg.PlotDataItem(pen=pg.mkPen(PATH_HALO, width=5))
            line = pg.PlotDataItem()
            for item in (halo, line):
                item.setZValue(10)
                self.surface.plot.addItem(item)
            self.path_items.append((halo, line))
            self.cost_items.append(self.costs_plot.plot([], []))
        self.plots = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.plots.addWidget(self.surface, 3)
        self.plots.addWidget(self.costs_widget, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        column.addWidget(self.bar)
        column.addWidget(self.status)
        column.addLayout(self.plots, 1)
        self.start.clicked.connect(self.run)
        self.cancel.clicked.connect(self.runner.cancel)

    # ----- running -------------------------------------------------------------------
    def racers(self) -> tuple[Racer, ...]:
        hyper = self.snapshot.config.hyper if self.snapshot is not None else None
        out = []
        for name, check in self.checks.items():
            if not check.isChecked():
                continue
            settings = ()
            if hyper is not None and name == "momentum":
                settings = (("beta", hyper.beta),)
            elif hyper is not None and name == "rmsprop":
                settings = (("beta2", hyper.beta2), ("epsilon", hyper.epsilon))
            elif hyper is not None and name == "adam":
                settings = (("beta1", hyper.beta1), ("beta2", hyper.beta2),
                            ("epsilon", hyper.epsilon), ("bias_correction", hyper.bias_correction))
            out.append(Racer(name, float(self.rates[name].value()), settings))
        return tuple(out)

    def make_request(self) -> RaceRequest:
        s = self.snapshot
        box = self.surface.plot.vb  # the map's shape, once it has been laid out
        aspect = (box.width() / box.height() if self.surface.isVisible() and box.height() > 10
                  else 1.0)
        return RaceRequest(
            theta=np.array(s.theta, dtype=np.float64), layer_dims=tuple(s.layer_dims),
            activations=tuple(s.activations), head=s.head, alpha=s.config.network.alpha,
            X=s.data.X_train, Y=s.data.Y_train, racers=self.racers(),
            steps=int(self.steps.value()), batch_size=s.config.hyper.batch_size,
            lambd=s.config.hyper.lambd, seed=s.config.network.seed, aspect=aspect)

    def run(self) -> None:
        if self.snapshot is None:
            return
        n = len(self.racers())
        if not MIN_RACERS <= n <= MAX_RACERS:
            self.status.setText(f"Choose {MIN_RACERS} to {MAX_RACERS} optimizers "
                                f"(now {n}).")
            return
        request = self.make_request()
        self.bar.setValue(0)
        self.start.setEnabled(False)
        self.cancel.setEnabled(True)
        self.status.setText(f"Racing {n} optimizers for {request.steps} steps…")
        self.runner.submit(lambda job: run_race(request, job), tag="race", cancel_running=True)

    def _progress(self, _tag, fraction: float, text: str) -> None:
        self.bar.setValue(int(1000 * fraction))
        if text:
            self.status.setText(f"{text}…")

    def _stopped(self, message: str) -> None:
        self.start.setEnabled(True)
        self.cancel.setEnabled(False)
        self.status.setText(message)

    def _failed(self, _tag, message: str) -> None:
        self._stopped(f"The race could not run: {message}")

    def _finished(self, _tag, result) -> None:
        self.result = result
        self.bar.setValue(1000)
        self._draw(result)
        finals = ", ".join(f"{label}: J = {costs[-1]:.4g}" + (" (diverged)" if msg else "")
                           for label, costs, msg in zip(result.labels, result.costs,
                                                        result.diverged))
        self._stopped(f"After {result.request.steps} steps from the same θ — {finals}.")

    # ----- drawing -------------------------------------------------------------------
    def _draw(self, r) -> None:
        self.surface.show_surface(r.alphas, r.betas, r.grid, True, r.axis_labels,
                                  "J around the start, with every optimizer's path", True,
                                  r.contours.get(True))
        self.surface.show_path(np.zeros((0, 2)))
        self.costs_legend.clear()
        for k, (halo, line) in enumerate(self.path_items):
            cost_item = self.cost_items[k]
            if k < len(r.paths):
                path, colour = r.paths[k], r.colours[k]
                halo.setData(path[:, 0], path[:, 1])
                line.setData(path[:, 0], path[:, 1], pen=pg.mkPen(colour, width=2.5))
                cost_item.setData(r.path_steps[k], r.costs[k], pen=pg.mkPen(colour, width=2))
                self.costs_legend.addItem(cost_item, r.labels[k])
            else:
                halo.setData([], [])
                line.setData([], [])
                cost_item.setData([], [])
        self.surface.start_marker.setData([0.0], [0.0])

    def arrange(self, width: int) -> None:
        self.plots.setDirection(QBoxLayout.Direction.LeftToRight if width > SIDE_BY_SIDE_WIDTH
                                else QBoxLayout.Direction.TopToBottom)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.arrange(self.width())

    def apply_theme(self, colors) -> None:
        self.surface.apply_theme(colors)
        style_plot(self.costs_widget, colors)  # axes, title, legend; scaled when presenting

    def shutdown(self) -> None:
        self.runner.shutdown()

