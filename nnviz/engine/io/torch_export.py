"""PyTorch bridge: one self-contained Python file defining the network as a ``torch.nn.Module``.

``export_torch_script("model.py", net, ...)`` writes two files side by side:

- ``model.npz``: the ordinary weights export (:func:`~.weights.export_weights`: ``W1, b1, ...,
  WL, bL``, ``mean``, ``std``, metadata), which nnviz itself can load back;
- ``model.py``: the network as ``torch.nn.Module`` (``nn.Linear`` layers holding ``W[l]`` and
  ``b[l]`` as they are, since ``nn.Linear``'s weight is ``(n[l], n[l-1])`` like the course's; the
  activations of nnviz's table with the trained ``alpha``; the input features, such as
  ``x1^2``, and the input normalization inside ``forward``), a ``load_model()`` that fills
  it from the npz, and the training split as data, so ``python model.py`` prints the model
  and its accuracy (or R^2) on that data.

nnviz never imports torch: the script is text. Its ``forward`` takes raw inputs ``(m, n0)``, one
example per row (PyTorch's convention), and returns what nnviz predicts (probabilities for
sigmoid and softmax, values for linear); ``logits`` returns ``Z[L]`` for further training.
"""
from __future__ import annotations

import keyword
import re
from pathlib import Path

import numpy as np

from ..activations import ACTIVATIONS, get_activation
from ..features import FeatureMap
from ..network import Network
from ..normalization import Standardizer
from .atomic import atomic_write_text
from .errors import ExportError
from .metadata import nnviz_version
from .weights import export_weights

# Activation name -> the torch module the script builds, given the layer's ``alpha``.
# Each matches nnviz's formula in activations.py; softplus is written out because
# nn.Softplus switches to z above a threshold (off by up to 2e-9, too much for float64 parity).
TORCH_ACTIVATIONS = {
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(negative_slope=alpha)",
    "linear": "nn.Identity()",
    "elu": "nn.ELU(alpha=alpha)",
    "softplus": "Softplus()",
    "gelu": 'nn.GELU(approximate="tanh")',
    "swish": "nn.SiLU()",
}
# Input feature name (nnviz.engine.features) -> its torch expression of the raw
# inputs x (m, 2) in float64, matching the engine's NumPy formula.
TORCH_FEATURES = {
    "x1": "x[:, 0]",
    "x2": "x[:, 1]",
    "x1^2": "x[:, 0] * x[:, 0]",
    "x2^2": "x[:, 1] * x[:, 1]",
    "x1*x2": "x[:, 0] * x[:, 1]",
    "sin(x1)": "torch.sin(x[:, 0])",
    "sin(x2)": "torch.sin(x[:, 1])",
}
# The script embeds at most this many numbers of training data (about 2 MB of text); a
# larger split is embedded in part, and the script says how many examples it holds.
MAX_EMBEDDED_VALUES = 100_000


def export_torch_script(path, net: Network, X_train, Y_train,
                        normalizer: Standardizer | None = None, dataset_info=None,
                        settings: dict | None = None, metrics: dict | None = None,
                        features=None) -> tuple[Path, Path]:
    """Write ``path`` (a ``.py`` file) and the weights ``.npz`` beside it; returns both paths.

    X_train, Y_train: the raw training inputs ``(n0, m)`` (before normalization) and targets
    ``(n[L], m)`` in the course's layout, as the trainer holds them; the script embeds them.
    With ``features`` (a FeatureMap or its feature names) ``X_train`` holds the raw
    ``(x1, x2)`` and the script computes the features before the normalization.
    The other arguments are :func:`export_weights`'s. Raises :class:`ExportError` naming the
    file when it cannot be written, or when the network or data cannot be exported.
    """
    path = Path(path).expanduser()
    if path.suffix.lower() != ".py":
        raise ExportError(f"Cannot write {path}: a PyTorch script is a Python file; name it "
                          "with the .py extension, such as model.py.", path)
    module = path.stem
    if not module.isidentifier() or keyword.iskeyword(module):
        raise ExportError(f"Cannot write {path}: {module!r} cannot be imported as a Python "
                          "module; use letters, digits and underscores, such as model.py.", path)
    for name in net.activations:
        if name not in TORCH_ACTIVATIONS:
            raise ExportError(f"Cannot export {path}: the PyTorch export does not know the "
                              f"activation {name!r}.", path)
    feature_names = _feature_names(path, net, features)
    X, y = _training_data(path, net, X_train, Y_train, feature_names)
    weights_path = export_weights(path.with_suffix(".npz"), net, "npz", normalizer,
                                  dataset_info, settings, metrics,
                                  None if feature_names is None else FeatureMap(feature_names))
    text = script_text(net, weights_path.name, X, y, normalizer is not None,
                       _names(dataset_info), metrics, module, feature_names)
    return atomic_write_text(path, text), weights_path


def _feature_names(path: Path, net: Network, features) -> list[str] | None:
    if features is None:
        return None
    names = [str(n) for n in getattr(features, "names", features)]
    unknown = [n for n in names if n not in TORCH_FEATURES]
    if unknown or not names:
        raise ExportError(f"Cannot export {path}: the PyTorch export does not know the input "
                          f"feature(s) {unknown or names}.", path)
    if len(names) != net.layer_dims[0]:
        raise ExportError(f"Cannot export {path}: {len(names)} input features but the network "
                          f"has {net.layer_dims[0]} inputs.", path)
    return names


def _training_data(path: Path, net: Network, X_train, Y_train, feature_names):
    """Raw inputs ``(n_raw, m)`` and labels ``(m,)`` (class indices or values), at most
    :data:`MAX_EMBEDDED_VALUES` numbers."""
    X = np.asarray(X_train, dtype=np.float64)
    try:
        if X.ndim != 2:
            raise ValueError(f"X must be (n_x, m), got shape {X.shape}")
        if feature_names is not None and X.shape[0] != 2:
            raise ValueError(f"input features need the raw (x1, x2) inputs (2, m), got {X.shape}")
        # Checked with stand-in features of the right count (only shapes and values matter).
        X_net = X if feature_names is None else np.zeros((len(feature_names), X.shape[1]))
        _, Y = net.check_data(X_net, np.asarray(Y_train, dtype=np.float64),
                              "the training data", 1)
        if not np.isfinite(X).all():
            raise ValueError("the training data contains NaN or infinite values")
    except ValueError as exc:
        raise ExportError(f"Cannot export {path}: {exc}.", path) from exc
    if net.head == "softmax":
        y = Y.argmax(axis=0)
    elif net.head == "sigmoid":
        y = (Y[0] > 0.5).astype(np.int64)
    else:
        y = Y[0]
    keep = max(1, MAX_EMBEDDED_VALUES // (X.shape[0] + 1))
    return X[:, :keep], y[:keep]


def _names(dataset_info) -> tuple[list[str], list[str], str]:
    if dataset_info is None:
        return [], [], ""
    get = dataset_info.get if isinstance(dataset_info, dict) else (
        lambda key, default=None: getattr(dataset_info, key, default))
    return ([str(n) for n in get("feature_names", None) or []],
            [str(n) for n in get("class_names", None) or []], str(get("name", "") or ""))


def _rows(a: np.ndarray) -> str:
    """A NumPy array as Python literal rows; ``repr`` round-trips every float64 exactly."""
    if a.ndim == 1:
        items = [repr(float(v)) if a.dtype.kind == "f" else repr(int(v)) for v in a]
        return "[\n" + "".join(f"    {', '.join(items[i:i + 12])},\n"
                               for i in range(0, len(items), 12)) + "]"
    return "[\n" + "".join(f"    [{', '.join(repr(float(v)) for v in row)}],\n"
                           for row in a) + "]"


def script_text(net: Network, weights_name: str, X: np.ndarray, y: np.ndarray,
                normalized: bool, names: tuple[list[str], list[str], str],
                metrics: dict | None, module: str, features: list[str] | None = None) -> str:
    feature_names, class_names, data_name = names
    hidden = []
    for name in net.activations:
        act = get_activation(name)
        alpha = act.default_alpha if net.alpha is None else float(net.alpha)
        hidden.append((name, alpha if act.default_alpha is not None else None))
    regression = net.head == "linear"
    y_out = y.astype(np.float64) if regression else y.astype(np.int64)
    reported = ((metrics or {}).get("train") or {}).get("r2" if regression else "accuracy")
    reported_text = ("" if reported is None else
                     f"{reported:.4f} (R^2)" if regression else f"{reported:.2%}")
    loss_hint = {"sigmoid": "nn.BCEWithLogitsLoss() on model.logits(x)",
                 "softmax": "nn.CrossEntropyLoss() on model.logits(x) and class indices",
                 "linear": "nn.MSELoss() on model(x) (nnviz's cost is half of it)"}[net.head]
    title = (f"nnviz network {net.layer_dims} "
             f"{'-'.join(a.upper() for a in net.layer_activations)}"
             + (f" trained on {data_name}" if data_name else "") + ", as a PyTorch module.")
    values = {
        "TITLE": title, "VERSION": nnviz_version(), "NPZ": weights_name, "SCRIPT": module + ".py",
        "MODULE": module, "LOSS_HINT": loss_hint,
        "WEIGHTS_NAME": repr(weights_name), "LAYER_SIZES": repr(list(net.layer_dims)),
        "HIDDEN": repr(hidden), "HEAD": repr(net.head),
        "DTYPE": "torch.float32" if net.dtype == np.float32 else "torch.float64",
        "NORMALIZED": repr(bool(normalized)), "FEATURES": repr(features),
        "RAW_INPUTS": repr(2 if features else net.layer_dims[0]),
        "FEATURE_FUNCTIONS": "".join(f"    {k!r}: lambda x: {v},\n"
                                     for k, v in TORCH_FEATURES.items()),
        "FEATURE_NAMES": repr(feature_names), "CLASS_NAMES": repr(class_names),
        "REPORTED": repr(reported_text),
        "ACTIVATIONS": "".join(f"    {k!r}: lambda alpha: {v},\n"
                               for k, v in TORCH_ACTIVATIONS.items() if k in ACTIVATIONS),
        "X_TRAIN": _rows(X.T), "Y_TRAIN": _rows(y_out),
        "Y_DTYPE": "np.float64" if regression else "np.int64",
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: values[m.group(1)], _TEMPLATE)


_TEMPLATE = '''\
"""@@TITLE@@

Written by nnviz @@VERSION@@. Self-contained: it needs PyTorch and NumPy only, and reads the
trained weights from @@NPZ@@ beside it (nnviz's weights export: W1, b1, ..., WL, bL, the
input normalization's mean and std, and the metadata as JSON).

    python @@SCRIPT@@        # prints the model and its accuracy on the embedded training data

    from @@MODULE@@ import load_model
    model = load_model()     # an ordinary torch.nn.Module, ready to train further
    A = model(X)             # X: (m, RAW_INPUTS) raw inputs, one example per row

forward() returns what nnviz predicts: probabilities (sigmoid, softmax) or values (linear).
logits() returns Z[L]; to train further use
@@LOSS_HINT@@.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

WEIGHTS_FILE = Path(__file__).with_name(@@WEIGHTS_NAME@@)
LAYER_SIZES = @@LAYER_SIZES@@  # n[0] inputs, ..., n[L] outputs
HIDDEN = @@HIDDEN@@  # (g[l], alpha) for l = 1 .. L-1
HEAD = @@HEAD@@  # g[L], the output activation
DTYPE = @@DTYPE@@
FEATURES = @@FEATURES@@  # input features computed from the raw (x1, x2), or None
NORMALIZED = @@NORMALIZED@@  # inputs standardized with the training split's mean and std
RAW_INPUTS = @@RAW_INPUTS@@  # columns of the raw inputs forward() takes
FEATURE_NAMES = @@FEATURE_NAMES@@
CLASS_NAMES = @@CLASS_NAMES@@
NNVIZ_TRAIN_SCORE = @@REPORTED@@  # nnviz's own figure on the whole training split

FEATURE_FUNCTIONS = {
@@FEATURE_FUNCTIONS@@}


class Softplus(nn.Module):
    """log(1 + e^z) as max(z, 0) + log1p(e^-|z|), exact for any z (as in nnviz)."""

    def forward(self, z):
        return torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))


ACTIVATIONS = {
@@ACTIVATIONS@@}


class NnvizNetwork(nn.Module):
    """Z[l] = A[l-1] W[l]^T + b[l], A[l] = g[l](Z[l]); nn.Linear's weight is W[l] itself."""

    def __init__(self):
        super().__init__()
        layers = []
        for l in range(1, len(LAYER_SIZES)):
            layers.append(nn.Linear(LAYER_SIZES[l - 1], LAYER_SIZES[l], dtype=DTYPE))
            if l < len(LAYER_SIZES) - 1:
                name, alpha = HIDDEN[l - 1]
                layers.append(ACTIVATIONS[name](alpha))
        self.layers = nn.Sequential(*layers)
        if NORMALIZED:
            # float64, as nnviz normalizes before casting to the network's dtype.
            self.register_buffer("mean", torch.zeros(LAYER_SIZES[0], dtype=torch.float64))
            self.register_buffer("std", torch.ones(LAYER_SIZES[0], dtype=torch.float64))

    def inputs(self, x):
        """What the first layer sees: features, then normalization, in float64 (as nnviz),
        then cast to the network's dtype."""
        x = torch.as_tensor(x)
        if FEATURES is not None:
            x = x.to(torch.float64)
            x = torch.stack([FEATURE_FUNCTIONS[name](x) for name in FEATURES], dim=1)
        if NORMALIZED:
            x = (x.to(torch.float64) - self.mean) / self.std
        return x.to(DTYPE)

    def logits(self, x):
        """Z[L] for raw inputs x (m, RAW_INPUTS)."""
        return self.layers(self.inputs(x))

    def forward(self, x):
        z = self.logits(x)
        if HEAD == "sigmoid":
            return torch.sigmoid(z)
        if HEAD == "softmax":
            return torch.softmax(z, dim=1)
        return z

    def predict(self, x):
        """Class indices (m,) for classification, values (m,) for regression."""
        a = self.forward(x)
        if HEAD == "sigmoid":
            return (a[:, 0] > 0.5).long()
        if HEAD == "softmax":
            return a.argmax(dim=1)
        return a[:, 0]


def load_model(weights=WEIGHTS_FILE) -> NnvizNetwork:
    """The network with nnviz's trained weights from the npz (never unpickled)."""
    model = NnvizNetwork()
    with np.load(weights, allow_pickle=False) as npz:
        sizes = json.loads(str(npz["metadata"]))["network"]["layer_dims"]
        if sizes != LAYER_SIZES:
            raise ValueError(f"{weights}: holds a {sizes} network, this script builds "
                             f"{LAYER_SIZES}")
        linears = [m for m in model.layers if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for l, linear in enumerate(linears, start=1):
                linear.weight.copy_(torch.from_numpy(npz[f"W{l}"]))
                linear.bias.copy_(torch.from_numpy(npz[f"b{l}"].reshape(-1)))
            if NORMALIZED:
                model.mean.copy_(torch.from_numpy(npz["mean"].reshape(-1)))
                model.std.copy_(torch.from_numpy(npz["std"].reshape(-1)))
    return model


# The training data nnviz used (raw features, one example per row) and its labels.
TRAIN_X = np.array(@@X_TRAIN@@, dtype=np.float64).reshape(-1, RAW_INPUTS)
TRAIN_Y = np.array(@@Y_TRAIN@@, dtype=@@Y_DTYPE@@)


def main() -> None:
    model = load_model().eval()
    print(model)
    with torch.no_grad():
        predicted = model.predict(torch.from_numpy(TRAIN_X)).double().numpy()
    m = len(TRAIN_Y)
    if HEAD == "linear":
        residual = float(((TRAIN_Y - predicted) ** 2).sum())
        total = float(((TRAIN_Y - TRAIN_Y.mean()) ** 2).sum())
        r2 = 1.0 - residual / total if total > 0 else float("nan")
        print(f"training R^2: {r2:.4f}, RMSE {np.sqrt(residual / m):.6g} "
              f"on the {m} embedded examples")
    else:
        accuracy = float(np.mean(predicted == TRAIN_Y))
        print(f"training accuracy: {accuracy:.2%} on the {m} embedded examples")
    if NNVIZ_TRAIN_SCORE:
        print(f"nnviz measured {NNVIZ_TRAIN_SCORE} on its whole training split")


if __name__ == "__main__":
    main()
'''
