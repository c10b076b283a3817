"""Names and indices of single parameters in the flat vector ``theta``.

The order is the network's ``layout``: ``W1, b1, W2, b2, ..., WL, bL``, each ``W`` row-major,
so ``theta[k]`` for ``k`` inside ``W2``'s slice is ``W2[i, j]`` with
``(i, j) = divmod(k - start, n[1])``. A gradient element is named after its parameter with a
``d`` in front, the way the course writes it: ``dW2[0,3]``, ``db1[2]`` (a bias is a column,
so its index tuple is ``(2, 0)``; the label drops the trailing ``0``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TensorInfo:
    """One ``W[l]`` or ``b[l]`` in the flat vector: ``theta[start:stop]``."""
    name: str  # "W2"
    layer: int  # l
    kind: str  # "W" or "b"
    start: int
    stop: int
    shape: tuple[int, int]

    @property
    def grad_name(self) -> str:
        return "d" + self.name

    @property
    def size(self) -> int:
        return self.stop - self.start


def tensor_infos(layout) -> tuple[TensorInfo, ...]:
    """``net.layout`` (name, slice, shape) as :class:`TensorInfo` records."""
    infos = []
    for name, sl, shape in layout:
        infos.append(TensorInfo(name, int(name[1:]), name[0], sl.start, sl.stop,
                                (int(shape[0]), int(shape[1]))))
    return tuple(infos)


def tensor_of(infos, k: int) -> TensorInfo:
    for info in infos:
        if info.start <= k < info.stop:
            return info
    raise IndexError(f"parameter index {k} is outside theta (size {infos[-1].stop})")


def element_index(infos, k: int) -> tuple[TensorInfo, tuple[int, int]]:
    info = tensor_of(infos, k)
    i, j = divmod(k - info.start, info.shape[1])
    return info, (i, j)


def element_label(infos, k: int, grad: bool = True) -> str:
    """``"dW2[0,3]"`` (or ``"W2[0,3]"`` with ``grad=False``) for ``theta[k]``."""
    info, (i, j) = element_index(infos, k)
    name = info.grad_name if grad else info.name
    return f"{name}[{i}]" if info.kind == "b" else f"{name}[{i},{j}]"


_LABEL = re.compile(r"^\s*d?([Wb])(\d+)\s*\[\s*(\d+)\s*(?:,\s*(\d+)\s*)?\]\s*$")


def parse_parameter(infos, spec) -> int:
    """Flat index of one parameter given as an ``int``, ``"W2[0,3]"``, ``"dW2[0,3]"``,
    ``"b1[2]"`` or ``("W2", (0, 3))``."""
    if isinstance(spec, (int, np.integer)):
        k = int(spec)
        n = infos[-1].stop
        if not 0 <= k < n:
            raise ValueError(f"parameter index {k} is outside theta (0..{n - 1})")
        return k
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
        name, idx = spec
        idx = (idx,) if np.isscalar(idx) else tuple(idx)
        spec = f"{name}[{','.join(str(int(v)) for v in idx)}]"
    if not isinstance(spec, str):
        raise ValueError(f"cannot read a parameter from {spec!r}; use an index, 'W2[0,3]' or 'b1[2]'")
    match = _LABEL.match(spec)
    if match is None:
        raise ValueError(f"cannot read a parameter from {spec!r}; write it like 'W2[0,3]' or 'b1[2]'")
    kind, layer, i, j = match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)
    name = f"{kind}{layer}"
    info = next((t for t in infos if t.name == name), None)
    if info is None:
        layers = max(t.layer for t in infos)
        raise ValueError(f"{spec!r}: the network has no {name} (layers 1..{layers})")
    j = 0 if j is None else int(j)
    rows, cols = info.shape
    if not (0 <= i < rows and 0 <= j < cols):
        raise ValueError(f"{spec!r}: {name} has shape {rows}x{cols}")
    return info.start + i * cols + j


def parse_tensor(infos, spec: str) -> TensorInfo:
    """``"W2"``, ``"dW2"``, ``"b1"`` or ``"db1"``."""
    name = spec[1:] if isinstance(spec, str) and spec.startswith("d") else spec
    for info in infos:
        if info.name == name:
            return info
    raise ValueError(f"unknown tensor {spec!r}; choose one of "
                     f"{', '.join(t.name for t in infos)}")
