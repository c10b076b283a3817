"""Close the app at random moments while it computes, many times; count what went wrong.

Each run is a fresh app process (offscreen) driven through ``run_app(on_window=...)``: it
starts one computation, waits until it runs, waits a random 0-1.5 s more and closes the
window. Scenarios: training, a gradient check (full, network [2, 512, 512, 1]), a cost
surface on [2, 512, 512, 1] and a running lesson; on request the same on 30 layers of 512.
Then the experiments panel's close test runs as its own pytest process, many times.
Printed per scenario: runs, closes that came while the computation still ran ("busy"),
aborts (SIGABRT), segfaults (SIGSEGV), other non-zero exits, hangs, runs with a Qt warning
on stderr, the slowest and median close-to-exit times, and how many closes met the target
of :data:`TARGET_EXIT_S` (2 s from close to exit; the tests only require a clean exit, as a
loaded machine can miss it). Not in CI (minutes of work):

    .venv/bin/python benchmarks/stress_close.py [--closes 50] [--pytest-runs 100]
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("training", "gradient_check", "cost_surface", "lesson")
TARGET_EXIT_S = 2.0  # from window.close() to the process's exit, on an idle machine
# With --scenarios: the same on 30 layers (29 hidden of 512 units), the largest network.
DEEP = ("deep_training", "deep_gradient_check", "deep_cost_surface")
CLOSE_TEST = ("tests/ui/panels/experiments/test_panel.py::"
              "test_closing_while_an_experiment_runs_exits_cleanly")
# Said by Qt's offscreen platform whenever a window is laid out: not a problem of nnviz.
LOG_DIR: Path | None = None  # --log-dir: full stderr of every run that went wrong
PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",
                  "This plugin does not support raise()")

SCRIPT = textwrap.dedent("""
    import dataclasses, sys, time
    from PySide6.QtCore import QTimer
    from nnviz.ui.app import run_app

    scenario, delay = sys.argv[1], float(sys.argv[2])
    deep = scenario.startswith("deep_")
    scenario = scenario.removeprefix("deep_")
    hidden = (512,) * (29 if deep else 2)
    big_network = scenario in ("gradient_check", "cost_surface") or deep

    def big(config):
        return dataclasses.replace(config, network=dataclasses.replace(
            config.network, hidden_units=hidden, activations=("tanh",) * len(hidden)))

    def setup(window):
        window.build_pending_panels()
        c = window.controller
        state = {"started": None}

        def close():
            print(f"closing running={running()}", flush=True)
            window.close()

        def running():
            if scenario == "training":
                return c.latest is not None and c.latest.state == "running"
            if scenario == "gradient_check":
                return window.panels["gradient_check"].busy
            if scenario == "cost_surface":
                return window.panels["cost_surface"].runner.busy
            return window.panels["experiments"].busy

        def start():
            latest = c.latest
            if latest is None or (big_network
                                  and list(latest.layer_dims) != [2, *hidden, 1]):
                QTimer.singleShot(20, start)  # the big network is still being built
                return
            if scenario == "training":
                c.play()
            elif scenario == "gradient_check":
                panel = window.panels["gradient_check"]
                panel.set_source("network")
                panel.set_mode("full")
                panel.run_check()
            elif scenario == "cost_surface":
                window.show_panel("cost_surface")
                c.step(2)
            else:
                window.panels["experiments"].run_experiment("hidden_units")
            wait()

        def wait():
            if running():
                QTimer.singleShot(int(delay * 1000), close)
            else:
                QTimer.singleShot(10, wait)

        if big_network:
            c.apply_config(big(c.requested_config))
        QTimer.singleShot(0, start)
        QTimer.singleShot(60_000, close)  # never hang

    sys.exit(run_app(on_window=setup))
""")


def classify(code: int) -> str:
    if code == 0:
        return "ok"
    if code in (-signal.SIGABRT, 128 + signal.SIGABRT):
        return "abort"
    if code in (-signal.SIGSEGV, 128 + signal.SIGSEGV):
        return "segfault"
    return "nonzero"


def qt_warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if line.strip() and line.strip() not in PLATFORM_NOISE]


def close_once(scenario: str, delay: float, folder: Path):
    """(outcome, seconds from close to exit, stderr lines, closed while it computed)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "NNVIZ_SETTINGS": str(folder / "settings.ini"),
           "XDG_STATE_HOME": str(folder / "state"), "XDG_CACHE_HOME": str(folder / "cache")}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, scenario, f"{delay:.3f}"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    closed_at, during = None, False
    for line in proc.stdout:
        if line.startswith("closing"):
            closed_at = time.monotonic()
            during = "running=True" in line
    try:
        proc.wait(120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return "hang", None, ["killed after 120 s"], False
    exit_s = None if closed_at is None else time.monotonic() - closed_at
    stderr = proc.stderr.read()
    outcome = classify(proc.returncode)
    if LOG_DIR is not None and (outcome != "ok" or qt_warnings(stderr)):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        (LOG_DIR / f"{scenario}-{time.time_ns()}.log").write_text(
            f"exit {proc.returncode}, delay {delay:.3f}\n{stderr}")
    return outcome, exit_s, qt_warnings(stderr), during


def run_close_test(times: int) -> Counter:
    counts = Counter()
    for _ in range(times):
        out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              CLOSE_TEST], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        counts[classify(out.returncode)] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--closes", type=int, default=50, help="closes per scenario")
    parser.add_argument("--pytest-runs", type=int, default=100,
                        help="runs of the experiments close test")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--log-dir", type=Path, help="keep the stderr of failed runs here")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help=f"comma-separated, from {', '.join(SCENARIOS + DEEP)}")
    args = parser.parse_args()
    global LOG_DIR
    LOG_DIR = args.log_dir
    rng = random.Random(args.seed)
    total = Counter()
    print(f"{'scenario':<16}{'runs':>6}{'busy':>6}{'ok':>6}{'abort':>7}{'segv':>6}{'other':>7}"
          f"{'hang':>6}{'Qt warn':>9}{'max exit s':>12}{'p50 exit s':>12}"
          f"{f'<= {TARGET_EXIT_S:g} s':>10}", flush=True)
    for scenario in args.scenarios.split(","):
        counts, warned, times, examples, during = Counter(), 0, [], [], 0
        for _ in range(args.closes):
            with tempfile.TemporaryDirectory(prefix="nnviz-stress-") as folder:
                outcome, exit_s, warnings, busy = close_once(
                    scenario, rng.uniform(0.0, 1.5), Path(folder))
            counts[outcome] += 1
            during += busy
            warned += bool(warnings)
            examples.extend(warnings[:2])
            if exit_s is not None:
                times.append(exit_s)
        total += counts
        times.sort()
        p50 = times[len(times) // 2] if times else float("nan")
        print(f"{scenario:<16}{args.closes:>6}{during:>6}{counts['ok']:>6}{counts['abort']:>7}"
              f"{counts['segfault']:>6}{counts['nonzero']:>7}{counts['hang']:>6}{warned:>9}"
              f"{max(times, default=float('nan')):>12.2f}{p50:>12.2f}"
              f"{sum(t <= TARGET_EXIT_S for t in times):>6}/{len(times):<3}", flush=True)
        for line in examples[:3]:
            print(f"    stderr: {line}", flush=True)
    if args.pytest_runs:
        counts = run_close_test(args.pytest_runs)
        total += counts
        print(f"experiments close test x{args.pytest_runs}: ok {counts['ok']}, abort "
              f"{counts['abort']}, segfault {counts['segfault']}, other non-zero "
              f"{counts['nonzero']}", flush=True)
    bad = total["abort"] + total["segfault"] + total["nonzero"] + total["hang"]
    print(f"total: aborts {total['abort']}, segfaults {total['segfault']}, other non-zero "
          f"{total['nonzero']}, hangs {total['hang']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
