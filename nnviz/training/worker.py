"""The training worker: a ``QObject`` living on its own ``QThread`` (never on the GUI thread).

It trains in short chunks driven by a zero-interval ``QTimer``: each tick runs steps for about
``CHUNK_SECONDS`` and then returns to the thread's event loop, so queued slot calls (play,
pause, a new learning rate, ...) are handled between chunks. It emits an immutable
:class:`~nnviz.training.snapshot.TrainingSnapshot` at most ``max_snapshot_rate`` times per
second however fast it trains, and while running only once the GUI has taken the previous
one (``acknowledge``; at a set pace it keeps, one more may be made while the GUI draws). The
decision boundary, most of a snapshot's cost, is made fresh for every frame at a kept pace
and a few times a second at Max, and only while a view on screen draws it
(``set_outcome_wanted``); a paused snapshot always has it. It never touches a widget.

Use it through :class:`~nnviz.training.controller.TrainingController`, which owns the
thread, forwards the GUI's requests as queued signals and shuts everything down cleanly.
"""
from __future__ import annotations

import threading
import time
import traceback

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot
from threadpoolctl import threadpool_limits

from .config import Hyperparameters, SessionConfig
from .session import TrainingSession
from .snapshot import DIVERGED, IDLE, PAUSED, RUNNING

CHUNK_SECONDS = 0.02          # train this long, then let the event loop handle requests
THROTTLED_INTERVAL_MS = 5     # timer interval when a speed limit leaves nothing to do
SNAPSHOT_COST_FACTOR = 12     # emit no more often than 12x the time one snapshot takes,
                              # so snapshots never cost more than ~8 % of training time
OUTCOME_INTERVAL = 0.25       # while running at Max, recompute the decision boundary <= 4x/s
PACE_SLACK = 0.05             # a set pace is kept while fewer than 5 % of a second's steps wait
PACED_IN_FLIGHT = 2           # ... and then snapshots not yet taken by the GUI may be this many
ACK_TIMEOUT = 1.0             # emit anyway if the GUI has not taken the last snapshot by then
FRAME_WAIT_LIMIT = 0.1        # never wait longer than this for the GUI to finish a frame
TICK_SLACK = THROTTLED_INTERVAL_MS / 2000  # at a set pace, emit on the tick nearest the due time


class TrainingWorker(QObject):
    snapshot_ready = Signal(object)    # TrainingSnapshot
    state_changed = Signal(str)        # running / paused / diverged / idle
    diverged = Signal(str)             # what happened and how to fix it
    error = Signal(str)                # refused settings or an unexpected failure
    config_applied = Signal(object)    # the SessionConfig now in use
    config_rejected = Signal(object, str)  # (the SessionConfig still in use, why)
    session_captured = Signal(int, object)  # (request id, nnviz.engine.io.SessionData)
    capture_failed = Signal(int, str)       # (request id, why)
    session_adopted = Signal(object)        # the SessionConfig of a reopened session
    data_edited = Signal(object)            # the SessionConfig after drawn/removed points
    budget_reached = Signal(int)            # paused by itself at the iteration budget
    stopped = Signal()

    def __init__(self, config: SessionConfig | None = None, max_snapshot_rate: float = 30.0,
                 frame_gate: threading.Event | None = None):
        super().__init__()  # no parent: it is moved to its own thread
        self._initial_config = config
        # Cleared by the GUI while it draws a frame: the worker then waits (without the GIL)
        # between steps, so the frame is drawn in one go instead of the two threads handing
        # the GIL back and forth for every Python call pyqtgraph makes while painting.
        self.frame_gate = frame_gate if frame_gate is not None else threading.Event()
        if frame_gate is None:
            self.frame_gate.set()
        self.max_snapshot_rate = float(max_snapshot_rate)
        self.session: TrainingSession | None = None
        self.state = IDLE
        self._timer: QTimer | None = None
        self._pending_config: SessionConfig | None = None
        self._apply_scheduled = False
        self._blas_limit = None
        self._serial = 0
        self._speed = 0.0                  # steps per second; 0 = as fast as possible
        self._budget = 0                   # pause at this iteration (0 = never)
        self._budget_armed = False         # a run that started below the budget
        self._last_emit = 0.0              # when the last snapshot was sent
        self._emit_started = 0.0           # when making it began
        self._acknowledged = 0             # serial of the last snapshot the GUI took
        self._steps_per_call = 1
        self._last_outcome = 0.0
        self._outcome_wanted = True        # a view on screen draws the boundary
        self._steps_since_emit = 0
        self._snapshot_cost = 0.0
        self._rate_steps = 0               # steps since the last rate measurement
        self._rate_t0 = time.perf_counter()
        self._steps_per_second = 0.0
        self._throttle_t0 = 0.0
        self._throttle_steps = 0
        self._csv_origins: dict[str, str] = {}  # reopened sessions' CSV copies -> originals

    # -- life cycle (worker thread) ----------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Runs when the thread starts: build the session and show it."""
        # One BLAS thread: the machine may have only two cores and the GUI thread needs one
        # to stay responsive; the matrices here are small, so extra BLAS threads mostly add
        # synchronisation overhead anyway. (OpenBLAS applies the limit process-wide, which
        # is fine: the GUI thread does no heavy linear algebra.)
        self._blas_limit = threadpool_limits(limits=1, user_api="blas")
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)
        try:
            self.session = TrainingSession(self._initial_config)
        except ValueError as exc:
            self.error.emit(f"Could not build the requested session ({exc}); "
                            "the course default is shown instead.")
            self.session = TrainingSession()
        self.config_applied.emit(self.session.config)
        self._set_state(IDLE)
        self._emit_snapshot()

    @Slot()
    def stop(self) -> None:
        """Stop training and end the thread. Timers are stopped here, in their own thread."""
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        if self._blas_limit is not None:
            self._blas_limit.restore_original_limits()
            self._blas_limit = None
        thread = QThread.currentThread()
        app = QCoreApplication.instance()
        if app is not None and thread is not app.thread():
            # Hand the object back to the GUI thread so it can be deleted there safely.
            self.moveToThread(app.thread())
        self.stopped.emit()
        thread.quit()

    # -- requests from the GUI ---------------------------------------------------------
    @Slot()
    def play(self) -> None:
        if self.session is None or self.state == RUNNING:
            return
        if self.session.diverged:
            self.session.clear_divergence()  # try again from the last finite parameters
        self._set_state(RUNNING)
        # Pressing Play again at or past the budget trains on: the budget stops a run once.
        self._budget_armed = bool(self._budget) and self.session.iteration < self._budget
        self._rate_t0, self._rate_steps = time.perf_counter(), 0
        self._throttle_t0, self._throttle_steps = time.perf_counter(), 0
        self._update_timer_interval()
        self._timer.start()

    @Slot()
    def pause(self) -> None:
        if self.state != RUNNING:
            return
        self._timer.stop()
        self._set_state(PAUSED)
        self._emit_snapshot()

    @Slot()
    def toggle(self) -> None:
        if self.state == RUNNING:
            self.pause()
        else:
            self.play()

    @Slot(int)
    def step(self, n: int = 1) -> None:
        """Take ``n`` steps now (pausing first if running)."""
        if self.session is None:
            return
        if self.state == RUNNING:
            self._timer.stop()
        if self.session.diverged:
            self.session.clear_divergence()
        t0 = time.perf_counter()
        result = self.session.step(max(1, int(n)))
        elapsed = time.perf_counter() - t0
        if result.diverged:
            self._on_divergence(result.message)
            return
        self._steps_per_second = max(1, n) / elapsed if elapsed > 0 else 0.0
        self._set_state(PAUSED)
        self._emit_snapshot()

    @Slot()
    def reset(self) -> None:
        """Re-initialize the network with its seed and forget progress; keeps playing if
        it was playing."""
        if self.session is None:
            return
        self.session.reset()
        if self.state != RUNNING:
            self._set_state(IDLE)
        self._emit_snapshot()

    @Slot(object)
    def apply_config(self, config: SessionConfig) -> None:
        """Rebuild what changed (data, network) or just apply new hyperparameters.

        Requests are coalesced: while the user drags a slider only the latest is applied.
        """
        self._pending_config = config
        if not self._apply_scheduled:
            self._apply_scheduled = True
            QTimer.singleShot(0, self, self._apply_pending)

    @Slot(object)
    def set_hyperparameters(self, hyper: Hyperparameters) -> None:
        base = self._pending_config or (self.session.config if self.session else None)
        if base is not None:
            from dataclasses import replace
            self.apply_config(replace(base, hyper=hyper))

    @Slot(float)
    def set_speed(self, steps_per_second: float) -> None:
        """Limit training to ``steps_per_second`` (0 = as fast as possible)."""
        self._speed = max(0.0, float(steps_per_second))
        self._throttle_t0, self._throttle_steps = time.perf_counter(), 0
        self._update_timer_interval()

    @Slot(int)
    def set_budget(self, iterations: int) -> None:
        """Pause by itself when a run reaches ``iterations`` (0: no budget), as the course's
        notebooks stop at ``num_iterations``."""
        self._budget = max(0, int(iterations))
        self._budget_armed = (self.state == RUNNING and self.session is not None
                              and bool(self._budget) and self.session.iteration < self._budget)

    @Slot(bool)
    def set_outcome_wanted(self, wanted: bool) -> None:
        self._outcome_wanted = bool(wanted)

    @Slot()
    def request_snapshot(self) -> None:
        self._emit_snapshot()

    @Slot(object)
    def edit_points(self, request) -> None:
        """Data you draw: ``("add", x1, x2, class)``, ``("remove", x1, x2)`` (the nearest
        point) or ``("restore",)`` (the loaded data again). Applied by the session without a
        reset, so training goes on (while running too) on the edited data."""
        if self.session is None:
            return
        data = self.session.config.data
        try:
            if request[0] == "add":
                data = data.with_added_point(float(request[1]), float(request[2]),
                                             int(request[3]))
            elif request[0] == "remove":
                point = self.session.point_at(float(request[1]), float(request[2]))
                if point is None:
                    return
                data = data.without_point(point, self.session.dataset.m)
            elif request[0] == "restore":
                data = data.without_edits()
            else:
                raise ValueError(f"unknown data edit {request[0]!r}")
            from dataclasses import replace
            self.session.apply(replace(self.session.config, data=data))
        except ValueError as exc:
            self.error.emit(f"Could not edit the data: {exc}")
            return
        self.data_edited.emit(self.session.config)
        if self.state != RUNNING:
            self._emit_snapshot()

    @Slot(str, object, float)
    def set_parameter(self, name: str, index, value: float) -> None:
        """The weight editor (only while not training): one weight or bias set, then a
        fresh snapshot so every view shows the edited network at once."""
        if self.session is None:
            return
        if self.state == RUNNING:
            self.error.emit("Pause training to edit a weight or bias.")
            return
        try:
            self.session.set_parameter(name, index, value)
        except ValueError as exc:
            self.error.emit(f"Could not set {name}: {exc}")
            return
        self._emit_snapshot()

    @Slot(int)
    def capture_session(self, request_id: int) -> None:
        """Emit the session as a file's content (settings, weights, trainer state,
        history, trajectory), taken between two training chunks so it is consistent."""
        if self.session is None:
            self.capture_failed.emit(request_id, "the session has not started yet")
            return
        from .session_state import session_data

        try:
            data = session_data(self.session,
                                self._csv_origins.get(self.session.config.data.csv_path or ""))
        except (ValueError, OSError) as exc:
            self.capture_failed.emit(request_id, str(exc))
            return
        self.session_captured.emit(request_id, data)

    @Slot(object)
    def adopt_session(self, restored) -> None:
        """Replace the session by ``restored`` (a
        :class:`~nnviz.training.session_state.RestoredSession`, built and checked off this
        thread), paused at its saved iteration."""
        if self.session is None:
            return
        if self.state == RUNNING:
            self._timer.stop()
        self._pending_config = None  # a settings change asked for before the load is moot
        session = restored.session
        session.generation = self.session.generation + 1  # panels start afresh
        self.session = session
        if restored.csv_origin and session.config.data.csv_path:
            self._csv_origins[session.config.data.csv_path] = restored.csv_origin
        self._steps_per_second = 0.0
        self.session_adopted.emit(session.config)
        self._set_state(DIVERGED if session.diverged else PAUSED)
        self._emit_snapshot()

    @Slot(int)
    def acknowledge(self, serial: int) -> None:
        """The GUI has taken snapshot ``serial``: while training runs, the next one is only
        made after this (flow control: no snapshot is computed just to be dropped); at a set
        pace one more may be on its way, made while the GUI draws the last."""
        self._acknowledged = max(self._acknowledged, int(serial))
        if self.state == RUNNING and self._speed > 0:
            QTimer.singleShot(0, self, self._tick)  # paced: the next frame's snapshot now

    # -- internals ---------------------------------------------------------------------
    def _apply_pending(self) -> None:
        self._apply_scheduled = False
        config, self._pending_config = self._pending_config, None
        if config is None or self.session is None:
            return
        try:
            change = self.session.apply(config)
        except (ValueError, OSError) as exc:
            self.config_rejected.emit(self.session.config, str(exc))
            return
        self.config_applied.emit(self.session.config)
        if change in ("data", "network") and self.state != RUNNING:
            self._set_state(IDLE)
        if change != "none" and self.state != RUNNING:
            # A live what-if while paused: show the new network's activations and gradients.
            self._emit_snapshot()

    def _update_timer_interval(self) -> None:
        if self._timer is not None:
            self._timer.setInterval(0 if self._speed == 0 else THROTTLED_INTERVAL_MS)

    def _steps_allowed(self, now: float) -> int:
        if self._speed == 0:
            due = 1 << 30
        else:
            due = max(0, int(self._speed * (now - self._throttle_t0)) - self._throttle_steps)
        if self._budget_armed:
            due = min(due, max(0, self._budget - self.session.iteration))
        return due

    @Slot()
    def _tick(self) -> None:
        if self.state != RUNNING or self.session is None:
            return
        try:
            self._train_chunk()
        except Exception:  # a bug must not kill the thread silently
            self._timer.stop()
            self._set_state(PAUSED)
            self.error.emit("Training stopped by an unexpected error:\n" + traceback.format_exc())

    def _train_chunk(self) -> None:
        t0 = time.perf_counter()
        allowed = self._steps_allowed(t0)
        done = 0
        session = self.session
        gate = self.frame_gate
        while done < allowed:
            if not gate.is_set():
                gate.wait(FRAME_WAIT_LIMIT)
            # A few steps per call (about a millisecond's worth): less loop overhead.
            start = session.iteration
            result = session.step(min(self._steps_per_call, allowed - done))
            done += session.iteration - start
            if result.diverged:
                self._rate_steps += done
                self._on_divergence(result.message)
                return
            if time.perf_counter() - t0 >= CHUNK_SECONDS:
                break
        elapsed = time.perf_counter() - t0
        if done and elapsed > 0:
            self._steps_per_call = int(min(max(1, 0.001 * done / elapsed), 256))
        self._rate_steps += done
        self._throttle_steps += done
        self._steps_since_emit += done
        if self._budget_armed and session.iteration >= self._budget:
            self._budget_armed = False
            self._timer.stop()
            self._set_state(PAUSED)
            self._emit_snapshot()
            self.budget_reached.emit(session.iteration)
            return
        now = time.perf_counter()
        # At a set pace the worker keeps, it has time to spare: a snapshot (with its boundary)
        # for every frame, the next made while the GUI draws the last; at Max, snapshots
        # take at most ~8 % of training time and wait for the GUI.
        paced = self._keeping_pace(now)
        factor = 1.0 if paced else SNAPSHOT_COST_FACTOR
        interval = max(1.0 / self.max_snapshot_rate, factor * self._snapshot_cost)
        in_flight = self._serial - self._acknowledged
        limit = PACED_IN_FLIGHT if paced else 1
        waiting = in_flight >= limit and now - self._last_emit < ACK_TIMEOUT
        # At a set pace, frames keep time: one interval after the last one *began* (its
        # own cost and the timer's 5 ms ticks would otherwise stretch 33 ms to about 42).
        # A snapshot dearer than a frame still leaves the worker as long again to train.
        due = (max(self._emit_started + interval - TICK_SLACK,
                   self._last_emit + self._snapshot_cost) if paced
               else self._last_emit + interval)
        if self._steps_since_emit and not waiting and now >= due:
            elapsed = now - self._rate_t0
            if elapsed > 0:
                self._steps_per_second = self._rate_steps / elapsed
                self.session.limit_recording(self._steps_per_second)
            self._rate_t0, self._rate_steps = now, 0
            self._emit_snapshot()

    def _on_divergence(self, message: str) -> None:
        self._timer.stop()
        self._set_state(DIVERGED)
        self._emit_snapshot(message)
        self.diverged.emit(message)

    def _set_state(self, state: str) -> None:
        if state == PAUSED and self.session is not None and self.session.iteration == 0:
            state = IDLE
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _keeping_pace(self, now: float) -> bool:
        """Training at a set speed with no more than a few steps overdue."""
        return self._speed > 0 and self._steps_allowed(now) <= max(2.0, PACE_SLACK * self._speed)

    def _emit_snapshot(self, message: str = "") -> None:
        if self.session is None:
            return
        t0 = time.perf_counter()
        self._emit_started = t0
        self._serial += 1
        rate = self._steps_per_second if self.state in (RUNNING, PAUSED, DIVERGED) else 0.0
        # The boundary grid is most of a snapshot's cost: while running, only for a view
        # that draws it, at a kept pace every frame, at Max a few times a second.
        refresh = self.state != RUNNING or (self._outcome_wanted and (
            self._keeping_pace(t0) or t0 - self._last_outcome >= OUTCOME_INTERVAL))
        if refresh:
            self._last_outcome = t0
        snap = self.session.snapshot(self.state, rate, message, self._serial,
                                     refresh_outcome=refresh)
        t1 = time.perf_counter()
        self._snapshot_cost = t1 - t0
        self._last_emit = t1
        self._steps_since_emit = 0
        self.snapshot_ready.emit(snap)
