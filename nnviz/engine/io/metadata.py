"""What travels with exported weights, and rebuilding a network from it.

The metadata is one JSON object (format ``nnviz-weights``, version :data:`FORMAT_VERSION`):

- ``network``: ``layer_dims`` ``[n0, ..., nL]``; ``activations``: ``g[1..L]`` per layer, the
  last being the output ``head`` (``sigmoid`` + binary cross-entropy, ``softmax`` +
  categorical cross-entropy, ``linear`` + squared error); ``alpha`` (leaky ReLU/ELU shape,
  ``null`` = default); ``dtype``; ``init``, ``init_scale``, ``seed``; ``parameter_order``.
- ``normalization``: ``null`` or ``{"method": "standardize", "formula": "(x - mean) / std",
  "constant_features": [...]}``; the ``mean`` and ``std`` arrays (``(n0, 1)``, fitted on the
  training split) are stored beside ``W1, b1, ...``.
- ``dataset``: ``name``, ``task``, ``feature_names`` (one per input), ``class_names``, ``source``.
- ``settings`` (training settings) and ``metrics`` (final train/test metrics): free-form.
- ``nnviz_version``, ``created`` (UTC, ISO 8601), ``input_layout``.
"""
from __future__ import annotations

import datetime as _dt

import numpy as np

from ..activations import ACTIVATIONS
from ..initialization import INIT_SCHEMES
from ..limits import layer_dims_problem
from ..losses import HEADS
from ..network import Network
from ..normalization import Standardizer
from .errors import LoadError
from .jsonable import to_jsonable

FORMAT = "nnviz-weights"
FORMAT_VERSION = 1
INPUT_LAYOUT = ("course notation: X is (n0, m), one example per column; "
                "normalize with (X - mean) / std before the first layer")


def nnviz_version() -> str:
    from nnviz import __version__
    return __version__


def parameter_names(L: int) -> list[str]:
    return [name for l in range(1, L + 1) for name in (f"W{l}", f"b{l}")]


def dataset_metadata(dataset_info, n_inputs: int) -> dict:
    """``dataset_info``: a :class:`Dataset`, a dict with any of its fields, or None."""
    if dataset_info is None:
        info = {}
    elif isinstance(dataset_info, dict):
        info = dict(dataset_info)
    else:  # a Dataset (or anything with its attributes)
        info = {k: getattr(dataset_info, k) for k in
                ("name", "task", "feature_names", "class_names", "source")
                if hasattr(dataset_info, k)}
    names = list(info.get("feature_names") or [f"x{i + 1}" for i in range(n_inputs)])
    if len(names) != n_inputs:
        raise ValueError(f"the network has {n_inputs} inputs but {len(names)} feature names "
                         f"were given ({names})")
    info["feature_names"] = [str(n) for n in names]
    info["class_names"] = [str(n) for n in info.get("class_names") or []]
    info.setdefault("name", "")
    info.setdefault("task", {"sigmoid": "binary", "softmax": "multiclass",
                             "linear": "regression"}.get(info.get("head", ""), ""))
    info.setdefault("source", "")
    return to_jsonable(info, "dataset_info")


def build_metadata(net: Network, normalizer: Standardizer | None = None, dataset_info=None,
                   settings: dict | None = None, metrics: dict | None = None) -> dict:
    dataset = dataset_metadata(dataset_info, net.layer_dims[0])
    if not dataset["task"]:
        dataset["task"] = HEADS[net.head].task
    normalization = None
    if normalizer is not None:
        normalization = {"method": "standardize", "formula": "(x - mean) / std",
                         "constant_features": [int(i) for i in normalizer.constant_features]}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "nnviz_version": nnviz_version(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "input_layout": INPUT_LAYOUT,
        "network": {
            "layer_dims": list(net.layer_dims),
            "activations": list(net.layer_activations),
            "head": net.head,
            "loss": HEADS[net.head].loss_name,
            "alpha": net.alpha,
            "dtype": net.dtype.name,
            "init": net.init,
            "init_scale": net.init_scale,
            "seed": net.seed,
            "n_params": int(net.n_params),
            "parameter_order": parameter_names(net.L),
        },
        "normalization": normalization,
        "dataset": dataset,
        "settings": to_jsonable(settings or {}, "settings"),
        "metrics": to_jsonable(metrics or {}, "metrics"),
    }


def weight_arrays(net: Network, normalizer: Standardizer | None) -> dict[str, np.ndarray]:
    """``W1, b1, ..., WL, bL`` (copies, in the network's dtype) and ``mean, std``."""
    arrays = {name: np.array(net.params[name]) for name in parameter_names(net.L)}
    if normalizer is not None:
        n0 = net.layer_dims[0]
        arrays["mean"] = np.asarray(normalizer.mean, dtype=np.float64).reshape(n0, 1)
        arrays["std"] = np.asarray(normalizer.std, dtype=np.float64).reshape(n0, 1)
    return arrays


# -- loading ------------------------------------------------------------------------------

def rebuild(arrays: dict[str, np.ndarray], meta, path) -> tuple[Network, Standardizer | None]:
    """Check ``arrays`` against ``meta`` and build the network; :class:`LoadError` otherwise."""
    name = getattr(path, "name", str(path))

    def fail(problem: str):
        raise LoadError(f"{name}: {problem}", path)

    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        fail("is not an nnviz weights export (its metadata does not say format "
             f"'{FORMAT}'). Load a .npz or .json file written by nnviz's Export weights.")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        fail(f"has an invalid format version {version!r}; the file is damaged.")
    if version > FORMAT_VERSION:
        fail(f"was written by a newer nnviz (weights format version {version}; this nnviz "
             f"reads up to {FORMAT_VERSION}). Update nnviz to load it.")
    net_meta = meta.get("network")
    if not isinstance(net_meta, dict):
        fail("has no 'network' section in its metadata; the file is damaged.")

    dims = net_meta.get("layer_dims")
    if (not isinstance(dims, list) or len(dims) < 2
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in dims)):
        fail(f"has invalid layer sizes {dims!r}; expected a list like [2, 4, 1] of whole "
             "numbers >= 1.")
    beyond = layer_dims_problem(dims)
    if beyond:
        fail(f"describes a network beyond nnviz's limits: {beyond}.")
    L = len(dims) - 1
    acts = net_meta.get("activations")
    head = net_meta.get("head")
    if not isinstance(head, str) or head not in HEADS:
        fail(f"has the unknown output head {head!r}; this nnviz knows {', '.join(HEADS)}.")
    if not isinstance(acts, list) or len(acts) != L:
        fail(f"lists {len(acts) if isinstance(acts, list) else 'no'} activations for its {L} "
             "layers; it needs one per layer (the last being the output head).")
    for l, act in enumerate(acts[:-1], start=1):
        if not isinstance(act, str) or act not in ACTIVATIONS:
            fail(f"uses the unknown activation {act!r} in layer {l}; this nnviz knows "
                 f"{', '.join(ACTIVATIONS)}.")
    if acts[-1] != head:
        fail(f"says the output layer uses {acts[-1]!r} but the head is {head!r}.")
    dtype = net_meta.get("dtype", "float64")
    if dtype not in ("float64", "float32"):
        fail(f"has the unsupported dtype {dtype!r}; expected float64 or float32.")
    alpha = net_meta.get("alpha")
    if alpha is not None and not (isinstance(alpha, (int, float)) and np.isfinite(alpha)):
        fail(f"has an invalid alpha {alpha!r}; expected a number or null.")

    normalization = meta.get("normalization")
    expected = parameter_names(L) + (["mean", "std"] if normalization is not None else [])
    missing = [n for n in expected if n not in arrays]
    extra = sorted(set(arrays) - set(expected))
    if missing:
        fail(f"is missing the array{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
             f"(a {dims} network needs {', '.join(expected)}).")
    if extra:
        fail(f"has unexpected array{'s' if len(extra) > 1 else ''} {', '.join(extra)} "
             f"(a {dims} network has only {', '.join(expected)}); it was not written by "
             "nnviz or was edited.")

    for key in expected:
        a = arrays[key]
        if a.dtype.kind not in "fiu":
            fail(f"array {key} holds {a.dtype} values; expected floating-point numbers.")
        bad = ~np.isfinite(a)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            fail(f"array {key} contains {int(bad.sum())} NaN or infinite value(s) (first at "
                 f"index {first}); the network had diverged or the file is damaged.")

    # Shapes must chain: W[l] is (n[l], n[l-1]), b[l] is (n[l], 1).
    for l in range(1, L + 1):
        W, b = arrays[f"W{l}"], arrays[f"b{l}"]
        if W.ndim != 2:
            fail(f"W{l} has shape {W.shape}; a weight matrix must be 2-D (n[{l}], n[{l - 1}]).")
        if l > 1 and W.shape[1] != arrays[f"W{l - 1}"].shape[0]:
            fail(f"shapes do not chain: W{l} has shape {W.shape} but W{l - 1} has "
                 f"{arrays[f'W{l - 1}'].shape[0]} rows, so layer {l - 1} has "
                 f"{arrays[f'W{l - 1}'].shape[0]} units and W{l} needs that many columns.")
        if W.shape != (dims[l], dims[l - 1]):
            fail(f"W{l} has shape {W.shape} but the layer sizes {dims} need "
                 f"({dims[l]}, {dims[l - 1]}).")
        if b.shape not in ((dims[l], 1), (dims[l],)):
            fail(f"b{l} has shape {b.shape}; layer {l} has {dims[l]} units, so it needs "
                 f"({dims[l]}, 1).")
    normalizer = None
    if normalization is not None:
        for key in ("mean", "std"):
            if arrays[key].size != dims[0]:
                fail(f"normalization {key} has {arrays[key].size} values but the network has "
                     f"{dims[0]} inputs.")
        std = np.asarray(arrays["std"], dtype=np.float64).reshape(dims[0], 1)
        if (std <= 0).any():
            fail("normalization std has values <= 0; dividing by them is undefined.")
        constant = normalization.get("constant_features", []) if isinstance(
            normalization, dict) else []
        if not isinstance(constant, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < dims[0]
                for i in constant):
            fail("lists constant features that are not input numbers; the file is damaged.")
        normalizer = Standardizer(np.asarray(arrays["mean"], dtype=np.float64).reshape(-1, 1),
                                  std, tuple(int(i) for i in constant))

    try:
        # Built with zeros and then filled, so an init scheme this nnviz lacks does not matter.
        net = Network(dims, acts[:-1], head=head, alpha=alpha, dtype=dtype, init="zeros")
    except (ValueError, TypeError) as exc:
        fail(f"describes a network nnviz cannot build: {exc}.")
    if isinstance(net_meta.get("init"), str) and net_meta["init"] in INIT_SCHEMES:
        net.init = net_meta["init"]
    if isinstance(net_meta.get("init_scale"), (int, float)):
        net.init_scale = float(net_meta["init_scale"])
    if isinstance(net_meta.get("seed"), int):
        net.seed = net_meta["seed"]
    for key in parameter_names(L):
        net.params[key][...] = arrays[key].reshape(net.params[key].shape)
    return net, normalizer
