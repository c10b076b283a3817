"""The GUI thread's handle on the training worker.

:class:`TrainingController` lives in the GUI thread. It owns the ``QThread`` and the
:class:`~nnviz.training.worker.TrainingWorker` moved onto it, forwards requests as queued
signals (so the GUI never waits for training), and hands on only the latest snapshot:
when snapshots arrive faster than the GUI draws, older ones are dropped, never queued.

Drawing and training share one interpreter lock, so the controller paces the drawing: while
training runs it delivers snapshots only as often as keeps the GUI thread under
``gui_budget`` of a core at Max speed, or ``paced_gui_budget`` at a set pace the worker keeps
(100 steps/s trains for a few milliseconds a second: the rest is the drawing's), at most
``max_snapshot_rate`` and at least 4 per second. The worker makes the next snapshot only
after the last one was taken (``acknowledge``; at a set pace, while the GUI draws it), and
waits between two steps while a frame is drawn (``frame_gate``), so a frame is painted in one
go instead of the two threads trading the lock for every Python call pyqtgraph makes.

``shutdown()`` stops the worker and waits for the thread to finish; call it before the
application quits (the main window does, in ``closeEvent``).
"""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from . import gui_gc
from .config import Hyperparameters, SessionConfig, course_default
from .snapshot import IDLE, TrainingSnapshot
from .worker import TrainingWorker

# Controllers whose thread was started and not yet shut down. Holding them here means a
# running thread is never destroyed by garbage collection (Qt aborts the process when a
# running QThread is destroyed), and tests can assert that nothing is left running.
RUNNING_CONTROLLERS: "set[TrainingController]" = set()
GUI_BUDGET = 0.08         # share of a core the drawing may use at Max (each ms drawn is one
                          # the parked worker does not train): ~4 frames/s in Landscape
MAX_DRAW_INTERVAL = 0.25  # draw at least 4 times a second while training runs
PACED_GUI_BUDGET = 0.75   # share of a core the drawing may use at a set pace the worker keeps
KEEPING_PACE = 0.8        # ... judged by the worker's smoothed rate against the pace


class TrainingController(QObject):
    snapshot = Signal(object)          # the latest TrainingSnapshot (stale ones dropped)
    state_changed = Signal(str)
    diverged = Signal(str)
    error = Signal(str)
    config_applied = Signal(object)    # SessionConfig in use
    config_rejected = Signal(object, str)
    session_captured = Signal(int, object)  # (request id from capture_session, SessionData)
    capture_failed = Signal(int, str)
    session_adopted = Signal(object)       # SessionConfig of a reopened session
    # GUI-only: a panel asks the others to show one unit's picture, (layer, unit) or None
    # (panels never import each other; this is their meeting point).
    unit_focus = Signal(object)
    example_focus = Signal(int)   # a training example picked in the plot (backprop's page 2)
    gradient_check_done = Signal(object)  # a finished gradient check's result (the challenges)
    budget_reached = Signal(int)           # paused by itself at the iteration budget
    # GUI-only: a data or weight edit as asked for, before the worker applies it (the undo
    # history names it and keeps the old value): the edit_points request tuple, and
    # (name, 0-based index, value).
    points_requested = Signal(object)
    parameter_requested = Signal(str, object, float)

    # Requests, delivered to the worker thread as queued calls.
    _play = Signal()
    _pause = Signal()
    _toggle = Signal()
    _step = Signal(int)
    _reset = Signal()
    _apply = Signal(object)
    _speed = Signal(float)
    _budget = Signal(int)
    _outcome_wanted = Signal(bool)
    _snapshot_request = Signal()
    _set_parameter = Signal(str, object, float)
    _edit_points = Signal(object)
    _acknowledge = Signal(int)
    _capture = Signal(int)
    _adopt = Signal(object)
    _stop = Signal()

    def report_gradient_check(self, result) -> None:
        """Tell whoever listens (the challenges) that a gradient check finished (GUI thread)."""
        self.gradient_check_done.emit(result)

    def __init__(self, config: SessionConfig | None = None, max_snapshot_rate: float = 30.0,
                 parent: QObject | None = None, gui_budget: float = GUI_BUDGET,
                 paced_gui_budget: float = PACED_GUI_BUDGET):
        super().__init__(parent)
        self.config = config if config is not None else course_default()  # in use
        self.requested_config = self.config                                # last asked for
        self.state = IDLE
        self.latest: TrainingSnapshot | None = None
        self.snapshots_received = 0    # every snapshot the worker sent (before coalescing)
        self.snapshots_delivered = 0
        self._closed = False
        self._stop_requested = False
        self._gc_token = 0
        # Drawing budget: pyqtgraph paints in Python, holding the GIL, so every millisecond
        # the GUI thread spends drawing is a millisecond the worker cannot train. Deliveries
        # are spaced so the GUI thread uses at most ``gui_budget`` of one core while
        # training runs (at most max_snapshot_rate per second when drawing is cheap).
        self.gui_budget = gui_budget
        self.paced_gui_budget = paced_gui_budget
        self.pace = 0.0              # steps per second asked for (0: Max, the worker's start)
        self._rate = 0.0             # the worker's steps per second, smoothed
        self.min_interval = 1.0 / max_snapshot_rate
        self.draw_interval = self.min_interval
        self._last_delivery = 0.0
        self._last_cpu = time.thread_time()

        self.thread = QThread()
        self.thread.setObjectName("nnviz-training")
        self.frame_gate = threading.Event()  # clear while the GUI draws a frame
        self.frame_gate.set()
        self.worker = TrainingWorker(self.config, max_snapshot_rate, self.frame_gate)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.start)

        for request, slot in ((self._play, self.worker.play), (self._pause, self.worker.pause),
                              (self._toggle, self.worker.toggle), (self._step, self.worker.step),
                              (self._reset, self.worker.reset),
                              (self._apply, self.worker.apply_config),
                              (self._speed, self.worker.set_speed),
                              (self._budget, self.worker.set_budget),
                              (self._outcome_wanted, self.worker.set_outcome_wanted),
                              (self._snapshot_request, self.worker.request_snapshot),
                              (self._set_parameter, self.worker.set_parameter),
                              (self._edit_points, self.worker.edit_points),
                              (self._acknowledge, self.worker.acknowledge),
                              (self._capture, self.worker.capture_session),
                              (self._adopt, self.worker.adopt_session),
                              (self._stop, self.worker.stop)):
            request.connect(slot)
        self.worker.snapshot_ready.connect(self._on_snapshot)
        self.worker.state_changed.connect(self._on_state)
        self.worker.diverged.connect(self.diverged)
        self.worker.budget_reached.connect(self.budget_reached)
        self.worker.error.connect(self.error)
        self.worker.config_applied.connect(self._on_config_applied)
        self.worker.config_rejected.connect(self._on_config_rejected)
        self.worker.session_captured.connect(self.session_captured)
        self.worker.capture_failed.connect(self.capture_failed)
        self.worker.session_adopted.connect(self._on_session_adopted)
        self.worker.data_edited.connect(self._on_data_edited)
        self._capture_requests = 0

        # Coalescing: a zero-interval single-shot timer delivers whatever is latest once
        # the GUI gets back to its event loop.
        self._deliver_timer = QTimer(self)
        self._deliver_timer.setSingleShot(True)
        self._deliver_timer.setInterval(0)
        self._deliver_timer.timeout.connect(self._deliver)

    # -- life cycle --------------------------------------------------------------------
    def start(self) -> None:
        if not self.thread.isRunning() and not self._closed:
            RUNNING_CONTROLLERS.add(self)
            self._gc_token = gui_gc.hold()  # the worker allocates: collect on the GUI thread
            self.thread.start()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop training and the thread; True when the thread has finished."""
        if self._closed:
            return self.thread.isFinished() or not self.thread.isRunning()
        self._closed = True
        self._deliver_timer.stop()
        if self.thread.isRunning():
            self.request_stop()
            finished = self.thread.wait(timeout_ms)
            if not finished:  # should not happen: a chunk lasts ~20 ms
                self.thread.quit()
                finished = self.thread.wait(timeout_ms)
            if finished:
                RUNNING_CONTROLLERS.discard(self)
                gui_gc.release(self._gc_token)
            return finished
        RUNNING_CONTROLLERS.discard(self)
        gui_gc.release(self._gc_token)
        return True

    def request_stop(self) -> None:
        """Ask the worker to stop after its current chunk, without waiting: closing the
        window lets a long step (30 layers of 512) end while the panels stop their jobs.
        Once only: the stopped worker moves to the GUI thread, where a second stop would
        quit the GUI's event loop."""
        if self.thread.isRunning() and not self._stop_requested:
            self._stop_requested = True
            self._stop.emit()

    @property
    def is_running(self) -> bool:
        return self.thread.isRunning()

    # -- requests ----------------------------------------------------------------------
    def play(self) -> None:
        self._play.emit()

    def pause(self) -> None:
        self._pause.emit()

    def toggle(self) -> None:
        self._toggle.emit()

    def step(self, n: int = 1) -> None:
        self._step.emit(int(n))

    def reset(self) -> None:
        self._reset.emit()

    def apply_config(self, config: SessionConfig) -> None:
        """Ask for ``config``: data/network changes rebuild (seeded), hyperparameter
        changes apply at the next step."""
        self.requested_config = config
        self._apply.emit(config)

    def set_hyperparameters(self, hyper: Hyperparameters) -> None:
        from dataclasses import replace
        self.apply_config(replace(self.requested_config, hyper=hyper))

    def set_speed(self, steps_per_second: float) -> None:
        """0 = as fast as possible."""
        self.pace = max(0.0, float(steps_per_second))
        self._speed.emit(float(steps_per_second))

    def set_budget(self, iterations: int) -> None:
        """Pause by itself at ``iterations`` (0: train until paused)."""
        self._budget.emit(int(iterations))

    def want_outcome(self, wanted: bool) -> None:
        """Whether a view on screen draws the decision boundary / evaluation: while none
        does, running snapshots skip recomputing it (a paused one always has it fresh)."""
        self._outcome_wanted.emit(bool(wanted))

    def request_snapshot(self) -> None:
        self._snapshot_request.emit()

    def set_parameter(self, name: str, index, value: float) -> None:
        """Set weight ``name`` (``"W1"``, ``"b2"``) at 0-based ``index`` to ``value`` while
        paused; the worker answers with a fresh snapshot (or ``error``)."""
        self.parameter_requested.emit(str(name), index, float(value))
        self._set_parameter.emit(str(name), index, float(value))

    def add_point(self, x1: float, x2: float, label: int) -> None:
        """Data you draw: a training point of class ``label`` at raw ``(x1, x2)``."""
        self._request_points(("add", float(x1), float(x2), int(label)))

    def remove_point_near(self, x1: float, x2: float) -> None:
        """Remove the data point (training or test) nearest to raw ``(x1, x2)``."""
        self._request_points(("remove", float(x1), float(x2)))

    def restore_data(self) -> None:
        """Undo every drawn and removed point."""
        self._request_points(("restore",))

    def _request_points(self, request: tuple) -> None:
        self.points_requested.emit(request)
        self._edit_points.emit(request)

    def focus_unit(self, unit: tuple[int, int] | None) -> None:
        """Show unit ``(layer, 0-based unit)``'s activation picture large (None: the output)."""
        self.unit_focus.emit(unit)

    def focus_example(self, index: int) -> None:
        """Follow training example ``index`` (a column of the training split) where a panel
        shows one example (the Backprop panel's per-example graph)."""
        self.example_focus.emit(int(index))

    def capture_session(self) -> int:
        """Ask the worker for the session as a file's content; it answers with
        ``session_captured(request id, SessionData)`` (or ``capture_failed``)."""
        self._capture_requests += 1
        self._capture.emit(self._capture_requests)
        return self._capture_requests

    def adopt_session(self, restored) -> None:
        """Switch to a session rebuilt from a file
        (:func:`~nnviz.training.session_state.restore_session`, done off the GUI thread)."""
        self._adopt.emit(restored)

    # -- from the worker ---------------------------------------------------------------
    def _on_snapshot(self, snapshot: TrainingSnapshot) -> None:
        if self._closed:
            return
        self.snapshots_received += 1
        self.latest = snapshot
        if snapshot.state == "running":  # one snapshot's rate covers a few steps: smoothed
            self._rate = 0.8 * self._rate + 0.2 * snapshot.steps_per_second
        wait = 0.0
        if snapshot.state == "running":
            wait = self._last_delivery + self.draw_interval - time.perf_counter()
        # Paused/stepped/rebuilt pictures go out at once; live ones at the drawing rate.
        if not self._deliver_timer.isActive() or wait <= 0:
            self._deliver_timer.start(max(0, int(wait * 1000)))

    def _deliver(self) -> None:
        if self._closed or self.latest is None:
            return
        now, cpu = time.perf_counter(), time.thread_time()
        if self.latest.state == "running" and self._last_delivery:
            # GUI-thread CPU since the last delivery is mostly the cost of drawing it.
            used = cpu - self._last_cpu
            target = min(max(used / self.drawing_budget, self.min_interval), MAX_DRAW_INTERVAL)
            self.draw_interval = 0.7 * self.draw_interval + 0.3 * target
        self._last_delivery, self._last_cpu = now, cpu
        self.snapshots_delivered += 1
        # The receivers draw the frame now (the main window repaints the panels it fed),
        # with the worker parked between two steps: see TrainingWorker.frame_gate.
        self.frame_gate.clear()
        try:
            self.snapshot.emit(self.latest)
        finally:
            self.frame_gate.set()
        self._acknowledge.emit(self.latest.serial)

    @property
    def drawing_budget(self) -> float:
        """The share of a core the GUI may spend drawing while training runs: small at Max
        (each millisecond drawing is one the worker cannot train), most of a core at a set
        pace the worker keeps (it trains a few milliseconds a second and waits the rest)."""
        if self.pace > 0 and self._rate >= KEEPING_PACE * self.pace:
            return self.paced_gui_budget
        return self.gui_budget

    def _on_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _on_config_applied(self, config: SessionConfig) -> None:
        self.config = config
        self.config_applied.emit(config)

    def _on_data_edited(self, config: SessionConfig) -> None:
        # The edit is now the settings asked for too: a later builder change keeps it.
        self.config = self.requested_config = config
        self.config_applied.emit(config)

    def _on_session_adopted(self, config: SessionConfig) -> None:
        self.config = self.requested_config = config
        self.session_adopted.emit(config)
        self.config_applied.emit(config)

    def _on_config_rejected(self, config: SessionConfig, message: str) -> None:
        self.config = self.requested_config = config
        self.config_rejected.emit(config, message)
        self.error.emit(message)
