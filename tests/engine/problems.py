"""Small random problems (a network and data) shared by the engine tests."""
import numpy as np

from nnviz.engine import Network
from nnviz.engine.data.dataset import targets_matrix


def random_problem(dims, activation="tanh", head="sigmoid", m=9, seed=0, init="xavier",
                   data_offset=100):
    """A seeded network and ``m`` random examples with targets that fit ``head``."""
    net = Network(dims, activation, head=head, init=init, seed=seed)
    rng = np.random.default_rng(seed + data_offset)
    X = rng.standard_normal((dims[0], m))
    if head == "sigmoid":
        Y = (rng.random((1, m)) > 0.5).astype(float)
    elif head == "softmax":
        Y = targets_matrix(rng.integers(0, dims[-1], m), "multiclass", dims[-1])
    else:
        Y = rng.standard_normal((dims[-1], m))
    return net, X, Y
