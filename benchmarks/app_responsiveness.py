"""How the app holds up while it trains: run the real main window (offscreen) and print

- training steps per second inside the app against the headless engine in the same run
  (target: at least 80 % of headless),
- GUI event-loop latency: lateness of a 10 ms timer, p50 / p95 / max (target: p95 < 50 ms),
- snapshots drawn per second, and what a snapshot's boundary grid (with the neuron pictures)
  costs the worker,
- frames drawn per second in the Train workspace's panels (builder, training, network diagram
  with its neuron pictures) at the default pace: a frame counts when both the decision
  boundary and the neuron pictures were redrawn from a new grid (target: at least 25),
- start-up time to a painted window (target: under 2 s), in a fresh process, and to every
  panel built with the first snapshot drawn (panels are built just after the first paint).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/app_responsiveness.py [--seconds 6]

The headless figure is the bare engine (``Trainer.step`` in a loop, one BLAS thread like the
worker) on the same data and network; the in-app figure includes everything the worker does
besides (history, trajectory, snapshots at up to 30 per second). Machine load from other
programs moves both numbers; they are measured alternately in one run so the ratio is fair.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STARTUP_PROBE = r"""
import sys, time
from nnviz.ui.app import create_application
app = create_application([])
from PySide6.QtCore import QEvent, QObject, QTimer
from nnviz.ui.main_window import MainWindow
from nnviz.ui.settings import open_settings

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "t"):
            self.t = time.time()
            print(f"PAINTED {self.t!r}", flush=True)
            QTimer.singleShot(0, wait_for_panels)
        return False

def wait_for_panels():
    # Every panel built and the first snapshot drawn: the app is fully there.
    if window._pending or window.controller.snapshots_delivered == 0:
        QTimer.singleShot(5, wait_for_panels)
        return
    print(f"READY {time.time()!r}", flush=True)
    window.close()

window = MainWindow(settings=open_settings(sys.argv[1]), restore_layout=False,
                    defer_panels=True)
probe = FirstPaint()
window.installEventFilter(probe)
window.show()
sys.exit(app.exec())
"""


def adam_config():
    """The course network trained with Adam: what the optimizer-state views draw."""
    import dataclasses

    from nnviz.training.config import course_default

    c = course_default()
    return dataclasses.replace(c, hyper=dataclasses.replace(c.hyper, optimizer="adam",
                                                            learning_rate=0.01))


def headless_rate(seconds: float, config=None) -> float:
    from threadpoolctl import threadpool_limits

    from nnviz.training.session import TrainingSession

    session = TrainingSession(config)
    trainer = session.trainer
    with threadpool_limits(limits=1, user_api="blas"):
        trainer.run(200)  # warm up
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            trainer.run(100)
            steps += 100
        return steps / (time.perf_counter() - t0)


# Every run gets fresh settings in one temporary folder, removed when the script exits.
_SETTINGS_DIR = tempfile.TemporaryDirectory(prefix="nnviz-bench-")
_settings_count = itertools.count()


def fresh_settings_path() -> str:
    return os.path.join(_SETTINGS_DIR.name, f"settings-{next(_settings_count)}.ini")


def app_run(seconds: float, panels=None, workspace: str | None = None, config=None) -> dict:
    """The app at the default pace, then at Max (``workspace`` on screen, ``config``
    trained: the Landscape workspace with Adam shows the optimizer-state arrows)."""
    import numpy as np
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from nnviz.ui.app import create_application
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    app = create_application([])
    settings = open_settings(fresh_settings_path())
    window = MainWindow(config=config, settings=settings, restore_layout=False, panels=panels)
    window.resize(1600, 1000)
    window.show()
    if workspace is not None:
        window.build_pending_panels()
        window.show_workspace(workspace)
    c = window.controller
    errors: list[str] = []
    c.error.connect(errors.append)  # a measurement of a stopped worker says so

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def timer_lateness(ms: int) -> np.ndarray:
        """Wait ``ms`` while a 10 ms timer runs; p50, p95, max of its lateness in ms."""
        lateness, last = [], [time.perf_counter()]

        def tick():
            now = time.perf_counter()
            lateness.append(max(0.0, (now - last[0]) - 0.010))
            last[0] = now

        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(10)
        timer.timeout.connect(tick)
        timer.start()
        wait(ms)
        timer.stop()
        return np.percentile(np.array(lateness) * 1000, [50, 95, 100])

    while c.latest is None:
        wait(50)
    # Phase 0: the default pace a learner sees (about 100 steps/s), with its latency.
    default_pace = window.speed
    c.play()
    wait(500)
    it_pace, t_pace = c.latest.iteration, time.perf_counter()
    paced_lateness = timer_lateness(3000)
    paced = (c.latest.iteration - it_pace) / (time.perf_counter() - t_pace)
    # Throughput is measured at Max speed (one click away from the default), without the
    # 10,000-iteration stop, which Max reaches within a second.
    window.budget_check.setChecked(False)
    window.set_speed(0)
    wait(1500)  # past the first, densely recorded iterations
    # Phase 1: training speed and frames drawn, undisturbed.
    it0, drawn0, t0 = c.latest.iteration, c.snapshots_delivered, time.perf_counter()
    wait(int(seconds * 1000))
    elapsed = time.perf_counter() - t0
    steps_per_second = (c.latest.iteration - it0) / elapsed
    drawn_per_second = (c.snapshots_delivered - drawn0) / elapsed

    # Phase 2: event-loop latency, measured by a 10 ms timer (its own wake-ups cost the
    # worker a little, which is why it does not run during phase 1).
    lateness = timer_lateness(int(seconds * 1000))
    result = {
        "steps_per_second": steps_per_second,
        "drawn_per_second": drawn_per_second,
        "lateness_ms": lateness,
        "worker_reported": c.latest.steps_per_second,
        "default_pace": default_pace,
        "paced_steps_per_second": paced,
        "paced_lateness_ms": paced_lateness,
        "errors": errors,
        "state": c.state,
    }
    window.close()
    return result


def grid_costs(repeats: int = 30) -> list[tuple[str, int, float, float]]:
    """Per network: (name, grid points a side, ms for the boundary grid with every picture,
    ms for a whole snapshot with it), on the worker's single BLAS thread."""
    import dataclasses

    from threadpoolctl import threadpool_limits

    from nnviz.training import probes
    from nnviz.training.config import course_default
    from nnviz.training.session import TrainingSession

    rows = []
    with threadpool_limits(limits=1, user_api="blas"):
        for hidden in ((4,), (8, 8)):
            config = course_default()
            config = dataclasses.replace(config, network=dataclasses.replace(
                config.network, hidden_units=hidden, activations=("tanh",) * len(hidden)))
            session = TrainingSession(config)
            session.step(500)
            timings = []
            for work in (session._compute_outcome,
                         lambda: session.snapshot("running", 100.0, refresh_outcome=True)):
                work()
                t0 = time.perf_counter()
                for _ in range(repeats):
                    work()
                timings.append((time.perf_counter() - t0) / repeats * 1000)
            rows.append((f"[2, {', '.join(map(str, hidden))}, 1]",
                         probes.grid_resolution(session.net.layer_dims), *timings))
    return rows


def train_frames(seconds: float, size=(1920, 1080)) -> dict:
    """Frames per second in the Train workspace at the default pace (the whole window, as a
    learner opens it): deliveries, and those in which the boundary image and the diagram's
    neuron pictures were both redrawn from a new grid."""
    from PySide6.QtCore import QEventLoop, QTimer

    from nnviz.ui.app import create_application
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    create_application([])
    window = MainWindow(settings=open_settings(fresh_settings_path()), restore_layout=False)
    window.resize(*size)
    window.show()
    if hasattr(window, "show_workspace"):
        window.show_workspace("train")
    c = window.controller
    boundary = window.panels["training"].boundary
    diagram = window.panels["network"].diagram
    painted = {"grid": None}
    paint = diagram.paintEvent

    def counting_paint(event):
        paint(event)
        painted["grid"] = diagram._grid

    diagram.paintEvent = counting_paint
    frames = {"all": 0, "full": 0, "pictures": 0, "last": (None, None), "steps": []}

    def on_frame(snapshot):
        if snapshot.state != "running":
            return
        now = (boundary._grid, painted["grid"])
        last = frames["last"]
        frames["all"] += 1
        new_pictures = now[1] is not None and now[1] is not last[1] and diagram.pictured_units
        frames["pictures"] += bool(new_pictures)
        if now[0] is not None and now[0] is not last[0] and new_pictures:
            frames["full"] += 1
            frames["steps"].append(snapshot.iteration)
        frames["last"] = now

    c.snapshot.connect(on_frame)  # after the window's own drawing of the frame

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    while c.latest is None:
        wait(50)
    pace = window.speed
    c.play()
    wait(800)
    for key in ("all", "full", "pictures"):
        frames[key] = 0
    frames["steps"] = []
    it0, t0 = c.latest.iteration, time.perf_counter()
    gui0, process0 = time.thread_time(), time.process_time()
    wait(int(seconds * 1000))
    elapsed = time.perf_counter() - t0
    gui, process = time.thread_time() - gui0, time.process_time() - process0
    steps = frames["steps"]
    jumps = [b - a for a, b in zip(steps, steps[1:])]
    result = {"pace": pace, "size": size,
              "steps_per_second": (c.latest.iteration - it0) / elapsed,
              "delivered": frames["all"] / elapsed, "full": frames["full"] / elapsed,
              "pictures": frames["pictures"] / elapsed,
              "pictured": len(diagram.pictured_units), "picture_px": diagram.picture_side,
              "jump": sorted(jumps)[len(jumps) // 2] if jumps else float("nan"),
              # CPU per frame: what the frame rate would be on an otherwise idle machine
              "gui_ms": 1000 * gui / max(frames["all"], 1),
              "other_ms": 1000 * (process - gui) / max(frames["all"], 1)}
    window.close()
    return result


def train_frames_apart(seconds: float, size) -> dict:
    """:func:`train_frames` in a fresh process (a window closed before in the same process
    still costs the next one time)."""
    out = subprocess.run([sys.executable, __file__, "--train-frames", f"{size[0]}x{size[1]}",
                          "--seconds", str(seconds)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.startswith("TRAIN ")]
    if not lines:
        raise RuntimeError(f"the Train measurement failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1][len("TRAIN "):])


def landscape_run_apart(seconds: float) -> dict:
    """:func:`app_run` in the Landscape workspace with Adam, in a fresh process: the app has
    one window a process, and the first measurement's closed window (its widgets and plot
    items stay in memory until the process ends) would make every garbage collection of
    the second slower."""
    out = subprocess.run([sys.executable, __file__, "--landscape-run", "--seconds",
                          str(seconds)], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    lines = [line for line in out.stdout.splitlines() if line.startswith("LANDSCAPE ")]
    if not lines:
        raise RuntimeError(f"the Landscape measurement failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(lines[-1][len("LANDSCAPE "):])


def startup_env() -> dict:
    """The environment a learner starts the app in: bytecode caches written and used (pip
    compiles an installed package; a sandbox's PYTHONDONTWRITEBYTECODE=1 would have every
    start compile nnviz's modules again, about 0.2 s that no installed copy pays)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def startup_seconds() -> tuple[float, float]:
    """(to the first painted window, to every panel built and the first snapshot drawn)."""
    settings = fresh_settings_path()
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", STARTUP_PROBE, settings], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=startup_env())
    marks = dict(line.split() for line in out.stdout.splitlines()
                 if line.startswith(("PAINTED ", "READY ")))
    if set(marks) != {"PAINTED", "READY"}:
        raise RuntimeError(f"the start-up probe failed:\n{out.stdout}\n{out.stderr}")
    return float(marks["PAINTED"]) - t0, float(marks["READY"]) - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="in-app measuring time")
    parser.add_argument("--panels", help="comma-separated panel keys (default: all)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timing")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up timing")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="measure the Landscape/Adam ratio N times, each between two "
                             "headless runs, and print the median (a shared machine moves "
                             "one ratio by several percent)")
    parser.add_argument("--train-frames", metavar="WxH", help=argparse.SUPPRESS)
    parser.add_argument("--landscape-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.train_frames:  # one measurement, in the process train_frames_apart started
        size = tuple(int(v) for v in args.train_frames.split("x"))
        print("TRAIN " + json.dumps(train_frames(args.seconds, size)), flush=True)
        return 0
    if args.landscape_run:  # one measurement, in the process landscape_run_apart started
        run = app_run(args.seconds, None, workspace="landscape", config=adam_config())
        run["lateness_ms"] = [float(v) for v in run["lateness_ms"]]
        run["paced_lateness_ms"] = [float(v) for v in run["paced_lateness_ms"]]
        print("LANDSCAPE " + json.dumps(run), flush=True)
        return 0
    panels = None
    if args.panels:
        from nnviz.ui.panels import panel_spec
        panels = [panel_spec(key) for key in args.panels.split(",")]
    print(f"machine: {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not args.no_startup:
        startup_seconds()  # a first start writes the bytecode caches, as a first launch does
    startups = [] if args.no_startup else [startup_seconds() for _ in range(3)]
    if args.startup_only:
        print_startups(startups)
        return 0
    grids = grid_costs()
    trains = [train_frames_apart(args.seconds, size) for size in ((1366, 768), (1920, 1080))]
    headless_before = headless_rate(3.0)
    app = app_run(args.seconds, panels)
    headless_after = headless_rate(3.0)
    headless = (headless_before + headless_after) / 2
    ratio = app["steps_per_second"] / headless
    # Issue 20: at Max with the optimizer-state views on screen (Landscape, Adam).
    adam_before = headless_rate(3.0, adam_config())
    landscape = landscape_run_apart(args.seconds)
    adam_after = headless_rate(3.0, adam_config())
    adam_headless = (adam_before + adam_after) / 2
    landscape_ratios = [landscape["steps_per_second"] / adam_headless]
    for _ in range(args.repeat - 1):
        before = headless_rate(3.0, adam_config())
        run = landscape_run_apart(args.seconds)
        after = headless_rate(3.0, adam_config())
        landscape_ratios.append(run["steps_per_second"] / ((before + after) / 2))
    for run in (app, landscape):
        if run["errors"] or run["state"] != "running":
            print(f"!! the worker was {run['state']} at the end: {run['errors']}")
    p50, p95, worst = app["lateness_ms"]
    print("course default: flower, [2, 4, 1] tanh/sigmoid, gradient descent, full batch")
    print(f"headless engine        {headless:10.0f} steps/s  (before {headless_before:.0f}, "
          f"after {headless_after:.0f})")
    print(f"default pace           {app['paced_steps_per_second']:10.1f} steps/s  "
          f"(set to {app['default_pace']:g}; GUI timer lateness p95 "
          f"{app['paced_lateness_ms'][1]:.1f} ms)")
    print(f"inside the app, Max    {app['steps_per_second']:10.0f} steps/s  "
          f"= {ratio:.0%} of headless (target >= 80%)")
    print(f"Landscape, Adam, Max   {landscape['steps_per_second']:10.0f} steps/s  = "
          f"{landscape['steps_per_second'] / adam_headless:.0%} of headless Adam "
          f"({adam_headless:.0f} steps/s) with the cost surface and its optimizer arrows on "
          f"screen (target >= 85%; {landscape['drawn_per_second']:.1f} snapshots drawn/s)")
    if len(landscape_ratios) > 1:
        print(f"Landscape, Adam, Max   median {statistics.median(landscape_ratios):.0%} of headless over "
              f"{len(landscape_ratios)} runs (from {min(landscape_ratios):.0%} to "
              f"{max(landscape_ratios):.0%})")
    print(f"GUI timer lateness     p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms "
          f"(target p95 < 50 ms)")
    print(f"snapshots drawn        {app['drawn_per_second']:.1f} per second (at most ~30)")
    for name, n, grid_ms, snapshot_ms in grids:
        print(f"boundary grid {name:13s} {n} x {n} with its pictures: {grid_ms:.1f} ms; "
              f"the whole snapshot {snapshot_ms:.1f} ms")
    for t in trains:
        w, h = t["size"]
        print(f"Train at {w}x{h}, {t['pace']:g} steps/s: {t['full']:.1f} frames/s with the "
              f"boundary and the pictures redrawn (target >= 25; {t['delivered']:.1f} "
              f"snapshots drawn/s, pictures in {t['pictures']:.1f}/s), "
              f"{t['steps_per_second']:.0f} steps/s, median jump {t['jump']:g} steps, "
              f"{t['pictured']} pictures of {t['picture_px']:.0f} px; CPU per frame: GUI "
              f"thread {t['gui_ms']:.1f} ms, worker and the rest {t['other_ms']:.1f} ms")
    print_startups(startups)
    return 0


def print_startups(startups: list[tuple[float, float]]) -> None:
    if startups:
        painted = [p for p, _ in startups]
        ready = [r for _, r in startups]
        print(f"start-up to painted    {min(painted):.2f} s best, {max(painted):.2f} s "
              f"worst of {len(startups)} (target < 2 s)")
        print(f"start-up to the settled window (every panel built, the first snapshot drawn) "
              f"{min(ready):.2f} s best, {max(ready):.2f} s worst (target < 1.5 s)")


if __name__ == "__main__":
    raise SystemExit(main())
