"""The computations some challenges need beyond a snapshot's numbers (NumPy only).

- :func:`input_curvature`: how round the cost surface is. For logistic regression at the
  start (``w = 0``) the Hessian of ``J`` is ``0.25 E[x~ x~^T]`` with ``x~ = [x; 1]``, so the
  condition number ``kappa`` of the inputs' second moment (bias included) is the ratio of the
  surface's steepest to its flattest curvature; its contours are ellipses with axes in the
  ratio ``sqrt(kappa)``. Normalization takes it from millions (features on scales 1 and
  1000) to a few.
- :func:`live_dropout_check`: the gradient check as it goes when dropout is left on: every
  evaluation of ``J`` draws new masks, so ``J(theta + eps)`` and ``J(theta - eps)`` are the
  costs of two different thinned networks and their difference is noise, not the slope.
- :func:`mystery_check`: the engine's gradient check with a planted bug the learner is not
  told (seeded), for "find the planted bug's layer".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.gradient_check import PRESETS, difference, gradient_check, parse_planted_bugs

CHECK_EXAMPLES = 32          # the Gradient check panel's default subset
DROPOUT_PARAMETERS = 24      # parameters compared by the live-dropout check
DROPOUT_EPS = 1e-7           # the course's
MAX_CHECK_FLOPS = 4e8        # bound on the live-dropout check's work (well under a second)


def input_curvature(X: np.ndarray) -> float:
    """``kappa``: the condition number of ``(1/m) [X; 1] [X; 1]^T`` (``X`` is ``(n_x, m)``,
    as the network sees it). ``inf`` when a direction has no curvature at all."""
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    if m == 0:
        return float("inf")
    Xt = np.vstack([X, np.ones((1, m))])
    eig = np.linalg.eigvalsh(Xt @ Xt.T / m)
    return float(eig[-1] / eig[0]) if eig[0] > 0 else float("inf")


@dataclass(frozen=True)
class DropoutCheck:
    """The course's difference between backprop (one set of masks) and two-sided
    differences whose two costs each draw fresh masks."""

    difference: float
    keep_prob: float
    n_parameters: int
    n_examples: int
    iteration: int


def _subset(snapshot, n_examples: int):
    data = snapshot.data
    X, Y = np.asarray(data.X_train, np.float64), np.asarray(data.Y_train, np.float64)
    m = X.shape[1]
    n = min(n_examples, m)
    columns = np.sort(np.random.default_rng(snapshot.config.network.seed)
                      .choice(m, n, replace=False))
    return np.ascontiguousarray(X[:, columns]), np.ascontiguousarray(Y[:, columns])


def live_dropout_check(snapshot, seed: int = 0) -> DropoutCheck | None:
    """:class:`DropoutCheck` of the snapshot's network with its ``keep_prob`` left on; None
    without dropout (``keep_prob`` 1 or no hidden layer) or an empty training split."""
    keep_prob = float(snapshot.config.hyper.keep_prob)
    net = snapshot.network(np.float64)
    if keep_prob >= 1.0 or net.L < 2 or snapshot.data.m_train == 0:
        return None
    dims = net.layer_dims
    per_example = 2 * sum(a * b for a, b in zip(dims[:-1], dims[1:]))
    n_examples = int(max(1, min(CHECK_EXAMPLES,
                                MAX_CHECK_FLOPS // (per_example * 2 * DROPOUT_PARAMETERS))))
    X, Y = _subset(snapshot, n_examples)
    lambd = float(snapshot.config.hyper.lambd)
    kps = [keep_prob] * (net.L - 1)
    rng = np.random.default_rng(seed)
    net.gradients(X, Y, lambd, kps, rng=rng)
    analytic = net.grad.copy()
    picked = np.sort(rng.choice(net.n_params, min(DROPOUT_PARAMETERS, net.n_params),
                                replace=False))
    numeric = np.empty(picked.size)
    theta = net.theta

    def cost() -> float:  # fresh masks: what a check with dropout left on computes
        ZL, _ = net.forward(X, kps, None, rng)
        return net.cost_from_output(ZL, Y, lambd)

    for k, i in enumerate(picked):
        old = theta[i]
        theta[i] = old + DROPOUT_EPS
        plus = cost()
        theta[i] = old - DROPOUT_EPS
        minus = cost()
        theta[i] = old
        numeric[k] = (plus - minus) / (2 * DROPOUT_EPS)
    return DropoutCheck(difference(analytic[picked], numeric), keep_prob, int(picked.size),
                        int(X.shape[1]), int(snapshot.iteration))


def mystery_bug(L: int, seed: int, lambd: float = 0.0) -> str:
    """A planted bug (a name of the engine's presets) that fits a network of ``L`` layers,
    drawn with ``seed``: the learner is not told which. A forgotten L2 term shows only with
    ``lambd > 0``, so it is drawn only then."""
    fits = [name for name in PRESETS
            if all(b.layer <= L and (b.kind != "missing_l2" or lambd > 0)
                   for b in parse_planted_bugs(name))]
    return fits[int(np.random.default_rng(seed).integers(len(fits)))]


def mystery_check(snapshot, seed: int, cancel=None):
    """The engine's gradient check of the snapshot's network on :data:`CHECK_EXAMPLES`
    training examples, with :func:`mystery_bug` planted (its ``planted_bug`` names it)."""
    net = snapshot.network(np.float64)
    X, Y = _subset(snapshot, CHECK_EXAMPLES)
    lambd = float(snapshot.config.hyper.lambd)
    return gradient_check(net, X, Y, lambd=lambd,
                          keep_prob=float(snapshot.config.hyper.keep_prob), dropout="off",
                          planted_bug=mystery_bug(net.L, seed, lambd), cancel=cancel)


def planted_layers(result) -> frozenset[int]:
    """The layers of a gradient-check result's planted bug(s) (empty: none planted)."""
    name = getattr(result, "planted_bug", None)
    if not name:
        return frozenset()
    return frozenset(bug.layer for bug in parse_planted_bugs(name))
