"""Learning-rate decay in the session: settings checked with sentences, applied live, the
snapshot's α, saved and restored with the session (a file without decay loads without)."""
import dataclasses

import pytest

from nnviz.engine.io import load_session, save_session
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.training.session_state import restore_session, session_data

CONFIG = SessionConfig(
    DataSpec(name="moons", params=(("m", 120), ("noise", 0.2), ("seed", 4)), normalize=True),
    NetworkSpec(hidden_units=(5,), activations=("tanh",), init="he", seed=7),
    Hyperparameters(optimizer="gd", learning_rate=0.6, batch_size=32, lr_decay="staircase",
                    decay_rate=0.5, decay_interval=2))


def test_the_defaults_keep_alpha_constant():
    h = Hyperparameters()
    assert (h.lr_decay, h.decay_rate, h.decay_interval) == ("none", None, 1000)
    assert h.lr_schedule().at(500) == h.learning_rate


@pytest.mark.parametrize("changes, words", [
    (dict(lr_decay="linear"), "unknown learning-rate decay"),
    (dict(lr_decay="exponential", decay_rate=2.0), "at most 1"),
    (dict(lr_decay="inverse", decay_rate=-0.1), "between 0 and"),
    (dict(lr_decay="staircase", decay_interval=0), "whole number of epochs"),
])
def test_bad_decay_settings_are_refused_with_a_sentence(changes, words):
    with pytest.raises(ValueError, match=words):
        Hyperparameters(**changes)


def test_the_session_decays_alpha_per_epoch_and_the_snapshot_carries_it():
    session = TrainingSession(CONFIG)
    # 120 examples, 80 % training = 96: 3 mini-batches of 32 per epoch.
    assert session.data.m_train == 96
    assert session.snapshot().learning_rate == 0.6
    session.step(6)  # epochs 0 and 1 done
    assert session.trainer.epoch == 2
    assert session.snapshot().learning_rate == pytest.approx(0.6 / (1 + 0.5 * 1))
    session.step(6)
    assert session.snapshot().learning_rate == pytest.approx(0.6 / (1 + 0.5 * 2))


def test_a_decay_change_applies_at_once_without_a_reset():
    session = TrainingSession(dataclasses.replace(
        CONFIG, hyper=dataclasses.replace(CONFIG.hyper, lr_decay="none")))
    session.step(9)
    assert session.snapshot().learning_rate == 0.6
    theta = session.net.theta.copy()
    hyper = dataclasses.replace(session.config.hyper, lr_decay="inverse", decay_rate=1.0)
    assert session.apply(dataclasses.replace(session.config, hyper=hyper)) == "hyper"
    assert (session.net.theta == theta).all() and session.trainer.epoch == 3
    assert session.trainer.optimizer.learning_rate == pytest.approx(0.6 / 4)
    assert session.snapshot().learning_rate == pytest.approx(0.15)
    # Back to constant: α0 again.
    session.apply(dataclasses.replace(session.config, hyper=dataclasses.replace(
        hyper, lr_decay="none")))
    assert session.snapshot().learning_rate == session.trainer.optimizer.learning_rate == 0.6


def test_a_schedule_is_saved_and_restored_and_training_continues_alike(tmp_path):
    original = TrainingSession(CONFIG)
    original.step(7)
    path = save_session(tmp_path / "decay.nnviz", session_data(original))
    restored = restore_session(load_session(path), tmp_path).session
    assert restored.config.hyper == CONFIG.hyper
    assert restored.snapshot().learning_rate == original.snapshot().learning_rate
    # The optimizer (whose next step the cost surface draws) has α at the restored epoch.
    assert restored.trainer.optimizer.learning_rate == original.trainer.optimizer.learning_rate
    original.step(10)
    restored.step(10)
    assert restored.net.theta.tobytes() == original.net.theta.tobytes()
    assert restored.snapshot().learning_rate == pytest.approx(0.6 / (1 + 0.5 * 2))


def test_a_file_saved_before_decay_existed_loads_with_constant_alpha(tmp_path):
    session = TrainingSession(dataclasses.replace(
        CONFIG, hyper=dataclasses.replace(CONFIG.hyper, lr_decay="none")))
    session.step(3)
    data = session_data(session)
    for key in ("lr_decay", "decay_rate", "decay_interval"):
        del data.settings["hyper"][key]
    path = save_session(tmp_path / "old.nnviz", data)
    restored = restore_session(load_session(path), tmp_path).session
    hyper = restored.config.hyper
    assert (hyper.lr_decay, hyper.decay_rate, hyper.decay_interval) == ("none", None, 1000)
    assert restored.trainer.lr_schedule is None
    restored.step(30)
    assert restored.snapshot().learning_rate == 0.6
