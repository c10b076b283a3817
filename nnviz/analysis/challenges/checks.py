"""The measure of each challenge: one snapshot (and its evidence) in, a :class:`Reading` out.

Every function reads only what a snapshot carries (state, iteration, costs, metrics, the
per-layer gradient norms, the cost hint, the settings, the layers' W and b, the data as the
network sees it) plus :class:`Evidence`, so the app and the command line give the same
verdict on the same run. They are cheap: the GUI thread calls them for every snapshot.
"""
from __future__ import annotations

import math

import numpy as np

from nnviz.analysis.cost_trend import BOUNCING, RECENT, RISING, WIGGLE, wiggle
from nnviz.engine.gradient_check import BUG_THRESHOLD

from .base import DIVERGED, Evidence, Reading
from .probes import input_curvature, planted_layers

VANISHING_RATIO = 1e-3        # ||dW[1]|| / ||dW[L]|| at most this: vanishing
HEALTHY_RATIO = 0.1           # at least this (and at most 1 / this) after the fix
DEEP_HIDDEN_LAYERS = 5        # "deep" for the fix: at least this many hidden layers
FAN_IN_INITS = ("xavier", "glorot", "he")
FLOWER_TARGET = 0.9
FLOWER_MAX_UNITS = 3          # the course needs 4 at most; reach 90% with fewer
SYMMETRY_ITERATIONS = 100     # trained at least this long, the units still identical
SYMMETRY_TOLERANCE = 1e-9     # relative: identical up to round-off
ROUND_KAPPA = 20.0            # curvature ratio at most this: round enough
RAW_KAPPA = 1e6               # where the scaled features start (the progress scale)
DEAD_TARGET = 0.5             # share of layer 1's ReLU units that output 0 on every example


def cost_verdict(snapshot) -> str:
    """"bouncing", "rising" or "" from the snapshot's cost hint (built by
    ``cost_trend.cost_hint`` as "The cost is <verdict>: ...")."""
    hint = getattr(snapshot, "cost_hint", "") or ""
    for verdict in (BOUNCING, RISING):
        if hint.startswith(f"The cost is {verdict}"):
            return verdict
    return ""


def _ratio_text(ratio: float) -> str:
    if not math.isfinite(ratio) or ratio <= 0:
        return "0"
    return f"1/{1 / ratio:,.0f}" if ratio < 1 else f"{ratio:,.3g}"


def gradient_ratio(snapshot) -> float:
    """``||dW[1]|| / ||dW[L]||`` (NaN with one layer or a zero last gradient)."""
    layers = snapshot.layers
    if len(layers) < 2:
        return float("nan")
    first, last = float(layers[0].dW_norm), float(layers[-1].dW_norm)
    return first / last if last > 0 and math.isfinite(first) else float("nan")


def hidden_units(snapshot) -> int:
    return int(sum(snapshot.layer_dims[1:-1]))


def _percent(value: float) -> str:
    return f"{value:.0%}" if math.isfinite(value) else "–"


# -- the learning rate ----------------------------------------------------------------------
def measure_diverge(snapshot, evidence: Evidence) -> Reading:
    lr = snapshot.config.hyper.learning_rate
    if snapshot.state == DIVERGED:
        return Reading(1.0, f"diverged at α = {lr:g}, iteration {snapshot.iteration:,}", True)
    verdict = cost_verdict(snapshot)
    if verdict == RISING:
        return Reading(0.8, f"the cost is rising at α = {lr:g}: nearly there")
    if verdict == BOUNCING:
        return Reading(0.6, f"the cost bounces at α = {lr:g} but stays finite")
    return Reading(0.1 + 0.3 * min(1.0, max(0.0, math.log10(lr / 0.1) / 3)),
                   f"the cost is steady at α = {lr:g}")


def measure_bounce(snapshot, evidence: Evidence) -> Reading:
    lr = snapshot.config.hyper.learning_rate
    if snapshot.state == DIVERGED:
        return Reading(0.3, f"diverged at α = {lr:g}: too far; bounce, do not blow up")
    if cost_verdict(snapshot) == BOUNCING:
        return Reading(1.0, f"the cost bounces at α = {lr:g} and stays finite", True)
    costs = np.asarray(snapshot.history.train_cost, dtype=np.float64)[-RECENT:]
    w = wiggle(costs)
    return Reading(0.8 * min(1.0, w / WIGGLE),
                   f"wiggle {w:.1%} of the cost at α = {lr:g}; a bounce is {WIGGLE:.0%} "
                   "for 50 steps")


# -- gradients through depth ----------------------------------------------------------------
def measure_vanishing(snapshot, evidence: Evidence) -> Reading:
    if snapshot.L < 2:
        return Reading(0.0, "one layer: add hidden layers first")
    ratio = gradient_ratio(snapshot)
    if not math.isfinite(ratio):
        return Reading(0.0, "no gradient to compare yet")
    text = f"||dW[1]|| / ||dW[L]|| = {_ratio_text(ratio)}, need 1/{1 / VANISHING_RATIO:,.0f}"
    met = ratio <= VANISHING_RATIO and snapshot.state != DIVERGED
    fraction = math.log10(1 / ratio) / math.log10(1 / VANISHING_RATIO) if ratio > 0 else 1.0
    return Reading(fraction, text, met)


def measure_vanishing_fixed(snapshot, evidence: Evidence) -> Reading:
    n_hidden = snapshot.L - 1
    if n_hidden < DEEP_HIDDEN_LAYERS:
        return Reading(0.2 * n_hidden / DEEP_HIDDEN_LAYERS,
                       f"{n_hidden} hidden layer{'s' * (n_hidden != 1)}: build {DEEP_HIDDEN_LAYERS} or more first")
    ratio = gradient_ratio(snapshot)
    if not math.isfinite(ratio):
        return Reading(0.2, "no gradient to compare yet")
    init = snapshot.config.network.init
    text = f"||dW[1]|| / ||dW[L]|| = {_ratio_text(ratio)} with {init} init"
    healthy = HEALTHY_RATIO <= ratio <= 1 / HEALTHY_RATIO
    if init not in FAN_IN_INITS:
        return Reading(0.4, text + ": change the initialization")
    if healthy and snapshot.state != DIVERGED:
        return Reading(1.0, text, True)
    # log distance to the healthy band, over the 3 decades of the vanishing goal
    distance = abs(math.log10(ratio)) - 1 if ratio > 0 else 3.0
    return Reading(1.0 - 0.6 * min(1.0, distance / 3) - 0.05,
                   text + f", need between 1/{1 / HEALTHY_RATIO:g} and {1 / HEALTHY_RATIO:g}")


# -- units and features ---------------------------------------------------------------------
def measure_fewest_units(snapshot, evidence: Evidence) -> Reading:
    if snapshot.data.name != "flower":
        return Reading(0.0, "load the flower data set")
    if snapshot.config.data.features:
        return Reading(0.0, "use the inputs x1, x2 as they are (no extra features)")
    units, accuracy = hidden_units(snapshot), float(snapshot.train_metric)
    if not math.isfinite(accuracy):
        return Reading(0.0, "no accuracy yet")
    text = (f"accuracy {_percent(accuracy)} with {units} hidden unit{'s' * (units != 1)}; "
            f"need {FLOWER_TARGET:.0%} with {FLOWER_MAX_UNITS} or fewer")
    met = accuracy >= FLOWER_TARGET and 0 < units <= FLOWER_MAX_UNITS
    scale = 1.0 if units <= FLOWER_MAX_UNITS else 0.8
    return Reading(scale * min(1.0, max(0.0, (accuracy - 0.5) / (FLOWER_TARGET - 0.5))),
                   text, met, float(units) if met else None)


def measure_circles_no_hidden(snapshot, evidence: Evidence) -> Reading:
    if snapshot.data.name != "circles":
        return Reading(0.0, "load the circles data set")
    accuracy = float(snapshot.train_metric)
    if snapshot.L > 1:
        return Reading(0.2, f"accuracy {_percent(accuracy)} with hidden layers: remove them "
                            "all (0 hidden layers)")
    text = f"accuracy {_percent(accuracy)} with no hidden layer; need 100%"
    if not math.isfinite(accuracy):
        return Reading(0.2, text)
    wrong = round((1.0 - accuracy) * snapshot.data.m_train)
    return Reading(0.2 + 0.8 * max(0.0, (accuracy - 0.5) / 0.5), text, wrong == 0)


# -- initialization ---------------------------------------------------------------------------
def unit_spread(snapshot) -> float:
    """How much the units of the hidden layers differ: the largest difference between a
    unit's incoming weights and bias (a row of W[l], b[l]) or outgoing weights (a column of
    W[l+1]) and the first unit's, relative to the largest weight (0: identical)."""
    params = snapshot.params()
    spread, scale = 0.0, 1.0
    for l in range(1, snapshot.L):
        W, b, W_next = params[f"W{l}"], params[f"b{l}"], params[f"W{l + 1}"]
        incoming = np.hstack([W, b])
        spread = max(spread, float(np.abs(incoming - incoming[:1]).max()),
                     float(np.abs(W_next - W_next[:, :1]).max()))
        scale = max(scale, float(np.abs(incoming).max()), float(np.abs(W_next).max()))
    return spread / scale


def measure_symmetry(snapshot, evidence: Evidence) -> Reading:
    if snapshot.L < 2 or snapshot.layer_dims[1] < 2:
        return Reading(0.0, "build a hidden layer of 2 or more units")
    spread = unit_spread(snapshot)
    it = snapshot.iteration
    identical = spread <= SYMMETRY_TOLERANCE
    if identical and it >= SYMMETRY_ITERATIONS:
        return Reading(1.0, f"after {it:,} iterations every hidden unit is the same unit",
                       True)
    if identical:
        return Reading(0.7 + 0.3 * it / SYMMETRY_ITERATIONS,
                       f"identical units: train {SYMMETRY_ITERATIONS} iterations "
                       f"({it:,} so far)")
    decades = math.log10(1 / spread) if spread > 0 else 9.0
    return Reading(0.7 * decades / 9, f"the hidden units differ by up to {spread:.2g} "
                                      "(relative); need identical")


# -- normalization --------------------------------------------------------------------------
def measure_round_surface(snapshot, evidence: Evidence) -> Reading:
    if snapshot.data.name != "scaled_features":
        return Reading(0.0, "load the 'Scaled features' data (x2 about 1000 times x1)")
    kappa = input_curvature(snapshot.data.X_train)
    ratio = math.sqrt(kappa) if math.isfinite(kappa) else float("inf")
    text = f"κ = {kappa:.3g} (contours {ratio:,.0f} : 1), need κ ≤ {ROUND_KAPPA:g}"
    if not math.isfinite(kappa):
        return Reading(0.0, text)
    fraction = math.log10(RAW_KAPPA / kappa) / math.log10(RAW_KAPPA / ROUND_KAPPA)
    return Reading(fraction, text, kappa <= ROUND_KAPPA, kappa)


# -- gradient checking ------------------------------------------------------------------------
def measure_planted_bug(snapshot, evidence: Evidence, answer=None) -> Reading:
    result = evidence.gradient_check
    layers = planted_layers(result)
    if not layers:
        return Reading(0.0, "run a gradient check with a mystery bug planted")
    if answer is None:
        return Reading(0.5, f"check done (difference {result.difference:.1e}): pick the "
                            "layer with the bug")
    picked = ", ".join(str(n) for n in sorted(answer))
    if frozenset(answer) == layers:
        return Reading(1.0, f"found it: {result.planted_bug} (layer {picked})", True)
    return Reading(0.5, f"layer {picked} is not it: look for the layer whose difference "
                        f"is {BUG_THRESHOLD:g} or more")


def dropout_failed(snapshot, evidence: Evidence) -> float | None:
    """The difference of a gradient check that ran with dropout on, for these settings, when
    it failed (None: no such failing check)."""
    probe = evidence.probe
    if (probe is not None and evidence.probe_config == snapshot.config
            and probe.difference >= BUG_THRESHOLD):
        return float(probe.difference)
    result = evidence.gradient_check
    if (result is not None and getattr(result, "dropout", "") not in ("none", "off", "frozen")
            and not result.passed and not result.planted_bug):
        return float(result.difference)
    return None


def measure_dropout_check(snapshot, evidence: Evidence, answer_correct=None) -> Reading:
    kp = snapshot.config.hyper.keep_prob
    if snapshot.L < 2:
        return Reading(0.0, "dropout acts on hidden units: add a hidden layer")
    if kp >= 1.0:
        return Reading(0.1, "dropout is off (keep_prob 1): turn it on")
    failed = dropout_failed(snapshot, evidence)
    if failed is None:
        if evidence.probe is not None and evidence.probe_config == snapshot.config:
            return Reading(0.4, f"the check passed (difference {evidence.probe.difference:.1e})"
                                "; try a smaller keep_prob")
        return Reading(0.3, f"keep_prob {kp:g}: checking the gradient with dropout on…")
    text = f"the check fails with dropout on: difference {failed:.2g} (right is about 1e-7)"
    if answer_correct is None:
        return Reading(0.6, text + ". Why? Pick an explanation")
    if not answer_correct:
        return Reading(0.6, text + ". Not that explanation: try another")
    return Reading(1.0, text + ", and you know why", True)


def measure_dead_relu(snapshot, evidence: Evidence) -> Reading:
    if snapshot.L < 2 or snapshot.activations[0] not in ("relu",):
        return Reading(0.0, "make hidden layer 1 ReLU")
    stats = snapshot.layer_stats
    share = float(stats.dead_fraction[0]) if stats is not None else float("nan")
    if not math.isfinite(share):
        return Reading(0.0, "no activation statistics yet")
    units = snapshot.layer_dims[1]
    dead = round(share * units)
    return Reading(share / DEAD_TARGET,
                   f"{dead} of {units} ReLU units dead (Z ≤ 0 on every example); need "
                   f"{DEAD_TARGET:.0%}", share >= DEAD_TARGET and snapshot.state != DIVERGED)
