"""Time the full gradient check: structure-aware engine against the naive loop, same run.

    python benchmarks/gradient_check_speed.py
    python benchmarks/gradient_check_speed.py --naive-params 400 --threads 1,2 --repeats 3
    python benchmarks/gradient_check_speed.py --full-naive     # run the naive loop on all

Network [30, 64, 64, 64, 1] (ReLU, sigmoid output, He init, 10,369 parameters) on the 569
examples of the Wisconsin breast-cancer set (standardized), eps = 1e-7, float64.

The naive loop is the course's: for every parameter two full forward passes,
J(theta + eps e_i) and J(theta - eps e_i). Running it on all 10,369 parameters takes
tens of seconds, so by default it runs on a random sample of parameters (spread over all
tensors: every evaluation is a full forward pass, whatever the parameter) and its time per
parameter is extrapolated to the whole vector; the printout says so. The naive loop is timed
with 1 and 2 BLAS threads and the faster one is the baseline. The structured engine runs
with single-threaded BLAS (as in the app) and 1 or 2 threads of its own.

Also printed: the largest difference between the two engines' numerical gradients on the
sampled parameters (at eps = 1e-7 round-off alone makes the naive loop's values uncertain
by about 1e-9, so the comparison is repeated at eps = 1e-6).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from nnviz.engine import Network
from nnviz.engine.data import load_builtin
from nnviz.engine.gradient_check import gradient_check
from nnviz.engine.memory import reuse_large_allocations
from nnviz.engine.normalization import Standardizer


def setup():
    data = load_builtin("breast_cancer")
    X = Standardizer.fit(data.X).transform(data.X)
    Y = data.targets()
    net = Network([30, 64, 64, 64, 1], "relu", head="sigmoid", init="he", seed=0)
    return net, X, Y


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-params", type=int, default=300,
                        help="parameters the naive loop runs on (extrapolated to all)")
    parser.add_argument("--full-naive", action="store_true",
                        help="run the naive loop on every parameter (slow)")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    reuse_large_allocations()
    net, X, Y = setup()
    n = net.n_params
    print(f"network {net.describe()}, m = {X.shape[1]}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.full_naive:
        sample = np.arange(n)
    else:
        sample = np.sort(np.random.default_rng(0).choice(n, min(args.naive_params, n),
                                                         replace=False))
    naive = {}
    for blas in (1, 2):
        with threadpool_limits(blas, user_api="blas"):
            gradient_check(net, X, Y, method="naive", parameters=sample[:5])  # warm-up
            times = []
            for _ in range(max(1, args.repeats - 1)):
                t0 = time.perf_counter()
                ref = gradient_check(net, X, Y, method="naive", parameters=sample)
                times.append(time.perf_counter() - t0)
            naive[blas] = min(times) / sample.size
            print(f"naive loop, BLAS {blas} thread(s): {1e3 * naive[blas]:.3f} ms per parameter "
                  f"(best of {len(times)} runs on {sample.size} parameters)")
    per_param = min(naive.values())
    naive_full = per_param * n
    how = "measured on every parameter" if args.full_naive else (
        f"extrapolated from {sample.size} sampled parameters")
    print(f"naive loop on all {n} parameters: {naive_full:.1f} s ({how})")

    best = None
    with threadpool_limits(1, user_api="blas"):
        for t in (int(v) for v in args.threads.split(",")):
            times = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                result = gradient_check(net, X, Y, threads=t)
                times.append(time.perf_counter() - t0)
            low, med = min(times), statistics.median(times)
            best = low if best is None else min(best, low)
            print(f"structured, {t} thread(s): {low:.2f} s best, {med:.2f} s median of "
                  f"{len(times)}  ->  {naive_full / low:.1f}x faster than the naive loop "
                  f"({naive_full / med:.1f}x at the median)")
        print(f"  difference {result.difference:.2e}, {int(result.near_kink.sum())} kink "
              f"crossings, verdict {result.verdict}")
        agree = np.max(np.abs(result.numeric[sample] - ref.numeric[sample]))
        print(f"max |structured - naive| on the sample at eps 1e-7: {agree:.1e} "
              f"(noise floor {result.noise_floor:.1e})")
        fine = gradient_check(net, X, Y, eps=1e-6, parameters=sample)
        fine_ref = gradient_check(net, X, Y, eps=1e-6, parameters=sample, method="naive")
        agree6 = np.nanmax(np.abs(fine.numeric - fine_ref.numeric))
        print(f"max |structured - naive| on the sample at eps 1e-6: {agree6:.1e}")
    print(f"\nspeed-up of the full check: {naive_full / best:.1f}x (target: at least 10x)")


if __name__ == "__main__":
    main()
