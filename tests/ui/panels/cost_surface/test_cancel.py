"""Cost surface jobs stop soon after a cancel: closing the window never waits for a grid."""
import threading
import time

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from nnviz.analysis.cost_surface import SurfaceRequest, compute_surface
from nnviz.engine.cost_surface import SurfaceCancelled
from nnviz.engine.network import Network
from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig
from nnviz.training.jobs import Cancelled
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.cost_surface.panel import CostSurfacePanel


class PollingJob:
    """A job whose cancel flag counts how often it is read, and turns on after ``after``."""

    def __init__(self, after: int | None = None):
        self.polls, self.after = 0, after
        self.cancel_event = self  # the engine reads ``is_set()``

    def is_set(self) -> bool:
        self.polls += 1
        return self.after is not None and self.polls > self.after

    @property
    def cancelled(self) -> bool:
        return self.is_set()

    def check(self) -> None:
        if self.is_set():
            raise Cancelled()

    def progress(self, fraction, text=""):
        return not self.is_set()


def request(dims, loss="cross_entropy", m=50, resolution=5, mode="parameters"):
    net = Network(list(dims), ["tanh"] * (len(dims) - 2), "sigmoid", seed=3, init="he")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return SurfaceRequest(theta=net.theta.copy(), layer_dims=tuple(dims),
                          activations=tuple(net.activations), head="sigmoid", alpha=None,
                          X=X, Y=Y, mode=mode, resolution=resolution, loss=loss,
                          trajectory=(net.theta * 0.9, net.theta * 0.95))


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_the_grid_polls_the_cancel_flag_at_every_layer(loss):
    dims = (2, 16, 16, 16, 1)
    job = PollingJob()
    result = compute_surface(request(dims, loss), job)
    assert result.costs.shape == (5, 5)
    # At least once per layer for each of the 25 grid points' chunks (one chunk here holds
    # them all: 3 hidden layers + output, for the grid and the 3 x 3 curvature grid).
    assert job.polls >= 2 * (len(dims) - 1)


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_a_cancel_during_the_grid_stops_it(loss):
    job = PollingJob(after=6)  # cancelled part-way through the layers
    with pytest.raises((SurfaceCancelled, Cancelled)):
        compute_surface(request((2, 16, 16, 16, 1), loss), job)
    assert job.polls == 7  # stopped at the first poll that saw the flag


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_a_512_by_512_surface_stops_within_a_fraction_of_a_second(loss):
    # The case: hidden layers 512,512, where one surface takes many seconds.
    req = request((2, 512, 512, 1), loss, m=400, resolution=41)
    event = threading.Event()

    class Job(PollingJob):
        def is_set(self):
            self.polls += 1
            return event.is_set()

    job, stopped = Job(), {}

    def work():
        try:
            compute_surface(req, job)
        except (SurfaceCancelled, Cancelled):
            stopped["at"] = time.perf_counter()

    worker = threading.Thread(target=work)
    worker.start()
    deadline = time.monotonic() + 20
    while job.polls < 8 and time.monotonic() < deadline:  # inside the grid's layers
        time.sleep(0.005)
    assert job.polls >= 8, "the grid never polled the cancel flag"
    cancelled_at = time.perf_counter()
    event.set()
    worker.join(20)
    assert not worker.is_alive()
    assert stopped["at"] - cancelled_at < 0.5  # ~50 ms of work between polls, on a busy CI


def test_closing_the_panel_while_it_computes_a_big_surface_is_quick(qtbot, monkeypatch):
    from nnviz.engine.cost_surface import CostSurfaceEvaluator

    in_grid = threading.Event()
    chunk = CostSurfaceEvaluator._chunk

    def entering_chunk(self, *args, **kwargs):
        in_grid.set()
        return chunk(self, *args, **kwargs)

    monkeypatch.setattr(CostSurfaceEvaluator, "_chunk", entering_chunk)
    config = SessionConfig(DataSpec(name="flower"),
                           NetworkSpec(hidden_units=(512, 512), activations=("tanh", "tanh")))
    session = TrainingSession(config)
    session.step(2)
    snapshot = session.snapshot(state="paused")
    host = QWidget()
    qtbot.addWidget(host)
    panel = CostSurfacePanel(parent=host)
    panel.on_snapshot(snapshot)
    qtbot.waitUntil(in_grid.is_set, timeout=20000)
    t0 = time.perf_counter()
    panel.shutdown()
    assert time.perf_counter() - t0 < 1.0
    assert panel.runner._thread.isFinished()
