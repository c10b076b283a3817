"""Labels of the plots a learner reads: class names under the confusion matrix never run
together (offscreen)."""
from itertools import combinations
from types import SimpleNamespace

import numpy as np

from nnviz.training.snapshot import Evaluation
from nnviz.ui.widgets.outcome_views import ConfusionView
from tests.ui.layout_rules import tick_texts

IRIS = ("setosa", "versicolor", "virginica")


def confusion_view(qtbot, names, size):
    view = ConfusionView()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    k = len(names)
    cm = np.arange(k * k).reshape(k, k) + np.eye(k, dtype=int) * 20
    view.update_from(SimpleNamespace(evaluation=Evaluation("test", cm, None, None),
                                     data=SimpleNamespace(class_names=names)))
    qtbot.waitUntil(lambda: view.getPlotItem().getAxis("bottom").width() > 100, timeout=5000)
    qtbot.wait(50)
    return view


def test_class_names_under_a_narrow_confusion_matrix_never_overlap(qtbot):
    view = confusion_view(qtbot, IRIS, (230, 220))
    axis = view.getPlotItem().getAxis("bottom")
    texts = tick_texts(axis)
    assert len(texts) == 3
    for (a, _, ta, _), (b, _, tb, _) in combinations(texts, 2):
        assert not a.intersects(b), (ta, tb)
    shown = [text for _, _, text, _ in texts]
    assert any(text.endswith("…") for text in shown)  # too narrow for "versicolor"
    for text, name in zip(shown, IRIS):
        assert name.startswith(text.rstrip("…")) and text.rstrip("…")
    assert all(name in axis.toolTip() for name in IRIS)  # the full names on hover


def test_class_names_are_whole_when_there_is_room(qtbot):
    view = confusion_view(qtbot, IRIS, (700, 600))
    texts = tick_texts(view.getPlotItem().getAxis("bottom"))
    assert [text for _, _, text, _ in texts] == list(IRIS)
    for (a, _, _, _), (b, _, _, _) in combinations(texts, 2):
        assert not a.intersects(b)
    # The true-class axis (names beside the rows) has them whole too.
    left = [text for _, _, text, _ in tick_texts(view.getPlotItem().getAxis("left"))]
    assert left == list(IRIS)
