"""Backpropagation step by step (the Backprop panel's engine side, no Qt).

- :func:`numbers_graph`: the course's ``J = 3(a + bc)`` graph on numbers.
- :func:`example_graph`: one example through a :class:`~nnviz.engine.network.Network`.
- :func:`vectorized_steps`: the vectorized backward equations, layer ``L`` back to 1.
- :func:`scalar_check`: the gradient-checking notebook's one-dimensional ``J(θ) = θx``.
"""
from .graph import (BACKWARD, FORWARD, INPUT, INTERMEDIATE, OUTPUT, ComputationGraph,
                    GraphEdge, GraphNode, GraphStep, Revealed, fmt)
from .numbers_graph import COURSE_INPUTS, numbers_graph
from .example_graph import (MAX_DRAWN_LAYERS, MAX_DRAWN_UNITS, ExampleGraph, ExampleLayer,
                            example_graph, fits_drawing, node_key)
from .scalar_check import COURSE_EPS, COURSE_THETA, COURSE_X, ScalarCheck, scalar_check
from .vectorized import Equation, LayerBackward, vectorized_steps
