"""The network diagram lays itself out for its size: pictures of at least 40 px in the Train
workspace's diagram area (about 1000 x 260 at 1366x768, 1500 x 390 at 1920x1080) for up to 8
units a layer, input features pictured too, the width used."""
import dataclasses
import itertools

import pytest

from nnviz.training.config import course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.diagram_layout import MIN_PICTURE, circle_layout, picture_layout

TRAIN_AREAS = ((1000, 260), (1500, 390))
ALL_FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


def snapshot(hidden, features=()):
    config = course_default()
    network = dataclasses.replace(config.network, hidden_units=tuple(hidden),
                                  activations=("tanh",) * len(hidden))
    data = dataclasses.replace(config.data, features=tuple(features)) if features \
        else config.data
    return TrainingSession(dataclasses.replace(config, network=network, data=data)).snapshot()


def squares(diagram):
    side = diagram.picture_side
    return [(p.x() - side / 2, p.y() - side / 2, side)
            for pos in diagram._positions for p in pos.values()]


@pytest.mark.parametrize("size", TRAIN_AREAS)
@pytest.mark.parametrize("hidden, features", [((4,), ()), ((8,), ()), ((8, 8), ()),
                                              ((8, 8), ALL_FEATURES), ((3, 8, 5), ())])
def test_pictures_are_large_inside_and_apart_in_the_train_area(qtbot, size, hidden, features):
    from nnviz.ui.panels.base import PanelContext
    from nnviz.ui.panels.network.panel import NetworkPanel
    from nnviz.ui.settings import open_settings
    from nnviz.ui.theme import colors
    import os
    import types

    appearance = types.SimpleNamespace(colors=colors())
    context = PanelContext(None, open_settings(os.environ["NNVIZ_SETTINGS"]), appearance)
    panel = NetworkPanel(context)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    snap = snapshot(hidden, features)
    panel.diagram.set_snapshot(snap)
    d = panel.diagram
    n_units = sum(snap.layer_dims)
    assert len(d.pictured_units) == n_units  # every unit and every input feature
    assert d.picture_side >= MIN_PICTURE
    boxes = squares(d)
    for x, y, s in boxes:  # inside the widget, clear of the captions
        assert 0 <= x and x + s <= d.width() and 16 <= y and y + s <= d.height() - 16
    for (x1, y1, s), (x2, y2, _) in itertools.combinations(boxes, 2):
        assert abs(x1 - x2) >= s or abs(y1 - y2) >= s  # no two pictures overlap
    # The width is used: the layers spread over more than half of it.
    xs = [x for x, _, _ in boxes]
    assert max(xs) + d.picture_side - min(xs) > 0.5 * d.width()
    # One line of caption below: the diagram keeps the panel's height.
    assert d.height() >= size[1] - 45


def test_a_layer_wraps_into_two_columns_only_when_one_would_be_too_small():
    # 8 units in a 190 px tall column would be 20 px pictures: two columns of 4.
    short = picture_layout([2, 8, 1], 1000, 224, 30)
    assert short.columns == (1, 2, 1) and short.picture >= MIN_PICTURE
    # Tall enough for one column of 40 px (and two would not be half as large again).
    tall = picture_layout([2, 8, 1], 1000, 500, 30)
    assert tall.columns == (1, 1, 1) and tall.picture >= MIN_PICTURE
    # Too small for pictures at all: None (the diagram draws circles).
    assert picture_layout([2, 8, 8, 1], 240, 60, 30) is None
    circles = circle_layout([2, 8, 1], 240, 150)
    assert circles.picture == 0 and len(circles.centres[1]) == 8
