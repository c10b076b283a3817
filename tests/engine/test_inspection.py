"""Qt-free inspection APIs for the views of issue 13: unit maps, W[1] pictures,
misclassified examples, the weight editor."""
from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.features import FeatureMap, InputPipeline
from nnviz.engine.inspection import (first_layer_images, misclassified, set_parameter,
                                     unit_maps, value_scale)
from nnviz.engine.network import Network


def test_unit_maps_are_each_units_activation_over_the_plane():
    net = Network([2, 3, 2, 1], ["tanh", "relu"], head="sigmoid", init="xavier", seed=3)
    xs, ys = np.linspace(-2, 2, 7), np.linspace(-1, 1, 5)
    maps = unit_maps(net, xs, ys)
    assert [m.shape for m in maps.maps] == [(3, 5, 7), (2, 5, 7), (1, 5, 7)]
    assert maps.scales == ("diverging", "positive", "unit")
    # Point (xs[4], ys[2]) by hand: A1 = tanh(W1 x + b1), A2 = relu(W2 A1 + b2), sigmoid.
    x = np.array([[xs[4]], [ys[2]]])
    p = net.params
    a1 = np.tanh(p["W1"] @ x + p["b1"])
    a2 = np.maximum(p["W2"] @ a1 + p["b2"], 0)
    a3 = 1 / (1 + np.exp(-(p["W3"] @ a2 + p["b3"])))
    for got, want in zip(maps.maps, (a1, a2, a3)):
        np.testing.assert_allclose(got[:, 2, 4], want[:, 0], rtol=1e-13, atol=1e-15)
    low, high = maps.ranges[0]
    assert low == -high and high >= np.abs(maps.maps[0]).max()
    assert maps.ranges[2] == (0.0, 1.0) and maps.ranges[1][0] == 0.0


def test_unit_maps_go_through_the_feature_pipeline():
    fm = FeatureMap(["x1^2", "x2^2"])
    net = Network([2, 1], [], head="sigmoid", init="he", seed=1)
    maps = unit_maps(net, [0.0, 1.0, 2.0], [0.5], InputPipeline(fm).transform)
    z = net.params["W1"] @ np.array([[0.0, 1.0, 4.0], [0.25, 0.25, 0.25]]) + net.params["b1"]
    np.testing.assert_allclose(maps.maps[0][0, 0], 1 / (1 + np.exp(-z[0])), rtol=1e-13)
    assert value_scale("leaky_relu") == "diverging" and value_scale("softmax") == "unit"


def test_first_layer_images_lay_each_units_weights_out_as_the_picture():
    net = Network([64, 5, 10], "relu", head="softmax", init="he", seed=1)
    images = first_layer_images(net, (8, 8))
    assert images.shape == (5, 8, 8)
    assert images[2, 3, 4] == net.params["W1"][2, 3 * 8 + 4]
    with pytest.raises(ValueError, match="7x7 needs 49"):
        first_layer_images(net, (7, 7))


def test_misclassified_lists_the_wrong_predictions():
    net = Network([1, 1], [], head="sigmoid", init="zeros")
    net.params["W1"][...] = 1.0  # predicts 1 for x > 0
    X = np.array([[-2.0, -1.0, 1.0, 2.0]])
    result = misclassified(net, X, [0, 1, 1, 0])
    assert result.indices.tolist() == [1, 3] and result.predicted.tolist() == [0, 1]
    assert result.true.tolist() == [1, 0] and result.n_total == 4
    assert misclassified(net, X, [0, 1, 1, 0], limit=1).indices.tolist() == [1]


def test_set_parameter_edits_one_weight_or_bias_in_place():
    net = Network([2, 3, 1], "tanh", head="sigmoid", init="xavier", seed=2)
    old = net.params["W2"][0, 1]
    assert set_parameter(net, "W2", (0, 1), 0.75) == old
    assert net.params["W2"][0, 1] == 0.75
    assert net.theta[net.param_slice("W2")][1] == 0.75  # the flat vector sees it
    set_parameter(net, "b1", 2, -0.5)
    assert net.params["b1"][2, 0] == -0.5
    for name, index, value in (("W3", (0, 0), 1.0), ("W1", (3, 0), 1.0),
                               ("W1", (0, 0), np.nan)):
        with pytest.raises(ValueError):
            set_parameter(net, name, index, value)
