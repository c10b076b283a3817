"""The activation explorer's controls: functions, alpha sliders, z range, threshold, layer."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QListWidget,
                               QListWidgetItem, QPushButton)
from superqt import QLabeledDoubleSlider

from nnviz.engine.activations import ACTIVATIONS, DISPLAY_NAMES

from .plots import CLIP_TIP

ALPHA_TOOLTIPS = {
    "leaky_relu": "alpha: leaky ReLU's slope for z < 0, g(z) = max(alpha z, z). With alpha > 0 "
                  "a unit with negative Z[l] still passes dZ = alpha dA back, so it cannot die.",
    "elu": "alpha: ELU's negative saturation value, g(z) = alpha (e^z - 1) for z <= 0, which "
           "levels off at -alpha for very negative z.",
}


def build_controls(panel, functions, z_range, threshold) -> None:
    """Create the explorer's controls as attributes of ``panel`` (the panel lays them out)."""
    panel.function_list = QListWidget()
    panel.function_list.setToolTip(
        "Tick functions to compare them. The highlighted one is described on the right "
        "and its saturated regions (|g'(z)| below the threshold) are shaded.")
    for name, act in ACTIVATIONS.items():
        text = DISPLAY_NAMES[name] + ("" if act.in_course else "  (extra)")
        item = QListWidgetItem(text)
        item.setData(Qt.UserRole, name)
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Checked if name in functions else Qt.Unchecked)
        item.setToolTip(f"{act.formula};  {act.slope_formula}"
                        + ("" if act.in_course else "  (beyond the course)"))
        panel.function_list.addItem(item)
    panel.function_list.setCurrentRow(list(ACTIVATIONS).index(functions[0]) if functions else 0)

    panel.alpha_sliders: dict[str, QLabeledDoubleSlider] = {}
    for name, (low, high, step) in {"leaky_relu": (0.0, 0.5, 0.01),
                                    "elu": (0.1, 3.0, 0.05)}.items():
        slider = QLabeledDoubleSlider(Qt.Horizontal)
        slider.setDecimals(2)
        slider.setRange(low, high)
        slider.setSingleStep(step)
        slider.setValue(ACTIVATIONS[name].default_alpha)
        slider.setToolTip(ALPHA_TOOLTIPS[name])
        panel.alpha_sliders[name] = slider

    panel.z_min_spin, panel.z_max_spin = QDoubleSpinBox(), QDoubleSpinBox()
    for spin, value in ((panel.z_min_spin, z_range[0]), (panel.z_max_spin, z_range[1])):
        spin.setRange(-100.0, 100.0)
        spin.setDecimals(1)
        spin.setSingleStep(1.0)
        spin.setValue(value)
        spin.setToolTip("The z axis: pre-activation values Z[l] = W[l] A[l-1] + b[l]. "
                        "Widen it to see how far sigmoid and tanh flatten out.")

    panel.threshold_spin = QDoubleSpinBox()
    panel.threshold_spin.setRange(0.001, 1.0)
    panel.threshold_spin.setDecimals(3)
    panel.threshold_spin.setSingleStep(0.01)
    panel.threshold_spin.setValue(threshold)
    panel.threshold_spin.setToolTip(
        "Call a unit saturated where |g'(z)| is below this. Backprop computes "
        "dZ[l] = dA[l] * g'(Z[l]), so there the gradient reaching W[l] nearly vanishes.")

    panel.numeric_check = QCheckBox("numerical slope (dots)")
    panel.numeric_check.setChecked(True)
    panel.numeric_check.setToolTip(
        "Dots: the two-sided difference (g(z + h) - g(z - h)) / 2h with h = 1e-5, the "
        "same check gradient checking uses. They should sit on the analytic g'(z) line.")

    panel.clip_check = QCheckBox("fit the S-curves (clip the rest)")
    panel.clip_check.setChecked(True)
    panel.clip_check.setToolTip(CLIP_TIP)

    panel.layer_combo = QComboBox()
    panel.layer_combo.setEnabled(False)
    panel.layer_combo.setToolTip(
        "Pick a layer l of the live network: the histogram of its pre-activations Z[l] "
        "(all units, all examples of the snapshot) is drawn under g(z).")
    panel.fit_button = QPushButton("Fit z range to Z[l]")
    panel.fit_button.setEnabled(False)
    panel.fit_button.setToolTip("Set the z range to cover the chosen layer's Z[l] values "
                               "(0.5% to 99.5% of them, and always z = 0).")
    panel.stats_label = QLabel("No network yet: start or step training to see where "
                              "its Z[l] values sit.")
    panel.stats_label.setWordWrap(True)
    panel.stats_label.setTextFormat(Qt.RichText)
    panel.stats_label.setToolTip(
        "Saturated: |g'(Z)| below the threshold, so dZ = dA * g'(Z) is tiny. For ReLU, "
        "Z <= 0 means slope 0 for that example; a unit dead on every example never learns.")
