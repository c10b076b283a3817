"""View > Colours: the palette reaches every plot that shows classes (the decision boundary's
points, map and class swatches, the network diagram's weight signs, the train/test curves),
is kept in the settings, and keeps classes, signs and curves apart for colour-blind eyes."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.plotting import lookup_table, softened_lookup_table
from nnviz.ui.presentation import PALETTE_KEY, install_presentation
from nnviz.ui.settings import open_settings
from nnviz.ui.theme import PALETTES, plot_colors
from nnviz.ui.widgets.network_diagram import WIDTH_LEVELS, _mix
from nnviz.ui.widgets.outcome_views import IMAGE_STRENGTH

TIMEOUT = 20000
PANELS = ("builder", "training", "network")


@pytest.fixture
def make_window(qtbot, isolated_settings):
    windows = []

    def make():
        w = MainWindow(settings=open_settings(isolated_settings),
                       panels=[panel_spec(k) for k in PANELS])
        qtbot.addWidget(w)
        install_presentation(w)
        w.show()
        boundary = w.panels["training"].boundary
        qtbot.waitUntil(lambda: boundary._grid is not None, timeout=TIMEOUT)
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.appearance.set_palette("default")  # the appearance is the application's
        w.close()


def point_colours(scatter) -> set[str]:
    return {b.color().name() for b in scatter.data["brush"]}


def link_colours(diagram) -> set[str]:
    """Every colour painted in the diagram's links picture."""
    image = diagram._links_picture().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint32,
                           count=image.width() * image.height()) & 0xFFFFFF
    return {f"#{int(p):06x}" for p in np.unique(pixels)}


def sign_shades(c, colour: str) -> set[str]:
    """The shades the diagram draws links of one sign in (see NetworkDiagram._paint_links)."""
    bg = QColor(c.background)
    return {_mix(QColor(colour), bg, 0.35 + 0.65 * (k + 1) / WIDTH_LEVELS).name()
            for k in range(WIDTH_LEVELS)}


def test_the_colour_blind_palette_reaches_boundary_diagram_and_curves(make_window, qtbot):
    window = make_window()
    window.controller.step(150)  # weights large enough for wide links of both signs
    qtbot.waitUntil(lambda: window.controller.latest.iteration >= 150, timeout=TIMEOUT)
    qtbot.wait(100)
    training, diagram = window.panels["training"], window.panels["network"].diagram
    boundary = training.boundary
    before = window.appearance.colors
    assert before.palette == "default"
    assert point_colours(boundary.train_points) == {QColor(k).name() for k in before.classes[:2]}
    old_lut = np.array(boundary.image.lut, copy=True)
    old_links = link_colours(diagram)
    assert old_links & sign_shades(before, before.positive)

    window.palette_actions["colour_blind"].trigger()
    c = window.appearance.colors
    assert c.palette == "colour_blind" and window.palette_actions["colour_blind"].isChecked()
    # Decision boundary: the points, the probability map and the "Click adds" swatches.
    assert point_colours(boundary.train_points) == {QColor(k).name() for k in c.classes[:2]}
    assert point_colours(boundary.test_points) <= {QColor(k).name() for k in c.classes[:2]}
    lut = boundary.image.lut
    assert np.array_equal(lut, softened_lookup_table(c.diverging_map, c.background,
                                                     IMAGE_STRENGTH))
    assert not np.array_equal(lut, old_lut)
    box = training.boundary_box
    swatch = box.draw_class.itemIcon(1).pixmap(10, 10).toImage().pixelColor(5, 5).name()
    assert swatch == QColor(c.classes[1]).name()
    # Network diagram: links of both signs in the palette's shades, none in the old ones.
    links = link_colours(diagram)
    assert links & sign_shades(c, c.positive) and links & sign_shades(c, c.negative)
    assert not links & (sign_shades(before, before.positive)
                        | sign_shades(before, before.negative))
    # Train / test curves.
    pens = [curve.opts["pen"].color().name() for curve in training.curves.curves]
    assert pens == [QColor(k).name() for k in (c.train, c.test, c.train, c.test)]
    assert pens[0] != QColor(before.train).name()
    assert window.settings.value(PALETTE_KEY) == "colour_blind"


def test_the_palette_is_kept_for_the_next_start(make_window):
    first = make_window()
    first.palette_actions["high_contrast"].trigger()
    first.settings.sync()
    first.close()
    first.appearance.set_palette("default")  # as a fresh process would start
    second = make_window()
    assert second.appearance.palette_name == "high_contrast"
    assert second.palette_actions["high_contrast"].isChecked()
    c = second.appearance.colors
    boundary = second.panels["training"].boundary
    assert point_colours(boundary.train_points) == {QColor(k).name() for k in c.classes[:2]}


def _linear(rgb: np.ndarray) -> np.ndarray:
    s = rgb / 255.0
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


# Viénot, Brettel & Mollon (1999): what protanopes and deuteranopes see, in linear RGB.
DICHROMATS = {
    "protanopia": np.array([[0.11238, 0.88762, 0.0], [0.11238, 0.88762, 0.0],
                            [0.00401, -0.00401, 1.0]]),
    "deuteranopia": np.array([[0.29275, 0.70725, 0.0], [0.29275, 0.70725, 0.0],
                              [-0.02234, 0.02234, 1.0]]),
}


def seen_by(kind: str, colour: str) -> np.ndarray:
    q = QColor(colour)
    rgb = _linear(np.array([q.red(), q.green(), q.blue()], dtype=float))
    return DICHROMATS[kind] @ rgb


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("kind", sorted(DICHROMATS))
def test_the_colour_blind_palette_keeps_pairs_apart_for_dichromats(dark, kind):
    c = plot_colors(dark, "colour_blind")
    for a, b in ((c.classes[0], c.classes[1]), (c.positive, c.negative),
                 (c.train, c.test), (c.classes[0], c.classes[2])):
        distance = np.linalg.norm(seen_by(kind, a) - seen_by(kind, b))
        assert distance > 0.15, f"{a} and {b} look alike with {kind} ({distance:.3f})"


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("palette", PALETTES)
def test_the_boundary_map_runs_from_class_0_to_class_1(dark, palette):
    """P = 0 is drawn in class 0's hue, P = 1 in class 1's, in every palette."""
    c = plot_colors(dark, palette)
    lut = lookup_table(c.diverging_map).astype(float)

    def rgb(colour):
        q = QColor(colour)
        return np.array([q.red(), q.green(), q.blue()], dtype=float)

    zero, one = rgb(c.classes[0]), rgb(c.classes[1])
    assert np.linalg.norm(lut[0] - zero) < np.linalg.norm(lut[0] - one)
    assert np.linalg.norm(lut[-1] - one) < np.linalg.norm(lut[-1] - zero)
    assert c.positive != c.negative and c.train != c.test
