"""What a gradient check looks at: a float64 copy of the network, the data, ``lambda`` and
the dropout treatment, plus the cancellation plumbing shared by the checks."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..losses import l2_penalty
from ..network import Network
from .example_losses import check_cost_formula, example_losses
from .indexing import TensorInfo, tensor_infos

DROPOUT_MODES = ("off", "frozen")
# Work between two cancel checks when a check goes through the examples in chunks: ~0.2
# GFLOP, some 20-50 ms on one core (a 30 x 512 network's forward pass on 2,000 examples is
# 30 GFLOP: seconds).
CHUNK_FLOPS = 2e8
BACKPROP_CHUNK_FLOPS = 5e8


class Cancelled(RuntimeError):
    """A long engine computation stopped on request: the progress callback returned
    ``False`` or the cancel flag was set. Subclasses name the computation."""

    what = "computation"

    def __init__(self, done: int = 0, total: int = 0):
        super().__init__(f"{self.what} cancelled after {done} of {total} evaluations")
        self.done, self.total = done, total


class CheckCancelled(Cancelled):
    what = "gradient check"


def cancel_requested(cancel) -> bool:
    """``cancel``: None, anything with ``is_set()`` (``threading.Event``) or a callable."""
    if cancel is None:
        return False
    return bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel())


@dataclass
class CheckProblem:
    net: Network  # a private float64 copy: the checks may perturb its theta in place
    X: np.ndarray
    Y: np.ndarray
    lambd: float
    keep_probs: list[float] | None  # None: no dropout in J
    masks: list[np.ndarray] | None
    dropout: str  # "none" (not configured), "off" (switched off), "frozen" (fixed masks)
    dropout_note: str
    infos: tuple[TensorInfo, ...]
    cost_formula: str = "stable"  # see example_losses.COST_FORMULAS

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def cost(self) -> float:
        ZL, _ = self.net.forward(self.X, self.keep_probs, self.masks)
        return self.cost_from_output(ZL)

    def cost_from_output(self, ZL) -> float:
        """``J`` (with the L2 term) from ``Z[L]``, by this problem's cost formula."""
        if self.cost_formula == "stable":
            return self.net.cost_from_output(ZL, self.Y, self.lambd)
        losses = example_losses(self.net.head, ZL.T, self.Y.T, self.cost_formula)
        return float(losses.mean()) + l2_penalty(self.net.weights(), self.lambd, self.m)

    # -- in chunks of examples: bounded memory, a cancel check between two chunks ----------
    def example_columns(self, flops: float = CHUNK_FLOPS) -> int:
        """Examples per chunk: a forward pass over them takes about ``flops``."""
        dims = self.net.layer_dims
        per_example = 2 * sum(a * b for a, b in zip(dims[:-1], dims[1:]))
        return max(1, int(flops // max(per_example, 1)))

    def _chunks(self, columns: int):
        for s in range(0, self.m, max(1, int(columns))):
            e = min(self.m, s + max(1, int(columns)))
            masks = None if self.masks is None else [
                None if mask is None else mask[:, s:e] for mask in self.masks]
            yield slice(s, e), self.X[:, s:e], self.Y[:, s:e], masks

    def cost_in_chunks(self, columns: int | None = None, check=None) -> float:
        """``J`` with the forward pass on ``columns`` examples at a time (default
        :meth:`example_columns`), calling ``check()`` after each. The losses of all examples
        are summed at the end in one order, so the chunk size does not change ``J``."""
        losses = np.empty(self.m)
        for cols, X, Y, masks in self._chunks(columns or self.example_columns()):
            ZL, _ = self.net.forward(X, self.keep_probs, masks)
            losses[cols] = example_losses(self.net.head, ZL.T, Y.T, self.cost_formula)
            if check is not None:
                check()
        return float(losses.sum() / self.m) + l2_penalty(self.net.weights(), self.lambd,
                                                          self.m)

    def gradient_in_chunks(self, columns: int | None = None, check=None) -> tuple[float,
                                                                                np.ndarray]:
        """``(J, dtheta)`` from backprop on ``columns`` examples at a time: ``dtheta`` is the
        mean of the chunks' gradients weighted by their sizes, plus ``(lambda/m) W``."""
        # Each chunk also writes every dW (a pass over all parameters), so backprop's chunks
        # are larger than the forward pass's: about 3 x BACKPROP_CHUNK_FLOPS of work each.
        columns = columns or self.example_columns(BACKPROP_CHUNK_FLOPS)
        net, m = self.net, self.m
        grad = np.zeros(net.n_params)
        losses = np.empty(m)
        for cols, X, Y, masks in self._chunks(columns):
            _, caches, _ = net.gradients(X, Y, 0.0, self.keep_probs, masks)
            chunk_grad = net.grad
            chunk_grad *= (cols.stop - cols.start) / m  # in place: no parameter-sized temporary
            grad += chunk_grad
            losses[cols] = example_losses(net.head, caches[-1].Z.T, Y.T, self.cost_formula)
            if check is not None:
                check()
        if self.lambd:
            for info in self.infos:
                if info.kind == "W":
                    grad[info.start:info.stop] += self.lambd / m * net.theta[info.start:info.stop]
        J = float(losses.sum() / m) + l2_penalty(net.weights(), self.lambd, m)
        return J, grad

    def gradient(self) -> tuple[float, np.ndarray]:
        J, _, _ = self.net.gradients(self.X, self.Y, self.lambd, self.keep_probs, self.masks)
        if self.cost_formula != "stable":
            J = self.cost()  # backprop does not depend on the formula; J does
        return float(J), self.net.grad.copy()


def prepare(net: Network, X, Y, lambd: float = 0.0, keep_prob=1.0, dropout: str = "off",
            masks=None, seed: int = 0, cost_formula: str = "stable") -> CheckProblem:
    """Validate the inputs and build the float64 problem (the caller's network is untouched)."""
    check_cost_formula(cost_formula)
    if not isinstance(net, Network):
        raise TypeError(f"expected a Network, got {type(net).__name__}")
    X, Y = net.check_data(np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64),
                          "the gradient check", min_examples=1)
    if not np.isfinite(net.theta).all():
        raise ValueError("the network's parameters contain NaN or infinite values; reset it first")
    lambd = float(lambd)
    if not (np.isfinite(lambd) and lambd >= 0):
        raise ValueError(f"lambda must be a finite number >= 0, got {lambd}")
    if dropout not in DROPOUT_MODES:
        raise ValueError(f"dropout must be one of {DROPOUT_MODES}, got {dropout!r}")

    net64 = net.copy(np.float64)
    kps = _keep_probs(keep_prob, net.L - 1)
    m = X.shape[1]
    if kps is None:
        mode, note, masks_out = "none", "no dropout", None
    elif dropout == "off":
        mode, masks_out = "off", None
        note = (f"dropout switched off for the check (keep_prob {_fmt_kp(kps)} ignored): "
                "J and backprop are compared without dropout")
        kps = None
    else:
        mode = "frozen"
        masks_out = _frozen_masks(net, kps, masks, m, seed)
        note = (f"dropout masks frozen (keep_prob {_fmt_kp(kps)}): every evaluation of J and "
                "backprop use the same masks, so J is a fixed function of theta")
    return CheckProblem(net64, np.ascontiguousarray(X), np.ascontiguousarray(Y), lambd, kps,
                        masks_out, mode, note, tensor_infos(net64.layout), cost_formula)


def _keep_probs(keep_prob, hidden: int) -> list[float] | None:
    if keep_prob is None:
        return None
    kps = [float(keep_prob)] * hidden if np.isscalar(keep_prob) else [float(k) for k in keep_prob]
    if len(kps) != hidden:
        raise ValueError(f"keep_prob needs one value per hidden layer ({hidden}), got {len(kps)}")
    if any(not 0.0 < k <= 1.0 for k in kps):
        raise ValueError(f"keep_prob must be in (0, 1], got {kps}")
    return None if all(k == 1.0 for k in kps) else kps


def _fmt_kp(kps) -> str:
    return f"{kps[0]:g}" if len(set(kps)) == 1 else "[" + ", ".join(f"{k:g}" for k in kps) + "]"


def _frozen_masks(net, kps, masks, m, seed):
    dims = net.layer_dims
    if masks is None:
        rng = np.random.default_rng(seed)
        return [(rng.random((dims[l], m)) < kp).astype(np.float64) if kp < 1.0 else None
                for l, kp in enumerate(kps, start=1)]
    if len(masks) != len(kps):
        raise ValueError(f"masks needs one entry per hidden layer ({len(kps)}), got {len(masks)}")
    out = []
    for l, (mask, kp) in enumerate(zip(masks, kps), start=1):
        if kp == 1.0 or mask is None:
            if kp < 1.0:
                raise ValueError(f"hidden layer {l} has keep_prob {kp:g} but no mask")
            out.append(None)
            continue
        mask = np.asarray(mask, dtype=np.float64)
        if mask.shape != (dims[l], m):
            raise ValueError(f"the mask of hidden layer {l} must be {(dims[l], m)}, got {mask.shape}")
        out.append(mask)
    return out


class Progress:
    """Calls ``callback(done, total)`` at most every ``interval`` seconds (and at the end);
    a callback returning ``False`` or a set ``cancel`` flag raises :class:`CheckCancelled`.
    ``cancel`` is anything with ``is_set()`` (``threading.Event``) or a zero-argument callable."""

    def __init__(self, total: int, callback: Callable | None = None, cancel=None,
                 interval: float = 0.05, error: type[Cancelled] = CheckCancelled):
        self.total, self.done = int(total), 0
        self.callback, self.cancel, self.interval = callback, cancel, interval
        self.error = error
        self._last = -np.inf

    def _cancelled(self) -> bool:
        return cancel_requested(self.cancel)

    def advance(self, n: int) -> None:
        self.done += int(n)
        now = time.perf_counter()
        final = self.done >= self.total
        if self.callback is not None and (final or now - self._last >= self.interval):
            self._last = now
            if self.callback(self.done, self.total) is False:
                raise self.error(self.done, self.total)
        if self._cancelled():
            raise self.error(self.done, self.total)

    def check(self) -> None:
        if self._cancelled():
            raise self.error(self.done, self.total)


def as_index_array(indices: Sequence[int]) -> np.ndarray:
    return np.asarray(indices, dtype=np.intp).reshape(-1)
