"""Exported weights: round trips, ONNX parity, every refusal, atomic writes, history CSV."""
from __future__ import annotations

import csv
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz import __version__
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.io import (ExportError, LoadError, export_history_csv, export_weights,
                             load_weights)
from nnviz.engine.io import atomic as atomic_module
from nnviz.engine.io import weights as weights_module
from nnviz.engine.network import Network
from nnviz.engine.normalization import Standardizer

ARCHITECTURES = [  # (layer_dims, hidden activations, head, alpha)
    ([3, 5, 1], ["tanh"], "sigmoid", None),
    ([3, 6, 4, 3], ["relu", "leaky_relu"], "softmax", None),
    ([3, 4, 4, 1], ["elu", "softplus"], "linear", 0.7),
    ([3, 4, 4, 2], ["gelu", "swish"], "softmax", None),
    ([3, 4, 1], ["sigmoid"], "sigmoid", None),
    ([3, 2, 3, 1], ["linear", "leaky_relu"], "linear", 0.2),
    ([3, 1], [], "sigmoid", None),  # logistic regression: no hidden layer
]


def raw_inputs(m=40, seed=0):
    """Features on very different scales, like real tabular data."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(3, m)) * np.array([[1.0], [300.0], [0.02]]) + [[0.0], [50.0], [1.0]]


def trained_like(dims, acts, head, alpha=None, dtype=np.float64, seed=1):
    """A network whose biases and weights are all non-trivial (not a fresh init)."""
    net = Network(dims, acts, head=head, alpha=alpha, dtype=dtype, init="xavier", seed=seed)
    rng = np.random.default_rng(seed + 100)
    net.theta[...] += (0.5 * rng.standard_normal(net.n_params)).astype(dtype)
    return net


@pytest.fixture
def setup():
    X = raw_inputs()
    norm = Standardizer.fit(X)
    net = trained_like([3, 5, 1], ["tanh"], "sigmoid")
    info = {"name": "toy", "task": "binary", "feature_names": ["size", "weight", "ratio"],
            "class_names": ["no", "yes"], "source": "tests"}
    return X, norm, net, info


# -- round trips --------------------------------------------------------------------------

@pytest.mark.parametrize("dims, acts, head, alpha", ARCHITECTURES)
@pytest.mark.parametrize("fmt", ["npz", "json"])
@pytest.mark.parametrize("normalized", [True, False])
def test_round_trip_reproduces_predictions_bit_for_bit(tmp_path, dims, acts, head, alpha, fmt,
                                                       normalized):
    X = raw_inputs()
    norm = Standardizer.fit(X) if normalized else None
    net = trained_like(dims, acts, head, alpha)
    before = net.predict_output(norm.transform(X) if norm else X)
    path = export_weights(tmp_path / f"w.{fmt}", net, normalizer=norm)
    loaded = load_weights(path)
    assert loaded.format == fmt
    assert loaded.net.layer_dims == dims
    assert loaded.net.layer_activations == acts + [head]
    assert loaded.net.alpha == alpha
    assert np.array_equal(loaded.net.theta, net.theta)  # bitwise, JSON included (repr floats)
    assert np.array_equal(loaded.predict_output(X), before)
    if norm is None:
        assert loaded.normalizer is None
    else:
        assert np.array_equal(loaded.normalizer.mean, norm.mean)
        assert np.array_equal(loaded.normalizer.std, norm.std)


@settings(max_examples=25, deadline=None)
@given(hidden=st.lists(st.integers(1, 6), max_size=3),
       activation=st.sampled_from(sorted(ACTIVATIONS)),
       head_outputs=st.sampled_from([("sigmoid", 1), ("softmax", 3), ("linear", 2)]),
       magnitude=st.sampled_from([1e-300, 1e-8, 1.0, 1e8, 1e300]),
       seed=st.integers(0, 2**32 - 1))
def test_any_network_and_any_finite_values_round_trip_exactly(hidden, activation,
                                                              head_outputs, magnitude, seed):
    """Extreme magnitudes (near the float64 limits, subnormal-adjacent) survive JSON too."""
    head, n_out = head_outputs
    net = Network([3, *hidden, n_out], activation, head=head, init="zeros")
    net.theta[...] = np.random.default_rng(seed).standard_normal(net.n_params) * magnitude
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("npz", "json"):
            loaded = load_weights(export_weights(Path(folder) / f"w.{fmt}", net))
            assert loaded.net.theta.tobytes() == net.theta.tobytes()
            assert loaded.net.layer_activations == net.layer_activations


@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_float32_network_round_trips_in_float32(tmp_path, fmt):
    net = trained_like([3, 4, 3], ["relu"], "softmax", dtype=np.float32)
    loaded = load_weights(export_weights(tmp_path / f"w.{fmt}", net))
    assert loaded.net.dtype == np.float32
    assert np.array_equal(loaded.net.theta, net.theta)


def test_metadata_carries_everything_needed(tmp_path, setup):
    X, norm, net, info = setup
    settings = {"optimizer": "adam", "learning_rate": np.float64(0.01), "hidden_units": (5,)}
    metrics = {"train": {"cost": 0.25, "accuracy": 0.9}, "test": {"r2": float("nan")}}
    loaded = load_weights(export_weights(tmp_path / "w.json", net, normalizer=norm,
                                         dataset_info=info, settings=settings, metrics=metrics))
    meta = loaded.metadata
    assert meta["nnviz_version"] == __version__
    assert meta["format_version"] == 1
    assert meta["network"]["layer_dims"] == [3, 5, 1]
    assert meta["network"]["activations"] == ["tanh", "sigmoid"]
    assert meta["network"]["head"] == "sigmoid"
    assert meta["network"]["loss"] == "binary cross-entropy"
    assert meta["normalization"]["method"] == "standardize"
    assert loaded.feature_names == ["size", "weight", "ratio"]
    assert loaded.class_names == ["no", "yes"]
    assert meta["settings"] == {"optimizer": "adam", "learning_rate": 0.01, "hidden_units": [5]}
    assert meta["metrics"]["train"] == {"cost": 0.25, "accuracy": 0.9}
    assert meta["metrics"]["test"] == {"r2": None}  # JSON has no NaN


def test_dataset_object_is_accepted_as_dataset_info(tmp_path):
    from nnviz.engine.data import make_dataset
    ds = make_dataset("iris")
    net = trained_like([4, 3, 3], ["tanh"], "softmax")
    loaded = load_weights(export_weights(tmp_path / "iris.npz", net, dataset_info=ds))
    assert loaded.class_names == list(ds.class_names)
    assert loaded.feature_names == list(ds.feature_names)
    assert loaded.metadata["dataset"]["task"] == "multiclass"


def test_npz_is_plain_numpy_without_pickle(tmp_path, setup):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "w.npz", net, normalizer=norm, dataset_info=info)
    with np.load(path, allow_pickle=False) as d:
        assert sorted(d.files) == ["W1", "W2", "b1", "b2", "mean", "metadata", "std"]
        assert d["W1"].shape == (5, 3) and d["b1"].shape == (5, 1)
        assert d["mean"].shape == (3, 1)
        meta = json.loads(str(d["metadata"]))
    assert meta["dataset"]["feature_names"] == ["size", "weight", "ratio"]
    # By hand, the course's forward pass with the stored arrays gives the same predictions.
    with np.load(path) as d:
        A0 = (X - d["mean"]) / d["std"]
        A1 = np.tanh(d["W1"] @ A0 + d["b1"])
        A2 = 1 / (1 + np.exp(-(d["W2"] @ A1 + d["b2"])))
    np.testing.assert_allclose(A2, net.predict_output(norm.transform(X)), rtol=1e-12)


def test_json_is_readable_with_one_matrix_row_per_line(tmp_path, setup):
    X, norm, net, info = setup
    text = export_weights(tmp_path / "w.json", net, dataset_info=info).read_text()
    doc = json.loads(text)
    assert doc["format"] == "nnviz-weights"
    assert doc["arrays"]["W1"] == net.params["W1"].tolist()
    row = json.dumps(net.params["W1"][0].tolist())
    assert row in text  # a matrix row is one line
    assert '"feature_names": ["size", "weight", "ratio"]' in text


# -- ONNX ---------------------------------------------------------------------------------

@pytest.mark.parametrize("dims, acts, head, alpha", ARCHITECTURES)
@pytest.mark.parametrize("normalized", [True, False])
def test_onnx_maps_raw_inputs_to_engine_predictions(tmp_path, dims, acts, head, alpha,
                                                   normalized):
    ort = pytest.importorskip("onnxruntime", reason="ONNX parity needs onnxruntime "
                              "(pip install 'nnviz[onnx]')")
    X = raw_inputs(m=64)
    norm = Standardizer.fit(X) if normalized else None
    net = trained_like(dims, acts, head, alpha)
    path = export_weights(tmp_path / "w.onnx", net, normalizer=norm,
                          dataset_info={"feature_names": ["a", "b", "c"]})
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outputs = {o.name: v for o, v in zip(session.get_outputs(),
                                         session.run(None, {"X": X.T}))}
    X_seen = norm.transform(X) if norm else X
    np.testing.assert_allclose(outputs["A"], net.predict_output(X_seen).T, rtol=0, atol=1e-6)
    if head == "linear":
        assert "label" not in outputs
    else:
        assert np.array_equal(outputs["label"], net.predict(X_seen))


def test_onnx_of_a_float32_network_takes_float32_inputs(tmp_path):
    ort = pytest.importorskip("onnxruntime", reason="ONNX parity needs onnxruntime "
                              "(pip install 'nnviz[onnx]')")
    X = raw_inputs()
    norm = Standardizer.fit(X)
    net = trained_like([3, 5, 4, 3], ["gelu", "elu"], "softmax", dtype=np.float32)
    path = export_weights(tmp_path / "w32.onnx", net, normalizer=norm)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    A = session.run(["A"], {"X": X.T.astype(np.float32)})[0]
    assert A.dtype == np.float32
    expected = net.predict_output(norm.transform(X).astype(np.float32)).T
    np.testing.assert_allclose(A, expected, rtol=0, atol=1e-6)


def test_onnx_carries_metadata_and_course_names(tmp_path, setup):
    onnx = pytest.importorskip("onnx", reason="needs onnx (pip install 'nnviz[onnx]')")
    X, norm, net, info = setup
    model = onnx.load(str(export_weights(tmp_path / "w.onnx", net, normalizer=norm,
                                         dataset_info=info)))
    props = {p.key: p.value for p in model.metadata_props}
    assert json.loads(props["class_names"]) == ["no", "yes"]
    assert json.loads(props["nnviz"])["network"]["layer_dims"] == [3, 5, 1]
    names = {i.name for i in model.graph.initializer}
    assert {"W1", "b1", "W2", "b2", "mean", "std"} <= names
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["m", 3]  # one example per row


def test_onnx_without_the_extra_gives_an_install_hint(tmp_path, setup, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "onnx", None)  # makes "import onnx" fail
    X, norm, net, info = setup
    with pytest.raises(ExportError, match=r"pip install 'nnviz\[onnx\]'"):
        export_weights(tmp_path / "w.onnx", net)
    assert not (tmp_path / "w.onnx").exists()


def test_onnx_file_is_not_loaded_back(tmp_path, setup):
    pytest.importorskip("onnx", reason="needs onnx to write the file")
    X, norm, net, info = setup
    path = export_weights(tmp_path / "w.onnx", net)
    with pytest.raises(LoadError, match=r"w\.onnx: ONNX exports are for other programs"):
        load_weights(path)


# -- refusals on load ---------------------------------------------------------------------

def write_npz(path, arrays, meta):
    np.savez(path, metadata=np.array(json.dumps(meta)), **arrays)
    return path


def exported_parts(tmp_path, setup):
    """The arrays and metadata of a valid export, to damage one at a time."""
    X, norm, net, info = setup
    path = export_weights(tmp_path / "good.npz", net, normalizer=norm, dataset_info=info)
    with np.load(path) as d:
        arrays = {k: d[k] for k in d.files if k != "metadata"}
        meta = json.loads(str(d["metadata"]))
    return arrays, meta


def test_refuses_pickled_content(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    arrays["W1"] = np.array([{"evil": "object"}], dtype=object)
    path = tmp_path / "pickled.npz"
    np.savez(path, metadata=np.array(json.dumps(meta)), **arrays)  # pickles W1
    with pytest.raises(LoadError, match=r"pickled\.npz: array 'W1' holds pickled Python objects"):
        load_weights(path)


def test_refuses_pickled_metadata(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    path = tmp_path / "pickled_meta.npz"
    np.savez(path, metadata=np.array(meta, dtype=object), **arrays)
    with pytest.raises(LoadError, match=r"pickled_meta\.npz: array 'metadata' holds pickled"):
        load_weights(path)


def test_refuses_missing_arrays(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    del arrays["b2"]
    path = write_npz(tmp_path / "missing.npz", arrays, meta)
    with pytest.raises(LoadError, match=r"missing\.npz: is missing the array b2"):
        load_weights(path)


def test_refuses_missing_normalization_arrays(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    del arrays["std"]
    with pytest.raises(LoadError, match=r"is missing the array std"):
        load_weights(write_npz(tmp_path / "nostd.npz", arrays, meta))


def test_refuses_extra_arrays(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    arrays["W3"] = np.ones((1, 1))
    path = write_npz(tmp_path / "extra.npz", arrays, meta)
    with pytest.raises(LoadError, match=r"extra\.npz: has unexpected array W3"):
        load_weights(path)


def test_refuses_shapes_that_do_not_chain(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    arrays["W2"] = np.ones((1, 4))  # layer 1 has 5 units
    path = write_npz(tmp_path / "chain.npz", arrays, meta)
    with pytest.raises(LoadError, match=r"chain\.npz: shapes do not chain: W2 has shape \(1, 4\) "
                                        r"but W1 has 5 rows"):
        load_weights(path)


def test_refuses_shapes_that_disagree_with_the_layer_sizes(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    meta["network"]["layer_dims"] = [3, 6, 1]
    with pytest.raises(LoadError, match=r"W1 has shape \(5, 3\) but the layer sizes \[3, 6, 1\]"):
        load_weights(write_npz(tmp_path / "dims.npz", arrays, meta))
    arrays2, meta2 = exported_parts(tmp_path, setup)
    arrays2["b1"] = np.zeros((4, 1))
    with pytest.raises(LoadError, match=r"b1 has shape \(4, 1\); layer 1 has 5 units"):
        load_weights(write_npz(tmp_path / "bias.npz", arrays2, meta2))


def test_refuses_unknown_activations(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    meta["network"]["activations"] = ["mish", "sigmoid"]
    with pytest.raises(LoadError, match=r"act\.npz: uses the unknown activation 'mish' in layer 1"):
        load_weights(write_npz(tmp_path / "act.npz", arrays, meta))
    meta["network"]["activations"] = ["tanh", "sigmoid"]
    meta["network"]["head"] = "hardmax"
    with pytest.raises(LoadError, match=r"head\.npz: has the unknown output head 'hardmax'"):
        load_weights(write_npz(tmp_path / "head.npz", arrays, meta))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_refuses_non_finite_values(tmp_path, setup, bad):
    arrays, meta = exported_parts(tmp_path, setup)
    arrays["W2"] = arrays["W2"].copy()
    arrays["W2"][0, 3] = bad
    with pytest.raises(LoadError, match=r"nan\.npz: array W2 contains 1 NaN or infinite value\(s\) "
                                        r"\(first at index \(0, 3\)\)"):
        load_weights(write_npz(tmp_path / "nan.npz", arrays, meta))


def test_refuses_non_finite_values_in_json(tmp_path, setup):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "w.json", net)
    doc = json.loads(path.read_text())
    doc["arrays"]["b1"][2][0] = float("nan")  # json.dumps writes NaN, json.loads reads it
    path.write_text(json.dumps(doc))
    with pytest.raises(LoadError, match=r"w\.json: its JSON is refused: it holds NaN, which is "
                                        r"not a finite number"):
        load_weights(path)


def test_refuses_a_file_too_large_before_reading_it(tmp_path, setup, monkeypatch):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "big.npz", net)
    monkeypatch.setattr(weights_module, "MAX_WEIGHTS_FILE_BYTES", 1000)
    read = []
    monkeypatch.setattr(weights_module, "_read_npz", lambda p: read.append(p))
    with pytest.raises(LoadError, match=r"big\.npz: is [\d.]+ kB, too large to be a weights file "
                       r"nnviz wrote \(the limit is 1000 bytes\)"):
        load_weights(path)
    assert read == []  # refused before reading


def test_refuses_a_zip_that_unpacks_too_large(tmp_path, monkeypatch):
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("W1.npy", b"\0" * 200_000)  # compresses to a few hundred bytes
    monkeypatch.setattr(weights_module, "MAX_WEIGHTS_FILE_BYTES", 100_000)
    assert path.stat().st_size < 100_000
    with pytest.raises(LoadError, match=r"bomb\.npz: unpacks to 195 kB, too large"):
        load_weights(path)


def test_refuses_a_corrupt_zip(tmp_path, setup):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "cut.npz", net)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut short: no central directory
    with pytest.raises(LoadError, match=r"cut\.npz: is not a valid zip archive"):
        load_weights(path)


def test_refuses_corrupt_json(tmp_path, setup):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "cut.json", net)
    path.write_text(path.read_text()[:200])
    with pytest.raises(LoadError, match=r"cut\.json: is not valid JSON \(line \d+"):
        load_weights(path)
    path.write_text(json.dumps({"W1": [[1.0]]}))
    with pytest.raises(LoadError, match=r"cut\.json: is JSON but not an nnviz weights export"):
        load_weights(path)


def test_refuses_npz_without_metadata(tmp_path):
    path = tmp_path / "course.npz"
    np.savez(path, W1=np.ones((4, 2)), b1=np.zeros((4, 1)))
    with pytest.raises(LoadError, match=r"course\.npz: has no 'metadata' entry"):
        load_weights(path)


def test_refuses_a_newer_format_version(tmp_path, setup):
    arrays, meta = exported_parts(tmp_path, setup)
    meta["format_version"] = 99
    with pytest.raises(LoadError, match=r"written by a newer nnviz \(weights format version 99"):
        load_weights(write_npz(tmp_path / "future.npz", arrays, meta))


def test_refuses_missing_and_empty_files(tmp_path):
    with pytest.raises(LoadError, match=r"nothere\.npz: file not found"):
        load_weights(tmp_path / "nothere.npz")
    (tmp_path / "empty.json").write_bytes(b"")
    with pytest.raises(LoadError, match=r"empty\.json: is empty"):
        load_weights(tmp_path / "empty.json")


# -- writing: errors and atomicity --------------------------------------------------------

def test_unwritable_paths_give_a_clear_error(tmp_path, setup, monkeypatch):
    X, norm, net, info = setup
    with pytest.raises(ExportError, match=r"the folder .*nope does not exist") as err:
        export_weights(tmp_path / "nope" / "w.npz", net)
    assert err.value.path == tmp_path / "nope" / "w.npz"
    with pytest.raises(ExportError, match=r"it is a folder"):
        export_weights(tmp_path, net, format="npz")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(atomic_module.tempfile, "mkstemp", denied)  # root ignores chmod
    with pytest.raises(ExportError, match=r"Cannot write .*w\.npz: permission denied\. Choose a "
                                          r"folder you can write to"):
        export_weights(tmp_path / "w.npz", net)


def test_unknown_format_and_diverged_network_are_refused(tmp_path, setup):
    X, norm, net, info = setup
    with pytest.raises(ExportError, match=r"name it \.npz, \.json or \.onnx"):
        export_weights(tmp_path / "w.txt", net)
    with pytest.raises(ExportError, match=r"unknown format 'hdf5'"):
        export_weights(tmp_path / "w.h5", net, format="hdf5")
    bad = net.copy()
    bad.theta[0] = np.nan
    with pytest.raises(ExportError, match=r"NaN or infinite values \(training diverged\)"):
        export_weights(tmp_path / "w.npz", bad)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_failure_midway_leaves_the_older_file_intact(tmp_path, setup, monkeypatch, fmt):
    X, norm, net, info = setup
    path = export_weights(tmp_path / f"w.{fmt}", net)
    old_bytes = path.read_bytes()
    newer = net.copy()
    newer.theta += 1.0

    def broken_writer(*args):
        def write(f):
            f.write(b"half of a file")
            raise RuntimeError("disk unplugged")
        return write
    monkeypatch.setattr(weights_module, f"_{fmt}_writer", broken_writer)
    with pytest.raises(RuntimeError, match="disk unplugged"):
        export_weights(path, newer)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temp file left
    assert np.array_equal(load_weights(path).net.theta, net.theta)


def test_a_successful_export_replaces_the_old_file_and_keeps_its_mode(tmp_path, setup):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "w.npz", net)
    assert path.stat().st_mode & 0o777 == 0o644
    os.chmod(path, 0o600)
    newer = net.copy()
    newer.theta += 1.0
    export_weights(path, newer)
    assert path.stat().st_mode & 0o777 == 0o600
    assert np.array_equal(load_weights(path).net.theta, newer.theta)


def test_temporary_files_have_our_prefix_and_stale_ones_are_swept(tmp_path, setup,
                                                                   monkeypatch):
    X, norm, net, info = setup
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        return real_replace(src, dst)
    monkeypatch.setattr(atomic_module.os, "replace", spy)
    export_weights(tmp_path / "w.npz", net)
    assert seen[0].startswith(".nnviz-tmp-w.npz.") and seen[0].endswith(".tmp")

    # what a killed export leaves: one stale temporary, one still being written, and
    # files that are not ours (no prefix, or a folder with the prefix)
    stale = tmp_path / ".nnviz-tmp-w.npz.abc123.tmp"
    fresh = tmp_path / ".nnviz-tmp-w.npz.def456.tmp"
    theirs = tmp_path / ".w.npz.old.tmp"
    folder = tmp_path / ".nnviz-tmp-folder.tmp"
    for p in (stale, fresh, theirs):
        p.write_bytes(b"partial")
    folder.mkdir()
    hour_ago = os.path.getmtime(stale) - 3600
    for p in (stale, theirs, folder):
        os.utime(p, (hour_ago, hour_ago))
    export_weights(tmp_path / "other.json", net)
    names = {p.name for p in tmp_path.iterdir()}
    assert stale.name not in names  # swept
    assert {fresh.name, theirs.name, folder.name, "w.npz", "other.json"} <= names


@pytest.mark.parametrize("error", [RuntimeError("disk unplugged"), KeyboardInterrupt(),
                                   OSError(28, "No space left on device")])
def test_every_failure_removes_the_temporary_file(tmp_path, error):
    def write(f):
        f.write(b"x" * 1000)
        raise error
    with pytest.raises((type(error), ExportError)):
        atomic_module.atomic_write(tmp_path / "h.csv", write)
    assert list(tmp_path.iterdir()) == []


# -- history CSV --------------------------------------------------------------------------

def test_history_csv_has_a_column_per_series_and_layer(tmp_path):
    history = {
        "iterations": np.array([0, 10, 20]),
        "train_cost": np.array([0.69, 0.5, 0.25]),
        "test_metric": np.array([0.5, np.nan, 0.75]),
        "grad_norm": np.array([[1e-3, 2.0], [1e-4, 1.5], [1e-5, 1.0]]),  # (steps, L)
        "test_cost": np.array([0.7]),  # shorter series: empty cells after it
    }
    path = tmp_path / "history.csv"
    export_history_csv(path, history)
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["iteration", "train_cost", "test_metric", "grad_norm[1]", "grad_norm[2]",
                       "test_cost"]
    assert rows[1] == ["0", "0.69", "0.5", "0.001", "2.0", "0.7"]
    assert rows[2] == ["10", "0.5", "nan", "0.0001", "1.5", ""]
    assert float(rows[3][1]) == 0.25 and len(rows) == 4


def test_history_csv_numbers_round_trip_and_default_iterations(tmp_path):
    cost = np.random.default_rng(0).random(5)
    path = tmp_path / "h.csv"
    export_history_csv(path, {"cost": cost})
    rows = list(csv.reader(path.open()))
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert np.array_equal([float(r[1]) for r in rows[1:]], cost)


def test_history_csv_refuses_bad_series_and_bad_paths(tmp_path):
    with pytest.raises(ExportError, match=r"series 'x' has shape \(2, 2, 2\)"):
        export_history_csv(tmp_path / "h.csv", {"x": np.zeros((2, 2, 2))})
    with pytest.raises(ExportError, match=r"does not exist"):
        export_history_csv(tmp_path / "no" / "h.csv", {"cost": [1.0]})


# -- hostile weights files: the loader's own error, before allocating -----------------------

def json_export(tmp_path, setup, change):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "w.json", net)
    doc = json.loads(path.read_text())
    text = change(doc)
    path.write_text(text if isinstance(text, str) else json.dumps(doc))
    return path


def test_a_utf8_bom_is_accepted_in_weights_json_as_in_csv(tmp_path, setup):
    X, norm, net, info = setup
    path = export_weights(tmp_path / "w.json", net)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert np.array_equal(load_weights(path).net.theta, net.theta)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["arrays"]["W1"][0].__setitem__(0, "0.5"),
     r"array 'W1' is not a rectangular table of numbers \(numbers written as text\)"),
    (lambda d: d["arrays"]["b1"][0].__setitem__(0, True),
     r"array 'b1' is not a rectangular table of numbers \(true/false, not numbers\)"),
    (lambda d: json.dumps(d).replace('"arrays": {', '"arrays": {"W9": [1e400], ', 1),
     r"its JSON is refused: it holds a number too large for a float"),
    (lambda d: json.dumps(d).replace('"arrays": {', '"arrays": {"W9": [' + "7" * 5000 + "], ", 1),
     r"its JSON is refused: an integer has 5000 digits \(the limit is 40\)"),
    (lambda d: json.dumps(d).replace('"arrays": {', '"arrays": {"W9": ' + "[" * 50_000
                                     + "]" * 50_000 + ", ", 1),
     r"is nested too deeply \(the limit is 32 levels of lists and objects\)"),
    (lambda d: d["metadata"]["network"].update(layer_dims=[10**9, 3, 1]),
     r"beyond nnviz's limits: its input size n\[0\] = 1000000000 is outside"),
    (lambda d: d["metadata"]["network"].update(head=["sigmoid"]),
     r"has the unknown output head \['sigmoid'\]"),
])
def test_hostile_weights_json_is_refused_by_the_loader(tmp_path, setup, change, message):
    with pytest.raises(LoadError, match=r"w\.json: .*" + message):
        load_weights(json_export(tmp_path, setup, change))


def test_an_npy_header_claiming_10_to_the_12_elements_is_refused_before_allocating(tmp_path):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"
    header = header.ljust(117) + "\n"
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("W1.npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little")
                    + header.encode())
    with pytest.raises(LoadError, match=r"huge\.npz: array 'W1' \(1000000x1000000 float64\) "
                                        r"claims 7\.45e\+03 GB, more than the 256 MB a weights "
                                        r"file may unpack to"):
        load_weights(path)
