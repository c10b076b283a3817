"""The planar-data notebook's code, transcribed expression for expression, to compare with.

``python -m tests.engine.course_notebook`` runs the notebook's hidden-layer-size sweep
(5,000 steps at learning rate 1.2 for each size) through nnviz's course-exact session and
prints one JSON object: the OpenBLAS kernel in use and the accuracy per size. The test runs
it in a child process so that it can choose the BLAS kernel (``OPENBLAS_CORETYPE`` is read
once, when NumPy loads OpenBLAS).

The notebook draws from NumPy's global generator (``np.random.seed``); callers in a test
process restore the global state afterwards.
"""
from __future__ import annotations

import ctypes
import dataclasses
import glob
import json
import os

import numpy as np

SWEEP_SIZES = (1, 2, 3, 4, 5, 20, 50)
ITERATIONS = 5000
LEARNING_RATE = 1.2


# -- the notebook (planar_utils.load_planar_dataset and the exercise's functions) ----------

def load_planar_dataset():
    np.random.seed(1)
    m = 400
    N = int(m / 2)
    D = 2
    X = np.zeros((m, D))
    Y = np.zeros((m, 1), dtype='uint8')
    a = 4
    for j in range(2):
        ix = range(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
        r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    X = X.T
    Y = Y.T
    return X, Y


def sigmoid(x):
    s = 1 / (1 + np.exp(-x))
    return s


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(2)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X, parameters):
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=LEARNING_RATE):
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
    b1 = parameters["b1"] - learning_rate * grads["db1"]
    W2 = parameters["W2"] - learning_rate * grads["dW2"]
    b2 = parameters["b2"] - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def nn_model(X, Y, n_h, num_iterations=10000):
    np.random.seed(3)
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0])
    for i in range(0, num_iterations):
        A2, cache = forward_propagation(X, parameters)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
    return parameters


def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return A2 > 0.5


def notebook_accuracy(parameters, X, Y) -> float:
    """The notebook's printed accuracy, in percent."""
    predictions = predict(parameters, X).astype(int)
    return float((np.dot(Y, predictions.T) + np.dot(1 - Y, 1 - predictions.T))[0, 0]
                 / float(Y.size) * 100)


# -- nnviz's course-exact session ------------------------------------------------------------

def nnviz_session(n_h: int):
    from nnviz.training.config import course_default
    from nnviz.training.session import TrainingSession

    base = course_default().with_course_exact()
    assert base.hyper.learning_rate == LEARNING_RATE and base.hyper.optimizer == "gd"
    network = dataclasses.replace(base.network, hidden_units=(n_h,))
    return TrainingSession(dataclasses.replace(base, network=network))


def nnviz_accuracy(session) -> float:
    """The course's accuracy (``A > 0.5`` against the labels), in percent."""
    d = session.data
    predictions = (session.net.predict_output(d.X_train)[0] > 0.5).astype(int)
    return 100.0 * float(np.mean(predictions == d.y_train))


def same_parameters(session, parameters) -> bool:
    return all(np.array_equal(session.net.params[k], parameters[k]) for k in parameters)


def openblas_kernel() -> str:
    """The OpenBLAS core NumPy's BLAS runs on ("Haswell", "SkylakeX", ...), or "" when
    NumPy's BLAS is not its bundled OpenBLAS."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs")
    for path in glob.glob(os.path.join(libs, "libscipy_openblas*.so*")):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename"):
            if hasattr(lib, name):
                function = getattr(lib, name)
                function.restype = ctypes.c_char_p
                return function().decode()
    return ""


def nnviz_sweep(sizes=SWEEP_SIZES, iterations: int = ITERATIONS) -> dict:
    """nnviz's course-exact accuracy (percent) after ``iterations`` steps, per hidden size."""
    results = {}
    for n_h in sizes:
        session = nnviz_session(n_h)
        session.trainer.run(iterations, raise_on_divergence=True)
        results[n_h] = nnviz_accuracy(session)
    return results


if __name__ == "__main__":
    print(json.dumps({"kernel": openblas_kernel(), "accuracy": nnviz_sweep()}))
