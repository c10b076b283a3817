"""The gradient check on the largest network (30 layers: 29 hidden of 512 units, tanh, 7.4
million parameters): peak memory and how fast a cancel is honoured.

    .venv/bin/python benchmarks/gradient_check_memory.py [--examples 32]
        [--directional-examples 2000] [--run-for 1.0] [--limit-gb 8]

Three runs, each cancelled (as closing the window or pressing Stop does) once it has been
computing for ``--run-for`` seconds:

- ``epsilon_sweep`` over all parameters (the panel's "error against eps" for the whole
  vector), on ``--examples`` examples (the panel's default subset: 32);
- ``gradient_check`` (full) on the same examples;
- ``directional_check`` (3 random directions) on ``--directional-examples`` examples (the
  panel's "all examples" on a large data set: every evaluation of J is a long forward pass).

Printed for each: the peak of memory allocated during the run (tracemalloc, which NumPy
reports its arrays to; the network and data built before are not counted) and the cancel
latency (from setting the cancel flag to the call returning). Targets: peak about 256 MB,
latency under 0.5 s. The process runs under an address-space limit (``--limit-gb``, 8 by
default) so that a run asking for tens of gigabytes fails with MemoryError instead of
taking the machine's memory from everything else; such a run prints what it asked for.

Before issue 22 (the old code, this script, 2 loaded cores, m = 32 / 2,000):
    epsilon_sweep (all)    MemoryError under the 8 GB limit (8,153 MB traced) asking for
                           2.52 GiB more: (eps x signs x parameters) = 338,395,182 values
    gradient_check (full)  peak 1,376 MB; no cancel check for the first 5.6 s
    directional_check      peak 846 MB; cancel latency 1.38 s between evaluations of J,
                           no cancel check for the first 6.3 s (backprop on 2,000 examples)
After: the sweep ~375-435 MB (five or six parameter-sized arrays of 59 MB: the float64
copy of the network and its gradient, dtheta, the indices, W transposed; the rest is
bounded by the blocks), latencies 0.01-0.1 s everywhere.
"""
from __future__ import annotations

import argparse
import resource
import threading
import time
import tracemalloc

import numpy as np
from threadpoolctl import threadpool_limits

from nnviz.engine import Network
from nnviz.engine.gradient_check import (CheckCancelled, directional_check, epsilon_sweep,
                                         gradient_check)

HIDDEN = (512,) * 29
TARGET_PEAK_MB = 256
TARGET_LATENCY_S = 0.5


def problem(m: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(np.float64)
    net = Network([2, *HIDDEN, 1], "tanh", head="sigmoid", init="xavier", seed=seed)
    return net, X, Y


def measure(name: str, run, run_for: float, from_start: bool = False) -> None:
    """Run ``run(progress, cancel)`` in a thread; cancel it ``run_for`` s after its first
    progress report (``from_start``: after it started, while it prepares); print the peak
    memory and the cancel latency."""
    cancel = threading.Event()
    computing = threading.Event()
    outcome = {}

    def progress(done, total):
        computing.set()
        return True

    def body():
        try:
            run(progress, cancel)
            outcome["end"] = "finished"
        except CheckCancelled:
            outcome["end"] = "cancelled"
        except MemoryError as exc:
            outcome["end"] = f"MemoryError: {exc}"
        outcome["at"] = time.perf_counter()

    tracemalloc.start()
    started = time.perf_counter()
    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    while not from_start and not computing.is_set() and thread.is_alive():
        thread.join(0.01)
    first_report = time.perf_counter() - started
    thread.join(run_for)
    set_at = time.perf_counter()
    cancel.set()
    thread.join(600)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    latency = outcome.get("at", float("nan")) - set_at
    end = outcome.get("end", "still running after 600 s")
    if end == "cancelled":
        quick = "met" if latency <= TARGET_LATENCY_S else "MISSED"
        small = "met" if peak / 2**20 <= TARGET_PEAK_MB else "over"
        print(f"{name:<24} peak {peak / 2**20:8.0f} MB ({small} {TARGET_PEAK_MB} MB)   cancel "
              f"latency {latency:6.3f} s ({quick} {TARGET_LATENCY_S} s; first progress after "
              f"{first_report:.2f} s)", flush=True)
    else:
        print(f"{name:<24} peak {peak / 2**20:8.0f} MB   {end}", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=32)
    parser.add_argument("--directional-examples", type=int, default=2000)
    parser.add_argument("--run-for", type=float, default=1.0)
    parser.add_argument("--limit-gb", type=float, default=8.0)
    args = parser.parse_args(argv)
    limit = int(args.limit_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with threadpool_limits(1):  # as the app runs its checks
        net, X, Y = problem(args.examples)
        print(f"network {net.describe()}: {net.n_params:,} parameters; m = {args.examples} "
              f"(directional: {args.directional_examples})", flush=True)
        measure("epsilon_sweep (all)", lambda progress, cancel: epsilon_sweep(
            net, X, Y, progress=progress, cancel=cancel), args.run_for)
        measure("gradient_check (full)", lambda progress, cancel: gradient_check(
            net, X, Y, progress=progress, cancel=cancel), args.run_for)
        net, X, Y = problem(args.directional_examples)
        directional = lambda progress, cancel: directional_check(  # noqa: E731
            net, X, Y, n_directions=3, progress=progress, cancel=cancel)
        measure("directional (backprop)", directional, args.run_for, from_start=True)
        measure("directional (J)", directional, args.run_for)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
