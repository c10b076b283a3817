"""Time every guided experiment at its real settings and print its lesson's conclusion.

    python benchmarks/experiments_timing.py              # all ten
    python benchmarks/experiments_timing.py 4 6          # some, by number or key

Prints wall-clock and CPU seconds per experiment (the issue's budget: well under ~30 s each
on a 2-core machine). CPU time is what the experiment itself costs; wall time also counts
whatever else the machine is doing.
"""
from __future__ import annotations

import sys
import time

from nnviz.experiments import EXPERIMENTS, get_experiment


def main(argv: list[str]) -> int:
    chosen = [get_experiment(a) for a in argv] or list(EXPERIMENTS.values())
    total_wall = total_cpu = 0.0
    print(f"{'experiment':<28} {'wall s':>7} {'cpu s':>7}")
    for e in chosen:
        wall, cpu = time.perf_counter(), time.process_time()
        result = e.run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"{e.number:>2}. {e.key:<24} {wall:7.1f} {cpu:7.1f}")
        print(f"    {result.conclusion}")
    print(f"{'total':<28} {total_wall:7.1f} {total_cpu:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
