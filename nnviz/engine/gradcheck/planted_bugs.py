"""Backprop with a planted, named defect: the course's exercise for the gradient check.

The course hides two bugs in a 3-layer network's backward pass (``dW2`` doubled, ``db1``
computed with ``4/m`` instead of ``1/m``) and asks the learner to find them with the gradient
check. Here a :class:`PlantedBug` names such a defect and :func:`planted_gradient` runs a
backward pass that has it.

Safety: this buggy backward exists only in this module. It returns a new gradient vector; it
never writes into a network's ``grad`` and nothing in :class:`~nnviz.engine.Network` or
:class:`~nnviz.engine.Trainer` can reach it, so a planted bug cannot leak into training. The
only way to use one is ``gradient_check(..., planted_bug=...)`` (and the directional check),
whose result says in capitals that the bug was planted.

Several bugs can be planted at once (``"dW2 doubled, db1 x4"``, or ``"course"`` for the
course's pair). Bug names (case-insensitive): ``"dW2 doubled"``, ``"db1 x4"``, ``"dW3 x-1"`` (``"negated"``,
``"sign flipped"``), ``"dZ2 x2"`` (a wrong ``dZ`` flows into every earlier layer),
``"dW1 missing 1/m"`` and ``"dW2 missing L2"`` (only visible with ``lambda > 0``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..activations import get_activation
from ..network import Network

KINDS = ("scale", "missing_1_over_m", "missing_l2")


@dataclass(frozen=True)
class PlantedBug:
    name: str  # how the report names it, e.g. "dW2 doubled"
    target: str  # "dW2", "db1" or "dZ2"
    kind: str = "scale"  # one of KINDS
    factor: float = 1.0  # for "scale"

    @property
    def layer(self) -> int:
        return int(self.target[2:])

    @property
    def description(self) -> str:
        if self.kind == "scale":
            what = {"dW": "dW = (1/m) dZ A_prev^T", "db": "db = (1/m) sum(dZ)",
                    "dZ": "dZ = dA * g'(Z)"}[self.target[:2]]
            extra = (" (it flows back into every earlier layer)"
                     if self.target.startswith("dZ") and self.layer > 1 else "")
            return (f"backprop multiplies {self.target} by {self.factor:g}: "
                    f"{what} times {self.factor:g}, layer {self.layer}{extra}")
        if self.kind == "missing_1_over_m":
            return f"backprop forgets the 1/m in {self.target} (layer {self.layer})"
        return f"backprop forgets the L2 term (lambda/m) W in {self.target} (layer {self.layer})"


# The course's two planted bugs, and a few more for the inspector's menu.
COURSE_BUGS = ("dW2 doubled", "db1 x4")
PRESETS = ("dW2 doubled", "db1 x4", "dW1 halved", "db2 negated", "dZ2 x2",
           "dW1 missing 1/m", "dW2 missing L2")

_WORDS = {"doubled": 2.0, "halved": 0.5, "negated": -1.0, "sign flipped": -1.0,
          "tripled": 3.0}
_SCALE = re.compile(r"^(d[WbZ]\d+)\s*(?:x|\*|times)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$")
_WORD = re.compile(r"^(d[WbZ]\d+)\s+(" + "|".join(_WORDS) + r")$")
_MISSING = re.compile(r"^(dW\d+|db\d+)\s+missing\s+1/m$")
_MISSING_L2 = re.compile(r"^(dW\d+)\s+missing\s+l2$")


def parse_planted_bug(spec) -> PlantedBug:
    """A :class:`PlantedBug` from its name (or the bug itself)."""
    if isinstance(spec, PlantedBug):
        return spec
    if not isinstance(spec, str):
        raise ValueError(f"a planted bug is named by a string like 'dW2 doubled', got {spec!r}")
    text = " ".join(spec.strip().split())
    low = text.lower().replace("×", "x")
    low = re.sub(r"^d([wbz])", lambda mt: "d" + mt.group(1).upper().replace("B", "b"), low)
    if (mt := _WORD.match(low)) is not None:
        return PlantedBug(text, mt.group(1), "scale", _WORDS[mt.group(2)])
    if (mt := _SCALE.match(low)) is not None:
        return PlantedBug(text, mt.group(1), "scale", float(mt.group(2)))
    if (mt := _MISSING.match(low)) is not None:
        return PlantedBug(text, mt.group(1), "missing_1_over_m")
    if (mt := _MISSING_L2.match(low)) is not None:
        return PlantedBug(text, mt.group(1), "missing_l2")
    raise ValueError(f"unknown planted bug {spec!r}; write it like 'dW2 doubled', 'db1 x4', "
                     f"'dZ2 x2', 'dW1 missing 1/m' or 'dW2 missing L2' (presets: "
                     f"{', '.join(PRESETS)})")


def parse_planted_bugs(spec, net: Network | None = None) -> tuple[PlantedBug, ...]:
    """One or several bugs: a name, ``"dW2 doubled, db1 x4"`` (``,``, ``;`` or ``+``
    separated), ``"course"`` (the course's two bugs at once), a :class:`PlantedBug`, or a
    sequence of these. With ``net``, checks that the named layers exist."""
    if isinstance(spec, str):
        if spec.strip().lower() == "course":
            spec = COURSE_BUGS
        else:
            spec = [p for p in re.split(r"[,;+]", spec) if p.strip()]
    elif isinstance(spec, PlantedBug):
        spec = [spec]
    bugs = tuple(parse_planted_bug(s) for s in spec)
    if not bugs:
        raise ValueError("no planted bug named")
    if net is not None:
        for bug in bugs:
            validate_bug(bug, net)
    return bugs


def bugs_name(bugs) -> str:
    return " + ".join(b.name for b in bugs)


def validate_bug(bug: PlantedBug, net: Network) -> None:
    if not 1 <= bug.layer <= net.L:
        raise ValueError(f"planted bug {bug.name!r}: the network has layers 1..{net.L}")
    if bug.kind == "scale" and bug.factor == 1.0:
        raise ValueError(f"planted bug {bug.name!r} scales by 1, which changes nothing")


def planted_gradient(net: Network, X, Y, bugs, lambd: float = 0.0,
                     keep_probs=None, masks=None) -> np.ndarray:
    """The flat gradient (order of ``net.layout``) from a backward pass with ``bugs`` in it.

    The same formulas as :func:`nnviz.engine.propagation.backward`, written out once more so
    the defects can be put where the course puts them. Returns a new array; ``net.grad`` is
    not touched.
    """
    bugs = parse_planted_bugs(bugs, net)
    targets = {}
    for bug in bugs:
        targets.setdefault(bug.target, []).append(bug)

    def has(kind, target):
        return [b for b in targets.get(target, ()) if b.kind == kind]
    ZL, caches = net.forward(X, keep_probs, masks)
    L, m = net.L, X.shape[1]
    grad = np.zeros(net.n_params, dtype=net.theta.dtype)
    views = {n: grad[s].reshape(shape) for n, s, shape in net.layout}
    dZ = caches[-1].A - Y  # dZ[L] for every head
    for l in range(L, 0, -1):
        cache = caches[l - 1]
        for bug in has("scale", f"dZ{l}"):
            dZ = dZ * bug.factor
        scale_W = 1.0 if has("missing_1_over_m", f"dW{l}") else 1.0 / m
        scale_b = 1.0 if has("missing_1_over_m", f"db{l}") else 1.0 / m
        dW = scale_W * (dZ @ cache.A_prev.T)
        db = scale_b * dZ.sum(axis=1, keepdims=True)
        if lambd and not has("missing_l2", f"dW{l}"):
            dW = dW + (lambd / m) * cache.W
        for bug in has("scale", f"dW{l}"):
            dW = dW * bug.factor
        for bug in has("scale", f"db{l}"):
            db = db * bug.factor
        views[f"W{l}"][...] = dW
        views[f"b{l}"][...] = db
        if l > 1:
            dA = cache.W.T @ dZ
            prev = caches[l - 2]
            act = get_activation(net.activations[l - 2])
            alpha = act.default_alpha if net.alpha is None else net.alpha
            A_before_dropout = prev.A
            if prev.D is not None:
                dA = dA * prev.D / prev.keep_prob
                A_before_dropout = act.g(prev.Z, alpha)
            dZ = dA * act.slope(prev.Z, A_before_dropout, alpha)
    return grad


def course_exercise(seed: int = 1) -> tuple[Network, np.ndarray, np.ndarray]:
    """The course's gradient-check exercise: LINEAR-RELU-LINEAR-RELU-LINEAR-SIGMOID with
    layer sizes 4-5-3-1 and 3 examples (47 parameters), drawn as the course draws them
    (``np.random.seed(1)``; ``x``, then ``W1, b1, W2, b2, W3, b3`` from ``randn``; labels
    ``[1, 1, 0]``)."""
    rs = np.random.RandomState(seed)
    X = rs.randn(4, 3)
    Y = np.array([[1.0, 1.0, 0.0]])
    net = Network([4, 5, 3, 1], "relu", head="sigmoid", dtype=np.float64, init="zeros")
    for l in range(1, 4):
        net.params[f"W{l}"][...] = rs.randn(*net.params[f"W{l}"].shape)
        net.params[f"b{l}"][...] = rs.randn(*net.params[f"b{l}"].shape)
    return net, X, Y
