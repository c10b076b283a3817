"""Gradient-check jobs stop soon after a cancel: the engine polls the job's own flag."""
import threading
import time

import pytest

from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig
from nnviz.training.jobs import Cancelled, Job
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.gradient_check import jobs


def snapshot(hidden):
    session = TrainingSession(SessionConfig(DataSpec(name="flower"), NetworkSpec(
        hidden_units=hidden, activations=("tanh",) * len(hidden))))
    session.step(1)
    return session.snapshot(state="paused")


class SilentJob(Job):
    """Neither its checks nor its progress reports say stop: only the engine's polling of
    the cancel flag itself can stop the check."""

    def __init__(self):
        super().__init__(None, None, lambda *args: None)

    def check(self):
        pass

    def progress(self, fraction, text=""):
        return True


@pytest.mark.parametrize("mode", ["full", "directional", "layer", "random"])
def test_every_check_hands_the_cancel_flag_to_the_engine(mode):
    snap = snapshot((3,))
    job = SilentJob()
    job.cancel()
    with pytest.raises(Cancelled):
        jobs.run_check(jobs.CheckRequest(mode=mode), snap, job)


def test_the_epsilon_sweep_hands_the_cancel_flag_to_the_engine():
    setup = jobs.setup_from_snapshot(snapshot((3,)))
    job = SilentJob()
    job.cancel()
    with pytest.raises(Cancelled):
        jobs.run_sweep(setup, None, job)


def test_a_full_check_of_a_512_by_512_network_stops_within_a_fraction_of_a_second(
        monkeypatch):
    import nnviz.engine.gradcheck.check as check_module

    snap = snapshot((512, 512))
    job, stopped, started = SilentJob(), {}, threading.Event()
    cost_changes = check_module.cost_changes

    def work():
        try:
            jobs.run_check(jobs.CheckRequest(mode="full"), snap, job)
        except Cancelled:
            stopped["at"] = time.perf_counter()

    def spy(*args, **kwargs):  # the evaluations of J have begun
        started.set()
        return cost_changes(*args, **kwargs)

    monkeypatch.setattr(check_module, "cost_changes", spy)
    worker = threading.Thread(target=work)
    worker.start()
    assert started.wait(30)
    time.sleep(0.2)
    cancelled_at = time.perf_counter()
    job.cancel()
    worker.join(60)
    assert not worker.is_alive()
    assert stopped["at"] - cancelled_at < 0.5
