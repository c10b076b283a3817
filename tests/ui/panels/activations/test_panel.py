"""Activation explorer panel: what it draws must agree with the mathematics."""
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPalette

from nnviz.engine.activations import (
    ACTIVATIONS, activation_slope, activation_value, preactivation_statistics, saturated_intervals,
    saturated_mask,
)
from nnviz.training.config import NetworkSpec, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.activations.panel import ActivationExplorerPanel
from tests.ui.layout_rules import panel_in_plain_host


@pytest.fixture
def panel(qtbot):
    """A panel inside a plain, not yet shown, top-level host, as a dock would hold it; never
    painted unless a test shows the host. (Shown as a top-level window itself, the panel's
    layout minimum size makes the offscreen platform warn.)"""
    widget = panel_in_plain_host(qtbot, ActivationExplorerPanel, (1000, 650))
    yield widget  # the fixture holds `host`: pytest-qt keeps only a weak reference


@pytest.fixture
def shown_panel(panel):
    """Visible: the Z[l] histogram is drawn only while the panel is visible."""
    panel.parentWidget().show()
    return panel


def finite_xy(item):
    x, y = item.getData()
    keep = np.isfinite(y)
    return x[keep], y[keep]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_panel_builds_with_default_functions(panel):
    assert panel.shown_functions() == ["sigmoid", "tanh", "relu"]
    for name in ACTIVATIONS:
        curves = panel.plots.curves.get(name)  # made when first shown
        shown = curves is not None and curves.value.isVisible()
        assert shown == (name in ("sigmoid", "tanh", "relu"))
    assert set(panel.plots.curves) == {"sigmoid", "tanh", "relu"}  # the others not made yet
    assert panel.histogram_data() is None  # no network yet
    assert "sigmoid" in panel.info.toPlainText()


def test_plotted_curves_are_the_engine_functions(panel):
    panel.set_shown_functions(list(ACTIVATIONS))
    for name in ACTIVATIONS:
        alpha = panel.alpha_for(name)
        x, y = finite_xy(panel.plots.curves[name].value)
        np.testing.assert_allclose(y, activation_value(name, x, alpha), rtol=1e-12, atol=0)
        x, slope = finite_xy(panel.plots.curves[name].slope)
        assert x.size >= 800
        np.testing.assert_allclose(slope, activation_slope(name, x, alpha), rtol=1e-12, atol=0)
    # And against the calculus, independent of the engine: sigmoid' = e^-z / (1 + e^-z)^2.
    x, slope = finite_xy(panel.plots.curves["sigmoid"].slope)
    np.testing.assert_allclose(slope, np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-10, atol=1e-15)


def test_numerical_slope_dots_agree_with_analytic_slope(panel):
    panel.set_shown_functions(list(ACTIVATIONS))
    for name in ACTIVATIONS:
        x, numeric = panel.plots.curves[name].numeric.getData()
        assert x.size == 40 and np.all(np.abs(x) > 1e-3)  # never on the kink at 0
        analytic = activation_slope(name, x, panel.alpha_for(name))
        np.testing.assert_allclose(numeric, analytic, rtol=1e-6, atol=1e-8, err_msg=name)
    panel.numeric_check.setChecked(False)
    assert not panel.plots.curves["tanh"].numeric.isVisible()
    assert panel.plots.curves["tanh"].slope.isVisible()


def test_relu_slope_line_breaks_at_the_kink(panel):
    x, y = panel.plots.curves["relu"].slope.getData()
    gap = np.flatnonzero(np.isnan(y))
    assert gap.size == 1 and x[gap[0]] == 0.0
    assert np.all(y[:gap[0]] == 0.0) and np.all(y[gap[0] + 1:] == 1.0)


def test_toggling_functions_shows_and_hides_curves(panel):
    tanh_row = list(ACTIVATIONS).index("tanh")
    gelu_row = list(ACTIVATIONS).index("gelu")
    panel.function_list.item(tanh_row).setCheckState(Qt.Unchecked)
    panel.function_list.item(gelu_row).setCheckState(Qt.Checked)
    assert not any(item.isVisible() for item in panel.plots.curves["tanh"].items())
    assert all(item.isVisible() for item in panel.plots.curves["gelu"].items())
    assert set(panel.readout()) == {"sigmoid", "relu", "gelu"}
    assert len(panel.plots.value_markers.data) == 3


def test_alpha_slider_changes_leaky_relu(panel):
    panel.set_shown_functions(["leaky_relu"])
    panel.alpha_sliders["leaky_relu"].setValue(0.2)
    x, y = finite_xy(panel.plots.curves["leaky_relu"].value)
    np.testing.assert_allclose(y, np.where(x > 0, x, 0.2 * x))
    x, slope = finite_xy(panel.plots.curves["leaky_relu"].slope)
    np.testing.assert_array_equal(slope, np.where(x > 0, 1.0, 0.2))
    panel.set_current_function("leaky_relu")
    assert "leaky ReLU (alpha = 0.20)" in panel.info.toPlainText()
    assert panel.readout(-2.0)["leaky_relu"] == pytest.approx((-0.4, 0.2))


def test_sigmoid_shading_is_where_slope_is_below_threshold(panel):
    panel.set_current_function("sigmoid")
    panel.set_z_range(-8.0, 8.0)
    for t in (0.01, 0.05, 0.1, 0.2, 0.249):
        panel.threshold_spin.setValue(t)
        # a(1 - a) = t  =>  a = (1 + sqrt(1 - 4t)) / 2,  z = log(a / (1 - a))
        a = (1 + np.sqrt(1 - 4 * t)) / 2
        edge = np.log(a / (1 - a))
        regions = panel.shaded_regions()
        np.testing.assert_allclose(regions, [(-8.0, -edge), (edge, 8.0)], atol=1e-9)
        assert all(r.isVisible() == (i < 2) for i, r in enumerate(panel.plots.slope_regions))
        assert [tuple(r.getRegion()) for r in panel.plots.slope_regions[:2]] == regions
        assert f"{edge:.2f}]" in panel.info.toPlainText()


def test_shading_follows_function_and_threshold(panel):
    panel.set_z_range(-8.0, 8.0)
    panel.set_current_function("tanh")
    panel.threshold_spin.setValue(0.1)
    edge = np.arctanh(np.sqrt(1 - 0.1))  # 1 - a^2 = t
    np.testing.assert_allclose(panel.shaded_regions(), [(-8, -edge), (edge, 8)], atol=1e-9)
    panel.set_current_function("relu")
    np.testing.assert_allclose(panel.shaded_regions(), [(-8, 0)], atol=1e-12)
    panel.set_current_function("linear")
    assert panel.shaded_regions() == []
    panel.set_current_function("sigmoid")
    panel.threshold_spin.setValue(0.3)  # above sigmoid's best slope 0.25: flat everywhere
    assert panel.shaded_regions() == [(-8.0, 8.0)]


def test_layer_histogram_and_saturated_fraction(shown_panel):
    panel = shown_panel
    rng = np.random.default_rng(3)
    Z_relu = rng.standard_normal((8, 300)) + 0.2
    Z_relu[2] = -np.abs(Z_relu[2]) - 0.1  # one dead unit
    Z_tanh = 2.5 * rng.standard_normal((4, 300))
    panel.set_layer_preactivations([("Z[1]", "relu", Z_relu), ("Z[2]", "tanh", Z_tanh)])
    assert panel.layer_combo.count() == 2
    assert panel.current_function() == "relu"  # the chosen layer's function is highlighted
    edges, counts = panel.histogram_data()
    np.testing.assert_array_equal(counts, np.histogram(Z_relu, bins=np.linspace(-6, 6, 61))[0])
    stats = panel.layer_statistics()
    assert stats.dead_units == 1 and stats.n_units == 8
    assert f"{100 * np.mean(Z_relu <= 0):.1f}%" in panel.stats_label.text()
    assert "1 of 8" in panel.stats_label.text()

    panel.select_layer(1)
    panel.threshold_spin.setValue(0.05)
    edges, counts = panel.histogram_data()
    np.testing.assert_array_equal(counts, np.histogram(Z_tanh, bins=edges)[0])
    saturated = np.mean(1 - np.tanh(Z_tanh) ** 2 < 0.05)
    assert 0.2 < saturated < 0.6
    assert stats is not panel.layer_statistics()
    np.testing.assert_allclose(panel.layer_statistics().saturated_fraction, saturated)
    assert f"{100 * saturated:.1f}%" in panel.stats_label.text()
    outside = np.mean(np.abs(Z_tanh) > 6)
    assert f"outside the plotted z range: {100 * outside:.1f}%" in panel.stats_label.text()
    # The drawn heights are shares of all values, in percent.
    _, shares = panel.plots.histogram_item.getData()
    np.testing.assert_allclose(shares, 100 * counts / Z_tanh.size)


def test_fit_range_covers_the_layer(shown_panel):
    panel = shown_panel
    Z = 20.0 * np.random.default_rng(4).standard_normal((5, 200))
    panel.set_layer_preactivations([("Z[1]", "sigmoid", Z)])
    panel.fit_button.click()
    low, high = panel.z_range()
    inside = np.mean((Z >= low) & (Z <= high))
    assert inside >= 0.99 and low < 0 < high
    edges, counts = panel.histogram_data()
    assert edges[0] == low and edges[-1] == high and counts.sum() == np.sum(inside * Z.size)


def test_hidden_panel_defers_histogram_until_shown(panel):
    widget = panel
    Z = np.random.default_rng(5).standard_normal((3, 50))
    widget.set_layer_preactivations([("Z[1]", "tanh", Z)])
    assert widget.histogram_data() is None  # nothing drawn while hidden
    widget.parentWidget().show()
    edges, counts = widget.histogram_data()
    assert counts.sum() == Z.size


def test_bad_layers_raise_and_leave_state(shown_panel):
    panel = shown_panel
    Z = np.zeros((2, 5))
    panel.set_layer_preactivations([("Z[1]", "tanh", Z)])
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'"):
        panel.set_layer_preactivations([("Z[1]", "sigmoidd", Z)])
    with pytest.raises(ValueError, match="shape"):
        panel.set_layer_preactivations([("Z[1]", "tanh", np.zeros((2, 2, 2)))])
    with pytest.raises(ValueError, match="from < to"):
        panel.set_z_range(3.0, 1.0)
    assert panel.layer_combo.count() == 1 and panel.histogram_data()[1].sum() == Z.size
    assert panel.z_range() == (-6.0, 6.0)


def test_cursor_readout_matches_formulas(panel):
    panel.set_shown_functions(["sigmoid", "tanh", "relu", "leaky_relu", "softplus"])
    panel.alpha_sliders["leaky_relu"].setValue(0.1)
    for z in (0.7, -1.3):
        panel.set_cursor(z)
        values = panel.readout()
        s = sigmoid(z)
        np.testing.assert_allclose(values["sigmoid"], (s, s * (1 - s)), rtol=1e-12)
        np.testing.assert_allclose(values["tanh"], (np.tanh(z), 1 / np.cosh(z) ** 2), rtol=1e-12)
        np.testing.assert_allclose(values["relu"], (max(z, 0), float(z > 0)))
        np.testing.assert_allclose(values["leaky_relu"], (z if z > 0 else 0.1 * z,
                                                          1.0 if z > 0 else 0.1))
        np.testing.assert_allclose(values["softplus"], (np.log1p(np.exp(z)), s), rtol=1e-12)
        text = panel.readout_label.text()
        assert f"z = {z:.3f}" in text and f"{np.tanh(z):.4f}" in text
        assert panel.plots.cursor_lines[0].value() == pytest.approx(z)
        np.testing.assert_allclose(sorted(panel.plots.slope_markers.data["y"]),
                                   sorted(v[1] for v in values.values()))


def test_mouse_over_plot_moves_cursor(shown_panel):
    panel = shown_panel
    scene_pos = panel.plots.slope_plot.vb.mapViewToScene(QPointF(2.5, 0.5))
    panel.plots.scene().sigMouseMoved.emit(scene_pos)
    assert panel.readout().keys() and panel.plots.cursor_lines[0].value() == pytest.approx(2.5)


def test_on_snapshot_from_a_real_session(shown_panel):
    panel = shown_panel
    config = course_default()
    config = dataclasses.replace(config, network=NetworkSpec(
        hidden_units=(6, 5), activations=("relu", "leaky_relu"), init="he", alpha=0.1))
    session = TrainingSession(config)
    session.step(3)
    snapshot = session.snapshot()
    panel.on_snapshot(snapshot)
    labels = [panel.layer_combo.itemText(i) for i in range(panel.layer_combo.count())]
    assert labels == ["Z[1]  (ReLU)", "Z[2]  (leaky ReLU)", "Z[3] output  (sigmoid)"]
    assert panel.alpha_for("leaky_relu") == pytest.approx(0.1)  # follows the network's alpha
    Z1 = snapshot.layers[0].Z
    np.testing.assert_array_equal(panel.histogram_data()[1],
                                  np.histogram(Z1, bins=np.linspace(-6, 6, 61))[0])
    panel.alpha_sliders["leaky_relu"].setValue(0.3)
    panel.on_snapshot(session.snapshot())  # same network alpha: the learner's value stays
    assert panel.alpha_for("leaky_relu") == pytest.approx(0.3)


def test_softmax_output_layer_is_shown_without_slope(shown_panel):
    panel = shown_panel
    Z = np.random.default_rng(6).standard_normal((3, 40))
    panel.set_layer_preactivations([("Z[2] output", "softmax", Z)])
    assert panel.histogram_data()[1].sum() == Z.size
    assert "no per-unit slope" in panel.stats_label.text()


def test_dark_palette_lightens_curves(panel):
    light = panel.plots.curves["sigmoid"].value.opts["pen"].color()
    palette = panel.palette()
    palette.setColor(QPalette.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.Text, QColor("#e0e0e0"))
    panel.setPalette(palette)
    dark = panel.plots.curves["sigmoid"].value.opts["pen"].color()
    assert dark.lightness() > light.lightness()
    assert panel.plots.backgroundBrush().color() == QColor("#1e1e1e")


def test_every_control_has_a_tooltip(panel):
    controls = [panel.function_list, panel.z_min_spin, panel.z_max_spin, panel.threshold_spin,
                panel.numeric_check, panel.layer_combo, panel.fit_button, panel.stats_label,
                *panel.alpha_sliders.values()]
    for control in controls:
        assert len(control.toolTip()) > 30, control
    for row in range(panel.function_list.count()):
        assert "g'(z)" in panel.function_list.item(row).toolTip()


# ----- the engine helpers the panel draws from (pure NumPy) --------------------------------

def test_saturated_intervals_match_the_calculus():
    # tanh: 1 - a^2 = t  =>  |z| = artanh(sqrt(1 - t)); leaky ReLU: slope alpha < t below 0.
    edge = np.arctanh(np.sqrt(1 - 0.02))
    np.testing.assert_allclose(saturated_intervals("tanh", 0.02, -10, 10),
                               [(-10, -edge), (edge, 10)], atol=1e-12)
    assert saturated_intervals("leaky_relu", 0.05, -3, 3, alpha=0.01) == [(-3.0, pytest.approx(0, abs=1e-12))]
    assert saturated_intervals("leaky_relu", 0.05, -3, 3, alpha=0.1) == []
    # softplus: slope sigmoid(z) < t  =>  z < log(t / (1 - t)), one-sided.
    (lo, hi), = saturated_intervals("softplus", 0.1, -8, 8)
    assert lo == -8 and hi == pytest.approx(np.log(0.1 / 0.9), abs=1e-12)
    with pytest.raises(ValueError, match="z_min < z_max"):
        saturated_intervals("tanh", 0.1, 2, 1)
    with pytest.raises(ValueError, match="positive"):
        saturated_mask("tanh", np.zeros(3), 0.0)


def test_preactivation_statistics_on_exploded_values():
    Z = np.array([[-1.7e308, -3.0, 0.0, 2.0], [np.inf, np.nan, -1e10, 1.7e308]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for name in ACTIVATIONS:
            stats = preactivation_statistics(name, Z, 0.05)
            assert stats.n_values == 6 and stats.n_nonfinite == 2 and stats.n_units == 2
            assert stats.negative_fraction == pytest.approx(3 / 6)
    relu = preactivation_statistics("relu", np.array([[-1.0, 0.0], [1.0, -2.0]]), 0.05)
    assert relu.dead_units == 1 and relu.saturated_fraction == pytest.approx(3 / 4)
    assert np.isnan(preactivation_statistics("softmax", Z, 0.05).saturated_fraction)


def test_a_function_shown_later_is_drawn_in_its_colour(panel):
    assert "gelu" not in panel.plots.curves
    panel.set_shown_functions(["gelu"])
    curves = panel.plots.curves["gelu"]
    assert curves.value.opts["pen"].color().name() == panel._colour("gelu")
    assert curves.slope.opts["pen"].color().name() == panel._colour("gelu")
    assert curves.value.isVisible() and curves.value.getData()[0].size > 0


def test_curves_lie_under_the_cursor_dots_whenever_they_were_made(panel):
    panel.set_shown_functions(["swish", "sigmoid"])  # swish made now, after the markers
    plots = panel.plots
    markers = min(plots.value_markers.zValue(), plots.clip_markers.zValue(),
                  plots.cursor_lines[0].zValue())
    for name in ("swish", "sigmoid"):
        assert all(item.zValue() < markers for item in plots.curves[name].items())
    # in the functions' own order, not the order they were first shown in
    assert plots.curves["sigmoid"].value.zValue() < plots.curves["swish"].value.zValue()
