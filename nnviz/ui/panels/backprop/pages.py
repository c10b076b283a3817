"""The two graph pages: the course's J = 3(a + bc) on numbers, and one example through the
network being trained. Both step through a :class:`ComputationGraph` computed by a job."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDoubleSpinBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout,
                               QWidget)

from nnviz.engine.backprop_steps import COURSE_INPUTS, ComputationGraph
from nnviz.training.jobs import JobRunner

from ...theme import PlotColors, colors
from . import jobs
from .graph_view import GraphView
from .stepper import StepButtons, StepCursor

FORWARD_TIP = "Compute the next node's value from its inputs (→). At the end: start again."
BACKWARD_TIP = ("Once every value is in: the next node's derivative dJ/dnode, the sum of the "
                "chain-rule products on the edges leaving it (←). At the end: start again.")


def _structure(graph: ComputationGraph | None):
    if graph is None:
        return None
    return (tuple(n.key for n in graph.nodes), tuple((e.source, e.target) for e in graph.edges))


class GraphPage(QWidget):
    """A graph, the step buttons and the current step written out. Its job runner computes
    the graph; only the newest request's result is shown."""

    stepped = Signal()  # the learner took a step (the panel stops following training)

    def __init__(self, job_name: str, parent=None):
        super().__init__(parent)
        self.view = GraphView()
        self.buttons = StepButtons(FORWARD_TIP, BACKWARD_TIP)
        self.step_text = QLabel()
        self.step_text.setWordWrap(True)
        self.step_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.step_text.setToolTip("The step just taken, with the numbers that went into it.")
        self.status = QLabel()  # errors only; notes go in the view's tooltip
        self.status.setWordWrap(True)
        self.status.hide()
        self.cursor = StepCursor()
        self.graph: ComputationGraph | None = None
        self.jobs = JobRunner(job_name, self)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self._serial = 0
        self._colors = colors()
        self.buttons.forward_clicked.connect(self.forward)
        self.buttons.backward_clicked.connect(self.backward)
        self.buttons.reset_clicked.connect(self.reset)
        self.buttons.show_cursor(self.cursor)

    def _stack(self, *leading, below=None) -> None:
        """One row of controls (``leading`` widgets, then the step buttons), the step
        written out, the graph: the dock is short, the window wide."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in leading:
            row.addWidget(widget)
        row.addWidget(self.buttons, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(3)
        column.addLayout(row)
        if below is not None:
            column.addWidget(below)
        column.addWidget(self.step_text)
        column.addWidget(self.view, 1)
        column.addWidget(self.status)

    def set_notes(self, text: str) -> None:
        self.view.setToolTip(text)

    # -- stepping ---------------------------------------------------------------------
    def forward(self) -> None:
        if self.cursor.forward():
            self.stepped.emit()
            self._refresh()

    def backward(self) -> None:
        if self.cursor.backward():
            self.stepped.emit()
            self._refresh()

    def reset(self) -> None:
        self.cursor.reset()
        self.stepped.emit()
        self._refresh()

    def fill_values(self) -> None:
        if self.graph is not None:
            self.cursor.fill_values()
            self.stepped.emit()
            self._refresh()

    def finish(self) -> None:
        if self.graph is not None:
            self.cursor.finish()
            self.stepped.emit()
            self._refresh()

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        self.view.set_colors(c)

    def shutdown(self) -> None:
        self.jobs.shutdown()

    # -- results ----------------------------------------------------------------------
    def _submit(self, fn) -> None:
        self._serial += 1
        self.jobs.submit(fn, tag=self._serial)

    def _on_finished(self, tag, result) -> None:
        if tag == self._serial:
            self.show_result(result)

    def _on_failed(self, tag, message: str) -> None:
        if tag == self._serial:
            self.status.setText(f"<span style='color:{self._colors.bad}'>"
                                f"{html.escape(message)}</span>")
            self.status.show()

    def show_result(self, result) -> None:
        self.status.hide()
        self.set_graph(result, show_all=False)

    def set_graph(self, graph: ComputationGraph, show_all: bool) -> None:
        """Show ``graph``: every step taken (``show_all``), else where the learner was when
        the graph has the same nodes, else from the start."""
        same = _structure(graph) == _structure(self.graph)
        self.graph = graph
        self.cursor.resize(len(graph.forward_steps), len(graph.backward_steps))
        if show_all:
            self.cursor.finish()
        elif not same:
            self.cursor.reset()
        self._refresh()

    def _refresh(self) -> None:
        self.buttons.show_cursor(self.cursor)
        if self.graph is None:
            return
        revealed = self.graph.revealed(self.cursor.k)
        self.view.show_graph(self.graph, revealed)
        if revealed.current is not None:
            phase = "Forward" if revealed.current.phase == "forward" else "Backward"
            self.step_text.setText(f"<b>{phase}:</b> {revealed.current.text}")
        else:
            self.step_text.setText("Press <b>Forward</b> (→) to compute the first value.")


class NumbersPage(GraphPage):
    """The course's ``J = 3(a + bc)``; a, b and c are editable."""

    def __init__(self, parent=None):
        super().__init__("nnviz-backprop-numbers", parent)
        self.inputs = {}
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(QLabel("<b>J = 3(a + bc)</b> &nbsp; with"))
        for name, value in COURSE_INPUTS.items():
            spin = QDoubleSpinBox()
            spin.setRange(-1000.0, 1000.0)
            spin.setDecimals(3)
            spin.setValue(value)
            spin.setPrefix(f"{name} = ")
            spin.setKeyboardTracking(False)
            spin.setToolTip(f"The input {name}; the course uses a = 5, b = 3, c = 2.")
            spin.valueChanged.connect(lambda _v: self.recompute())
            self.inputs[name] = spin
            line.addWidget(spin)
        line.addStretch(1)
        self._stack(row)
        self.set_notes("u = bc and v = a + u name the intermediate results. Each node shows "
                       "its value and, below it, dJ/dnode (the course's da, db ...).")
        self.recompute()

    def set_inputs(self, a: float, b: float, c: float) -> None:
        for name, value in zip("abc", (a, b, c)):
            spin = self.inputs[name]
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.recompute()

    def recompute(self) -> None:
        a, b, c = (self.inputs[k].value() for k in "abc")
        self._submit(lambda job: jobs.run_numbers(a, b, c, job))


class ExamplePage(GraphPage):
    """One training example through the current network."""

    def __init__(self, parent=None):
        super().__init__("nnviz-backprop-example", parent)
        self.example = QSpinBox()
        self.example.setRange(0, 0)
        self.example.setPrefix("example ")
        self.example.setKeyboardTracking(False)
        self.example.setToolTip("Which training example (a column of X) to follow. Clicking "
                                "a point of the decision boundary picks it too.")
        self.example.valueChanged.connect(lambda _v: self.recompute())
        self.units_row = QWidget()
        self._units_line = QHBoxLayout(self.units_row)
        self._units_line.setContentsMargins(0, 0, 0, 0)
        self.unit_spins: list[QSpinBox] = []
        self.units_row.hide()
        self._reduced = False
        self.info = QLabel("No network yet: start or step training.")
        self.info.setWordWrap(True)
        self._units_line.addWidget(QLabel("too big to draw whole, so through"))
        details = QWidget()
        line = QHBoxLayout(details)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.units_row)
        line.addWidget(self.info, 1)
        self._stack(self.example, below=details)
        self.snapshot = None
        self.live = True
        self.result: jobs.ExampleResult | None = None

    def set_snapshot(self, snapshot) -> None:
        self.snapshot = snapshot
        self.recompute()

    def show_example(self, index: int) -> None:
        index = int(index)
        if self.snapshot is not None and not 0 <= index < self.snapshot.data.m_train:
            raise ValueError(f"example {index} is outside 0..{self.snapshot.data.m_train - 1}")
        if index > self.example.maximum():
            self.example.setMaximum(index)
        if self.example.value() == index:
            self.recompute()
        else:
            self.example.setValue(index)  # -> recompute

    def recompute(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        index = self.example.value()
        units = [s.value() - 1 for s in self.unit_spins] if self._reduced else None
        self._submit(lambda job: jobs.run_example(snapshot, index, units, job))

    def show_result(self, result: jobs.ExampleResult) -> None:
        self.result = result
        eg = result.example
        self.example.blockSignals(True)
        self.example.setMaximum(result.m - 1)
        self.example.setValue(eg.index)
        self.example.blockSignals(False)
        self._show_units(eg)
        self.set_graph(result.graph, show_all=self.live)
        y = ", ".join(f"{v:g}" for v in eg.y)
        self.info.setText(f"of {result.m:,} training examples · y = {y} · loss L = "
                          f"{eg.loss:.4g} · iteration {result.iteration:,}")
        self.status.hide()
        self.set_notes(" ".join(result.graph.notes))

    def _show_units(self, eg) -> None:
        self._reduced = eg.reduced
        self.units_row.setVisible(eg.reduced)
        if not eg.reduced:
            return
        dims = [eg.x.size] + [layer.z.size for layer in eg.layers]
        if len(self.unit_spins) != len(dims):
            for spin in self.unit_spins:
                self._units_line.removeWidget(spin)
                spin.deleteLater()
            self.unit_spins = []
            for l in range(len(dims)):
                spin = QSpinBox()
                spin.setPrefix(f"layer {l}: unit ")
                spin.setKeyboardTracking(False)
                spin.setToolTip("Too big to draw whole: the unit of this layer the example "
                                "is followed through (counted from 1).")
                spin.valueChanged.connect(lambda _v: self.recompute())
                self.unit_spins.append(spin)
                self._units_line.addWidget(spin)
        for spin, n, (u,) in zip(self.unit_spins, dims, eg.shown_units):
            spin.blockSignals(True)
            spin.setRange(1, n)
            spin.setValue(u + 1)
            spin.blockSignals(False)
