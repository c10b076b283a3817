"""Export trained weights to ``.npz``, ``.json`` or ``.onnx``, and load them back.

``.npz`` (NumPy): arrays ``W1, b1, ..., WL, bL`` under the course's names, ``mean`` and
``std`` when the inputs were normalized, and ``metadata``: a 0-d unicode array holding the
JSON metadata (see :mod:`.metadata`). No pickled objects anywhere, so
``np.load(path, allow_pickle=False)`` opens it::

    d = np.load("weights.npz")
    meta = json.loads(str(d["metadata"]))
    W1, b1 = d["W1"], d["b1"]

``.json``: ``{"format": "nnviz-weights", "format_version": 1, "metadata": {...},
"arrays": {"W1": [[...], ...], "b1": [[...]], ...}}``; numbers are written with Python's
shortest round-trip ``repr``, so float64 values come back bit for bit.

``.onnx``: a graph from raw inputs to predictions (see :mod:`.onnx_export`).

Input features (``x1^2``, ``sin(x1)``, ...): the metadata's ``features`` holds the
:class:`FeatureMap` spec (``null`` without one); ``mean``/``std`` and ``W1`` then refer to the
features, and :meth:`LoadedModel.prepare` (and the ONNX graph) compute them from the raw inputs.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..features import FeatureMap
from ..limits import MAX_MANIFEST_BYTES, MAX_WEIGHTS_FILE_BYTES, human_size
from ..network import Network
from ..normalization import Standardizer
from . import strict_json
from .archives import Budget, check_readable, read_npz
from .atomic import atomic_write
from .errors import ExportError, LoadError
from .metadata import FORMAT, FORMAT_VERSION, build_metadata, rebuild, weight_arrays

FORMATS = {".npz": "npz", ".json": "json", ".onnx": "onnx"}
__all__ = ["FORMATS", "LoadedModel", "export_weights", "format_for", "load_weights",
           "MAX_WEIGHTS_FILE_BYTES", "human_size", "check_readable"]


@dataclass
class LoadedModel:
    """A network rebuilt from an export, with its normalization and metadata."""

    net: Network
    normalizer: Standardizer | None
    metadata: dict
    path: Path | None = None
    format: str = ""
    features: FeatureMap | None = None  # raw inputs -> the network's inputs, before mean/std

    @property
    def feature_names(self) -> list[str]:
        return list(self.metadata.get("dataset", {}).get("feature_names", []))

    @property
    def class_names(self) -> list[str]:
        return list(self.metadata.get("dataset", {}).get("class_names", []))

    def prepare(self, X_raw):
        """Raw inputs ``(n_raw, m)`` -> what the first layer sees (features, then
        normalization, as trained)."""
        X = np.asarray(X_raw, dtype=np.float64)
        if self.features is not None:
            X = self.features.apply(X)
        return X if self.normalizer is None else self.normalizer.transform(X)

    def predict_output(self, X_raw):
        """``A[L]`` for raw inputs ``(n0, m)``."""
        return self.net.predict_output(self.prepare(X_raw).astype(self.net.dtype))

    def predict(self, X_raw):
        """Class indices (classification) or values (regression), shape ``(m,)``."""
        return self.net.predict(self.prepare(X_raw).astype(self.net.dtype))


def format_for(path, format: str | None = None) -> str:
    """``"npz"``, ``"json"`` or ``"onnx"``, from ``format`` or else the file's suffix."""
    path = Path(path)
    if format is not None:
        fmt = format.lower().lstrip(".")
        if fmt not in FORMATS.values():
            raise ExportError(f"Cannot write {path}: unknown format {format!r}; choose one of "
                              f"{', '.join(FORMATS.values())}.", path)
        return fmt
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ExportError(f"Cannot tell the format of {path} from its extension "
                          f"{path.suffix or '(none)'!r}: name it .npz, .json or .onnx, or "
                          "pass format=.", path) from None


def export_weights(path, net: Network, format: str | None = None,
                   normalizer: Standardizer | None = None, dataset_info=None,
                   settings: dict | None = None, metrics: dict | None = None,
                   features: FeatureMap | None = None) -> Path:
    """Write ``net``'s weights and everything needed to use them, atomically.

    format: ``"npz"``, ``"json"``, ``"onnx"`` or None to take it from the suffix.
    normalizer: the :class:`Standardizer` fitted on the training split, or None.
    dataset_info: a :class:`Dataset` or a dict (``name, task, feature_names, class_names,
        source``). settings, metrics: JSON-able dicts (training settings, final metrics).
    features: the input :class:`FeatureMap` the network was trained on, or None.

    Raises :class:`ExportError` (naming the path and what to do) when the path cannot be
    written, the format is unknown or the network holds NaN/inf; an older file at ``path``
    is then left untouched.
    """
    path = Path(path).expanduser()
    fmt = format_for(path, format)
    if not np.isfinite(net.theta).all():
        raise ExportError(f"Cannot export to {path}: the network's parameters contain NaN or "
                          "infinite values (training diverged). Reset and retrain with a lower "
                          "learning rate first.", path)
    if normalizer is not None and not (np.isfinite(normalizer.mean).all()
                                       and np.isfinite(normalizer.std).all()):
        raise ExportError(f"Cannot export to {path}: the normalization mean/std contain NaN "
                          "or infinite values.", path)
    try:
        meta = build_metadata(net, normalizer, dataset_info, settings, metrics)
        meta["features"] = _features_spec(net, features)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"Cannot export to {path}: {exc}.", path) from exc
    arrays = weight_arrays(net, normalizer)
    if fmt == "npz":
        writer = _npz_writer(arrays, meta)
    elif fmt == "json":
        writer = _json_writer(arrays, meta)
    else:
        from .onnx_export import onnx_writer
        writer = onnx_writer(net, normalizer, meta, path, features)
    return atomic_write(path, writer)


def _features_spec(net: Network, features: FeatureMap | None) -> dict | None:
    if features is None:
        return None
    if features.n_features != net.layer_dims[0]:
        raise ValueError(f"the feature map gives {features.n_features} inputs but the network "
                         f"takes {net.layer_dims[0]}")
    return features.to_dict()


def features_from_metadata(meta: dict, net: Network, path) -> FeatureMap | None:
    """The export's :class:`FeatureMap` (None without one); :class:`LoadError` if damaged."""
    spec = meta.get("features")
    if spec is None:
        return None
    name = getattr(path, "name", str(path))
    try:
        features = FeatureMap.from_dict(spec)
    except ValueError as exc:
        raise LoadError(f"{name}: has an invalid input feature spec ({exc}).", path) from None
    if features.n_features != net.layer_dims[0]:
        raise LoadError(f"{name}: its feature spec gives {features.n_features} inputs but the "
                        f"network takes {net.layer_dims[0]}; the file was edited or damaged.",
                        path)
    return features


def _npz_writer(arrays, meta):
    def write(f):
        np.savez(f, metadata=np.array(json.dumps(meta, allow_nan=False)), **arrays)
    return write


def _json_writer(arrays, meta):
    def write(f):
        f.write(json_document_text(arrays, meta).encode("utf-8"))
    return write


# An innermost list: numbers, null, true/false and plain strings, no nested list or object.
_INNERMOST_LIST = re.compile(r'\[\s+((?:"[^"\\\[\]{}\n]*"|[^\[\]{}"])*?)\s+\]')


def dump_json(document) -> str:
    """Indented JSON with each innermost list (the names, the layer sizes) on one line."""
    text = json.dumps(document, indent=1, allow_nan=False)
    return _INNERMOST_LIST.sub(
        lambda m: "[" + re.sub(r"\s*\n\s*", " ", m.group(1)) + "]", text)


def json_document_text(arrays: dict, meta: dict) -> str:
    """The JSON export: metadata indented, each matrix row on one line.

    Rows are written with ``repr`` (what ``json`` uses for floats: the shortest text that
    reads back as the same float64), straight from ``tolist()``, which is far faster than
    formatting a large network through ``json.dumps`` and a regular expression.
    """
    placeholders = {k: f"@@array:{k}@@" for k in arrays}
    text = dump_json({"format": FORMAT, "format_version": FORMAT_VERSION, "metadata": meta,
                      "arrays": placeholders})
    split = text.rindex('\n "arrays": {')  # after the metadata, whatever its strings hold
    head, tail = text[:split], text[split:]
    for key, a in arrays.items():
        rows = np.asarray(a, dtype=np.float64).reshape(a.shape[0], -1).tolist()
        body = ",\n".join("   [" + ", ".join(map(repr, row)) + "]" for row in rows)
        tail = tail.replace(json.dumps(placeholders[key]), "[\n" + body + "\n  ]", 1)
    return head + tail


# -- loading ------------------------------------------------------------------------------

def load_weights(path) -> LoadedModel:
    """Rebuild the network (and its normalization) from an nnviz ``.npz`` or ``.json`` export.

    Raises :class:`LoadError` naming the file and the problem: missing file, too large,
    corrupt zip/JSON, pickled content, missing or extra arrays, shapes that do not chain,
    unknown activations, non-finite values, a newer format version.
    """
    path = Path(path).expanduser()
    kind = check_readable(path, MAX_WEIGHTS_FILE_BYTES, "weights file")
    if path.suffix.lower() == ".onnx":
        raise LoadError(f"{path.name}: ONNX exports are for other programs (onnxruntime, ...); "
                        "nnviz loads the .npz or .json export of the same weights.", path)
    if kind == "zip":
        arrays, meta = _read_npz(path)
        fmt = "npz"
    else:
        arrays, meta = _read_json(path)
        fmt = "json"
    net, normalizer = rebuild(arrays, meta, path)
    return LoadedModel(net, normalizer, meta, path, fmt,
                       features_from_metadata(meta, net, path))


def _read_npz(path: Path):
    budget = Budget(path, MAX_WEIGHTS_FILE_BYTES, "weights file")
    arrays = read_npz(path, budget, allow_text=("metadata",))
    meta_array = arrays.pop("metadata", None)
    if meta_array is None:
        raise LoadError(f"{path.name}: has no 'metadata' entry, so the architecture "
                        "(activations, output head, normalization) is unknown. Load a file "
                        "written by nnviz's Export weights.", path)
    if meta_array.dtype.kind != "U" or meta_array.ndim != 0:
        raise LoadError(f"{path.name}: its 'metadata' entry is not a JSON text; the file is "
                        "damaged or not written by nnviz.", path)
    if meta_array.nbytes > 4 * MAX_MANIFEST_BYTES:
        raise LoadError(f"{path.name}: its metadata is larger than "
                        f"{human_size(MAX_MANIFEST_BYTES)} (the limit).", path)
    meta = strict_json.loads(str(meta_array[()]), path, "metadata")
    return arrays, meta


def _read_json(path: Path):
    try:
        # -sig: a UTF-8 byte-order mark is accepted, as in CSV files
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path.name}: is neither an .npz archive nor UTF-8 JSON text; the "
                        "file is damaged or not an nnviz export.", path) from exc
    document = strict_json.loads(text, path)
    del text
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise LoadError(f"{path.name}: is JSON but not an nnviz weights export (no "
                        f"\"format\": \"{FORMAT}\").", path)
    raw = document.get("arrays")
    if not isinstance(raw, dict):
        raise LoadError(f"{path.name}: has no \"arrays\" object with the weights.", path)
    arrays = {}
    for key, value in raw.items():
        what = f"{path.name}: array {key!r} is not a rectangular table of numbers"
        if _holds_bool(value):  # NumPy would read true as 1
            raise LoadError(f"{what} (true/false, not numbers).", path)
        try:
            # no dtype given: numbers written as text and ragged rows show in the dtype
            a = np.array(value)
        except (ValueError, TypeError, OverflowError):
            raise LoadError(f"{what}.", path) from None
        if a.dtype.kind not in "fi":
            why = " (numbers written as text)" if a.dtype.kind == "U" else ""
            raise LoadError(f"{what}{why}.", path)
        arrays[key] = a.astype(np.float64)
    # float32 weights were written as their exact float64 values; rebuild() casts them back.
    return arrays, document.get("metadata")


def _holds_bool(value) -> bool:
    """True if the nested lists ``value`` hold a JSON ``true``/``false`` anywhere."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            kinds = set(map(type, item))
            if bool in kinds:
                return True
            if list in kinds:
                stack.extend(x for x in item if isinstance(x, list))
        elif isinstance(item, bool):
            return True
    return False
