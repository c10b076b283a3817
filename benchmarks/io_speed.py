"""Export/load times and file sizes for weights and sessions (prints figures, asserts nothing).

    python benchmarks/io_speed.py
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from nnviz.engine.io import (SessionData, export_weights, load_session, load_weights,
                             save_session)
from nnviz.engine.network import Network
from nnviz.engine.normalization import Standardizer


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main():
    rng = np.random.default_rng(0)
    nets = {"course [2, 4, 1]": Network([2, 4, 1], "tanh", head="sigmoid"),
            "medium [30, 64, 64, 1]": Network([30, 64, 64, 1], "relu", head="sigmoid"),
            "large [784, 512, 512, 10]": Network([784, 512, 512, 10], "relu", head="softmax")}
    try:
        import onnx  # noqa: F401
        formats = ("npz", "json", "onnx")
    except ImportError:
        formats = ("npz", "json")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        print(f"{'network':28} {'format':6} {'params':>9} {'size':>10} {'export':>9} {'load':>9}")
        for name, net in nets.items():
            net.theta[...] = rng.standard_normal(net.n_params)
            norm = Standardizer.fit(rng.standard_normal((net.layer_dims[0], 50)))
            for fmt in formats:
                path = folder / f"w.{fmt}"
                t_export, _ = timed(lambda: export_weights(path, net, normalizer=norm))
                load = (lambda: load_weights(path)) if fmt != "onnx" else None
                t_load = timed(load)[0] if load else float("nan")
                print(f"{name:28} {fmt:6} {net.n_params:>9} {path.stat().st_size / 1e6:>8.2f}MB "
                      f"{t_export * 1e3:>7.1f}ms {t_load * 1e3:>7.1f}ms")
        net = nets["medium [30, 64, 64, 1]"]
        trajectory = [net.theta + 0.01 * i for i in range(256)]
        history = {"iterations": np.arange(2048), "train_cost": rng.random(2048),
                   "test_cost": rng.random(2048), "grad_norm": rng.random((2048, 3))}
        data = SessionData.from_network(net, dataset={"kind": "generated", "name": "flower"},
                                        history=history, trajectory=trajectory)
        path = folder / "s.nnviz"
        t_save, _ = timed(lambda: save_session(path, data))
        t_load, _ = timed(lambda: load_session(path))
        raw = 256 * net.n_params * 8 / 1e6
        print(f"session: {net.n_params} params, 256-step trajectory ({raw:.1f} MB raw), "
              f"2048-step history: {path.stat().st_size / 1e6:.2f} MB, save "
              f"{t_save * 1e3:.0f} ms, load {t_load * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
