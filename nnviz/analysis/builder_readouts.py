"""The builder's derived read-outs, as plain functions of the settings and the data."""
from __future__ import annotations

import numpy as np

from nnviz.engine.initialization import init_std

from . import tooltips as tips

HEAD_TEXT = {"sigmoid": "sigmoid, binary cross-entropy",
             "softmax": "softmax, categorical cross-entropy",
             "linear": "linear, squared error"}


def task_text(data) -> str:
    return {"binary": "binary classification",
            "multiclass": f"{data.n_outputs}-class classification",
            "regression": "regression"}[data.task]


def data_info(data) -> str:
    """Sizes and task, and a nudge toward normalization when scales differ a lot."""
    text = (f"{data.n_features} features, {data.m_train} training / {data.m_test} test "
            f"examples, {task_text(data)}.")
    spread = float(np.max(data.std) / max(float(np.min(data.std)), 1e-300))
    if not data.normalized and spread > 100:
        text += f" Feature scales differ by {spread:.0f}×: try normalizing."
    return text


def output_text(data, L: int) -> str:
    return (f"Output layer {L}: n[{L}] = {data.n_outputs}, {HEAD_TEXT[data.head]} "
            f"(follows the task: {task_text(data)}).")


def parameter_count(dims) -> int:
    """Σ n[l]·n[l-1] + n[l]."""
    return sum(dims[l] * dims[l - 1] + dims[l] for l in range(1, len(dims)))


def shapes_html(dims) -> str:
    """``W[l]: (n[l], n[l-1])  b[l]: (n[l], 1)`` per layer (long lists elided) and the count."""
    L = len(dims) - 1
    shapes = [f"W[{l}]: ({dims[l]}, {dims[l - 1]})  b[{l}]: ({dims[l]}, 1)"
              for l in range(1, L + 1)]
    if len(shapes) > 8:
        shapes = shapes[:4] + ["…"] + shapes[-3:]
    return "<br>".join(shapes) + f"<br><b>{parameter_count(dims):,} parameters</b>"


def init_std_text(scheme: str, scale: float, dims) -> str:
    """The standard deviation of each ``W[l]`` the initialization draws."""
    L = len(dims) - 1
    stds = [init_std(scheme, dims[l - 1], dims[l]) * scale for l in range(1, L + 1)]
    items = [f"σ(W[{l}]) = {s:.3g}" for l, s in enumerate(stds, start=1)]
    if len(items) > 6:
        items = items[:2] + ["…"] + items[-2:]
    return ", ".join(items)


def normalization_tooltip(data, max_features: int = 12) -> str:
    """The concept, then the mean and std fitted on the training split, per feature."""
    names = data.feature_names
    lines = [f"{names[j] if j < len(names) else f'x{j + 1}'}: μ = {data.mean[j]:.4g}, "
             f"σ = {data.std[j]:.4g}" for j in range(min(data.n_features, max_features))]
    if data.n_features > max_features:
        lines.append(f"… and {data.n_features - max_features} more")
    constant = (f"\nConstant features (σ = 0, only centred): {list(data.constant_features)}"
                if data.constant_features else "")
    return tips.NORMALIZE + "\n\nFitted on the training split:\n" + "\n".join(lines) + constant
