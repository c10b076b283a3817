"""The built-in 8x8 handwritten digits (scikit-learn's copy of the UCI test set)."""
from __future__ import annotations

import numpy as np

from nnviz.engine.data import BUILTIN, DATASETS, load_builtin, make_dataset
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession


def test_digits_load_as_1797_images_of_8x8_pixels_in_10_classes():
    ds = load_builtin("digits")
    assert ds.X.shape == (64, 1797) and ds.task == "multiclass"
    assert ds.class_names == tuple("0123456789") and ds.n_outputs == 10
    assert np.array_equal(np.bincount(ds.y), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    assert ds.X.min() == 0 and ds.X.max() == 16 and np.array_equal(ds.X, np.round(ds.X))
    assert ds.meta["image_shape"] == (8, 8) and BUILTIN["digits"].image_shape == (8, 8)
    assert ds.feature_names[0] == "pixel_0_0" and ds.feature_names[-1] == "pixel_7_7"
    assert "Alpaydin" in ds.source and "BSD-3" in ds.meta["license"]
    # Row-major: the first example is a 0, a ring of ink around an empty middle.
    image = ds.X[:, 0].reshape(ds.meta["image_shape"])
    assert ds.y[0] == 0
    assert image[3:5, 3:5].sum() == 0 and image[3:5, 1].min() > 0 and image[3:5, 6].min() > 0
    assert make_dataset("digits").m == 1797 and DATASETS["digits"].kind == "builtin"


def test_a_64_32_10_softmax_network_reaches_95_percent_on_the_test_split():
    config = SessionConfig(
        DataSpec("digits", normalize=True),
        NetworkSpec(hidden_units=(32,), activations=("relu",), init="he", seed=1),
        Hyperparameters(optimizer="adam", learning_rate=0.01))
    session = TrainingSession(config)
    assert session.net.layer_dims == [64, 32, 10] and session.net.head == "softmax"
    assert session.data.m_test == 359  # 20% stratified hold-out
    session.trainer.run(300, raise_on_divergence=True)
    measured = session.measure()
    assert measured["test_metric"] >= 0.95
    # Constant pixels (always 0 in the training split) are centred, not divided by 0.
    assert session.data.constant_features and np.isfinite(session.data.X_train).all()
