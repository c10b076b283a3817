"""The course's first computation graph: ``J = 3(a + bc)``, built as ``u = bc``, ``v = a + u``,
``J = 3v``. With ``a = 5, b = 3, c = 2``: ``J = 33``, ``dJ/dv = 3``, ``dJ/da = 3``,
``dJ/du = 3``, ``dJ/db = 6``, ``dJ/dc = 9``."""
from __future__ import annotations

import numpy as np

from .graph import (BACKWARD, FORWARD, INPUT, INTERMEDIATE, OUTPUT, ComputationGraph,
                    GraphEdge, GraphNode, GraphStep, fmt, topological_order)

COURSE_INPUTS = {"a": 5.0, "b": 3.0, "c": 2.0}


def numbers_graph(a: float = 5.0, b: float = 3.0, c: float = 2.0) -> ComputationGraph:
    """The graph of ``J = 3(a + bc)`` at the given inputs, with its forward and backward steps."""
    a, b, c = (float(v) for v in (a, b, c))
    if not all(np.isfinite(v) for v in (a, b, c)):
        raise ValueError(f"a, b and c must be finite numbers, got {a!r}, {b!r}, {c!r}")
    u = b * c
    v = a + u
    J = 3.0 * v
    dJ = {"J": 1.0, "v": 3.0}
    dJ["u"] = dJ["v"] * 1.0
    dJ["a"] = dJ["v"] * 1.0
    dJ["b"] = dJ["u"] * c
    dJ["c"] = dJ["u"] * b
    nodes = (
        GraphNode("a", "a", INPUT, 0, 0.0, "", a, dJ["a"]),
        GraphNode("b", "b", INPUT, 0, 1.0, "", b, dJ["b"]),
        GraphNode("c", "c", INPUT, 0, 2.0, "", c, dJ["c"]),
        GraphNode("u", "u", INTERMEDIATE, 1, 1.5, "u = b c", u, dJ["u"]),
        GraphNode("v", "v", INTERMEDIATE, 2, 0.75, "v = a + u", v, dJ["v"]),
        GraphNode("J", "J", OUTPUT, 3, 0.75, "J = 3 v", J, dJ["J"]),
    )
    # (source, target, local derivative d target / d source, how it is written)
    local = (("b", "u", c, f"du/db = c = {fmt(c)}"), ("c", "u", b, f"du/dc = b = {fmt(b)}"),
             ("a", "v", 1.0, "dv/da = 1"), ("u", "v", 1.0, "dv/du = 1"),
             ("v", "J", 3.0, "dJ/dv = 3"))
    edges = tuple(GraphEdge(s, t, d, text, dJ[t] * d,
                            f"{fmt(dJ[t])} × {fmt(d)} = {fmt(dJ[t] * d)}")
                  for s, t, d, text in local)

    forward_text = {
        "u": f"u = b c = {fmt(b)} × {fmt(c)} = {fmt(u)}",
        "v": f"v = a + u = {fmt(a)} + {fmt(u)} = {fmt(v)}",
        "J": f"J = 3 v = 3 × {fmt(v)} = {fmt(J)}",
    }
    keys = [n.key for n in nodes]
    forward_steps = tuple(
        GraphStep(FORWARD, k, tuple(i for i, e in enumerate(edges) if e.target == k),
                  forward_text[k])
        for k in topological_order(keys, list(edges)) if k in forward_text)

    backward_steps = []
    reversed_edges = [GraphEdge(e.target, e.source, 0.0, "", 0.0, "") for e in edges]
    for k in topological_order(keys, reversed_edges):
        out = tuple(i for i, e in enumerate(edges) if e.source == k)
        if not out:
            text = "dJ/dJ = 1"
        elif k == "v":
            text = "dJ/dv = 3"
        else:
            (i,) = out  # every other node of this graph feeds exactly one node
            t = edges[i].target
            text = f"dJ/d{k} = dJ/d{t} · d{t}/d{k} = {edges[i].product_text}"
        backward_steps.append(GraphStep(BACKWARD, k, out, text))
    return ComputationGraph("J = 3(a + bc)", "J", nodes, edges, forward_steps,
                            tuple(backward_steps),
                            notes=("u = bc and v = a + u name the intermediate results.",))
