"""Image data (digits): W[1] rows as pictures, live, and the misclassified test images."""
import os

import numpy as np
import pytest

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.image_views import ImageDataView, largest_tiles, tile, tile_origin

DIGITS = SessionConfig(DataSpec(name="digits", normalize=True),
                       NetworkSpec(hidden_units=(32,), activations=("relu",), init="he"),
                       Hyperparameters(optimizer="adam", learning_rate=0.01))


def test_tile_lays_pictures_out_row_major_with_gaps():
    pictures = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    mosaic = tile(pictures, 2)
    assert mosaic.shape == (3 * 3 - 1, 2 * 4 - 1)
    for n in range(5):
        x, y = tile_origin(n, 2, (2, 3))
        np.testing.assert_array_equal(mosaic[y:y + 2, x:x + 3], pictures[n])
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 3]).all()  # the gaps
    assert np.isnan(mosaic[6:, 4:]).all()  # the empty sixth tile


def test_weights_and_misclassified_images_follow_the_snapshot(qtbot):
    session = TrainingSession(DIGITS)
    session.step(5)
    view = ImageDataView()
    qtbot.addWidget(view)
    snap = session.snapshot()
    view.update_from(snap)
    W1 = snap.layers[0].W
    mosaic = view.weights.image
    assert largest_tiles(32, (8, 8), 720, 360) == 8  # 4 rows of 8 in a 2:1 area
    assert largest_tiles(32, (8, 8), 360, 720) == 4  # and 8 rows of 4 in a 1:2 one
    columns = view.weight_columns  # as many as suit the weights' own area
    assert columns == largest_tiles(32, (8, 8), *view._weights_area())
    for n in (0, 7, 31):
        x, y = tile_origin(n, columns, (8, 8))
        np.testing.assert_array_equal(mosaic[y:y + 8, x:x + 8], W1[n].reshape(8, 8))
    assert tuple(view.weights.levels) == (-np.abs(W1).max(), np.abs(W1).max())
    # The wrong ones, recomputed here: predicted class != label on the test split.
    net = snap.network()
    predicted = net.predict(snap.data.X_test)
    wrong = np.flatnonzero(predicted != snap.data.y_test)
    images = snap.evaluation.images
    assert images.n_wrong == wrong.size and images.n_total == snap.data.m_test
    k = images.pictures.shape[0]
    assert k == min(wrong.size, 40) and k > 0
    np.testing.assert_array_equal(images.pictures[0],
                                  snap.data.X_test_raw[:, wrong[0]].reshape(8, 8))
    shown = view.plan.shown  # the first ones, as many as fit at a readable size
    assert 0 < shown <= k
    assert view.predicted_labels == [str(p) for p in predicted[wrong[:shown]]]
    assert f"{wrong.size} of {snap.data.m_test}" in view.wrong_plot.titleLabel.text
    # Live: after training, the weights picture changes and fewer images are wrong.
    session.step(40)
    later = session.snapshot()
    view.update_from(later)
    assert not np.array_equal(view.weights.image, mosaic)
    assert later.evaluation.images.n_wrong < images.n_wrong


def test_training_panel_shows_the_image_view_for_digits(qtbot):
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.panels import panel_spec
    from nnviz.ui.settings import open_settings

    w = MainWindow(config=DIGITS, settings=open_settings(os.environ["NNVIZ_SETTINGS"]),
                   panels=[panel_spec("training")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.snapshots_delivered > 0, timeout=20000)
    panel = w.panels["training"]
    qtbot.waitUntil(lambda: isinstance(panel.outcome.currentWidget(), ImageDataView),
                    timeout=20000)
    assert panel.outcome.currentWidget() is panel.view("images")
    assert "prediction" in panel.figures()
    w.close()
