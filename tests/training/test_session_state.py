"""A training session saved to a .nnviz file and restored: same state, bit for bit, and the
restored session continues exactly as the uninterrupted one."""
import dataclasses

import numpy as np
import pytest

from nnviz.engine.io import load_session, save_session
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.training.session_state import (_thin_trajectory, restore_session, session_data,
                                          session_config)

# Adam, mini-batches and dropout: the continuation depends on the optimizer's moving
# averages, the mini-batch order and the random generator, all of which must be restored.
CONFIG = SessionConfig(
    DataSpec(name="moons", params=(("m", 240), ("noise", 0.2), ("seed", 4)), normalize=True),
    NetworkSpec(hidden_units=(6, 5), activations=("tanh", "relu"), init="he", seed=7),
    Hyperparameters(optimizer="adam", learning_rate=0.01, batch_size=32, keep_prob=0.9))


def saved_and_loaded(session, tmp_path, name="run.nnviz"):
    path = save_session(tmp_path / name, session_data(session))
    return load_session(path)


def test_restored_session_has_the_same_state_and_continues_identically(tmp_path):
    original = TrainingSession(CONFIG)
    for _ in range(3):  # per-layer statistics are recorded with each snapshot
        original.step(12)
        original.snapshot()
    original.step(1)
    assert len(original.layer_history) == 3
    loaded = saved_and_loaded(original, tmp_path)
    restored = restore_session(loaded, tmp_path).session
    assert restored is not original
    assert restored.config == original.config
    assert restored.iteration == 37 and restored.trainer.epoch == original.trainer.epoch
    assert restored.net.theta.tobytes() == original.net.theta.tobytes()
    for key, values in original.history.arrays().items():
        np.testing.assert_array_equal(restored.history.arrays()[key], values)
    assert len(restored.trajectory) == len(original.trajectory) == 38
    np.testing.assert_array_equal(restored.trajectory.iterations(),
                                  original.trajectory.iterations())
    for a, b in zip(restored.trajectory.thetas(), original.trajectory.thetas()):
        assert a.tobytes() == b.tobytes()
    np.testing.assert_array_equal(restored.layer_history.iterations, [12, 24, 36])
    for name in ("grad_norm", "dZ_norm", "saturated_fraction"):
        assert restored.layer_history.series(name).shape == (3, 3)
        assert np.array_equal(restored.layer_history.series(name),
                              original.layer_history.series(name), equal_nan=True)

    original.step(25)
    restored.step(25)
    assert restored.net.theta.tobytes() == original.net.theta.tobytes()
    np.testing.assert_array_equal(restored.history.arrays()["train_cost"],
                                  original.history.arrays()["train_cost"])
    # And the restored state can be saved again unchanged.
    again = restore_session(saved_and_loaded(restored, tmp_path, "again.nnviz"), tmp_path)
    assert again.session.net.theta.tobytes() == restored.net.theta.tobytes()
    assert again.notes == ()


def test_decimated_history_keeps_its_stride_so_recording_continues_alike(tmp_path):
    config = dataclasses.replace(CONFIG, hyper=Hyperparameters(learning_rate=0.5))
    original = TrainingSession(config, history_capacity=16, trajectory_capacity=8)
    # Past the first iterations every history keeps one by one (EARLY_ITERATIONS).
    original.step(300)  # capacity 16 -> stride > 1 (history and trajectory)
    assert original.history.stride > 1 and original.trajectory.stride > 1
    restored = restore_session(saved_and_loaded(original, tmp_path), tmp_path).session
    # The restored session has the default capacities; strides carry over.
    assert restored.history.stride == original.history.stride
    assert restored.trajectory.stride == original.trajectory.stride
    saved = original.history.arrays()
    original.step(30)
    restored.step(30)
    # The same spacing as before (the original, with its small capacity, thins further).
    h = restored.history.arrays()
    stride = restored.history.stride
    np.testing.assert_array_equal(h["iterations"], np.concatenate(
        [saved["iterations"], np.arange((300 // stride + 1) * stride, 331, stride)]))
    theirs = original.history.arrays()
    common = np.isin(h["iterations"], theirs["iterations"])
    np.testing.assert_array_equal(h["train_cost"][common],
                                  theirs["train_cost"][np.isin(theirs["iterations"],
                                                               h["iterations"])])
    assert np.all(np.diff(restored.trajectory.iterations()) == restored.trajectory.stride)


def test_a_file_without_strides_gets_them_from_the_recorded_iterations(tmp_path):
    original = TrainingSession(dataclasses.replace(CONFIG, hyper=Hyperparameters()),
                               history_capacity=16)
    original.step(40)
    original.snapshot()
    data = session_data(original)
    for key in ("history_stride", "trajectory_stride", "layer_history"):
        del data.extra[key]  # as the command line writes it
    restored = restore_session(data, tmp_path).session
    assert restored.history.stride == original.history.stride == 4
    assert len(restored.layer_history) == 0


def test_csv_session_restores_from_the_embedded_file_and_keeps_its_original_path(tmp_path):
    csv = tmp_path / "people.csv"
    rows = ["height,weight,label"] + [f"{1.5 + (i % 9) / 20},{50 + (i * 7) % 40},"
                                      f"{'tall' if i % 9 > 4 else 'short'}" for i in range(60)]
    csv.write_text("\n".join(rows) + "\n")
    config = dataclasses.replace(CONFIG, data=DataSpec(name="csv", csv_path=str(csv),
                                                       csv_label_column=2, normalize=True))
    original = TrainingSession(config)
    original.step(5)
    loaded = saved_and_loaded(original, tmp_path)
    csv.unlink()  # the session does not need the original file any more
    folder = tmp_path / "restored"
    folder.mkdir()
    restored = restore_session(loaded, folder)
    assert restored.csv_origin == str(csv)
    assert is_inside(restored.session.config.data.csv_path, folder)
    assert restored.session.net.theta.tobytes() == original.net.theta.tobytes()
    assert restored.session.dataset.class_names == original.dataset.class_names
    resaved = session_data(restored.session, csv_origin=restored.csv_origin)
    assert resaved.dataset["path"] == str(csv)
    assert resaved.csv_text == loaded.csv_text


def is_inside(path, folder) -> bool:
    from pathlib import Path

    return Path(folder) in Path(path).parents


def test_settings_that_build_another_network_are_refused(tmp_path):
    original = TrainingSession(CONFIG)
    data = session_data(original)
    data.network = {**data.network, "layer_dims": [2, 9, 5, 1]}
    with pytest.raises(ValueError, match=r"saved weights are for layers \[2, 9, 5, 1\]"):
        restore_session(data, tmp_path)
    data = session_data(original)
    data.settings["network"]["activations"] = ["tanh", "nope"]
    with pytest.raises(ValueError, match="settings cannot be used.*nope"):
        restore_session(data, tmp_path)
    data = session_data(original)
    data.trainer["optimizer"]["name"] = "momentum"
    with pytest.raises(ValueError, match="training state cannot be restored.*momentum"):
        restore_session(data, tmp_path)


def test_a_malformed_history_is_reported_and_the_rest_restored(tmp_path):
    original = TrainingSession(CONFIG)
    original.step(6)
    data = session_data(original)
    data.history["train_cost"] = data.history["train_cost"][:-2]
    restored = restore_session(data, tmp_path)
    assert restored.notes == ("the cost and accuracy history",)
    assert len(restored.session.history) == 1  # the restored point only
    assert restored.session.net.theta.tobytes() == original.net.theta.tobytes()


def test_a_large_trajectory_is_thinned_evenly_when_saved():
    session = TrainingSession(CONFIG)
    session.step(20)
    data = session_data(session)
    per_entry = data.trajectory[0].nbytes
    _thin_trajectory(data, 5 * per_entry)
    assert len(data.trajectory) == 5
    np.testing.assert_array_equal(data.extra["trajectory_iterations"], [0, 5, 10, 15, 20])
    assert data.trajectory[-1].tobytes() == session.net.theta.tobytes()


def test_session_config_refuses_a_csv_session_without_its_file(tmp_path):
    original = TrainingSession(CONFIG)
    data = session_data(original)
    data.settings["data"] = {**data.settings["data"], "name": "csv", "csv_path": "x.csv"}
    with pytest.raises(ValueError, match="CSV file, but the file's content is not in it"):
        session_config(data, tmp_path)


def test_exported_weights_become_a_session_on_the_same_data(tmp_path):
    from nnviz.engine.io import export_weights, load_weights
    from nnviz.training.session_state import session_from_weights

    original = TrainingSession(CONFIG)
    original.step(30)
    path = export_weights(tmp_path / "w.npz", original.net, normalizer=original.standardizer,
                          dataset_info=original.dataset)
    model = load_weights(path)
    # Start from other settings: the network and normalization switch come from the file.
    start = dataclasses.replace(CONFIG, network=NetworkSpec(), data=dataclasses.replace(
        CONFIG.data, normalize=False))
    restored = session_from_weights(model, start)
    session = restored.session
    assert restored.notes == ()
    assert session.config.network.hidden_units == (6, 5)
    assert session.config.network.activations == ("tanh", "relu")
    assert session.config.network.init == "he" and session.config.data.normalize
    assert session.iteration == 0 and len(session.history) == 1
    assert session.net.theta.tobytes() == original.net.theta.tobytes()
    X = original.data.X_test
    np.testing.assert_array_equal(session.net.predict_output(X),
                                  original.net.predict_output(X))
    assert session.history.arrays()["train_cost"][0] == pytest.approx(
        original.measure()["train_cost"], rel=1e-12)
    # On other data (the flower's 2 features fit, but its normalization differs): a note.
    other = dataclasses.replace(start, data=DataSpec(name="flower"))
    assert "normalized a little differently" in session_from_weights(model, other).notes[0]
    # Data with another number of features: refused.
    iris = dataclasses.replace(start, data=DataSpec(name="iris"))
    with pytest.raises(ValueError, match="take n\\[0\\] = 2 inputs.*4 features"):
        session_from_weights(model, iris)
