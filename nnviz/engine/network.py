"""An L-layer fully-connected network in the course's notation.

All parameters live in one flat vector ``theta`` in the fixed order
``W1, b1, W2, b2, ..., WL, bL`` (each ``W`` row-major); ``params["W1"]`` and friends are
views into it, and the gradients ``grads["dW1"], ...`` are views into ``grad`` in the same
order. So an optimizer updates the whole network in one NumPy operation, a trajectory is a
list of copies of ``theta``, and gradient checking perturbs ``theta[i]`` directly.
Assign into the views (``net.params["W1"][...] = ...``), never rebind them.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import course_order, propagation
from .activations import get_activation
from .initialization import initialize_parameters
from .losses import get_head, l2_penalty

MAX_LAYERS = 30
MAX_UNITS = 512


class Network:
    def __init__(self, layer_dims: Sequence[int], activations: str | Sequence[str] = "relu",
                 head: str = "sigmoid", alpha: float | None = None, dtype=np.float64,
                 init: str = "he", init_scale: float = 1.0, seed: int = 0,
                 course_exact: bool = False):
        layer_dims = [int(n) for n in layer_dims]
        if len(layer_dims) < 2:
            raise ValueError("layer_dims needs at least the input size and the output size")
        if len(layer_dims) - 1 > MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS} layers, got {len(layer_dims) - 1}")
        if any(n < 1 for n in layer_dims):
            raise ValueError(f"every layer needs at least one unit, got {layer_dims}")
        if any(n > MAX_UNITS for n in layer_dims[1:]):
            raise ValueError(f"at most {MAX_UNITS} units per layer, got {layer_dims}")
        L = len(layer_dims) - 1
        if isinstance(activations, str):
            activations = [activations] * (L - 1)
        activations = list(activations)
        if len(activations) != L - 1:
            raise ValueError(f"{L - 1} hidden layers need {L - 1} activations, got {len(activations)}")
        for name in activations:
            get_activation(name)
        get_head(head)
        if head == "softmax" and layer_dims[-1] < 2:
            raise ValueError("a softmax output needs at least 2 units")

        self.layer_dims = layer_dims
        self.activations = activations
        self.head = head
        self.alpha = None if alpha is None else float(alpha)  # a Python float keeps the dtype
        self.dtype = np.dtype(dtype)
        self.init, self.init_scale, self.seed = init, float(init_scale), int(seed)
        # Initial draws from the legacy RandomState, and propagation in the notebooks' own
        # expressions (nnviz.engine.course_order), as the course notebooks make them.
        self.course_exact = bool(course_exact)

        # Flat storage and the (name, slice, shape) layout shared by theta and grad.
        self.layout = []
        offset = 0
        for l in range(1, L + 1):
            for name, shape in ((f"W{l}", (layer_dims[l], layer_dims[l - 1])),
                                (f"b{l}", (layer_dims[l], 1))):
                size = shape[0] * shape[1]
                self.layout.append((name, slice(offset, offset + size), shape))
                offset += size
        self.theta = np.zeros(offset, dtype=self.dtype)
        self.grad = np.zeros(offset, dtype=self.dtype)
        self.params = {n: self.theta[s].reshape(shape) for n, s, shape in self.layout}
        self.grads = {"d" + n: self.grad[s].reshape(shape) for n, s, shape in self.layout}
        self.initialize(init, init_scale, seed)

    # -- structure ---------------------------------------------------------------------
    @property
    def L(self) -> int:
        return len(self.layer_dims) - 1

    @property
    def n_params(self) -> int:
        return self.theta.size

    @property
    def layer_activations(self) -> list[str]:
        """``g[1..L]`` including the output head."""
        return self.activations + [self.head]

    def param_slice(self, name: str) -> slice:
        for n, s, _ in self.layout:
            if n == name:
                return s
        raise KeyError(name)

    def describe(self) -> str:
        acts = "-".join(a.upper() for a in self.layer_activations)
        return f"{self.layer_dims} {acts} ({self.n_params} parameters)"

    def config(self) -> dict:
        return dict(layer_dims=list(self.layer_dims), activations=list(self.activations),
                    head=self.head, alpha=self.alpha, dtype=self.dtype.name, init=self.init,
                    init_scale=self.init_scale, seed=self.seed,
                    course_exact=self.course_exact)

    # -- parameters --------------------------------------------------------------------
    def initialize(self, scheme: str | None = None, scale: float | None = None,
                   seed: int | None = None) -> "Network":
        if scheme is not None:
            self.init = scheme
        if scale is not None:
            self.init_scale = float(scale)
        if seed is not None:
            self.seed = int(seed)
        initialize_parameters(self.layer_dims, self.init, self.init_scale, self.seed,
                              out=self.params, course_exact=self.course_exact)
        return self

    def copy(self, dtype=None) -> "Network":
        """An independent network (optionally in another dtype) with the same parameters."""
        cfg = self.config()
        cfg["dtype"] = self.dtype if dtype is None else dtype
        net = Network(**cfg)
        net.theta[...] = self.theta
        return net

    def set_theta(self, theta) -> None:
        self.theta[...] = theta

    def check_data(self, X, Y, what: str = "the data", min_examples: int = 0):
        """``(X, Y)`` as arrays after checking they fit this network: ``X`` is ``(n[0], m)``,
        ``Y`` is ``(n[L], m)``, ``m >= min_examples``, every value finite. A ``ValueError``
        says what does not fit, naming ``what`` (e.g. "the training data")."""
        X, Y = np.asarray(X), np.asarray(Y)
        if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
            raise ValueError(f"X must be (n_x, m) and Y (n_y, m) with the same m; "
                             f"got {X.shape} and {Y.shape}")
        if X.shape[1] < min_examples:
            raise ValueError(f"{what} needs at least {min_examples} example(s), got {X.shape[1]}")
        if X.shape[0] != self.layer_dims[0]:
            raise ValueError(f"the network expects {self.layer_dims[0]} input features, "
                             f"{what} has {X.shape[0]}")
        if Y.shape[0] != self.layer_dims[-1]:
            raise ValueError(f"the output layer has {self.layer_dims[-1]} units, "
                             f"the targets have {Y.shape[0]} rows")
        if not (np.isfinite(X).all() and np.isfinite(Y).all()):
            raise ValueError(f"{what} contains NaN or infinite values")
        return X, Y

    # -- propagation -------------------------------------------------------------------
    @property
    def _propagation(self):
        return course_order if self.course_exact else propagation

    def forward(self, X, keep_probs=None, masks=None, rng=None):
        """``Z[L]`` and the caches; see :func:`propagation.forward`. ``X`` is taken in the
        network's dtype, so every ``Z``, ``A`` and prediction is in that dtype too."""
        X = np.asarray(X, dtype=self.dtype)
        return self._propagation.forward(X, self.params, self.activations, self.head, self.alpha,
                                   keep_probs, masks, rng)

    def cost(self, X, Y, lambd: float = 0.0, keep_probs=None, masks=None) -> float:
        """``J`` from ``Z[L]``, including ``(lambda/2m) sum ||W||^2``; dropout only with masks."""
        ZL, _ = self.forward(X, keep_probs, masks)
        return self.cost_from_output(ZL, Y, lambd)

    def cost_from_output(self, ZL, Y, lambd: float = 0.0) -> float:
        J = get_head(self.head).loss(ZL, Y)
        return J + l2_penalty(self.weights(), lambd, Y.shape[1])

    def weights(self):
        return [self.params[f"W{l}"] for l in range(1, self.L + 1)]

    def gradients(self, X, Y, lambd: float = 0.0, keep_probs=None, masks=None, rng=None,
                  keep_dZ: bool = False):
        """One forward and backward pass. Fills ``self.grad``; returns ``(J, caches, grads)``."""
        Y = np.asarray(Y, dtype=self.dtype)
        ZL, caches = self.forward(X, keep_probs, masks, rng)
        J = self.cost_from_output(ZL, Y, lambd)
        grads = dict(self.grads)
        self._propagation.backward(ZL, Y, caches, self.activations, self.alpha, lambd, grads,
                             keep_dZ=keep_dZ)
        return J, caches, grads

    # -- predictions -------------------------------------------------------------------
    def predict_output(self, X):
        """``A[L]``: probabilities (sigmoid, softmax) or values (linear)."""
        ZL, _ = self.forward(X)
        return get_head(self.head).output(ZL)

    def predict(self, X):
        """Class indices ``(m,)`` for classification, values ``(m,)`` for regression."""
        A = self.predict_output(X)
        if self.head == "sigmoid":
            return (A[0] > 0.5).astype(np.intp)
        if self.head == "softmax":
            return A.argmax(axis=0)
        return A[0]
