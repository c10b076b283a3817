"""The two sliders the app is used for, in the toolbar of every workspace: the learning rate
α and the initialization (scheme and scale).

They apply as the builder's do: α at the next step, the scheme and the scale by rebuilding
the network with its seed. The bar and the builder never talk to each other: each sends its
change to the controller and shows what the controller says is in use
(``config_applied``/``config_rejected``), without sending back a value it only shows.
"""
from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from nnviz.training.config import MAX_INIT_SCALE, MAX_LEARNING_RATE, SessionConfig

from .log_slider import LogSlider
from .show_guard import ShowGuard

# The slider's useful range; the field accepts the whole range the settings allow.
LEARNING_RATE_SLIDER = (1e-5, MAX_LEARNING_RATE)
INIT_SCALE_SLIDER = (1e-3, MAX_INIT_SCALE)

LEARNING_RATE_TIP = (
    "Learning rate α: each step does W[l] := W[l] − α dW[l] and b[l] := b[l] − α db[l].\n"
    "Log scale from 0.00001 to 100; type a number for an exact value.\n"
    "Too small: J falls slowly. Too large: J bounces up and down, or diverges (ReLU "
    "networks, unnormalized inputs).\nApplies at the next step, without a reset.")
INIT_SCHEME_TIP = (
    "How the network starts: W[l] = randn(n[l], n[l-1]) × σ₀ × scale, b[l] = 0, where σ₀ is "
    "the scheme's:\nrandom: 0.01 (the course's randn × 0.01).  Xavier: √(1/n[l-1]), for "
    "tanh.  He: √(2/n[l-1]), for ReLU.\nGlorot: √(2/(n[l-1]+n[l])).  zeros: every unit of "
    "a layer stays the same forever (symmetry is never broken).\n"
    "Changing it rebuilds the network with the same seed.")
INIT_SCALE_TIP = (
    "Init scale: the multiplier in W[l] = randn(n[l], n[l-1]) × σ₀ × scale (σ₀: the scheme's "
    "own, 0.01 for random), so 1 is the scheme itself and random × 100 draws W with σ = 1.\n"
    "The same number as --init-scale on the command line and in saved files.\n"
    "Too small: activations and gradients shrink layer after layer (vanishing); too large: "
    "they grow (exploding) or tanh/sigmoid units saturate.\n"
    "Changing it rebuilds the network with the same seed; drag it while paused to see the "
    "new network at once.")

# Short names for a narrow combo box; the builder's longer labels say the same.
SCHEME_NAMES = {"random": "random", "xavier": "Xavier", "he": "He", "glorot": "Glorot",
                "zeros": "zeros"}
SCHEME_FORMULAS = {"random": "W[l] = randn(n[l], n[l-1]) × 0.01 × scale",
                   "xavier": "W[l] = randn(n[l], n[l-1]) × √(1/n[l-1]) × scale",
                   "he": "W[l] = randn(n[l], n[l-1]) × √(2/n[l-1]) × scale",
                   "glorot": "W[l] = randn(n[l], n[l-1]) × √(2/(n[l-1]+n[l])) × scale",
                   "zeros": "W[l] = 0: no scale, symmetry is never broken"}


def learning_rate_slider(field_width: int = 76) -> LogSlider:
    slider = LogSlider(*LEARNING_RATE_SLIDER, 1.2, field_min=0.0,
                       field_max=MAX_LEARNING_RATE, name="the learning rate α",
                       field_width=field_width)
    slider.setToolTip(LEARNING_RATE_TIP)
    return slider


def init_scale_slider(field_width: int = 76) -> LogSlider:
    slider = LogSlider(*INIT_SCALE_SLIDER, 1.0, field_min=0.0, field_max=MAX_INIT_SCALE,
                       zero_allowed=True, name="the init scale", field_width=field_width)
    slider.setToolTip(INIT_SCALE_TIP)
    return slider


class HyperparameterBar(QWidget):
    """α, the init scheme and the init scale in one compact row (about 480 px)."""

    SLIDER_WIDTH, FIELD_WIDTH, COMBO_WIDTH = 90, 56, 100

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._config: SessionConfig = controller.requested_config
        self._showing = ShowGuard()  # on while settings are shown, not changed

        self.learning_rate = learning_rate_slider(self.FIELD_WIDTH)
        self.init_scheme = QComboBox()
        for scheme, name in SCHEME_NAMES.items():
            self.init_scheme.addItem(name, scheme)
            self.init_scheme.setItemData(self.init_scheme.count() - 1, SCHEME_FORMULAS[scheme],
                                         Qt.ItemDataRole.ToolTipRole)
        self.init_scheme.setToolTip(INIT_SCHEME_TIP)
        self.init_scheme.setFixedWidth(self.COMBO_WIDTH)
        self.init_scale = init_scale_slider(self.FIELD_WIDTH)
        for slider in (self.learning_rate, self.init_scale):
            slider.slider.setFixedWidth(self.SLIDER_WIDTH)
            slider.edit.setFixedWidth(self.FIELD_WIDTH)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(4)
        for text, widget, tip in (("α", self.learning_rate, LEARNING_RATE_TIP),
                                  ("init", self.init_scheme, INIT_SCHEME_TIP),
                                  ("scale", self.init_scale, INIT_SCALE_TIP)):
            label = QLabel(text)
            label.setToolTip(tip)
            label.setBuddy(widget)
            if text != "α":
                layout.addSpacing(4)
            layout.addWidget(label)
            layout.addWidget(widget)

        # Its own width, not the toolbar's spare space (the rows stay together).
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        self.learning_rate.valueChanged.connect(self._learning_rate_changed)
        self.init_scheme.currentIndexChanged.connect(self._network_changed)
        self.init_scale.valueChanged.connect(self._network_changed)
        controller.config_applied.connect(self._on_config)
        controller.config_rejected.connect(lambda config, _message: self._on_config(config))
        self.show_config(self._config)

    # -- config -> widgets -------------------------------------------------------------
    def show_config(self, config: SessionConfig) -> None:
        with self._showing:
            self._config = config
            self.learning_rate.setValue(config.hyper.learning_rate)
            n = config.network
            self.init_scheme.setCurrentIndex(max(self.init_scheme.findData(n.init), 0))
            self.init_scale.setValue(n.init_scale)
            self.init_scale.setEnabled(n.init != "zeros")

    def _on_config(self, config: SessionConfig) -> None:
        # Only once the latest request is done (or refused): a slider being dragged is never
        # pulled back to an older value.
        if config == self.controller.requested_config and config != self._config:
            self.show_config(config)

    # -- widgets -> config -------------------------------------------------------------
    def _send(self, config: SessionConfig) -> None:
        if self._showing or config == self.controller.requested_config:
            return
        self._config = config
        self.controller.apply_config(config)

    def _learning_rate_changed(self, value: float) -> None:
        if self._showing:
            return
        base = self.controller.requested_config  # the builder's latest change included
        self._send(dataclasses.replace(
            base, hyper=dataclasses.replace(base.hyper, learning_rate=value)))

    def _network_changed(self, *_) -> None:
        if self._showing:
            return
        base = self.controller.requested_config
        scheme = self.init_scheme.currentData()
        self.init_scale.setEnabled(scheme != "zeros")
        network = dataclasses.replace(base.network, init=scheme,
                                      init_scale=self.init_scale.value())
        self._send(dataclasses.replace(base, network=network))
