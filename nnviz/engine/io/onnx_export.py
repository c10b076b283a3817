"""ONNX export: one graph from raw inputs to predictions (needs ``pip install 'nnviz[onnx]'``).

Layout: ONNX's usual one example per *row*. Input ``X`` is ``(m, n0)`` raw features (the
transpose of the course's ``(n0, m)``), in the network's dtype (``float64`` by default), with
a free batch dimension ``m``. The graph is

    F = [x1, x2, x1^2, ...]                   (only with input features: X is (m, 2) raw)
    A0 = (F - mean) / std                     (only if the inputs were normalized)
    Z[l] = A[l-1] W[l]^T + b[l]^T              (Gemm, W[l] stored as (n[l], n[l-1]))
    A[l] = g[l](Z[l])                          (output: sigmoid, softmax or linear)

Outputs: ``A`` ``(m, n[L])``: probabilities (sigmoid, softmax) or values (linear); for
classification also ``label`` ``(m,)`` int64: the predicted class index (``A > 0.5`` or the
arg max), an index into ``class_names``. The weights keep their course names (``W1``,
``b1``, ...) as initializers; the nnviz metadata JSON is in ``metadata_props["nnviz"]``.
Operators are opset 17 primitives with float64 kernels in onnxruntime (leaky ReLU, ELU,
softplus, GELU and swish are composed from Where/Exp/Log/Tanh/Mul).
"""
from __future__ import annotations

import json

import numpy as np

from ..activations import get_activation
from .errors import ExportError

OPSET = 17
IR_VERSION = 8  # the IR of opset 17 (onnx 1.12), readable by onnxruntime >= 1.12


def onnx_writer(net, normalizer, meta: dict, path, features=None):
    model = build_onnx_model(net, normalizer, meta, path, features)
    data = model.SerializeToString()
    return lambda f: f.write(data)


def build_onnx_model(net, normalizer=None, meta: dict | None = None, path=None,
                     features=None):
    try:
        import onnx
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        raise ExportError(f"Cannot export {path or 'to ONNX'}: ONNX export needs the optional "
                          "onnx package. Install it with: pip install 'nnviz[onnx]' "
                          "(or export .npz/.json).", path or "") from None

    np_dtype = net.dtype
    elem = TensorProto.DOUBLE if np_dtype == np.float64 else TensorProto.FLOAT
    n0, nL = net.layer_dims[0], net.layer_dims[-1]
    nodes, inits = [], []

    def const(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=np_dtype), name))
        return name

    def node(op, inputs, output, **attrs):
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    a, n_in = "X", n0
    if features is not None:
        a, n_in = _feature_nodes(features, node, inits, numpy_helper), features.n_inputs
    if normalizer is not None:
        mean = const("mean", np.asarray(normalizer.mean).reshape(1, n0))
        std = const("std", np.asarray(normalizer.std).reshape(1, n0))
        a = node("Div", [node("Sub", [a, mean], "X_centred"), std], "A0")
    for l in range(1, net.L + 1):
        W = const(f"W{l}", net.params[f"W{l}"])
        b = const(f"b{l}", net.params[f"b{l}"].reshape(-1))
        z = node("Gemm", [a, W, b], f"Z{l}", transB=1)
        out = "A" if l == net.L else f"A{l}"
        if l == net.L:
            a = _head(net.head, z, out, node)
        else:
            a = _activation(net.activations[l - 1], net.alpha, z, out, node, const)

    outputs = [helper.make_tensor_value_info("A", elem, ["m", nL])]
    if net.head == "sigmoid":
        above = node("Greater", ["A", const("half", 0.5)], "A_above_half")
        as_int = node("Cast", [above], "label_column", to=TensorProto.INT64)
        axes = "squeeze_axes"
        inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), axes))
        node("Squeeze", [as_int, axes], "label")
    elif net.head == "softmax":
        node("ArgMax", ["A"], "label", axis=1, keepdims=0)
    if net.head in ("sigmoid", "softmax"):
        outputs.append(helper.make_tensor_value_info("label", TensorProto.INT64, ["m"]))

    graph = helper.make_graph(
        nodes, "nnviz_network", [helper.make_tensor_value_info("X", elem, ["m", n_in])],
        outputs, initializer=inits,
        doc_string=f"nnviz network {net.describe()}: X (m, n0) raw inputs -> A (m, nL)")
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="nnviz",
                              producer_version=(meta or {}).get("nnviz_version", ""))
    model.ir_version = IR_VERSION
    model.doc_string = __doc__.split("\n\n")[1]
    if meta is not None:
        helper.set_model_props(model, {
            "nnviz": json.dumps(meta, allow_nan=False),
            "feature_names": json.dumps(meta["dataset"]["feature_names"]),
            "class_names": json.dumps(meta["dataset"]["class_names"]),
        })
    onnx.checker.check_model(model)
    return model


def _feature_nodes(features, node, inits, numpy_helper) -> str:
    """``F (m, n_features)`` from the raw ``X (m, 2)``: column slices, products, sines."""
    def int64(name, values):
        inits.append(numpy_helper.from_array(np.array(values, dtype=np.int64), name))
        return name

    axis = int64("feature_axis", [1])
    cols = {f"x{j + 1}": node("Slice", ["X", int64(f"x{j + 1}_start", [j]),
                                         int64(f"x{j + 1}_end", [j + 1]), axis], f"x{j + 1}")
            for j in range(features.n_inputs)}
    made = {"x1": cols["x1"], "x2": cols["x2"],
            "x1^2": lambda: node("Mul", [cols["x1"], cols["x1"]], "x1_squared"),
            "x2^2": lambda: node("Mul", [cols["x2"], cols["x2"]], "x2_squared"),
            "x1*x2": lambda: node("Mul", [cols["x1"], cols["x2"]], "x1_times_x2"),
            "sin(x1)": lambda: node("Sin", [cols["x1"]], "sin_x1"),
            "sin(x2)": lambda: node("Sin", [cols["x2"]], "sin_x2")}
    outputs = [made[n] if isinstance(made[n], str) else made[n]() for n in features.names]
    return node("Concat", outputs, "F", axis=1)


def _head(head: str, z: str, out: str, node) -> str:
    if head == "sigmoid":
        return node("Sigmoid", [z], out)
    if head == "softmax":
        return node("Softmax", [z], out, axis=1)  # over the classes of each example (row)
    return node("Identity", [z], out)


def _activation(name: str, alpha, z: str, out: str, node, const) -> str:
    act = get_activation(name)
    al = act.default_alpha if alpha is None else alpha
    p = out + "_"  # prefix for this layer's intermediate tensors
    if name == "sigmoid":
        return node("Sigmoid", [z], out)
    if name == "tanh":
        return node("Tanh", [z], out)
    if name == "relu":
        return node("Relu", [z], out)
    if name == "linear":
        return node("Identity", [z], out)
    positive = node("Greater", [z, const(p + "zero", 0.0)], p + "positive") \
        if name in ("leaky_relu", "elu") else None
    if name == "leaky_relu":  # z for z > 0, alpha z otherwise
        return node("Where", [positive, z, node("Mul", [z, const(p + "alpha", al)], p + "neg")],
                    out)
    if name == "elu":  # z for z > 0, alpha (e^z - 1) otherwise
        e = node("Exp", [node("Min", [z, p + "zero"], p + "zmin")], p + "exp")
        neg = node("Mul", [node("Sub", [e, const(p + "one", 1.0)], p + "em1"),
                           const(p + "alpha", al)], p + "neg")
        return node("Where", [positive, z, neg], out)
    if name == "softplus":  # max(z, 0) + log(1 + e^-|z|), stable for any z
        e = node("Exp", [node("Neg", [node("Abs", [z], p + "abs")], p + "negabs")], p + "exp")
        log = node("Log", [node("Add", [e, const(p + "one", 1.0)], p + "1pe")], p + "log")
        return node("Add", [node("Relu", [z], p + "relu"), log], out)
    if name == "gelu":  # z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))
        z3 = node("Mul", [node("Mul", [z, z], p + "z2"), z], p + "z3")
        inner = node("Add", [z, node("Mul", [z3, const(p + "k", 0.044715)], p + "kz3")],
                     p + "inner")
        t = node("Tanh", [node("Mul", [inner, const(p + "c", np.sqrt(2.0 / np.pi))], p + "u")],
                 p + "tanh")
        onep = node("Add", [t, const(p + "one", 1.0)], p + "onep")
        half_z = node("Mul", [z, const(p + "half", 0.5)], p + "halfz")
        return node("Mul", [half_z, onep], out)
    if name == "swish":  # z sigmoid(z)
        return node("Mul", [z, node("Sigmoid", [z], p + "sigmoid")], out)
    raise ExportError(f"ONNX export does not know the activation {name!r}", "")
