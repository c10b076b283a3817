"""A lesson or sweep run stops at the first step after a cancel, not at the next report."""
import pytest

from nnviz.engine.trainer import Trainer
from nnviz.experiments.progress import ExperimentCancelled
from nnviz.experiments.runs import run_session
from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig


def test_a_run_checks_the_cancel_flag_at_every_step(monkeypatch):
    steps = []
    original = Trainer.step

    def counting_step(self):
        steps.append(1)
        return original(self)

    monkeypatch.setattr(Trainer, "step", counting_step)
    config = SessionConfig(DataSpec(name="flower"), NetworkSpec(hidden_units=(4,),
                                                                activations=("tanh",)))
    with pytest.raises(ExperimentCancelled):
        run_session(config, 1000, cancel=lambda: len(steps) >= 3)
    # Progress is reported every 64 steps; the flag is read after each one (a step of a
    # network of 512-unit layers takes tens of milliseconds).
    assert len(steps) == 3
