"""What the Backprop panel computes, off the GUI thread: the bodies of its JobRunner jobs.

Nothing here touches a widget. The network pages rebuild a float64 network from the
(immutable) snapshot inside the job and use the training split as the network sees it
(normalized when normalization is on), like the gradient-check inspector.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nnviz.engine.backprop_steps import (ComputationGraph, ExampleGraph, LayerBackward,
                                         example_graph, numbers_graph, vectorized_steps)


@dataclass(frozen=True)
class ExampleResult:
    example: ExampleGraph
    m: int               # training examples to choose from
    iteration: int
    generation: int

    @property
    def graph(self) -> ComputationGraph:
        return self.example.graph


@dataclass(frozen=True)
class VectorizedResult:
    steps: tuple[LayerBackward, ...]   # layer L first
    # per step, max |dW[l] of the page - dW[l] the training computed| / max |dW[l]|
    agreement: tuple[float, ...]
    m: int
    lambd: float
    iteration: int
    generation: int


def run_numbers(a: float, b: float, c: float, job=None) -> ComputationGraph:
    return numbers_graph(a, b, c)


def _training_data(snapshot):
    data = snapshot.data
    X = np.asarray(data.X_train, np.float64)
    Y = np.asarray(data.Y_train, np.float64)
    if X.shape[1] == 0:
        raise ValueError("the training split is empty: there is no example to follow")
    return X, Y


def run_example(snapshot, index: int, units: Sequence[int] | None, job=None) -> ExampleResult:
    """Example ``index`` of the training split through the snapshot's network. An index or
    ``units`` that no longer fit (new data, a rebuilt network) fall back to the last example
    and the default units."""
    net = snapshot.network(np.float64)
    X, Y = _training_data(snapshot)
    index = min(int(index), X.shape[1] - 1)
    if units is not None and (len(units) != net.L + 1
                              or any(not 0 <= u < n for u, n in zip(units, net.layer_dims))):
        units = None
    example = example_graph(net, X, Y, index, units)
    return ExampleResult(example, X.shape[1], snapshot.iteration, snapshot.generation)


def run_vectorized(snapshot, job=None) -> VectorizedResult:
    """The backward equations on the whole training split, with the training's lambda, and how
    far each dW[l] is from the one the training computed for the same snapshot."""
    net = snapshot.network(np.float64)
    X, Y = _training_data(snapshot)
    lambd = float(snapshot.config.hyper.lambd)
    steps = vectorized_steps(net, X, Y, lambd)
    agreement = []
    for step in steps:
        trained = np.asarray(snapshot.layers[step.layer - 1].dW, np.float64)
        scale = float(np.abs(trained).max()) or 1.0
        agreement.append(float(np.abs(step.dW - trained).max()) / scale)
    return VectorizedResult(steps, tuple(agreement), X.shape[1], lambd, snapshot.iteration,
                            snapshot.generation)
