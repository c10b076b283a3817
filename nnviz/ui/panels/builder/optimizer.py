"""The builder's optimizer settings: tooltips in the course's notation, which rows each
optimizer shows, Adam's bias-correction switch."""
from PySide6.QtWidgets import QCheckBox

OPTIMIZER = (
    "Gradient descent: W := W - α dW.\n"
    "Momentum: v := β v + (1-β) dW, W := W - α v (an average of about 1/(1-β) steps: "
    "smooths the zig-zag).\n"
    "RMSprop: s := β₂ s + (1-β₂) dW², W := W - α dW / (√s + ε) (each parameter's step "
    "divided by its typical gradient size).\n"
    "Adam: both, v := β₁ v + (1-β₁) dW, s := β₂ s + (1-β₂) dW², bias-corrected "
    "v/(1-β₁ᵗ), s/(1-β₂ᵗ), W := W - α v̂ / (√ŝ + ε).\n"
    "The Landscape workspace draws each one's gradient, velocity and step on the cost "
    "surface.")
BETA2 = ("β₂: decay of s, the running mean of the squared gradient dW² (RMSprop and Adam), "
         "usually 0.999: s averages about 1/(1-β₂) = 1000 steps.")
BIAS_CORRECTION = (
    "Adam's bias correction: v and s start at 0, so over the first steps they are too small; "
    "dividing by (1-β₁ᵗ) and (1-β₂ᵗ) at step t undoes that. Off, the first steps use v and s "
    "as they are (with β₁ = 0.9, β₂ = 0.999 the first step is then about 3 times larger, "
    "√(1-β₂)/(1-β₁) = 0.32 being the ratio).")


def bias_correction_check() -> QCheckBox:
    check = QCheckBox("bias correction  v/(1-β₁ᵗ), s/(1-β₂ᵗ)")
    check.setChecked(True)
    check.setToolTip(BIAS_CORRECTION)
    return check


def shown_rows(opt: str) -> dict[str, bool]:
    """Which settings ``opt`` uses (RMSprop's β is the course's β₂)."""
    return {"beta": opt == "momentum", "beta1": opt == "adam",
            "beta2": opt in ("adam", "rmsprop"), "bias_correction": opt == "adam"}
