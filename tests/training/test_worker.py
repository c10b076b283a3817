"""The training worker on its QThread, driven through the controller as the GUI drives it."""
import dataclasses
import threading
import time

import numpy as np
import pytest

from nnviz.engine.trainer import Trainer
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.controller import TrainingController

from .test_session import course_gradient

TIMEOUT = 20000


def wait_for(qtbot, controller, predicate, timeout=TIMEOUT):
    qtbot.waitUntil(lambda: controller.latest is not None and predicate(controller.latest),
                    timeout=timeout)
    return controller.latest


def pause(qtbot, controller):
    controller.pause()
    return wait_for(qtbot, controller, lambda s: s.state == "paused")


@pytest.fixture
def make_controller(qtbot):
    made = []

    def make(config=None):
        c = TrainingController(config)
        made.append(c)
        c.start()
        wait_for(qtbot, c, lambda s: True)
        return c

    yield make
    for c in made:
        assert c.shutdown()
        assert c.thread.isFinished()


def test_snapshots_are_rate_limited_while_training_runs_free(qtbot, make_controller):
    c = make_controller()
    c.play()
    wait_for(qtbot, c, lambda s: s.state == "running" and s.iteration > 50)
    n0, it0, t0 = c.snapshots_received, c.latest.iteration, time.perf_counter()
    qtbot.wait(1500)
    n, elapsed = c.snapshots_received - n0, time.perf_counter() - t0
    steps = c.latest.iteration - it0
    assert n / elapsed <= 30 * 1.15 + 1      # at most ~30 snapshots per second
    assert n >= 3                            # and they do keep coming
    assert steps > 3 * n                     # many steps per snapshot: training is not paced
    pause(qtbot, c)


def test_cost_falls_below_a_threshold_on_the_flower_and_pause_stops(qtbot, make_controller):
    c = make_controller()
    first = c.latest
    assert first.layer_dims == (2, 4, 1) and first.activations == ("tanh",)
    assert first.train_cost == pytest.approx(np.log(2), abs=0.01)
    c.play()
    wait_for(qtbot, c, lambda s: s.train_cost < 0.3)
    snap = pause(qtbot, c)
    qtbot.wait(300)
    assert c.latest.iteration == snap.iteration  # paused: no more steps
    assert c.state == "paused"


def test_learning_rate_change_is_used_at_the_next_step_without_reset(qtbot, make_controller):
    c = make_controller()
    c.play()
    wait_for(qtbot, c, lambda s: s.iteration > 20)
    before = pause(qtbot, c)
    c.set_hyperparameters(Hyperparameters(learning_rate=0.5))
    qtbot.waitUntil(lambda: c.config.hyper.learning_rate == 0.5, timeout=TIMEOUT)
    c.step(1)
    after = wait_for(qtbot, c, lambda s: s.iteration == before.iteration + 1)
    assert after.generation == before.generation  # no reset
    d = before.data
    theta = np.array(before.theta)
    expected = theta - 0.5 * course_gradient(theta, d.X_train, d.Y_train)
    assert np.allclose(after.theta, expected, rtol=1e-12, atol=1e-15)


def test_init_scale_change_while_paused_reinitializes_and_shows_it(qtbot, make_controller):
    c = make_controller()
    initial = c.latest
    c.step(10)
    wait_for(qtbot, c, lambda s: s.iteration == 10)
    config = c.config
    c.apply_config(dataclasses.replace(config, network=dataclasses.replace(
        config.network, init_scale=100.0)))
    snap = wait_for(qtbot, c, lambda s: s.generation > initial.generation + 0
                    and s.config.network.init_scale == 100.0)
    assert snap.iteration == 0
    assert np.allclose(snap.theta, 100.0 * np.asarray(initial.theta))  # same seed, 100x
    # Activations and gradients of the new network are there at once (forward + backward).
    W1, b1 = snap.params()["W1"], snap.params()["b1"]
    X = snap.data.X_train[:, snap.layer_columns]
    assert np.allclose(snap.layers[0].Z, W1 @ X + b1)
    assert np.allclose(snap.layers[0].A, np.tanh(W1 @ X + b1))
    d = snap.data
    grad = course_gradient(np.asarray(snap.theta), d.X_train, d.Y_train)
    assert np.allclose(snap.layers[0].dW.ravel(), grad[:8])
    assert c.state != "running"


def test_divergence_pauses_with_a_message_and_no_nan(qtbot, make_controller):
    config = SessionConfig(DataSpec(name="scaled_features"),
                           NetworkSpec(hidden_units=(4,), activations=("relu",)),
                           Hyperparameters(learning_rate=10.0))
    c = make_controller(config)
    with qtbot.waitSignal(c.diverged, timeout=TIMEOUT) as blocker:
        c.play()
    message = blocker.args[0]
    assert message.startswith("Diverged at iteration") and "learning rate" in message
    assert "normalize the inputs" in message  # std 1 to 1,000: the first fix named
    snap = wait_for(qtbot, c, lambda s: s.state == "diverged")
    assert snap.message == message
    assert np.isfinite(snap.theta).all()
    assert np.isfinite([snap.train_cost, snap.test_cost, snap.train_metric]).all()
    for a in (snap.history.train_cost, snap.history.test_cost, snap.boundary.values):
        assert np.isfinite(a).all()
    qtbot.wait(200)
    assert c.latest.iteration == snap.iteration  # training stopped


def test_reset_reproduces_the_same_network(qtbot, make_controller):
    c = make_controller()
    initial = c.latest
    c.play()
    wait_for(qtbot, c, lambda s: s.iteration > 100)
    pause(qtbot, c)
    c.reset()
    snap = wait_for(qtbot, c, lambda s: s.generation > initial.generation)
    assert snap.iteration == 0
    assert np.array_equal(snap.theta, initial.theta)


def test_speed_limit_bounds_the_step_rate(qtbot, make_controller):
    c = make_controller()
    c.set_speed(100.0)
    c.play()
    wait_for(qtbot, c, lambda s: s.state == "running")
    it0, t0 = c.latest.iteration, time.perf_counter()
    qtbot.wait(1000)
    steps, elapsed = c.latest.iteration - it0, time.perf_counter() - t0
    assert 0 < steps <= 100 * elapsed * 1.1 + 10
    pause(qtbot, c)


def test_training_never_runs_on_the_gui_thread(qtbot, make_controller, monkeypatch):
    threads = set()
    original = Trainer.step

    def recording_step(self):
        threads.add(threading.get_ident())
        return original(self)

    monkeypatch.setattr(Trainer, "step", recording_step)
    c = make_controller()
    c.play()
    wait_for(qtbot, c, lambda s: s.iteration > 30)
    c.step(3)
    pause(qtbot, c)
    assert threads and threading.get_ident() not in threads


def test_shutdown_while_training_stops_the_thread(qtbot):
    c = TrainingController()
    c.start()
    c.play()
    wait_for(qtbot, c, lambda s: s.state == "running" and s.iteration > 10)
    t0 = time.perf_counter()
    assert c.shutdown()
    assert c.thread.isFinished() and not c.thread.isRunning()
    assert time.perf_counter() - t0 < 5  # a chunk is ~20 ms; generous for a busy machine
    assert c.shutdown()  # idempotent


def test_bad_settings_are_refused_and_training_state_kept(qtbot, make_controller, tmp_path):
    c = make_controller()
    c.step(5)
    before = wait_for(qtbot, c, lambda s: s.iteration == 5)
    bad = dataclasses.replace(c.config, data=DataSpec(name="csv",
                                                      csv_path=str(tmp_path / "missing.csv")))
    with qtbot.waitSignal(c.config_rejected, timeout=TIMEOUT) as blocker:
        c.apply_config(bad)
    config, message = blocker.args
    assert config == before.config and "missing.csv" in message
    c.step(1)
    after = wait_for(qtbot, c, lambda s: s.iteration == 6)
    assert after.generation == before.generation


def test_garbage_is_collected_on_the_gui_thread_while_training_runs(qtbot, make_controller,
                                                                    monkeypatch):
    import gc

    gui = threading.get_ident()
    collecting_threads = []
    original = Trainer.step

    def step_leaving_cycles(self):
        for _ in range(20):  # what an automatic collection would find on this thread
            cycle = []
            cycle.append(cycle)
        return original(self)

    def on_gc(phase, info):
        if phase == "start":
            collecting_threads.append(threading.get_ident())

    monkeypatch.setattr(Trainer, "step", step_leaving_cycles)
    gc.callbacks.append(on_gc)
    try:
        c = make_controller()
        c.play()
        wait_for(qtbot, c, lambda s: s.iteration > 300)
        pause(qtbot, c)
        qtbot.wait(300)
    finally:
        gc.callbacks.remove(on_gc)
    assert collecting_threads and set(collecting_threads) == {gui}


def test_the_boundary_is_computed_only_while_a_view_draws_it(qtbot, make_controller):
    c = make_controller()
    c.set_speed(100)  # a kept pace: with a view that draws it, every frame has a fresh one
    c.play()
    wait_for(qtbot, c, lambda s: s.state == "running" and s.iteration > 20)
    seen = []
    c.snapshot.connect(lambda s: seen.append(s))
    qtbot.waitUntil(lambda: len(seen) >= 4, timeout=TIMEOUT)
    grids = [s.boundary for s in seen[-3:]]
    assert len({id(g) for g in grids}) == 3  # drawn: a new grid every frame
    c.want_outcome(False)  # e.g. the Landscape workspace: nothing on screen draws it
    qtbot.wait(300)
    seen.clear()
    qtbot.waitUntil(lambda: len(seen) >= 5, timeout=TIMEOUT)
    assert len({id(s.boundary) for s in seen}) == 1  # the last one, carried along
    assert seen[-1].iteration > seen[0].iteration  # while training goes on
    stale = seen[-1].boundary
    paused = pause(qtbot, c)  # a still picture is always complete
    assert paused.boundary is not stale
    c.want_outcome(True)
    c.play()
    seen.clear()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=TIMEOUT)
    assert len({id(s.boundary) for s in seen[-2:]}) == 2
    pause(qtbot, c)
