"""The app's session save/load, step by step (prints figures, asserts nothing).

    python benchmarks/session_roundtrip.py

For each network: the capture on the worker thread (``session_data``: training pauses for
this long), writing the file and reading + rebuilding it (both on the file thread, never on
the GUI thread), the file size, and a check that the restored weights are bit-identical.
The trajectory is full (256 parameter vectors), as after any longer run.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnviz.engine.io import load_session, save_session  # noqa: E402
from nnviz.training.config import (DataSpec, Hyperparameters, NetworkSpec,  # noqa: E402
                                   SessionConfig)
from nnviz.training.session import TrainingSession  # noqa: E402
from nnviz.training.session_state import restore_session, session_data  # noqa: E402

CASES = {
    "course flower [2, 4, 1]": SessionConfig(),
    "moons [2, 16, 16, 1] adam": SessionConfig(
        DataSpec(name="moons"), NetworkSpec(hidden_units=(16, 16), activations=("relu",) * 2,
                                            init="he"),
        Hyperparameters(optimizer="adam", learning_rate=0.01, batch_size=64)),
    "breast cancer [30, 256, 256, 1]": SessionConfig(
        DataSpec(name="breast_cancer", normalize=True),
        NetworkSpec(hidden_units=(256, 256), activations=("relu",) * 2, init="he"),
        Hyperparameters(optimizer="adam", learning_rate=0.001, batch_size=64)),
}


def best_of(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> None:
    print(f"{'session':34} {'params':>8} {'traj':>5} {'capture':>9} {'save':>9} "
          f"{'load+rebuild':>13} {'size':>9}  bitwise")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name, config in CASES.items():
            session = TrainingSession(config)
            session.step(600)
            session.snapshot()
            capture, data = best_of(lambda: session_data(session))
            path = folder / "run.nnviz"
            save, _ = best_of(lambda: save_session(path, data))
            load, restored = best_of(lambda: restore_session(load_session(path), folder))
            same = restored.session.net.theta.tobytes() == session.net.theta.tobytes()
            print(f"{name:34} {session.net.n_params:8,d} {len(session.trajectory):5d} "
                  f"{capture * 1e3:7.1f}ms {save * 1e3:7.1f}ms {load * 1e3:11.1f}ms "
                  f"{path.stat().st_size / 1e6:7.2f}MB  {same}")


if __name__ == "__main__":
    main()
