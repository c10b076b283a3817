"""The app's icon, About box, File > Export > PyTorch script and Edit > Copy as command line
(offscreen; file dialogs answered at once)."""
from __future__ import annotations

import importlib.metadata
import importlib.util

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnviz.cli.args import build_parser, settings_from_args
from nnviz.desktop import ICON_SIZES
from nnviz.engine.io import load_weights
from nnviz.training.command_line import command_line_text
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.ui.app import create_application
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings
from nnviz.ui.share import about_html, application_icon

TIMEOUT = 20000
CONFIG = SessionConfig(
    DataSpec(name="moons", params=(("m", 120), ("noise", 0.2), ("seed", 3)), normalize=True,
             train_fraction=0.75),
    NetworkSpec(hidden_units=(5,), activations=("leaky_relu",), alpha=0.1, init="he", seed=4),
    Hyperparameters(optimizer="adam", learning_rate=0.02, batch_size=32))


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(config=CONFIG, settings=open_settings(isolated_settings),
                   panels=[panel_spec("builder"), panel_spec("training")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    yield w
    w.close()


def trained(qtbot, window, steps=40):
    window.controller.step(steps)
    qtbot.waitUntil(lambda: window.controller.latest.iteration >= steps
                    and window.controller.latest.state != "running", timeout=TIMEOUT)
    return window.controller.latest


def test_the_application_icon_has_every_size(qapp):
    icon = application_icon()
    sizes = icon.availableSizes()
    for n in ICON_SIZES:
        assert QSize(n, n) in sizes
    app = create_application()
    assert not app.windowIcon().isNull()
    assert QSize(16, 16) in app.windowIcon().availableSizes()
    assert app.desktopFileName() == "nnviz"


def test_about_shows_the_installed_version(window, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about_action.trigger()
    version = importlib.metadata.version("nnviz")
    assert shown == [about_html()] and f"nnviz {version}</b>" in shown[0]


def test_menus_hold_the_new_actions(window):
    bar = [a for a in window.menuBar().actions()]
    titles = [a.text().replace("&", "") for a in bar]
    assert titles[:2] == ["File", "Edit"]
    edit = window.edit_menu.actions()
    assert edit[:2] == [window.undo_action, window.redo_action]  # Undo / Redo first
    assert edit[-1] is window.copy_command_action
    file_items = window.menuBar().actions()[0].menu().actions()
    export = next(a for a in file_items if a.menu() is window.export_menu)
    # One Export menu: the weights first, the PyTorch script last.
    exports = [a for a in window.export_menu.actions() if not a.isSeparator()]
    assert exports[0] is window.export_weights_action
    assert exports[-1] is window.export_pytorch_action
    assert file_items.index(export) < file_items.index(window.quit_action)
    assert file_items[-1] is window.quit_action


def test_copy_as_command_line_repeats_the_run(qtbot, window):
    snapshot = trained(qtbot, window)
    window.copy_command_action.trigger()
    text = QGuiApplication.clipboard().text()
    assert text == command_line_text(CONFIG, snapshot.iteration)
    assert text.startswith("nnviz train --dataset moons --samples 120 --noise 0.2")
    assert f"--iterations {snapshot.iteration}" in text
    assert "Copied: nnviz train" in window.statusBar().currentMessage()
    args = build_parser().parse_args(text.split()[1:])
    assert settings_from_args(args).config == CONFIG


def test_export_pytorch_script_from_the_menu(qtbot, window, tmp_path, monkeypatch):
    snapshot = trained(qtbot, window)
    asked = []

    def answer(parent, title, folder, filters, *rest):
        asked.append((title, folder, filters))
        return str(tmp_path / "moons_model"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    with qtbot.waitSignal(window.file_actions.finished, timeout=TIMEOUT) as done:
        window.export_pytorch_action.trigger()
    assert asked[0][0] == "Export PyTorch script" and asked[0][1].endswith("moons_model.py")
    script, weights = done.args[1]
    assert script == tmp_path / "moons_model.py" and weights == tmp_path / "moons_model.npz"
    text = script.read_text()
    assert "HIDDEN = [('leaky_relu', 0.1)]" in text and "NORMALIZED = True" in text
    model = load_weights(weights)
    assert np.array_equal(model.net.theta, snapshot.theta)
    assert "run it with: python moons_model.py" in window.statusBar().currentMessage()


def test_the_exported_script_predicts_as_the_app(qtbot, window, tmp_path):
    torch = pytest.importorskip("torch", reason="the PyTorch parity check needs torch; CI "
                                                "installs it with pip install torch==2.13.0")
    snapshot = trained(qtbot, window)
    with qtbot.waitSignal(window.file_actions.finished, timeout=TIMEOUT) as done:
        assert window.file_actions.export_pytorch_to(tmp_path / "app_model.py")
    script, weights = done.args[1]
    spec = importlib.util.spec_from_file_location("app_model", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X = snapshot.data.X_train_raw
    with torch.no_grad():
        got = module.load_model()(torch.from_numpy(X.T.copy())).numpy()
    expected = load_weights(weights).predict_output(X).T
    assert np.max(np.abs(got - expected)) <= 1e-12


def test_an_unwritable_export_says_which_file(qtbot, window, tmp_path):
    trained(qtbot, window, 5)
    target = tmp_path / "missing folder" / "m.py"
    with qtbot.waitSignal(window.file_actions.failed, timeout=TIMEOUT) as failed:
        window.file_actions.export_pytorch_to(target)
    assert failed.args[0] == "pytorch" and "missing folder" in failed.args[1]
    assert not target.parent.exists()


def test_the_init_scale_is_one_number_in_the_builder_the_command_line_and_the_file(
        qtbot, window, tmp_path):
    # Before: the builder showed "σ of W 1.29" for the multiplier 129 of --init-scale.
    from nnviz.engine.io.metadata import build_metadata
    from nnviz.training.session import TrainingSession

    builder = window.panels["builder"]
    builder.init_scheme.setCurrentIndex(builder.init_scheme.findData("random"))
    field = builder.init_scale.edit
    field.setText("129")
    field.editingFinished.emit()
    qtbot.waitUntil(lambda: window.controller.config.network.init_scale == 129
                    and window.controller.config.network.init == "random", timeout=TIMEOUT)
    assert field.text() == "129"
    window.copy_command_action.trigger()
    text = QGuiApplication.clipboard().text()
    words = text.split()
    assert float(words[words.index("--init-scale") + 1]) == 129  # not 1.29, not 12900
    config = window.controller.config
    assert settings_from_args(build_parser().parse_args(text.split()[1:])).config == config
    meta = build_metadata(TrainingSession(config).net)
    assert meta["network"]["init_scale"] == 129
    # And what 129 means, beside it: σ(W[1]) = 0.01 × 129.
    assert "σ(W[1]) = 1.29" in builder.init_std_label.text()
