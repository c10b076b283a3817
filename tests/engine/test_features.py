"""Input features (x1, x2, x1², x2², x1·x2, sin x1, sin x2): the map, gradients,
normalization after the features, and exports that map the raw two inputs to predictions."""
from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort
import pytest

from nnviz.engine.data import circles
from nnviz.engine.features import FEATURE_NAMES, FeatureMap, InputPipeline
from nnviz.engine.io import LoadError, export_weights, load_weights
from nnviz.engine.network import Network
from nnviz.engine.normalization import Standardizer
from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession

from .numerical import numerical_gradient, relative_difference

ALL = FeatureMap(FEATURE_NAMES)


def _raw(m=50, seed=0):
    return np.random.default_rng(seed).uniform(-3, 3, size=(2, m))


# -- the map ------------------------------------------------------------------------------

def test_each_feature_is_its_formula():
    X = _raw()
    F = ALL.apply(X)
    x1, x2 = X
    expected = np.vstack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(F, expected, rtol=1e-15, atol=0)
    assert ALL.labels == ("x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2")


def test_canonical_order_spec_round_trip_and_errors():
    fm = FeatureMap(["sin(x2)", "x1^2"])
    assert fm.names == ("x1^2", "sin(x2)") and fm == FeatureMap(["x1^2", "sin(x2)"])
    assert FeatureMap.from_dict(json.loads(json.dumps(fm.to_dict()))) == fm
    assert FeatureMap.identity().is_identity and not fm.is_identity
    for bad in (["x3"], ["x1", "x1"], []):
        with pytest.raises(ValueError):
            FeatureMap(bad)
    with pytest.raises(ValueError, match="two-input"):
        fm.apply(np.zeros((3, 4)))
    with pytest.raises(ValueError):
        FeatureMap.from_dict({"inputs": ["a", "b"], "features": ["x1"]})


# -- gradients and normalization ----------------------------------------------------------

def test_backprop_on_feature_inputs_matches_two_sided_differences():
    data = circles(m=60, noise=0.1, seed=3)
    fm = FeatureMap(["x1", "x1^2", "x2^2", "x1*x2", "sin(x2)"])
    F = fm.apply(data.X)
    X = Standardizer.fit(F).transform(F)
    Y = data.targets()
    net = Network([fm.n_features, 4, 1], "tanh", head="sigmoid", init="xavier", seed=5)
    net.params["b1"][...] = 0.1  # nonzero biases too
    _, _, _ = net.gradients(X, Y, lambd=0.3)
    analytic = net.grad.copy()
    numeric = numerical_gradient(lambda: net.cost(X, Y, lambd=0.3), net.theta)
    assert relative_difference(analytic, numeric) < 1e-8


def _session(features=(), normalize=True, name="circles", **params) -> TrainingSession:
    params = params or {"m": 200, "noise": 0.05, "seed": 1}
    return TrainingSession(SessionConfig(
        DataSpec(name, params=tuple(sorted(params.items())), normalize=normalize,
                 features=features),
        NetworkSpec(hidden_units=(), activations=(), init="zeros")))


def test_normalization_is_fitted_after_the_features_on_the_training_split():
    session = _session(("x1^2", "x2^2"))
    d = session.data
    assert d.n_features == 2 and d.feature_names == ("x1²", "x2²")
    assert session.net.layer_dims == [2, 1]
    F_train = FeatureMap(["x1^2", "x2^2"]).apply(d.X_train_raw)
    # The mean of x1² over the training set, not the square of x1's mean.
    np.testing.assert_allclose(d.mean, F_train.mean(axis=1), rtol=1e-12)
    assert not np.allclose(d.mean, d.X_train_raw.mean(axis=1) ** 2)
    np.testing.assert_allclose(d.X_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(d.X_train.std(axis=1), 1, rtol=1e-12)
    # The test set uses the training statistics, through the same pipeline.
    np.testing.assert_allclose(d.X_test, session.input_pipeline.transform(d.X_test_raw),
                               rtol=1e-15)


def test_session_with_features_draws_its_boundary_over_the_raw_plane():
    session = _session(("x1", "x2", "x1*x2", "sin(x1)"))
    snap = session.snapshot()
    assert snap.data.X_train_raw.shape[0] == 2 and snap.data.n_features == 4
    assert snap.boundary is not None and snap.boundary.values.ndim == 2


def test_features_need_two_input_data_and_round_trip_in_the_config():
    with pytest.raises(ValueError, match="two-input"):
        TrainingSession(SessionConfig(DataSpec("iris", features=("x1^2",))))
    with pytest.raises(ValueError, match="unknown input feature"):
        DataSpec("circles", features=("x1^3",))
    spec = DataSpec("circles", features=["sin(x1)", "x1"])
    assert spec.features == ("x1", "sin(x1)")
    config = SessionConfig(spec)
    assert SessionConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


# -- exports ------------------------------------------------------------------------------

def _trained(features: FeatureMap, normalized: bool):
    X_raw = _raw(m=80, seed=2)
    F = features.apply(X_raw)
    norm = Standardizer.fit(F) if normalized else None
    net = Network([features.n_features, 5, 1], "tanh", head="sigmoid", init="xavier", seed=4)
    net.theta[:] = np.random.default_rng(7).normal(0, 0.8, net.n_params)
    return X_raw, net, norm


@pytest.mark.parametrize("fmt", ["npz", "json"])
@pytest.mark.parametrize("normalized", [True, False])
def test_npz_and_json_exports_keep_the_feature_map(tmp_path, fmt, normalized):
    fm = FeatureMap(["x1", "x2^2", "x1*x2", "sin(x1)"])
    X_raw, net, norm = _trained(fm, normalized)
    path = export_weights(tmp_path / f"w.{fmt}", net, normalizer=norm, features=fm,
                          dataset_info={"feature_names": list(fm.labels)})
    model = load_weights(path)
    assert model.features == fm and model.metadata["features"]["features"] == list(fm.names)
    expected = net.predict_output(InputPipeline(fm, norm).transform(X_raw))
    np.testing.assert_array_equal(model.predict_output(X_raw), expected)


def test_export_without_features_says_null_and_loads_none(tmp_path):
    net = Network([2, 1], [], head="sigmoid", init="he", seed=1)
    model = load_weights(export_weights(tmp_path / "w.json", net))
    assert model.metadata["features"] is None and model.features is None


def test_damaged_feature_spec_is_refused_by_the_loader(tmp_path):
    fm = FeatureMap(["x1^2", "x2^2"])
    _, net, norm = _trained(fm, True)
    path = export_weights(tmp_path / "w.json", net, normalizer=norm, features=fm)
    doc = json.loads(path.read_text())
    doc["metadata"]["features"]["features"] = ["x1^2", "x1^3"]
    path.write_text(json.dumps(doc))
    with pytest.raises(LoadError, match="w.json.*feature"):
        load_weights(path)
    doc["metadata"]["features"]["features"] = ["x1^2"]  # one input for a two-input network
    path.write_text(json.dumps(doc))
    with pytest.raises(LoadError, match="w.json.*network takes 2"):
        load_weights(path)


def test_export_refuses_a_map_that_does_not_fit_the_network(tmp_path):
    from nnviz.engine.io import ExportError
    net = Network([3, 1], [], head="sigmoid", init="he", seed=1)
    with pytest.raises(ExportError, match="feature map gives 2 inputs"):
        export_weights(tmp_path / "w.npz", net, features=FeatureMap(["x1", "x2"]))
    assert not (tmp_path / "w.npz").exists()


@pytest.mark.parametrize("names", [FEATURE_NAMES, ("x1^2", "x2^2"), ("sin(x2)",)])
@pytest.mark.parametrize("normalized", [True, False])
def test_onnx_maps_the_raw_two_inputs_to_predictions(tmp_path, names, normalized):
    fm = FeatureMap(names)
    X_raw, net, norm = _trained(fm, normalized)
    path = export_weights(tmp_path / "w.onnx", net, normalizer=norm, features=fm,
                          dataset_info={"feature_names": list(fm.labels)})
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert session.get_inputs()[0].shape[1] == 2  # raw (x1, x2), whatever the features
    A, label = session.run(["A", "label"], {"X": np.ascontiguousarray(X_raw.T)})
    F = InputPipeline(fm, norm).transform(X_raw)
    np.testing.assert_allclose(A, net.predict_output(F).T, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(label, net.predict(F))
