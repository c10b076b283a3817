"""A computation graph with its values, its derivatives and the steps that fill them in.

A graph is built complete (every value and every ``dJ/dnode`` already computed); the steps
say in which order a learner sees them: the forward steps fill the values in topological
order, the backward steps then fill the derivatives in reverse order, each one written as the
chain-rule products of the edges leaving the node. :meth:`ComputationGraph.revealed` tells a
view what is visible after ``k`` steps, so stepping back and forth is just changing ``k``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FORWARD, BACKWARD = "forward", "backward"
INPUT, INTERMEDIATE, OUTPUT = "input", "intermediate", "output"


def fmt(x: float, digits: int = 4) -> str:
    """A number as the steps write it: ``33``, ``0.1235``, ``-2.5e-05``."""
    x = float(x)
    if x == 0:
        return "0"  # never "-0"
    if np.isfinite(x) and x == round(x) and abs(x) < 1e6:
        return str(int(round(x)))
    return f"{x:.{digits}g}"


def par(x: float, digits: int = 4) -> str:
    """:func:`fmt`, in parentheses when negative: a factor inside a product or a sum."""
    text = fmt(x, digits)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class GraphNode:
    key: str            # unique within the graph: "u", "z2_0"
    label: str          # as written: "u", "z[2]_1"
    kind: str           # INPUT (known from the start), INTERMEDIATE or OUTPUT
    column: int         # layout hint: inputs in column 0, the output last
    row: float          # layout hint: position within the column, from the top
    formula: str        # "u = b c"; "" for an input
    value: float
    derivative: float   # dJ/d(node), J the graph's output


@dataclass(frozen=True)
class GraphEdge:
    source: str         # node key; the target depends on the source
    target: str
    local: float        # d target / d source at the current values
    local_text: str     # "du/db = c = 2"
    product: float      # dJ/d target * d target / d source: this edge's share of dJ/d source
    product_text: str   # "3 × 2 = 6", written beside the edge once the backward pass reaches it


@dataclass(frozen=True)
class GraphStep:
    phase: str          # FORWARD (fills node's value) or BACKWARD (fills its derivative)
    node: str
    edges: tuple[int, ...]  # edges used: into the node (forward) or out of it (backward)
    text: str           # "u = b c = 3 × 2 = 6", "dJ/db = dJ/du · du/db = 3 × 2 = 6"


@dataclass(frozen=True)
class Revealed:
    """What a view shows after some steps."""
    values: frozenset[str]        # node keys whose value is filled in
    derivatives: frozenset[str]   # node keys whose derivative is filled in
    products: frozenset[int]      # edges whose chain-rule product is written
    current: GraphStep | None     # the last step taken (None before the first)


@dataclass(frozen=True)
class ComputationGraph:
    title: str
    output: str                   # key of the node J
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    forward_steps: tuple[GraphStep, ...]
    backward_steps: tuple[GraphStep, ...]
    notes: tuple[str, ...] = ()

    def __post_init__(self):
        keys = [n.key for n in self.nodes]
        if len(set(keys)) != len(keys):
            raise ValueError("node keys must be unique")
        known = set(keys)
        for e in self.edges:
            if e.source not in known or e.target not in known:
                raise ValueError(f"edge {e.source} -> {e.target} names an unknown node")
        if self.output not in known:
            raise ValueError(f"unknown output node {self.output!r}")

    @property
    def n_steps(self) -> int:
        return len(self.forward_steps) + len(self.backward_steps)

    @property
    def steps(self) -> tuple[GraphStep, ...]:
        return self.forward_steps + self.backward_steps

    def node(self, key: str) -> GraphNode:
        for n in self.nodes:
            if n.key == key:
                return n
        raise KeyError(key)

    def value(self, key: str) -> float:
        return self.node(key).value

    def derivative(self, key: str) -> float:
        return self.node(key).derivative

    def revealed(self, k: int) -> Revealed:
        """The state after the first ``k`` steps (``0 <= k <= n_steps``)."""
        if not 0 <= k <= self.n_steps:
            raise ValueError(f"step {k} is outside 0..{self.n_steps}")
        taken = self.steps[:k]
        values = {n.key for n in self.nodes if n.kind == INPUT}
        derivatives: set[str] = set()
        products: set[int] = set()
        for step in taken:
            if step.phase == FORWARD:
                values.add(step.node)
            else:
                derivatives.add(step.node)
                products.update(step.edges)
        return Revealed(frozenset(values), frozenset(derivatives), frozenset(products),
                        taken[-1] if taken else None)


def topological_order(keys: list[str], edges: list[GraphEdge]) -> list[str]:
    """Nodes so that every edge goes forward; ties keep the order of ``keys``."""
    parents = {k: set() for k in keys}
    for e in edges:
        parents[e.target].add(e.source)
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(keys):
        ready = [k for k in keys if k not in done and parents[k] <= done]
        if not ready:
            raise ValueError("the graph has a cycle")
        order.extend(ready)
        done.update(ready)
    return order
