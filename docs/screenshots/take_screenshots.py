"""Take the README's screenshots from a real window (run under an X server, e.g. Xvfb):

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/take_screenshots.py
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/screenshots/take_screenshots.py

Each run opens the app on a fresh settings file, walks through every workspace (Train at
start and after 20 s at the default pace, Gradients after a gradient check, Landscape,
Backprop, Activations, Lessons with a lesson's result, and Train on the digits) and saves PNGs
beside this file, named with the screen size.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
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

    def save_screen(name):  # the whole screen: dialogs and a full-screen window too
        path = HERE / f"{name}_{size}.png"
        QGuiApplication.primaryScreen().grabWindow(0).save(str(path))
        print("saved", path.name)

    def save_window(name):
        path = HERE / f"{name}_{size}.png"
        window.grab().save(str(path))
        print("saved", path.name)

    def config(data, network, hyper):
        c.apply_config(SessionConfig(data, network, hyper))

    def workspace(key):
        return lambda: window.show_workspace(key)

    # Train: the default state, then training at the default pace (100 steps/s).
    later(2500, window.build_pending_panels)
    later(500, lambda: save_window("train_default"))
    later(10, c.play)
    later(20000, lambda: save_window("train"))
    # Gradients: after a gradient check of the trained network.
    later(10, c.pause)
    later(10, workspace("gradients"))
    later(500, lambda: window.panels["gradient_check"].run_check())
    later(4000, lambda: save_window("gradients"))
    # Landscape: the surface under the path so far.
    later(10, workspace("landscape"))
    later(6000, lambda: save_window("landscape"))
    # Backprop: one example through the network.
    later(10, workspace("backprop"))
    later(10, lambda: window.panels["backprop"].tabs.setCurrentIndex(1))
    later(2500, lambda: save_window("backprop"))
    # Activations.
    later(10, workspace("activations"))
    later(1500, lambda: save_window("activations"))
    # Lessons: the initialization lesson with its result.
    later(10, lambda: window.panels["experiments"].run_experiment("init_schemes"))
    later(30000, lambda: save_window("lessons"))
    # Predict, then see: a question, then a sketched cost curve over the real one.
    experiments = lambda: window.panels["experiments"]  # noqa: E731
    later(10, lambda: experiments().open_lesson("init_schemes"))
    later(1500, lambda: save_window("question"))
    later(10, lambda: experiments().open_lesson("learning_rate"))
    later(1000, lambda: experiments().prediction.card.input.set_points(
        [(0, 0.69), (0.1, 0.6), (0.3, 0.45), (0.6, 0.35), (1.0, 0.3)]))
    later(500, lambda: save_window("sketch_question"))
    later(10, lambda: experiments().run_predicted())
    later(25000, lambda: save_window("sketch_reveal"))
    later(10, lambda: experiments().show_start_page())
    # Challenges: one started, followed from the live run.
    later(10, workspace("challenges"))
    later(10, lambda: window.panels["challenges"].start("vanishing"))
    later(1500, lambda: save_window("challenges"))
    later(10, lambda: window.panels["challenges"].stop())
    # Train on the digits: first-layer weights as pictures and the misclassified images.
    later(10, workspace("train"))
    later(10, lambda: config(
        DataSpec(name="digits", normalize=True),
        NetworkSpec(hidden_units=(32,), activations=("relu",), init="he"),
        Hyperparameters(optimizer="adam", learning_rate=0.003)))
    later(2000, lambda: c.step(300))
    later(6000, lambda: save_window("digits"))
    if not large:
        laptop_scenes(window, later, config, workspace, save_screen)
    run_next()
    return app.exec()


def laptop_scenes(window, later, config, workspace, save_screen):
    """The README's 1366x768 pictures of the optimizer race, the dropout masks, the
    bias/variance readout with its sweep, the start page, presentation mode and the
    colour-blind palette."""
    from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
    from nnviz.ui.start_page import show_start_page

    c = window.controller
    # The optimizer race on the real cost surface (Landscape).
    later(10, lambda: c.apply_config(SessionConfig()))
    later(1500, lambda: c.step(200))
    later(1500, workspace("landscape"))
    surface = lambda: window.panels["cost_surface"]  # noqa: E731
    later(500, lambda: surface().tabs.setCurrentWidget(surface().race_page))
    later(300, lambda: surface().race.start.click())
    later(8000, lambda: save_screen("race"))
    later(10, lambda: surface().tabs.setCurrentIndex(0))
    # The dropout masks, stepping (Train).
    later(10, workspace("train"))
    later(10, lambda: config(DataSpec(name="flower"),
                             NetworkSpec(hidden_units=(8,), activations=("tanh",)),
                             Hyperparameters(learning_rate=1.2, keep_prob=0.5)))
    later(1500, lambda: c.step(300))
    later(2000, lambda: c.step(1))
    later(1500, lambda: save_screen("dropout"))
    # Bias and variance: a dev split, an overfitting network, then the λ sweep (Landscape).
    later(10, lambda: config(
        DataSpec(name="moons", params=(("m", 200), ("noise", 0.35)), train_fraction=0.6,
                 dev_fraction=0.2),
        NetworkSpec(hidden_units=(40, 40), activations=("relu", "relu"), init="he"),
        Hyperparameters(optimizer="adam", learning_rate=0.01)))
    later(1500, lambda: c.step(1500))
    later(6000, workspace("landscape"))
    later(500, lambda: window.panels["curves"].open_sweep("lambd"))
    later(15000, lambda: save_screen("bias_variance"))
    later(10, lambda: window.panels["curves"].sweep_dialog.close())
    # The start page, presentation mode, the colour-blind palette (the course network).
    later(10, lambda: c.apply_config(SessionConfig()))
    later(10, workspace("train"))
    later(1500, lambda: c.step(2000))
    later(3000, lambda: setattr(window, "_start_page", show_start_page(window)))
    later(1500, lambda: save_screen("start_page"))
    later(10, lambda: window._start_page.close())
    later(10, lambda: window.appearance.set_palette("colour_blind"))
    later(2000, lambda: save_screen("colour_blind"))
    later(10, lambda: window.appearance.set_palette("default"))
    later(10, lambda: window.presentation.set_active(True))
    later(3000, lambda: save_screen("presentation"))
    later(10, lambda: window.presentation.set_active(False))


if __name__ == "__main__":
    raise SystemExit(main())
