"""Tooltips and explanations of the gradient-check inspector, in the course's notation."""
from __future__ import annotations

from nnviz.engine.gradient_check import (BUG_THRESHOLD, GOOD_THRESHOLD, LOOK_THRESHOLD,
                                         PASS_THRESHOLD)

def sci(value: float) -> str:
    """1e-07 -> '1e-7', 2.5e-05 -> '2.5e-5' (the way the course writes thresholds)."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


THRESHOLDS_TIP = (
    "difference = ||dθ - dθ_approx||₂ / (||dθ||₂ + ||dθ_approx||₂), over every checked "
    "element of θ = [W1, b1, W2, b2, ...].\n"
    f"The course's thresholds: around {sci(GOOD_THRESHOLD)} backprop is right; around "
    f"{sci(LOOK_THRESHOLD)} it is worth a closer look; {sci(BUG_THRESHOLD)} or more is almost "
    f"surely a bug.\nThe course's multi-layer exercise flags a difference > "
    f"{sci(PASS_THRESHOLD)}: that is the line between 'good' and 'look closer' here.")

SOURCE_TIP = (
    "What to check. Current network: the latest training snapshot's W[l], b[l] rebuilt in "
    "float64, on training examples as the network sees them (normalized when normalization "
    "is on).\nCourse exercise: the course's gradient-check network, LINEAR-RELU-LINEAR-RELU-"
    "LINEAR-SIGMOID with sizes 4-5-3-1 on 3 examples (47 parameters).")
EXAMPLES_TIP = (
    "How many training examples J and backprop use for the check (a seeded random subset; "
    "'all' uses every training example). Both sides see the same examples, so a subset is "
    "an exact test of backprop, only cheaper: each element costs two forward passes.")
MODE_TIP = (
    "Full: perturb every element of θ in turn, θ_i ± ε, two evaluations of J each (the "
    "course's procedure).\nDirectional: compare dθ · u with (J(θ + εu) - J(θ - εu)) / 2ε "
    "for a few random unit vectors u: 2 evaluations per direction, fast for big networks; "
    "a failure is explained by an element-wise check of a few elements per tensor.\n"
    "One layer: only W[l] and b[l].\nN random per tensor: N seeded random elements of every "
    "W[l] and b[l].")
LAYER_TIP = "The layer l whose W[l] and b[l] are checked (mode 'one layer')."
PER_TENSOR_TIP = "N: how many random elements of each W[l] and b[l] to check."
DIRECTIONS_TIP = "How many random unit directions u to compare dθ · u against the cost change."
EPS_TIP = (
    "ε, the step of the two-sided difference (J(θ + ε) - J(θ - ε)) / 2ε. The course uses "
    "1e-7. Its truncation error shrinks like ε², but round-off in J grows like 1e-16/ε: "
    "too small an ε is as bad as too large (see 'Error vs ε'). Arrow keys step by decades.")
BUG_TIP = (
    "Teaching mode: compare J against a backward pass with a named, deliberate defect, as in "
    "the course's exercise ('dW2 doubled', 'db1 x4'), and see the check catch and locate it.\n"
    "The defect lives only inside this check: training always uses the correct backprop.")
RUN_TIP = "Run the gradient check in the background (Ctrl+Enter). The panel stays usable."
CANCEL_TIP = "Stop the running check (Esc)."
TABLE_FILTER_TIP = "Show every checked element, or only those of one tensor dW[l] / db[l]."
SWEEP_ALL_TIP = (
    "Off: error vs ε for the selected element. On: for the whole vector, with the course's "
    "difference (three evaluations of J per element and ε: slow for big networks).")
SUMMARY_TIP = (
    "Per layer l (W[l] and b[l] together) and per tensor: how many elements were checked, "
    "the course's difference over them, the worst element's relative error "
    "|a - n| / max(|a|, |n|) and where it is, how many elements exceed 1e-7 / 1e-5 / 1e-3 "
    "(elements that agree to round-off are not counted), and how many steps crossed a "
    "ReLU kink. Click a tensor to list its elements.")

DIFFERENCE_MEANING = (
    "The difference compares backprop's dθ with dθ_approx from J alone, "
    "(J(θ + ε e_i) - J(θ - ε e_i)) / 2ε: a relative error, so 1e-7 means they agree to about "
    "seven digits, as much as ε = 1e-7 allows in float64.")
KINK_NOTE = (
    "Kinks: ReLU has a corner at z = 0. When a ±ε step moves some Z[l] across 0, the two-"
    "sided difference straddles the corner and can disagree with backprop although backprop "
    "is right (a false alarm). Such elements are marked 'kink'.")


def status_of(difference: float, within_noise: bool = False) -> str:
    """The engine's verdict words for one difference, by the course's thresholds."""
    if within_noise or difference <= PASS_THRESHOLD:
        return "pass"
    return "look closer" if difference < BUG_THRESHOLD else "bug"


def verdict_title(verdict: str) -> str:
    return {"pass": "Good", "look closer": "Look closer", "bug": "Bug"}.get(verdict, verdict)


def regularization_note(lambd: float) -> str:
    if lambd > 0:
        return (f"L2 included: J has the term (λ/2m) Σ ||W[l]||²_F with λ = {lambd:g}, and "
                "backprop's dW[l] has + (λ/m) W[l].")
    return "L2: λ = 0, so J has no regularization term."


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
