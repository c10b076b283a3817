"""Activation explorer: g(z) and g'(z) side by side, tied to the live network's Z[l].

Top plot: g(z) for every checked function, with the chosen layer's Z[l] histogram drawn
beneath it on a secondary (right) axis. Bottom plot: the analytic slope g'(z) as a line and
the numerical slope (g(z + h) - g(z - h)) / 2h as dots, so a learner sees they agree.
Regions where the current function's |g'(z)| falls below a threshold are shaded in both.
The widget only draws; everything it shows comes from nnviz.engine.activations.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QTextBrowser, QWidget

from nnviz.engine.activations import (
    ACTIVATIONS, DISPLAY_NAMES, PreactivationStats, activation_slope, activation_value,
    preactivation_statistics,
    saturated_intervals,
)

from nnviz.analysis import activation_text as text

from .controls import build_controls
from .layout import build_layout, fit_side_column
from .plots import ActivationPlots
from ..base import Panel, PanelContext

HISTOGRAM_BINS = 60
MAX_HISTOGRAM_VALUES = 20_000  # a strided sample beyond this; keeps the GUI thread cheap
COLOURS = {  # Tableau 10: distinct on white; lightened on a dark palette
    "sigmoid": "#1f77b4", "tanh": "#ff7f0e", "relu": "#2ca02c", "leaky_relu": "#d62728",
    "linear": "#7f7f7f", "elu": "#9467bd", "softplus": "#8c564b", "gelu": "#e377c2",
    "swish": "#17becf",
}


class ActivationExplorerPanel(Panel):
    """Explore activation functions and where a live layer's Z[l] sits on them.

    Feed it with ``on_snapshot(snapshot)`` from the training worker or directly with
    ``set_layer_preactivations([(label, activation_name, Z), ...])``.
    """

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None, *,
                 functions: Sequence[str] = ("sigmoid", "tanh", "relu"),
                 z_range: tuple[float, float] = (-6.0, 6.0), threshold: float = 0.05):
        super().__init__(context, parent)
        for name in functions:
            _check_activation(name)
        self._layers: list[tuple[str, str, np.ndarray]] = []
        self._layer_stats: PreactivationStats | None = None
        self._histogram_counts = np.zeros(0, dtype=int)
        self._histogram_dirty = False
        self._cursor_z = 1.0
        self._network_alpha: float | None = None
        self._theme = None  # PlotColors from the main window; the Qt palette until then
        build_controls(self, functions, z_range, threshold)
        self.set_z_range(*z_range)
        self._build_plots()
        self._build_layout()
        self._apply_palette()
        self._connect()
        self._redraw_all()

    # ----- public API ------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        """Take the per-layer Z[l] and activation names from a TrainingSnapshot."""
        self.set_layer_preactivations(layers_from_snapshot(snapshot))
        alpha = snapshot.config.network.alpha  # None: each function's default
        if alpha is not None and alpha != self._network_alpha:
            # Follow the network's alpha when it changes, not on every snapshot, so a
            # learner's own slider experiments survive training.
            self._network_alpha = float(alpha)
            for name in ("leaky_relu", "elu"):
                if name in snapshot.activations:
                    self.alpha_sliders[name].setValue(float(alpha))

    def on_theme(self, colors) -> None:
        """Restyle for the main window's light/dark PlotColors."""
        self._theme = colors
        self._apply_palette()
        self._redraw_all()

    def figures(self) -> dict[str, object]:
        return {"curves": self.plots.ci}

    def set_layer_preactivations(self, layers: Sequence[tuple[str, str, np.ndarray]]) -> None:
        """Show ``layers``: a list of (label, activation_name, Z) with Z of shape (n[l], m)."""
        checked = []
        for index, entry in enumerate(layers):
            try:
                label, activation, Z = entry
            except (TypeError, ValueError):
                raise ValueError(f"layer {index}: expected (label, activation_name, Z), "
                                 f"got {entry!r}") from None
            if activation != "softmax":
                _check_activation(activation)
            Z = np.asarray(Z, dtype=float)
            if Z.ndim not in (1, 2):
                raise ValueError(f"layer {label!r}: Z must have shape (n[l], m) or (m,), "
                                 f"got shape {Z.shape}")
            checked.append((str(label), activation, Z))
        previous = self.layer_combo.currentText()
        labels = [self._layer_item_text(label, act) for label, act, _ in checked]
        first_data = not self._layers
        self._layers = checked
        labels_changed = labels != [self.layer_combo.itemText(i)
                                    for i in range(self.layer_combo.count())]
        if labels_changed:
            self.layer_combo.blockSignals(True)
            self.layer_combo.clear()
            self.layer_combo.addItems(labels)
            keep = labels.index(previous) if previous in labels else 0
            self.layer_combo.setCurrentIndex(keep)
            self.layer_combo.blockSignals(False)
        self.layer_combo.setEnabled(bool(labels))
        self.fit_button.setEnabled(bool(labels))
        if checked and (first_data or labels_changed):
            self._show_layer_function()
        self._request_histogram()

    def select_layer(self, index: int) -> None:
        self.layer_combo.setCurrentIndex(index)

    def set_shown_functions(self, names: Sequence[str]) -> None:
        for name in names:
            _check_activation(name)
        for row in range(self.function_list.count()):
            item = self.function_list.item(row)
            item.setCheckState(Qt.Checked if item.data(Qt.UserRole) in names else Qt.Unchecked)

    def shown_functions(self) -> list[str]:
        return [item.data(Qt.UserRole) for item in self._function_items()
                if item.checkState() == Qt.Checked]

    def set_current_function(self, name: str) -> None:
        _check_activation(name)
        self.function_list.setCurrentRow(list(ACTIVATIONS).index(name))

    def current_function(self) -> str:
        item = self.function_list.currentItem()
        return item.data(Qt.UserRole) if item is not None else "sigmoid"

    def set_z_range(self, z_min: float, z_max: float) -> None:
        if not z_max > z_min:
            raise ValueError(f"z range needs from < to, got {z_min} .. {z_max}")
        # Widen the spin boxes' mutual limits first so neither value gets clamped.
        self.z_min_spin.setMaximum(z_max - 0.5)
        self.z_max_spin.setMinimum(z_min + 0.5)
        self.z_min_spin.setValue(z_min)
        self.z_max_spin.setValue(z_max)

    def z_range(self) -> tuple[float, float]:
        return self.z_min_spin.value(), self.z_max_spin.value()

    def threshold(self) -> float:
        return self.threshold_spin.value()

    def alpha_for(self, name: str) -> float | None:
        slider = self.alpha_sliders.get(name)
        return float(slider.value()) if slider is not None else None

    def set_cursor(self, z: float) -> None:
        self._cursor_z = float(z)
        self._update_cursor()

    def readout(self, z: float | None = None) -> dict[str, tuple[float, float]]:
        """{name: (g(z), g'(z))} for the shown functions at z (default: the cursor)."""
        z = self._cursor_z if z is None else z
        zs = np.array([z], dtype=float)
        return {name: (float(activation_value(name, zs, self.alpha_for(name))[0]),
                       float(activation_slope(name, zs, self.alpha_for(name))[0]))
                for name in self.shown_functions()}

    def shaded_regions(self) -> list[tuple[float, float]]:
        """The (lo, hi) z intervals currently shaded as saturated."""
        return self.plots.shaded_regions()

    def histogram_data(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(bin edges, counts) of the drawn Z[l] histogram, or None when nothing is drawn."""
        if not self.plots.histogram_item.isVisible():
            return None
        return self.plots.histogram_item.getData()[0], self._histogram_counts

    def layer_statistics(self) -> PreactivationStats | None:
        return self._layer_stats

    # ----- construction ----------------------------------------------------------------
    def _build_plots(self) -> None:
        self.plots = ActivationPlots()
        self.info = QTextBrowser()
        self.info.setOpenLinks(False)
        self.info.setToolTip("Formula, slope and range of the highlighted function.")
        self.readout_label = QLabel()
        self.readout_label.setTextFormat(Qt.RichText)
        self.readout_label.setToolTip("Values under the cursor: move the mouse over either plot.")

    def _build_layout(self) -> None:
        build_layout(self)
        self._side_dragged = False
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.settings_column.fit_width(self.width())
        if not self._side_dragged:
            fit_side_column(self.splitter, self.width())

    def _on_splitter_moved(self, *_args) -> None:
        self._side_dragged = True  # the learner's width stays

    def _connect(self) -> None:
        self.function_list.itemChanged.connect(lambda _item: self._on_functions_changed())
        self.function_list.currentItemChanged.connect(lambda *_: self._on_current_changed())
        for slider in self.alpha_sliders.values():
            slider.valueChanged.connect(lambda _v: self._redraw_all())
        self.z_min_spin.valueChanged.connect(self._on_range_changed)
        self.z_max_spin.valueChanged.connect(self._on_range_changed)
        self.threshold_spin.valueChanged.connect(lambda _v: self._on_threshold_changed())
        self.numeric_check.toggled.connect(lambda _v: self._update_curves())
        self.clip_check.toggled.connect(lambda _v: self._update_curves())
        self.plots.cursor_moved.connect(self.set_cursor)
        self.layer_combo.currentIndexChanged.connect(self._on_layer_chosen)
        self.fit_button.clicked.connect(self.fit_range_to_layer)

    # ----- reactions ---------------------------------------------------------------------
    def _on_functions_changed(self) -> None:
        self._update_curves()
        self._update_cursor()

    def _on_current_changed(self) -> None:
        self._update_shading()
        self._update_info()

    def _on_range_changed(self) -> None:
        self.z_min_spin.setMaximum(self.z_max_spin.value() - 0.5)
        self.z_max_spin.setMinimum(self.z_min_spin.value() + 0.5)
        self._redraw_all()

    def _on_threshold_changed(self) -> None:
        self._update_shading()
        self._update_info()
        self._request_histogram()

    def _on_layer_chosen(self, _index: int) -> None:
        self._show_layer_function()
        self._request_histogram()

    def fit_range_to_layer(self) -> None:
        Z = self._current_layer_sample()
        Z = None if Z is None else Z[np.isfinite(Z)]
        if Z is None or Z.size == 0:
            return
        low, high = np.percentile(Z, [0.5, 99.5])
        low, high = min(np.floor(low), -1.0), max(np.ceil(high), 1.0)
        self.set_z_range(max(low, -100.0), min(high, 100.0))

    def _show_layer_function(self) -> None:
        # Choosing a layer checks and highlights its activation, so curve, shading and
        # text all speak about the function that layer really uses.
        index = self.layer_combo.currentIndex()
        if not 0 <= index < len(self._layers):
            return
        activation = self._layers[index][1]
        if activation in ACTIVATIONS:
            row = list(ACTIVATIONS).index(activation)
            self.function_list.item(row).setCheckState(Qt.Checked)
            self.function_list.setCurrentRow(row)

    # ----- drawing -----------------------------------------------------------------------
    def _redraw_all(self) -> None:
        self._update_curves()
        self._update_shading()
        self._update_info()
        self._update_cursor()
        self._request_histogram()

    def _update_curves(self) -> None:
        alphas = {name: self.alpha_for(name) for name in self.alpha_sliders}
        self.plots.draw_curves(self.shown_functions(), self.z_range(), alphas,
                               self.numeric_check.isChecked(), self.clip_check.isChecked())

    def _update_shading(self) -> None:
        name = self.current_function()
        intervals = saturated_intervals(name, self.threshold(), *self.z_range(),
                                        self.alpha_for(name))
        self.plots.draw_shading(intervals, QColor(self._colour(name)))

    def _update_cursor(self) -> None:
        z = self._cursor_z
        values = self.readout(z)
        self.plots.draw_cursor(z, values)
        rows = "".join(
            f"<tr><td style='color:{self._colour(name)}'><b>{DISPLAY_NAMES[name]}</b></td>"
            f"<td align='right'>{value:.4f}</td><td align='right'>{slope:.4f}</td></tr>"
            for name, (value, slope) in values.items())
        self.readout_label.setText(
            f"<b>Cursor</b> at z = {z:.3f}<table cellspacing='4'>"
            f"<tr><th align='left'>function</th><th>g(z)</th><th>g'(z)</th></tr>{rows}</table>")

    def _update_info(self) -> None:
        name = self.current_function()
        self.info.setHtml(text.function_html(name, self.alpha_for(name), self.threshold(),
                                             self.shaded_regions(), self._colour(name)))

    def _request_histogram(self) -> None:
        # Drawing waits until the panel is on screen; one redraw per snapshot at most.
        if self.isVisible():
            self._update_histogram()
        else:
            self._histogram_dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._histogram_dirty:
            self._update_histogram()

    def _current_layer_sample(self) -> np.ndarray | None:
        """The chosen layer's Z[l] flattened, strided down to MAX_HISTOGRAM_VALUES."""
        index = self.layer_combo.currentIndex()
        if not 0 <= index < len(self._layers):
            return None
        Z = self._layers[index][2].ravel()
        if Z.size > MAX_HISTOGRAM_VALUES:
            Z = Z[:: -(-Z.size // MAX_HISTOGRAM_VALUES)]
        return Z

    def _update_histogram(self) -> None:
        self._histogram_dirty = False
        index = self.layer_combo.currentIndex()
        sample = self._current_layer_sample()
        if sample is None:
            self.plots.hide_histogram()
            self._layer_stats = None
            return
        label, activation, Z = self._layers[index]
        values = sample[np.isfinite(sample)]
        z_min, z_max = self.z_range()
        edges = np.linspace(z_min, z_max, HISTOGRAM_BINS + 1)
        counts, _ = np.histogram(values, bins=edges)
        self._histogram_counts = counts
        self.plots.draw_histogram(edges, 100.0 * counts / max(values.size, 1))
        self._layer_stats = preactivation_statistics(activation, sample, self.threshold(),
                                                     self.alpha_for(activation))
        if activation == "relu" and Z.ndim == 2:  # dead units need every example of a unit
            dead = int(np.all(Z <= 0, axis=1).sum())
            self._layer_stats = replace(self._layer_stats, dead_units=dead, n_units=Z.shape[0])
        outside = ((values < z_min) | (values > z_max)).sum() / max(values.size, 1)
        self.stats_label.setText(text.statistics_html(label, activation, self._layer_stats,
                                                     outside, self.threshold()))

    # ----- palette -----------------------------------------------------------------------
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.PaletteChange:
            self._apply_palette()
            self._redraw_all()

    def _dark(self) -> bool:
        if self._theme is not None:
            return self._theme.dark
        return self.palette().color(QPalette.Base).lightness() < 128

    def _colour(self, name: str) -> str:
        colour = QColor(COLOURS[name])
        return colour.lighter(135).name() if self._dark() else colour.name()

    def _apply_palette(self) -> None:
        palette = self.palette()
        base, text = palette.color(QPalette.Base), palette.color(QPalette.Text)
        if self._theme is not None:
            base, text = QColor(self._theme.background), QColor(self._theme.foreground)
        colours = {name: self._colour(name) for name in ACTIVATIONS}
        self.plots.apply_colours(base, text, colours)
        # An icon is an item change too: without the blocker each redrew every curve.
        with QSignalBlocker(self.function_list):
            for row, name in enumerate(ACTIVATIONS):
                pixmap = QPixmap(12, 12)
                pixmap.fill(QColor(colours[name]))
                self.function_list.item(row).setIcon(QIcon(pixmap))

    def _function_items(self):
        return [self.function_list.item(row) for row in range(self.function_list.count())]

    @staticmethod
    def _layer_item_text(label: str, activation: str) -> str:
        return f"{label}  ({DISPLAY_NAMES.get(activation, activation)})"


def layers_from_snapshot(snapshot) -> list[tuple[str, str, np.ndarray]]:
    """(label, activation_name, Z) per layer l = 1..L of a TrainingSnapshot; Z[l] holds the
    snapshot's fixed subsample of training examples."""
    layers = []
    for layer in snapshot.layers:
        output = " output" if layer.index == len(snapshot.layers) else ""
        layers.append((f"Z[{layer.index}]{output}", layer.activation, layer.Z))
    return layers


def _check_activation(name: str) -> None:
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
