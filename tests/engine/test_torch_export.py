"""PyTorch export: the generated script's module predicts what the engine predicts.

Parity: 1e-12 in float64 and 1e-6 in float32 (absolute for outputs up to 1, relative
above), on the training inputs and on points around them (see probe_points); the script
run as a program prints the engine's accuracy (or R^2). The tests that run torch are
skipped, with the reason, when torch is not installed (CI installs it).
"""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import numpy as np
import pytest

from nnviz.engine import GradientDescent, Network, Trainer
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.data import load_builtin, make_dataset
from nnviz.engine.features import FEATURE_NAMES, FeatureMap
from nnviz.engine.io import ExportError, load_weights
from nnviz.engine.io.torch_export import TORCH_ACTIVATIONS, TORCH_FEATURES, export_torch_script
from nnviz.engine.metrics import accuracy, r2_score
from nnviz.engine.normalization import Standardizer

TOLERANCE = {"float64": 1e-12, "float32": 1e-6}
TORCH_REASON = ("the PyTorch export parity tests need torch; CI installs it with "
                "pip install torch==2.13.0 (CPU)")


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason=TORCH_REASON)


def engine_inputs(X_raw, features, normalizer, dtype):
    X = np.asarray(X_raw, dtype=np.float64)
    if features is not None:
        X = features.apply(X)
    if normalizer is not None:
        X = normalizer.transform(X)
    return X.astype(dtype)


def trained(X_raw, Y, hidden, activations, head, dtype="float64", alpha=None,
            normalize=True, features=None, steps=40, lr=0.1):
    """A network trained a little (so its weights are not the initial ones)."""
    X_feat = engine_inputs(X_raw, features, None, np.float64)
    normalizer = Standardizer.fit(X_feat) if normalize else None
    X = engine_inputs(X_raw, features, normalizer, dtype)
    net = Network([X.shape[0], *hidden, Y.shape[0]], activations, head=head, alpha=alpha,
                  dtype=dtype, init="he", seed=3)
    Trainer(net, X, Y.astype(dtype), GradientDescent(learning_rate=lr)).run(steps)
    assert np.isfinite(net.theta).all()
    return net, normalizer


def import_script(path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def probe_points(X_raw, dtype, seed=0):
    """The training inputs and 200 points around them (raw, course layout): out to three
    standard deviations in float64; one in float32, whose rounding grows with the hidden
    values, so far outside the data two float32 programs part by more than 1e-6 (up to
    1.3e-6 measured, where the engine itself is 4e-6 from the float64 result)."""
    rng = np.random.default_rng(seed)
    reach = 3.0 if dtype == "float64" else 1.0
    centre, spread = X_raw.mean(axis=1, keepdims=True), X_raw.std(axis=1, keepdims=True)
    around = centre + reach * spread * rng.standard_normal((X_raw.shape[0], 200))
    return np.hstack([X_raw, around])


def max_difference(torch, module, net, normalizer, X_raw, features=None):
    model = module.load_model().eval()
    with torch.no_grad():
        got = model(torch.from_numpy(X_raw.T.copy())).numpy()
    expected = net.predict_output(engine_inputs(X_raw, features, normalizer, net.dtype)).T
    assert got.dtype == net.dtype and got.shape == expected.shape
    got, expected = got.astype(np.float64), expected.astype(np.float64)
    # Absolute for outputs up to 1 (probabilities), relative beyond: float32 spaces values
    # above 8 more than 1e-6 apart, so no two float32 programs agree absolutely there.
    return float(np.max(np.abs(got - expected) / np.maximum(1.0, np.abs(expected))))


def flower_data():
    data = make_dataset("flower", m=200, noise=0.2, seed=1)
    return data.X, data.targets()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_hidden_activation_predicts_as_the_engine(torch, tmp_path, activation, dtype):
    X, Y = flower_data()
    alpha = {"leaky_relu": 0.2, "elu": 0.7}.get(activation)  # not the defaults
    net, normalizer = trained(X, Y, [6, 5], activation, "sigmoid", dtype, alpha)
    script, _ = export_torch_script(tmp_path / "model.py", net, X, Y, normalizer)
    diff = max_difference(torch, import_script(script), net, normalizer, probe_points(X, dtype))
    assert diff <= TOLERANCE[dtype], f"{activation} {dtype}: {diff:.3g}"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, head, normalize", [
    ("iris", "softmax", True), ("wine", "softmax", False), ("breast_cancer", "sigmoid", True),
])
def test_real_data_sets_predict_as_the_engine(torch, tmp_path, name, head, normalize, dtype):
    data = load_builtin(name)
    X, Y = data.X, data.targets()
    net, normalizer = trained(X, Y, [8], ["tanh"], head, dtype, normalize=normalize,
                              lr=0.05 if normalize else 1e-5)
    script, weights = export_torch_script(tmp_path / "net.py", net, X, Y, normalizer, data)
    module = import_script(script)
    assert module.CLASS_NAMES == list(data.class_names)
    assert module.FEATURE_NAMES == list(data.feature_names)
    diff = max_difference(torch, module, net, normalizer, probe_points(X, dtype))
    assert diff <= TOLERANCE[dtype], f"{name} {dtype}: {diff:.3g}"
    # The npz beside the script is the ordinary weights export: nnviz loads it back.
    loaded = load_weights(weights)
    assert np.array_equal(loaded.net.theta, net.theta)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_regression_values_match(torch, tmp_path, dtype):
    data = make_dataset("regression", m=150, noise=0.1, seed=2)
    X, Y = data.X, data.targets()
    net, normalizer = trained(X, Y, [10, 10], ["gelu", "swish"], "linear", dtype, lr=0.02)
    script, _ = export_torch_script(tmp_path / "reg.py", net, X, Y, normalizer)
    diff = max_difference(torch, import_script(script), net, normalizer, probe_points(X, dtype))
    assert diff <= TOLERANCE[dtype]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_input_features_are_computed_inside_forward(torch, tmp_path, dtype):
    data = make_dataset("circles", m=200, noise=0.05, seed=1)
    X, Y = data.X, data.targets()
    features = FeatureMap(["x1", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    net, normalizer = trained(X, Y, [4], ["relu"], "sigmoid", dtype, features=features)
    script, weights = export_torch_script(tmp_path / "feat.py", net, X, Y, normalizer,
                                          features=features)
    module = import_script(script)
    assert module.FEATURES == list(features.names) and module.RAW_INPUTS == 2
    diff = max_difference(torch, module, net, normalizer, probe_points(X, dtype), features)
    assert diff <= TOLERANCE[dtype]
    # The engine's own pipeline from the npz (features, then mean/std) agrees as well.
    loaded = load_weights(weights)
    assert loaded.features == features
    P = probe_points(X, dtype)
    with torch.no_grad():
        got = module.load_model()(torch.from_numpy(P.T.copy())).numpy()
    assert np.max(np.abs(got - loaded.predict_output(P).T)) <= TOLERANCE[dtype]


def test_torch_cost_and_gradients_continue_where_the_engine_stopped(torch, tmp_path):
    """Training on in PyTorch starts from the same J and the same dW, db (float64)."""
    data = load_builtin("iris")
    X, Y = data.X, data.targets()
    net, normalizer = trained(X, Y, [5, 4], ["leaky_relu", "elu"], "softmax", alpha=0.1)
    module = import_script(export_torch_script(tmp_path / "m.py", net, X, Y, normalizer)[0])
    model = module.load_model()
    loss = torch.nn.CrossEntropyLoss()(model.logits(torch.from_numpy(X.T.copy())),
                                       torch.from_numpy(Y.argmax(axis=0)))
    loss.backward()
    J, _, grads = net.gradients(normalizer.transform(X), Y)
    assert abs(loss.item() - J) <= 1e-12
    linears = [m for m in model.layers if isinstance(m, torch.nn.Linear)]
    for l, linear in enumerate(linears, start=1):
        assert np.allclose(linear.weight.grad.numpy(), grads[f"dW{l}"], rtol=0, atol=1e-12)
        assert np.allclose(linear.bias.grad.numpy(), grads[f"db{l}"][:, 0], rtol=0, atol=1e-12)


def run_script(path) -> str:
    done = subprocess.run([sys.executable, str(path)], cwd=path.parent, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_running_the_script_prints_the_model_and_the_engines_accuracy(torch, tmp_path):
    X, Y = flower_data()
    net, normalizer = trained(X, Y, [4], ["leaky_relu"], "sigmoid", alpha=0.3, steps=300,
                              lr=0.5)
    expected = accuracy(net.predict(normalizer.transform(X)), Y[0])
    (tmp_path / "sub dir").mkdir()
    script, _ = export_torch_script(tmp_path / "sub dir" / "flower.py", net, X, Y, normalizer,
                                    metrics={"train": {"accuracy": expected}})
    out = run_script(script)
    assert "NnvizNetwork(" in out and "LeakyReLU(negative_slope=0.3)" in out
    assert "Linear(in_features=2, out_features=4" in out
    assert f"training accuracy: {expected:.2%} on the {X.shape[1]} embedded examples" in out
    assert f"nnviz measured {expected:.2%}" in out


def test_running_a_regression_script_prints_the_engines_r2(torch, tmp_path):
    data = make_dataset("regression", m=120, noise=0.1, seed=4)
    X, Y = data.X, data.targets()
    net, normalizer = trained(X, Y, [8], ["tanh"], "linear", steps=200, lr=0.05)
    r2 = r2_score(net.predict(normalizer.transform(X)), Y[0])
    out = run_script(export_torch_script(tmp_path / "reg.py", net, X, Y, normalizer)[0])
    assert re.search(rf"training R\^2: {r2:.4f}, RMSE [0-9.e-]+ on the 120 embedded", out)


# -- without torch: what the exporter writes and refuses ----------------------------------

def test_every_engine_activation_has_a_torch_module():
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)


def test_embedded_data_round_trips_exactly_and_is_capped(tmp_path, monkeypatch):
    X, Y = flower_data()
    net, normalizer = trained(X, Y, [3], ["tanh"], "sigmoid", steps=1)
    script, _ = export_torch_script(tmp_path / "a.py", net, X, Y, normalizer)
    text = script.read_text()
    compile(text, str(script), "exec")
    assert "import torch" in text and "allow_pickle=False" in text
    for value in X[:, 7]:
        assert repr(float(value)) in text  # shortest round-trip text of each float64
    monkeypatch.setattr("nnviz.engine.io.torch_export.MAX_EMBEDDED_VALUES", 30)
    small = export_torch_script(tmp_path / "b.py", net, X, Y, normalizer)[0].read_text()
    assert repr(float(X[0, 9])) in small and repr(float(X[0, 10])) not in small


def test_nnviz_does_not_import_torch():
    code = ("import sys, nnviz.engine.io.torch_export, nnviz.engine.io; "
            "print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.parametrize("name, message", [
    ("model.txt", "name it with the .py extension"),
    ("my-model.py", "cannot be imported as a Python module"),
    ("class.py", "cannot be imported as a Python module"),
])
def test_bad_script_names_are_refused(tmp_path, name, message):
    X, Y = flower_data()
    net = Network([2, 3, 1], "tanh")
    with pytest.raises(ExportError, match=message):
        export_torch_script(tmp_path / name, net, X, Y)
    assert list(tmp_path.iterdir()) == []


def test_data_that_does_not_fit_is_refused_before_writing(tmp_path):
    X, Y = flower_data()
    net = Network([2, 3, 1], "tanh")
    with pytest.raises(ExportError, match="model.py.*input features"):
        export_torch_script(tmp_path / "model.py", net, X[:1], Y)
    with pytest.raises(ExportError, match="X must be"):
        export_torch_script(tmp_path / "model.py", net, X[0], Y)
    bad = X.copy()
    bad[0, 5] = np.nan
    with pytest.raises(ExportError, match="NaN"):
        export_torch_script(tmp_path / "model.py", net, bad, Y)
    with pytest.raises(ExportError, match="does not know the input feature"):
        export_torch_script(tmp_path / "model.py", net, X, Y, features=["x1", "cos(x1)"])
    with pytest.raises(ExportError, match="3 input features but the network has 2"):
        export_torch_script(tmp_path / "model.py", net, X, Y, features=["x1", "x2", "x1^2"])
    assert list(tmp_path.iterdir()) == []


def test_every_engine_input_feature_has_a_torch_expression():
    assert set(TORCH_FEATURES) == set(FEATURE_NAMES)
