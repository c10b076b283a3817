"""What the gradient-check inspector computes, off the GUI thread.

Nothing here touches a widget: :func:`run_check` and :func:`run_sweep` are the bodies of
``JobRunner`` jobs. A check never shares state with the training worker: it rebuilds a
float64 :class:`~nnviz.engine.network.Network` from the (immutable) snapshot's layer sizes,
activations and ``theta`` inside the job, and takes the training data as the network sees
it (normalized when normalization is on).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.engine.gradient_check import (
    COURSE_BUGS, PRESETS, CheckCancelled, DirectionalCheckResult, EpsilonSweepResult,
    GradientCheckResult, course_exercise, directional_check, epsilon_sweep, gradient_check,
    parse_planted_bugs,
)
from nnviz.engine.backprop_steps import ScalarCheck, scalar_check
from nnviz.engine.network import Network
from nnviz.training.jobs import Cancelled

DEFAULT_EXAMPLES = 32  # a small subset keeps the full check of a real network quick
DEFAULT_DIRECTIONS = 3
DEFAULT_PER_TENSOR = 10
EXPLAIN_PER_TENSOR = 20  # a failing directional check runs this element-wise subset

SOURCES = ("network", "course", "scalar")  # scalar: the notebook's 1-D J(θ) = θx
MODES = ("full", "directional", "layer", "random")
COURSE_PAIR = "course"  # parse_planted_bugs name of the course's two bugs at once
BUG_CHOICES = (COURSE_PAIR,) + PRESETS


def dropout_refusal(keep_prob: float) -> str:
    """Why a check does not run while training uses dropout, and what to do (the course's
    rule)."""
    return (f"Dropout is on (keep_prob {keep_prob:g}), so the check does not run on it: every "
            "evaluation of J draws new masks, which makes J a different random function each "
            "time, so (J(θ+ε) − J(θ−ε)) / 2ε does not estimate backprop's dθ. The course's "
            "rule: check with keep_prob = 1, then turn dropout back on.")


def training_keep_prob(snapshot) -> float:
    """The keep_prob training uses on this snapshot's network (1: no dropout, also when it
    has no hidden layer for dropout to act on)."""
    if snapshot is None or snapshot.L < 2:
        return 1.0
    return float(snapshot.config.hyper.keep_prob)


def bug_title(bug: str) -> str:
    if bug == COURSE_PAIR:
        return "the course's two bugs: " + " + ".join(COURSE_BUGS)
    return bug


def bugs_for_layers(L: int) -> list[str]:
    """The planted-bug choices that fit a network with ``L`` layers."""
    choices = []
    for name in BUG_CHOICES:
        if all(b.layer <= L for b in parse_planted_bugs(name)):
            choices.append(name)
    return choices


@dataclass(frozen=True)
class CheckSetup:
    """What is checked: a float64 network, the examples, lambda and keep_prob of training."""
    net: Network
    X: np.ndarray
    Y: np.ndarray
    lambd: float
    keep_prob: float
    description: str  # "32 of 240 training examples of Flower, after 120 iterations"
    iteration: int | None  # the snapshot's (None for the course exercise)
    generation: int | None


def setup_from_snapshot(snapshot, n_examples: int | None = DEFAULT_EXAMPLES) -> CheckSetup:
    """Rebuild the snapshot's network in float64 and pick ``n_examples`` training columns
    (seeded with the network's seed; ``None`` or 0 = all). Call it inside the job."""
    net = snapshot.network(np.float64)
    data = snapshot.data
    X, Y = np.asarray(data.X_train, np.float64), np.asarray(data.Y_train, np.float64)
    m = X.shape[1]
    if m == 0:
        raise ValueError("the training split is empty: nothing to check the gradient on")
    n = m if not n_examples else min(int(n_examples), m)
    if n < m:
        # seeded and spread over the data: generated sets are ordered by class, so the
        # first columns would all share one label
        columns = np.sort(np.random.default_rng(snapshot.config.network.seed)
                          .choice(m, n, replace=False))
        X, Y = X[:, columns], Y[:, columns]
    hyper = snapshot.config.hyper
    seen = "normalized, as the network sees them" if data.normalized else "as the network sees them"
    it = snapshot.iteration
    description = (f"{n} of {m} training examples of {data.title} ({seen}), after {it:,} "
                   f"iteration{'' if it == 1 else 's'}; {net.describe()}")
    return CheckSetup(net, np.ascontiguousarray(X), np.ascontiguousarray(Y),
                      float(hyper.lambd), float(hyper.keep_prob), description, it,
                      snapshot.generation)


def course_setup() -> CheckSetup:
    net, X, Y = course_exercise()
    return CheckSetup(net, X, Y, 0.0, 1.0,
                      "the course's exercise: LINEAR-RELU-LINEAR-RELU-LINEAR-SIGMOID, layer "
                      "sizes 4-5-3-1, 3 examples, 47 parameters", None, None)


@dataclass(frozen=True)
class CheckRequest:
    source: str = "network"  # one of SOURCES
    mode: str = "full"  # one of MODES
    eps: float = 1e-7
    planted_bug: str | None = None  # one of BUG_CHOICES (teaching mode) or None
    layer: int = 1  # mode "layer"
    per_tensor: int = DEFAULT_PER_TENSOR  # mode "random"
    n_examples: int | None = DEFAULT_EXAMPLES  # source "network"; None = all
    n_directions: int = DEFAULT_DIRECTIONS  # mode "directional"
    seed: int = 0
    # Check the current network with keep_prob = 1 (training keeps its own); without it, a
    # network trained with dropout is not checked (dropout_refusal).
    dropout_off: bool = False

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {self.source!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {self.mode!r}")


@dataclass(frozen=True)
class CheckOutcome:
    """A finished check. ``result`` is the element-wise check: the full or subset check, or,
    for a failing directional check, the element-wise subset run to explain it (else None)."""
    request: CheckRequest
    setup: CheckSetup
    result: GradientCheckResult | None
    directional: DirectionalCheckResult | None = None

    @property
    def main(self):
        return self.directional if self.directional is not None else self.result

    @property
    def verdict(self) -> str:
        return self.main.verdict

    @property
    def difference(self) -> float:
        return self.main.difference


def run_check(request: CheckRequest, snapshot, job) -> CheckOutcome | ScalarCheck:
    """The job body: build the problem, run the check, report progress, honour cancel."""
    job.check()
    if request.source == "scalar":
        return scalar_check(eps=request.eps)
    if request.source == "course":
        setup = course_setup()
    else:
        if snapshot is None:
            raise ValueError("no network yet: start or step training first, or check the "
                             "course exercise")
        setup = setup_from_snapshot(snapshot, request.n_examples)
        if setup.keep_prob < 1.0 and setup.net.L >= 2 and not request.dropout_off:
            raise ValueError(dropout_refusal(setup.keep_prob))
    job.check()

    def progress(done: int, total: int) -> bool:
        return job.progress(done / max(total, 1), f"{done:,} of {total:,} evaluations of J")

    # The cancel flag too: the engine polls it between evaluations of J, so closing the
    # window stops a check within one evaluation, not one progress report. Dropout "off":
    # J and backprop with keep_prob = 1 (the setup keeps training's keep_prob to say so).
    common = dict(lambd=setup.lambd, keep_prob=setup.keep_prob, dropout="off",
                  seed=request.seed, planted_bug=request.planted_bug,
                  cancel=job.cancel_event)
    try:
        if request.mode == "directional":
            directional = directional_check(
                setup.net, setup.X, setup.Y, n_directions=request.n_directions,
                explain=True, per_tensor=EXPLAIN_PER_TENSOR, progress=progress,
                eps=request.eps, **common)
            return CheckOutcome(request, setup, directional.detail, directional)
        subset = {}
        if request.mode == "layer":
            subset["layers"] = [request.layer]
        elif request.mode == "random":
            subset["per_tensor"] = request.per_tensor
        result = gradient_check(setup.net, setup.X, setup.Y, eps=request.eps,
                                progress=progress, **subset, **common)
    except CheckCancelled:
        raise Cancelled() from None
    return CheckOutcome(request, setup, result)


def run_sweep(setup: CheckSetup, parameter: int | None, job) -> EpsilonSweepResult:
    """Error of one- and two-sided differences against eps, for one flat index (or all)."""
    def progress(done: int, total: int) -> bool:
        return job.progress(done / max(total, 1), "error against eps")

    try:
        return epsilon_sweep(setup.net, setup.X, setup.Y, parameter=parameter,
                             lambd=setup.lambd, keep_prob=setup.keep_prob, dropout="off",
                             progress=progress, cancel=job.cancel_event)
    except CheckCancelled:
        raise Cancelled() from None
