"""Is the gradient vanishing or exploding? A verdict from per-layer norms (pure NumPy, no Qt).

Backprop multiplies the signal layer by layer on its way to the input,
``dZ[l] = (W[l+1]ᵀ dZ[l+1]) * g[l]'(Z[l])``, so with weights a little too small (or saturating
sigmoid/tanh slopes) it shrinks geometrically and with weights a little too large it grows.
The clearest measure is how ``dZ[l]`` changes from the output layer ``L`` back to layer 1;
``dW[l] = (1/m) dZ[l] A[l-1]ᵀ`` is what the learner actually gets per layer.

Norms are compared per entry (the root mean square, ``||M|| / sqrt(size)``), so a 2-input
first layer and a 16 x 16 hidden layer compare fairly.

Thresholds (in decades, i.e. powers of ten, from layer 1 to the output end):

- ``SEVERE_DECADES`` (3, a factor of 1000 or more): vanishing / exploding.
- ``MILD_DECADES`` (2): a warning, only for networks with two or more hidden layers (with one
  hidden layer there is no depth to compound the effect).
- Absolute signals: no gradient at all reaches a layer (zero: dead ReLUs or all-zero
  weights), every layer's relative gradient ``||dW[l]|| / ||W[l]||`` below ``TINY_RELATIVE``
  while the cost is not near zero (nothing learns), a per-entry ``dW`` above
  ``HUGE_GRADIENT`` or a step ``α ||dW[l]|| / ||W[l]||`` above ``HUGE_STEP`` (one update would
  be many times the weights themselves), or non-finite values.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SEVERE_DECADES = 3.0
MILD_DECADES = 2.0
TINY_RELATIVE = 1e-6
CONVERGED_COST = 1e-3
HUGE_GRADIENT = 1e2
HUGE_STEP = 10.0
OVERFLOW = 1e300
SATURATED_MAJORITY = 0.5
DEAD_MAJORITY = 0.5
DEAD_LAYER = 0.9

HEALTHY, VANISHING, EXPLODING, UNKNOWN = "healthy", "vanishing", "exploding", "unknown"
OK, WARN, BAD = "ok", "warn", "bad"


@dataclass(frozen=True)
class TrainingContext:
    """What the remedies can refer to (all optional)."""

    init: str | None = None            # zeros / random / xavier / he / glorot
    init_scale: float | None = None    # the multiplier on the scheme's σ
    normalized: bool | None = None     # input normalization on?
    learning_rate: float | None = None
    cost: float | None = None          # current training cost J
    lambd: float | None = None         # L2 strength λ


@dataclass(frozen=True)
class FlowDiagnosis:
    verdict: str                       # healthy / vanishing / exploding / unknown
    severity: str                      # ok / warn / bad
    headline: str
    explanation: str
    remedies: tuple[str, ...] = ()
    dZ_decades: float = float("nan")   # log10(rms dZ[1] / rms dZ[L]); < 0: shrinks toward input
    dW_decades: float = float("nan")   # log10(rms dW[1] / rms dW[L-1]) (dW[L] when L = 2)
    slope: float = float("nan")        # fitted decades per layer of rms dZ[l] (l = 1..L)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def factor_per_layer(self) -> float:
        """How much ``dZ`` is multiplied by per layer going back toward the input."""
        return float(10.0 ** -self.slope) if np.isfinite(self.slope) else float("nan")


def rms(norms, sizes) -> np.ndarray:
    """Per-entry root mean square from Frobenius norms and entry counts."""
    norms = np.asarray(norms, dtype=np.float64)
    return norms / np.sqrt(np.maximum(np.asarray(sizes, dtype=np.float64), 1.0))


def decades(a: float, b: float) -> float:
    """log10(a / b); ±inf when exactly one is zero, NaN when both are (or not finite)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.log10(a) - np.log10(b))


def geometric_slope(values) -> float:
    """Least-squares slope of log10(values) against layer index, over the positive finite
    values (decades per layer); NaN with fewer than two."""
    values = np.asarray(values, dtype=np.float64)
    layers = np.arange(1, values.size + 1, dtype=np.float64)
    keep = np.isfinite(values) & (values > 0)
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(layers[keep], np.log10(values[keep]), 1)[0])


def diagnose_gradient_flow(dW_norms, dZ_norms, layer_dims, activations=(), *, W_norms=None,
                           saturated_fraction=None, dead_fraction=None,
                           context: TrainingContext | None = None) -> FlowDiagnosis:
    """Judge the gradient flow of a network with ``layer_dims = (n[0], ..., n[L])``.

    ``dW_norms``, ``dZ_norms``, ``W_norms`` are Frobenius norms for layers 1..L (``dZ`` over
    any fixed set of examples: only ratios between layers matter); ``activations`` are
    ``g[1..L]`` (or just the hidden ones); ``saturated_fraction``/``dead_fraction`` per layer
    (NaN where it does not apply) add detail to the explanation.
    """
    dims = tuple(int(n) for n in layer_dims)
    L = len(dims) - 1
    dW = np.asarray(dW_norms, dtype=np.float64)
    dZ = np.asarray(dZ_norms, dtype=np.float64)
    if L < 1 or dW.shape != (L,) or dZ.shape != (L,):
        raise ValueError(f"need one dW and one dZ norm per layer for layer_dims {dims}, "
                         f"got {dW.shape} and {dZ.shape}")
    context = context or TrainingContext()
    hidden = tuple(activations)[: L - 1]
    W = None if W_norms is None else np.asarray(W_norms, dtype=np.float64)
    dW_rms = rms(dW, [dims[l] * dims[l - 1] for l in range(1, L + 1)])
    dZ_rms = rms(dZ, dims[1:])
    W_rms = None if W is None else rms(W, [dims[l] * dims[l - 1] for l in range(1, L + 1)])

    if L == 1:
        return FlowDiagnosis(UNKNOWN, OK, "No hidden layer",
                             "With a single layer (logistic or linear regression) there is no "
                             "depth for the gradient to vanish or explode through.")
    dZ_span = decades(dZ_rms[0], dZ_rms[-1])
    dW_span = decades(dW_rms[0], dW_rms[L - 2] if L >= 3 else dW_rms[-1])
    slope = geometric_slope(dZ_rms)
    numbers = dict(dZ_decades=dZ_span, dW_decades=dW_span, slope=slope)
    notes = _activation_notes(hidden, saturated_fraction, dead_fraction)
    remedy = _Remedies(hidden, context, L)

    # The worker reports overflowed norms as float max, so treat anything that large as inf.
    if not (np.isfinite(dW).all() and np.isfinite(dZ).all()) or max(dW.max(), dZ.max()) > OVERFLOW:
        return FlowDiagnosis(EXPLODING, BAD, "Exploding: gradients overflowed",
                             "Some dW[l] or dZ[l] are infinite or NaN: the values grew past "
                             "what floating point can hold.", remedy.exploding(), **numbers,
                             notes=notes)

    if W_rms is not None and L >= 2 and np.all(W_rms[1:] == 0):
        return FlowDiagnosis(VANISHING, BAD, "No gradient: the weights are all zero",
                             "With W[l] = 0 for l ≥ 2, dA[l-1] = W[l]ᵀ dZ[l] = 0, so nothing "
                             "reaches the layers below, and all units of a layer stay identical "
                             "(symmetry is never broken).",
                             ("Initialize W randomly: He (ReLU) or Xavier (tanh).",), **numbers,
                             notes=notes)

    big_step = _largest_step(dW, W, context.learning_rate)
    if dW_rms.max() > HUGE_GRADIENT or big_step > HUGE_STEP:
        what = (f"one step α·||dW[l]|| would be {_times(big_step)} the size of W[l] itself"
                if big_step > HUGE_STEP
                else f"dW entries are {dW_rms.max():.3g} in size (per-entry RMS)")
        return FlowDiagnosis(EXPLODING, BAD, "Exploding: huge gradients",
                             f"The gradients are huge: {what}. Training will jump around or "
                             "diverge to NaN." + (_span_sentence(dZ_span, slope)
                                                  if dZ_span >= MILD_DECADES else ""),
                             remedy.exploding(),
                             **numbers, notes=notes)

    zero_layers = [l + 1 for l in range(L - 1) if dZ_rms[l] == 0 or dW_rms[l] == 0]
    if zero_layers and dZ_rms[-1] > 0:
        return FlowDiagnosis(VANISHING, BAD, f"No gradient reaches layer {_layers(zero_layers)}",
                             f"dZ[l] or dW[l] is exactly zero for layer {_layers(zero_layers)}: "
                             "those weights cannot change. With ReLU this means dead units "
                             "(Z ≤ 0 on every example, slope 0).", remedy.dead(), **numbers,
                             notes=notes)

    span = _dominant(dZ_span, dW_span)
    severe = abs(span) >= SEVERE_DECADES
    mild = abs(span) >= MILD_DECADES and L >= 3
    if severe or mild:
        vanishing = span < 0
        severity = BAD if severe else WARN
        factor = 10.0 ** abs(span)
        if vanishing:
            headline = ("Vanishing gradients" if severe else "Gradients weaken toward the input")
            explanation = (f"The gradient reaching layer 1 is {_times(factor)} smaller than at "
                           f"the output.{_span_sentence(dZ_span, slope)} The early layers barely "
                           "learn while the late ones do.")
            remedies = remedy.vanishing()
        else:
            headline = ("Exploding gradients" if severe else "Gradients grow toward the input")
            explanation = (f"The gradient reaching layer 1 is {_times(factor)} larger than at "
                           f"the output.{_span_sentence(dZ_span, slope)} The early layers take "
                           "wild steps.")
            remedies = remedy.exploding()
        return FlowDiagnosis(VANISHING if vanishing else EXPLODING, severity, headline,
                             explanation, remedies, **numbers, notes=notes)

    relative = _relative(dW, W)
    converged = context.cost is not None and context.cost < CONVERGED_COST
    if relative is not None and np.nanmax(relative) < TINY_RELATIVE and not converged:
        return FlowDiagnosis(VANISHING, BAD, "Vanishing: every gradient is tiny",
                             f"||dW[l]|| / ||W[l]|| is below {TINY_RELATIVE:g} in every layer "
                             f"(at most {np.nanmax(relative):.2g}) although the cost is not near "
                             "zero: no layer learns at a useful speed.", remedy.vanishing(),
                             **numbers, notes=notes)

    direction = "smaller" if span < 0 else "larger"
    explanation = (f"The gradient reaching layer 1 is {_times(10.0 ** abs(span))} {direction} "
                   "than at the output: every layer learns at a similar pace.")
    if converged:
        explanation += " The cost is near zero, so small gradients are expected."
    if _mostly_dead(hidden, dead_fraction):  # dead ReLUs never recover: worth a warning
        layers = _majority_layers(hidden, dead_fraction, DEAD_MAJORITY)
        where = f"most ReLU units of layer {_layers(layers)}" if layers else "many ReLU units"
        return FlowDiagnosis(HEALTHY, WARN, f"Gradient flow is balanced, but {where} are dead",
                             explanation, remedy.dead(), **numbers, notes=notes)
    saturated = _majority_layers(hidden, saturated_fraction, SATURATED_MAJORITY)
    if saturated:  # the layers pass gradient, but their own units barely learn
        names = " and ".join(sorted({hidden[l - 1] for l in saturated}))
        first = saturated[0]
        share = float(np.asarray(saturated_fraction, dtype=np.float64)[first - 1])
        explanation += (f" But {share:.0%} of layer {first}'s {hidden[first - 1]} values Z[l] "
                        "sit in the flat ends, where g'(z) ≈ 0, so dZ[l] = dA[l] * g'(Z[l]) "
                        "≈ 0 there and those units barely learn. (Common late in training as "
                        "the weights grow; a problem when the cost stalls.)")
        return FlowDiagnosis(HEALTHY, WARN, f"Gradient flow is balanced, but most {names} "
                             f"units of layer {_layers(saturated)} are saturated", explanation,
                             remedy.saturated(), **numbers,
                             notes=tuple(n for n in notes if "saturated" not in n))
    return FlowDiagnosis(HEALTHY, OK, "Healthy gradient flow", explanation, (), **numbers,
                         notes=notes)


def diagnose_snapshot(snapshot, saturated_fraction=None, dead_fraction=None) -> FlowDiagnosis:
    """:func:`diagnose_gradient_flow` for a ``TrainingSnapshot`` (its ``layers`` norms)."""
    layers = snapshot.layers
    config = snapshot.config
    context = TrainingContext(init=config.network.init, init_scale=config.network.init_scale,
                              normalized=snapshot.data.normalized,
                              learning_rate=config.hyper.learning_rate,
                              cost=snapshot.train_cost, lambd=config.hyper.lambd)
    return diagnose_gradient_flow([x.dW_norm for x in layers], [x.dZ_norm for x in layers],
                                  snapshot.layer_dims, [x.activation for x in layers],
                                  W_norms=[x.W_norm for x in layers],
                                  saturated_fraction=saturated_fraction,
                                  dead_fraction=dead_fraction, context=context)


# -- helpers -------------------------------------------------------------------------------
class _Remedies:
    """The usual fixes, phrased for this network (and not suggesting what is already set)."""

    SCHEMES = {"he": ("He", "√(2/n[l-1])"), "xavier": ("Xavier", "√(1/n[l-1])")}

    def __init__(self, hidden: tuple[str, ...], context: TrainingContext, L: int):
        self.hidden, self.c, self.L = hidden, context, L
        self.squashing = sorted({a for a in hidden if a in ("sigmoid", "tanh")})
        relu_like = any(a in ("relu", "leaky_relu", "elu", "gelu", "swish") for a in hidden)
        self.scheme = "he" if relu_like or not self.squashing else "xavier"

    def _init_now(self) -> str:
        c = self.c
        if c.init == "random":
            sigma = 0.01 * (c.init_scale if c.init_scale is not None else 1.0)
            return f"random, σ = {sigma:.3g}"
        scale = f" × {c.init_scale:.3g}" if c.init_scale not in (None, 1.0) else ""
        return f"{c.init}{scale}"

    def _init_is_right(self) -> bool:
        c = self.c
        good = {"he": ("he",), "xavier": ("xavier", "glorot")}[self.scheme]
        return (c.init in good and c.init_scale is not None
                and 0.8 <= c.init_scale <= 1.25)

    def _init_advice(self) -> list[str]:
        if self.c.init is not None and self._init_is_right():
            return []
        name, std = self.SCHEMES[self.scheme]
        now = f" (now {self._init_now()})" if self.c.init is not None else ""
        return [f"{name} init at scale 1{now}: W = randn·{std} keeps Z[l] and dZ[l] at a "
                "steady size from layer to layer."]

    def vanishing(self) -> tuple[str, ...]:
        out = []
        if "sigmoid" in self.squashing:
            out.append("ReLU in the hidden layers: slope 1 for z > 0, while sigmoid's "
                       "g'(z) ≤ 0.25 multiplies in at every layer.")
        elif self.squashing:
            out.append("ReLU in the hidden layers: slope 1 for z > 0, while tanh's g'(z) < 1 "
                       "away from 0 multiplies in at every layer.")
        out += self._init_advice()
        if self.c.normalized is False:
            out.append("Normalize the inputs, x := (x − μ)/σ.")
        out.append("Fewer layers, or batch norm between layers (beyond the course).")
        return tuple(out)

    def exploding(self) -> tuple[str, ...]:
        out = self._init_advice()
        lr = self.c.learning_rate
        out.append("Smaller learning rate" + (f" (now α = {lr:g}; try {lr / 10:g})"
                                                 if lr is not None else "") + ".")
        if self.c.normalized is False:
            out.append("Normalize the inputs, x := (x − μ)/σ: large raw features make dW[1] "
                       "huge.")
        out.append("Gradient clipping or batch norm (beyond the course).")
        return tuple(out)

    def saturated(self) -> tuple[str, ...]:
        c = self.c
        out = []
        if self._init_too_large():
            out.append(f"Smaller initial weights (now {self._init_now()}): Z[l] = W[l] A[l-1] "
                       "+ b[l] then starts near 0, where g'(z) is largest.")
        if c.normalized is False:
            out.append("Normalize the inputs, x := (x − μ)/σ: large raw features push Z[1] "
                       "into the flat ends.")
        lambd = "" if c.lambd is None else f" (now λ = {c.lambd:g})"
        out.append(f"L2 regularization{lambd}: it keeps W[l], and so Z[l], from growing "
                   "into the flat ends during training.")
        out.append("ReLU in the hidden layers: slope 1 for every z > 0, it never saturates.")
        out.append("Batch norm between layers keeps Z[l] near 0 (beyond the course).")
        return tuple(out)

    def _init_too_large(self) -> bool:
        c = self.c
        if c.init is None or c.init_scale is None:
            return False
        # The course's random init is σ = 0.01 × scale: tiny unless the scale is huge.
        return c.init_scale >= (10.0 if c.init == "random" else 1.25)

    def dead(self) -> tuple[str, ...]:
        lr = self.c.learning_rate
        out = ["Leaky ReLU (slope α > 0 for z < 0): its units cannot die.",
               "Smaller learning rate" + (f" (now α = {lr:g})" if lr is not None else "")
               + ": one big step can push a unit's Z below 0 for every example."]
        out += self._init_advice()
        if self.c.normalized is False:
            out.append("Normalize the inputs, x := (x − μ)/σ.")
        return tuple(out)


def _activation_notes(hidden, saturated_fraction, dead_fraction) -> tuple[str, ...]:
    notes = []
    saturated = _majority_layers(hidden, saturated_fraction, SATURATED_MAJORITY)
    if saturated:
        notes.append(f"Most sigmoid/tanh values of layer {_layers(saturated)} are saturated "
                     "(g'(z) ≈ 0, so dZ[l] ≈ 0 there).")
    dead = _majority_layers(hidden, dead_fraction, DEAD_MAJORITY)
    if dead:
        notes.append(f"Most ReLU units of layer {_layers(dead)} are dead (Z ≤ 0 on every "
                     "example): they pass no gradient.")
    return tuple(notes)


def _majority_layers(hidden, fraction, majority: float) -> list[int]:
    """Hidden layers (1-based) where ``fraction`` is at least ``majority``."""
    if fraction is None:
        return []
    values = np.asarray(fraction, dtype=np.float64)[: len(hidden)]
    return [l + 1 for l in range(values.size) if np.isfinite(values[l])
            and values[l] >= majority]


def _mostly_dead(hidden, dead_fraction) -> bool:
    """Dead units worth a warning: half of all hidden ReLU units, or a layer almost entirely.

    (Some dead units in a deep narrow ReLU net are normal, even right after He init.)"""
    if dead_fraction is None:
        return False
    dead = np.asarray(dead_fraction, dtype=np.float64)[: len(hidden)]
    dead = dead[np.isfinite(dead)]
    return bool(dead.size and (dead.mean() >= DEAD_MAJORITY or dead.max() >= DEAD_LAYER))


def _dominant(*spans: float) -> float:
    """The span with the largest magnitude (ignoring NaN)."""
    finite = [s for s in spans if not np.isnan(s)]
    return max(finite, key=abs) if finite else 0.0


def _relative(dW, W):
    if W is None:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(W > 0, dW / W, np.nan)
    return None if np.isnan(ratio).all() else ratio


def _largest_step(dW, W, learning_rate) -> float:
    ratio = _relative(dW, W)
    if ratio is None or learning_rate is None:
        return 0.0
    # Only weights of a meaningful size: a near-zero W makes any step look "huge".
    return float(np.nanmax(np.where(W > 1e-3, learning_rate * ratio, np.nan), initial=0.0))


def _span_sentence(span: float, slope: float) -> str:
    if not np.isfinite(slope) or not np.isfinite(span):
        return ""
    factor = 10.0 ** -slope
    return (f" Backprop multiplies dZ[l] by about ×{format_factor(factor)} per layer on its "
            "way to the input.")


def format_factor(factor: float) -> str:
    """×0.42, ×1.00, ×1.9, ×12: two significant digits, but never a bare "1"."""
    return f"{factor:.2f}" if 0.95 <= factor < 1.05 else f"{factor:.2g}"


def _times(factor: float) -> str:
    if not np.isfinite(factor):
        return "infinitely many times"
    if factor >= 1e4:
        return f"about 10^{np.log10(factor):.0f} times"
    return f"about {factor:.2g} times" if factor < 100 else f"about {factor:.0f} times"


def _layers(layers: list[int]) -> str:
    """'3', '1 and 2', '1-4', '1-3 and 7'."""
    groups, start = [], None
    for i, l in enumerate(layers):
        if start is None:
            start = l
        if i + 1 == len(layers) or layers[i + 1] != l + 1:
            groups.append(f"{start}" if start == l else f"{start}–{l}")
            start = None
    return ", ".join(groups[:-1]) + (" and " if len(groups) > 1 else "") + groups[-1]


def diagnosis_text(d: FlowDiagnosis) -> str:
    """The verdict as plain text, as the gradient-flow panel words it (for the command line)."""
    lines = [f"gradient flow: {d.headline} [{d.verdict}, {d.severity}]", d.explanation]
    lines += [f"  note: {n}" for n in d.notes]
    lines += [f"  try: {r}" for r in d.remedies]
    return "\n".join(lines)


def diagnosis_dict(d: FlowDiagnosis) -> dict:
    """The verdict as JSON-ready values (non-finite numbers as None)."""
    def finite(x):
        return float(x) if np.isfinite(x) else None
    return {"verdict": d.verdict, "severity": d.severity, "headline": d.headline,
            "explanation": d.explanation, "remedies": list(d.remedies), "notes": list(d.notes),
            "dZ_decades": finite(d.dZ_decades), "dW_decades": finite(d.dW_decades),
            "factor_per_layer": finite(d.factor_per_layer)}
