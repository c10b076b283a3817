"""Take the README's screenshots from a real window (run under an X server, e.g. Xvfb):

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/take_screenshots.py
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/screenshots/take_screenshots.py

Each run opens the app on a fresh settings file, walks through a few scenes (the default
state, training at the default pace, a lesson, and on a large screen the analysis layout,
neuron pictures, the digits view and the Backprop pages) and saves PNGs beside this file,
named with the screen size.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from nnviz.ui.app import create_application  # noqa: E402


def main() -> int:
    app = create_application([])
    from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings

    settings = open_settings(os.path.join(tempfile.mkdtemp(prefix="nnviz-shots-"), "s.ini"))
    window = MainWindow(settings=settings, restore_layout=False, defer_panels=True)
    window.show()
    screen = QGuiApplication.primaryScreen().size()
    size = f"{screen.width()}x{screen.height()}"
    large = screen.width() >= 1600
    c = window.controller
    steps: list = []

    def later(ms, fn):
        steps.append((ms, fn))

    def run_next():
        if not steps:
            window.close()
            return
        ms, fn = steps.pop(0)

        def go():
            fn()
            run_next()
        QTimer.singleShot(ms, go)

    def save_window(name):
        path = HERE / f"{name}_{size}.png"
        window.grab().save(str(path))
        print("saved", path.name)

    def save_screen(name):
        path = HERE / f"{name}_{size}.png"
        QGuiApplication.primaryScreen().grabWindow(0).save(str(path))
        print("saved", path.name)

    def save_dock(key, name):
        path = HERE / f"{name}.png"
        window.docks[key].grab().save(str(path))
        print("saved", path.name)

    def config(data, network, hyper):
        c.apply_config(SessionConfig(data, network, hyper))

    # The default state, then training at the default pace (100 steps/s) for 4 seconds.
    later(2500, window.build_pending_panels)
    later(500, lambda: save_window("default"))
    later(10, c.play)
    later(4000, lambda: save_window("training"))
    later(10, c.pause)
    # A lesson, shown large.
    later(300, lambda: window.panels["experiments"].run_experiment("init_schemes"))
    later(30000, lambda: save_screen("lesson"))
    later(10, lambda: window.panels["experiments"].show_start_page())
    later(300, lambda: window.apply_preset("analyze"))
    later(10, lambda: c.step(300))
    later(5000, lambda: save_window("analyze"))
    later(10, lambda: window.apply_preset("learn"))
    if large:
        # Neuron pictures: circles with x1², x2² as inputs.
        later(10, lambda: window.set_speed(0))
        later(10, lambda: config(
            DataSpec(name="circles", features=("x1", "x2", "x1^2", "x2^2")),
            NetworkSpec(hidden_units=(4,), activations=("tanh",), init="xavier"),
            Hyperparameters(optimizer="gd", learning_rate=0.5)))
        later(1500, lambda: c.step(600))

        def taller_diagram():  # the unit pictures at a size worth looking at
            h = window.height()
            window.resizeDocks([window.docks["training"], window.docks["network"]],
                               [int(h * 0.5), int(h * 0.4)], Qt.Orientation.Vertical)
        later(1500, taller_diagram)
        later(1500, lambda: save_window("neurons_circles"))
        later(10, lambda: window.apply_preset("learn"))
        # The digits: first-layer weights as pictures and the misclassified images.
        later(10, lambda: config(
            DataSpec(name="digits", normalize=True),
            NetworkSpec(hidden_units=(32,), activations=("relu",), init="he"),
            Hyperparameters(optimizer="adam", learning_rate=0.003)))
        later(2000, lambda: c.step(300))
        later(6000, lambda: save_window("digits"))
        # The Backprop panel's three pages on the course network.
        later(10, lambda: c.apply_config(SessionConfig()))
        later(1500, lambda: c.step(50))
        later(1500, lambda: window.show_large("backprop"))
        def backprop():
            return window.panels["backprop"]
        later(800, lambda: [backprop().tabs.setCurrentIndex(0)]
              + [backprop().forward() for _ in range(3)]
              + [backprop().backward() for _ in range(4)])  # values in, derivatives coming
        later(1500, lambda: save_dock("backprop", "backprop_numbers"))
        later(10, lambda: backprop().show_example(5))
        later(2500, lambda: save_dock("backprop", "backprop_example"))
        later(10, lambda: backprop().tabs.setCurrentIndex(2))
        later(2500, lambda: save_dock("backprop", "backprop_vectorized"))
        later(10, lambda: window.restore_docked("backprop"))
    run_next()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
