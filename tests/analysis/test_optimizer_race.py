"""Race mode without Qt: every optimizer from the same θ, the slice through the start, a
cancel stops it, a bad request is refused with a message."""
import threading

import numpy as np
import pytest

from nnviz.analysis.optimizer_race import RaceRequest, Racer, run_race, run_racer
from nnviz.engine.network import Network
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.trainer import Trainer
from nnviz.training.session import TrainingSession


@pytest.fixture(scope="module")
def start():
    return TrainingSession().snapshot()


def request(snap, racers, steps=50, **kw):
    return RaceRequest(theta=snap.theta, layer_dims=snap.layer_dims,
                       activations=snap.activations, head=snap.head, alpha=None,
                       X=snap.data.X_train, Y=snap.data.Y_train, racers=racers, steps=steps,
                       **kw)


def test_each_racer_is_the_trainer_from_the_same_start(start):
    req = request(start, (Racer("gd", 1.2), Racer("adam", 0.01, (("bias_correction", False),))),
                  batch_size=64)
    thetas, steps, costs, message = run_racer(req, req.racers[1], lambda: None)
    net = Network(list(start.layer_dims), list(start.activations), start.head, init="zeros")
    net.set_theta(start.theta)
    trainer = Trainer(net, start.data.X_train, start.data.Y_train,
                      make_optimizer("adam", learning_rate=0.01, bias_correction=False),
                      batch_size=64, seed=0)
    trainer.run(50)
    np.testing.assert_allclose(thetas[-1], net.theta, rtol=1e-12)
    assert message == "" and steps[-1] == 50 and costs[-1] < costs[0]


def test_race_paths_share_the_start_and_lie_in_the_slice(start):
    r = run_race(request(start, (Racer("gd", 1.2), Racer("momentum", 1.2),
                                 Racer("rmsprop", 0.01))))
    assert len(r.paths) == 3 and r.grid.shape == (41, 41)
    for path in r.paths:
        np.testing.assert_allclose(path[0], 0.0, atol=1e-12)
        assert np.abs(path).max() <= max(np.abs(r.alphas).max(), np.abs(r.betas).max())
    assert r.axis_labels[0].startswith("PC1")


class CancelledJob:
    def __init__(self, after):
        self.cancel_event = threading.Event()
        self.calls = 0
        self.after = after

    def check(self):
        self.calls += 1
        if self.calls > self.after:
            raise RuntimeError("stopped")

    def progress(self, fraction, text=""):
        return True


def test_a_cancelled_race_stops_between_steps(start):
    job = CancelledJob(after=3)
    with pytest.raises(RuntimeError, match="stopped"):
        run_race(request(start, (Racer("gd", 1.2), Racer("adam", 0.01)), steps=5000), job)
    assert job.calls == 4  # stopped at its first check after the flag


def test_one_racer_is_refused_with_a_message(start):
    with pytest.raises(ValueError, match="2 to 4 optimizers"):
        request(start, (Racer("gd", 1.2),))
