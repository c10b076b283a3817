"""Time one full-batch training step (forward + backward + update) of the nnviz engine
against PyTorch CPU eager, and print microseconds per step and the ratio nnviz / PyTorch.

    python benchmarks/engine_speed.py            # both backends, each in its own process
    python benchmarks/engine_speed.py --threads 2

Each backend runs in a separate process: in one process, NumPy's idle BLAS threads spin and
slow PyTorch's matmuls. PyTorch is optional (`pip install torch==2.13.0` for the CPU build);
without it only nnviz's figures are printed.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

CASES = [
    # name, layer_dims, hidden activation, head, m
    ("[2,8,8,1] relu", [2, 8, 8, 1], "relu", "sigmoid", 400),
    ("[2,4,1] tanh", [2, 4, 1], "tanh", "sigmoid", 400),
    ("[30,64,64,64,1] relu", [30, 64, 64, 64, 1], "relu", "sigmoid", 569),
    ("[784,256,128,10] softmax", [784, 256, 128, 10], "relu", "softmax", 2048),
    ("[2]+[16]*20+[1] tanh", [2] + [16] * 20 + [1], "tanh", "sigmoid", 1000),
]
DTYPES = ["float32", "float64"]


def _data(dims, head, m, dtype):
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    if head == "softmax":
        y = rng.integers(0, dims[-1], m)
    else:
        y = (rng.random(m) > 0.5).astype(np.int64)
    return X, y


def _time(step, min_seconds=0.4, blocks=5):
    """Median over blocks of the mean time per call, in microseconds."""
    step()  # warm-up
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        if time.perf_counter() - t0 > min_seconds / blocks:
            break
        n *= 2
    per_call = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        per_call.append((time.perf_counter() - t0) / n * 1e6)
    per_call.sort()
    return per_call[len(per_call) // 2]


def bench_nnviz(threads):
    import numpy as np
    from threadpoolctl import threadpool_limits

    from nnviz.engine import GradientDescent, Network, Trainer, targets_matrix

    results = {}
    with threadpool_limits(threads):
        for name, dims, act, head, m in CASES:
            for dtype in DTYPES:
                X, y = _data(dims, head, m, dtype)
                task = "multiclass" if head == "softmax" else "binary"
                Y = targets_matrix(y, task, dims[-1])
                net = Network(dims, act, head=head, init="he", dtype=dtype)
                trainer = Trainer(net, X, Y, GradientDescent(1e-3))
                results[f"{name}|{dtype}"] = _time(trainer.step)
    return results


def bench_torch(threads):
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    results = {}
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}
    for name, dims, act, head, m in CASES:
        for dtype in DTYPES:
            X, y = _data(dims, head, m, dtype)
            tdtype = getattr(torch, dtype)
            layers = []
            for l in range(1, len(dims)):
                layers.append(torch.nn.Linear(dims[l - 1], dims[l]))
                if l < len(dims) - 1:
                    layers.append(acts[act]())
            model = torch.nn.Sequential(*layers).to(tdtype)
            Xt = torch.from_numpy(np.ascontiguousarray(X.T))
            if head == "softmax":
                yt = torch.from_numpy(y)
                loss_fn = torch.nn.CrossEntropyLoss()
            else:
                yt = torch.from_numpy(y.reshape(-1, 1).astype(dtype))
                loss_fn = torch.nn.BCEWithLogitsLoss()
            opt = torch.optim.SGD(model.parameters(), lr=1e-3)

            def step():
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(Xt), yt)
                loss.backward()
                opt.step()

            results[f"{name}|{dtype}"] = _time(step)
    return results


def run_backend_process(backend, threads):
    proc = subprocess.run([sys.executable, __file__, "--backend", backend, "--threads",
                           str(threads)], capture_output=True, text=True)
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"
    return json.loads(proc.stdout), ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["nnviz", "torch"])
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS / intra-op threads for both backends (the app uses 1)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.backend:
        fn = bench_nnviz if args.backend == "nnviz" else bench_torch
        print(json.dumps(fn(args.threads)))
        return
    # Alternate the two processes over a few rounds and keep each case's best median, so a
    # burst of load from elsewhere on the machine does not land on one backend only.
    nn, pt, torch_err = {}, {}, ""
    for _ in range(args.rounds):
        r, err = run_backend_process("nnviz", args.threads)
        if r is None:
            sys.exit(f"nnviz benchmark failed: {err}")
        nn = {k: min(v, nn.get(k, v)) for k, v in r.items()}
        if torch_err:
            continue
        r, torch_err = run_backend_process("torch", args.threads)
        if r is not None:
            pt = {k: min(v, pt.get(k, v)) for k, v in r.items()}
    if not pt:
        print(f"PyTorch comparison skipped ({torch_err}); install it with "
              "`pip install torch==2.13.0` for the CPU build.\n")
    print(f"One full-batch training step, {args.threads} thread(s); best of {args.rounds} "
          "rounds of the median of 5 blocks\n")
    print(f"{'case':28s} {'dtype':8s} {'nnviz us':>10s} {'torch us':>10s} {'nnviz/torch':>12s}")
    for key, t in nn.items():
        name, dtype = key.split("|")
        if pt:
            tp = pt[key]
            print(f"{name:28s} {dtype:8s} {t:10.1f} {tp:10.1f} {t / tp:11.2f}x"
                  f"  ({tp / t:.1f}x faster)" if t < tp else
                  f"{name:28s} {dtype:8s} {t:10.1f} {tp:10.1f} {t / tp:11.2f}x")
        else:
            print(f"{name:28s} {dtype:8s} {t:10.1f}")


if __name__ == "__main__":
    main()
