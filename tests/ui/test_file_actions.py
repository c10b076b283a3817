"""File menu: export weights, save/load sessions, export the history and figures (offscreen;
file dialogs are replaced by functions that answer at once)."""
import csv
import io
import json
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from nnviz.engine.io import load_session, load_weights
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.ui import file_actions
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings

TIMEOUT = 20000
PANELS = ("builder", "training", "network")
# Normalized moons, Adam and mini-batches: the exports must carry the normalization, and a
# reopened session must restore the optimizer's moving averages and the batch order.
CONFIG = SessionConfig(
    DataSpec(name="moons", params=(("m", 200), ("noise", 0.2), ("seed", 3)), normalize=True),
    NetworkSpec(hidden_units=(5,), activations=("tanh",), init="xavier", seed=4),
    Hyperparameters(optimizer="adam", learning_rate=0.02, batch_size=32))


def wait_for(qtbot, window, predicate):
    c = window.controller
    qtbot.waitUntil(lambda: c.latest is not None and predicate(c.latest), timeout=TIMEOUT)
    return c.latest


@pytest.fixture
def make_window(qtbot, isolated_settings):
    def make(config=CONFIG):
        w = MainWindow(config=config, settings=open_settings(isolated_settings),
                       panels=[panel_spec(key) for key in PANELS])
        qtbot.addWidget(w)
        w.show()
        wait_for(qtbot, w, lambda s: True)
        return w

    return make


@pytest.fixture
def window(make_window):
    w = make_window()
    yield w
    w.close()


class Dialogs:
    """Stands in for QFileDialog's static functions: answers with ``answer`` and records
    what the window asked (title, folder, filters)."""

    def __init__(self, monkeypatch):
        self.answer = ("", "")
        self.calls = []
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._ask)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self._ask)

    def _ask(self, parent, title, start, filters, selected=""):
        self.calls.append({"title": title, "start": start, "filters": filters.split(";;"),
                           "selected": selected})
        return self.answer


@pytest.fixture
def dialogs(monkeypatch):
    return Dialogs(monkeypatch)


def run(qtbot, window, trigger, kind):
    """Trigger a file operation and wait for its outcome: ("finished", result) or
    ("failed", message)."""
    outcome = []
    actions = window.file_actions
    done = lambda k, result: k == kind and outcome.append(("finished", result))  # noqa: E731
    fail = lambda k, message: k == kind and outcome.append(("failed", message))  # noqa: E731
    actions.finished.connect(done)
    actions.failed.connect(fail)
    try:
        trigger()
        qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    finally:
        actions.finished.disconnect(done)
        actions.failed.disconnect(fail)
    return outcome[0]


def trained(qtbot, window, steps=30):
    before = window.controller.latest.iteration
    window.controller.step(steps)
    return wait_for(qtbot, window, lambda s: s.iteration == before + steps)


# -- weights -------------------------------------------------------------------------------

def test_shortcuts_and_menu(window):
    shortcuts = {a.text(): a.shortcut() for a in window.actions()}
    assert shortcuts["Export weights…"] == QKeySequence("Ctrl+E")
    assert shortcuts["Save session…"] == QKeySequence(QKeySequence.StandardKey.Save)
    assert shortcuts["Load session…"] == QKeySequence("Ctrl+L")
    assert shortcuts["Open data…"] == QKeySequence(QKeySequence.StandardKey.Open)
    assert shortcuts["Export training history (CSV)…"] == QKeySequence("Ctrl+Shift+H")
    assert shortcuts["Import weights…"] == QKeySequence("Ctrl+I")
    keys = [s.toString() for s in shortcuts.values() if not s.isEmpty()]
    assert len(keys) == len(set(keys)), f"a shortcut is used twice: {sorted(keys)}"
    file_menu = window.menuBar().actions()[0].menu()
    assert window.export_history_action in window.export_menu.actions()  # File > Export
    assert window.export_menu.menuAction() in file_menu.actions()
    for action in (window.export_weights_action, window.save_session_action,
                   window.load_session_action, window.export_history_action,
                   window.import_weights_action):
        assert len(action.toolTip()) > 40


@pytest.mark.parametrize("fmt", ["npz", "json"])
def test_export_weights_through_the_dialog(qtbot, window, dialogs, tmp_path, fmt):
    snap = trained(qtbot, window)
    target = tmp_path / "out" / "model"  # no suffix: the chosen filter's is added
    target.parent.mkdir()
    dialogs.answer = (str(target), file_actions.WEIGHT_FILTERS[fmt])
    kind, result = run(qtbot, window, window.export_weights_action.trigger, "weights")
    assert kind == "finished" and result == target.with_suffix(f".{fmt}")
    ask = dialogs.calls[-1]
    assert file_actions.WEIGHT_FILTERS["npz"] in ask["filters"]
    assert ask["start"].endswith("moons-weights.npz")

    model = load_weights(result)
    # The export maps raw inputs to the same outputs as the network in the app.
    X_raw = np.hstack([snap.data.X_train_raw, snap.data.X_test_raw])
    expected = snap.network().predict_output(np.hstack([snap.data.X_train, snap.data.X_test]))
    if fmt == "npz":
        np.testing.assert_array_equal(model.net.theta, snap.theta)
        np.testing.assert_array_equal(model.predict_output(X_raw), expected)
    else:
        np.testing.assert_allclose(model.predict_output(X_raw), expected, rtol=0, atol=1e-12)
    assert model.normalizer is not None
    np.testing.assert_array_equal(model.normalizer.mean[:, 0], snap.data.mean)
    meta = model.metadata
    assert meta["settings"]["iterations"] == snap.iteration
    assert meta["settings"]["hyper"]["optimizer"] == "adam"
    assert meta["network"]["init"] == "xavier" and meta["network"]["seed"] == 4
    assert meta["metrics"]["train"]["cost"] == pytest.approx(snap.train_cost)
    assert meta["dataset"]["class_names"] == list(snap.data.class_names)
    assert meta["dataset"]["name"] == "moons" and meta["dataset"]["task"] == "binary"
    assert meta["dataset"]["feature_names"] == list(snap.data.feature_names)
    # The folder is remembered for the next export, and so is the format.
    assert window.last_folder("weights") == str(target.parent)
    window.export_weights_action.trigger()
    assert dialogs.calls[-1]["start"].startswith(str(target.parent))
    assert dialogs.calls[-1]["selected"] == file_actions.WEIGHT_FILTERS[fmt]


def test_onnx_filter_only_when_onnx_is_installed(qtbot, window, dialogs, monkeypatch):
    window.export_weights_action.trigger()  # cancelled (empty answer): nothing written
    assert (file_actions.WEIGHT_FILTERS["onnx"] in dialogs.calls[-1]["filters"]) == \
        file_actions.onnx_available()
    monkeypatch.setattr(file_actions, "onnx_available", lambda: False)
    window.export_weights_action.trigger()
    assert file_actions.WEIGHT_FILTERS["onnx"] not in dialogs.calls[-1]["filters"]
    assert "pip install 'nnviz[onnx]'" in window.statusBar().currentMessage()


def test_onnx_export_maps_raw_inputs_to_the_app_predictions(qtbot, window, tmp_path):
    ort = pytest.importorskip("onnxruntime", reason="ONNX parity needs onnxruntime "
                              "(pip install 'nnviz[onnx]')")
    snap = trained(qtbot, window, 10)
    path = tmp_path / "model.onnx"
    kind, result = run(qtbot, window, lambda: window.file_actions.export_weights_to(path),
                       "weights")
    assert kind == "finished"
    X_raw = np.hstack([snap.data.X_train_raw, snap.data.X_test_raw])
    expected = snap.network().predict_output(np.hstack([snap.data.X_train, snap.data.X_test]))
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (A,) = sess.run(["A"], {"X": X_raw.T.astype(np.float64)})
    np.testing.assert_allclose(A.T, expected, rtol=0, atol=1e-6)


def test_export_to_an_unwritable_place_says_so_and_training_goes_on(qtbot, window, tmp_path):
    snap = trained(qtbot, window, 5)
    missing = tmp_path / "no such folder" / "w.npz"
    kind, message = run(qtbot, window,
                        lambda: window.file_actions.export_weights_to(missing), "weights")
    assert kind == "failed"
    assert str(missing) in message and "does not exist" in message
    assert window.banner.isVisible() and str(missing) in window.banner.message
    folder = tmp_path / "taken.json"  # (tests run as root here, so no permission case)
    folder.mkdir()
    kind, message = run(qtbot, window,
                        lambda: window.file_actions.export_weights_to(folder), "weights")
    assert kind == "failed" and "it is a folder" in message and "Give a file name" in message
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]  # no temp files
    after = trained(qtbot, window, 3)
    assert after.iteration == snap.iteration + 3 and after.generation == snap.generation


# -- sessions ------------------------------------------------------------------------------

def test_save_then_load_in_a_fresh_window_restores_the_run(qtbot, make_window, dialogs,
                                                           tmp_path):
    first = make_window()
    snap = trained(qtbot, first, 40)
    dialogs.answer = (str(tmp_path / "run"), file_actions.SESSION_FILTER)
    kind, saved = run(qtbot, first, first.save_session_action.trigger, "save")
    assert kind == "finished" and saved == tmp_path / "run.nnviz"
    assert "Saved the session" in first.statusBar().currentMessage()
    on_disk = load_session(saved)
    assert on_disk.settings["iterations"] == snap.iteration
    # Training on after saving, to compare with the reopened session.
    continued = trained(qtbot, first, 15)
    first.close()

    second = make_window(SessionConfig())  # another data set and network at first
    assert second.controller.latest.data.name == "flower"
    dialogs.answer = (str(saved), file_actions.SESSION_FILTER)
    kind, _ = run(qtbot, second, second.load_session_action.trigger, "load")
    assert kind == "finished"
    back = wait_for(qtbot, second, lambda s: s.data.name == "moons")
    assert back.iteration == snap.iteration and back.epoch == snap.epoch
    assert back.theta.tobytes() == snap.theta.tobytes()
    assert len(back.history.iterations) == len(snap.history.iterations)
    np.testing.assert_array_equal(back.history.train_cost, snap.history.train_cost)
    assert len(back.trajectory) == len(snap.trajectory)
    assert back.state == "paused"
    # The builder shows the loaded settings, and further settings build on them.
    assert second.controller.requested_config == CONFIG
    builder = second.panels["builder"]
    qtbot.waitUntil(lambda: builder.optimizer.currentData() == "adam", timeout=TIMEOUT)
    # It continues exactly as the run that was never interrupted.
    again = trained(qtbot, second, 15)
    assert again.theta.tobytes() == continued.theta.tobytes()
    assert second.last_folder("session") == str(tmp_path)
    second.close()


@pytest.mark.parametrize("damage", ["garbage", "pickled", "newer"])
def test_a_bad_session_file_is_refused_and_the_run_is_untouched(qtbot, window, tmp_path,
                                                                 damage):
    good = tmp_path / "good.nnviz"
    run(qtbot, window, lambda: window.file_actions.save_session_to(good), "save")
    bad = tmp_path / f"{damage}.nnviz"
    if damage == "garbage":
        bad.write_bytes(b"PK\x03\x04 this is not really a zip file" * 10)
        expected = "damaged|not a valid|corrupt|zip"
    else:
        with zipfile.ZipFile(good) as zf:
            entries = {name: zf.read(name) for name in zf.namelist()}
        if damage == "pickled":
            buffer = io.BytesIO()
            np.save(buffer, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
            arrays = io.BytesIO()
            with zipfile.ZipFile(arrays, "w") as npz:
                npz.writestr("theta.npy", buffer.getvalue())
            entries["arrays.npz"] = arrays.getvalue()
            expected = "pickle|object"
        else:
            manifest = json.loads(entries["manifest.json"])
            manifest["format_version"] = 99
            entries["manifest.json"] = json.dumps(manifest).encode()
            expected = "newer nnviz.*Update nnviz"
        with zipfile.ZipFile(bad, "w") as zf:
            for name, content in entries.items():
                zf.writestr(name, content)
    before = trained(qtbot, window, 7)
    kind, message = run(qtbot, window, lambda: window.file_actions.load_session_from(bad),
                        "load")
    assert kind == "failed"
    assert message.startswith(bad.name) and "current session is unchanged" in message
    import re
    assert re.search(expected, message, re.IGNORECASE), message
    assert window.banner.isVisible() and bad.name in window.banner.message
    window.controller.request_snapshot()
    now = wait_for(qtbot, window, lambda s: s.serial > before.serial)
    assert now.generation == before.generation and now.iteration == before.iteration
    assert now.theta.tobytes() == before.theta.tobytes()
    assert now.config == CONFIG


def test_a_csv_session_reopens_without_the_original_file(qtbot, window, tmp_path):
    data = tmp_path / "fruit.csv"
    rows = ["weight,size,kind"] + [f"{100 + (i * 13) % 70},{5 + (i * 7) % 6},"
                                   f"{'apple' if (i * 13) % 70 > 30 else 'plum'}"
                                   for i in range(50)]
    data.write_text("\n".join(rows) + "\n")
    window.use_csv(str(data), label_column=2, has_header=True)
    wait_for(qtbot, window, lambda s: s.data.name == "csv")
    snap = trained(qtbot, window, 12)
    path = tmp_path / "fruit.nnviz"
    run(qtbot, window, lambda: window.file_actions.save_session_to(path), "save")
    data.unlink()
    window.controller.reset()
    wait_for(qtbot, window, lambda s: s.iteration == 0)
    kind, _ = run(qtbot, window, lambda: window.file_actions.load_session_from(path), "load")
    assert kind == "finished"
    back = wait_for(qtbot, window, lambda s: s.iteration == snap.iteration)
    assert back.theta.tobytes() == snap.theta.tobytes()
    assert back.data.class_names == ("apple", "plum")
    # Exports name the original file, not the temporary copy the session reads.
    kind, weights = run(qtbot, window, lambda: window.file_actions.export_weights_to(
        tmp_path / "fruit.json"), "weights")
    assert load_weights(weights).metadata["dataset"]["source"] == str(data)
    assert load_weights(weights).metadata["dataset"]["name"] == "fruit"
    run(qtbot, window, lambda: window.file_actions.save_session_to(tmp_path / "again"), "save")
    assert load_session(tmp_path / "again.nnviz").dataset["path"] == str(data)


# -- history and figures -------------------------------------------------------------------

def test_export_history_writes_the_curves_and_the_layer_statistics(qtbot, window, dialogs,
                                                                   tmp_path):
    snap = trained(qtbot, window, 25)
    dialogs.answer = (str(tmp_path / "curves.csv"), file_actions.CSV_FILTER)
    kind, written = run(qtbot, window, window.export_history_action.trigger, "history")
    assert kind == "finished"
    assert [p.name for p in written] == ["curves.csv", "curves_layers.csv"]
    with open(written[0], newline="") as f:
        table = list(csv.reader(f))
    assert table[0] == ["iteration", "train_cost", "test_cost", "train_accuracy",
                        "test_accuracy"]
    assert len(table) - 1 == len(snap.history.iterations)
    assert [int(r[0]) for r in table[1:]] == list(snap.history.iterations)
    np.testing.assert_array_equal([float(r[1]) for r in table[1:]], snap.history.train_cost)
    with open(written[1], newline="") as f:
        layers = list(csv.reader(f))
    assert layers[0][:3] == ["iteration", "grad_norm[1]", "grad_norm[2]"]
    assert len(layers) - 1 == len(snap.layer_history.iterations)


def test_figures_export_as_valid_svg_with_content(qtbot, window, tmp_path):
    trained(qtbot, window, 20)
    qtbot.wait(100)  # let the plots draw the snapshot
    written = window.export_figures(str(tmp_path))
    svgs = [p for p in written if p.suffix == ".svg"]
    assert {"training_cost.svg", "training_prediction.svg"} <= {p.name for p in svgs}
    for path in svgs:
        root = ET.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        drawn = [e for e in root.iter() if e.tag.split("}")[-1] in
                 ("path", "polyline", "line", "rect", "image", "text")]
        assert len(drawn) > 20, f"{path.name}: only {len(drawn)} drawing elements"
    cost = ET.parse(tmp_path / "training_cost.svg").getroot()
    texts = "".join(e.text or "" for e in cost.iter() if e.tag.endswith("text"))
    assert any(ch.isdigit() for ch in texts)  # axis tick labels are in the picture


def _gray(image) -> np.ndarray:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                              image.bytesPerLine())
    return rows[:, :image.width()].astype(float)


def test_svg_draws_axes_and_data_where_the_screen_does(qtbot, window, tmp_path):
    """The SVG, rasterized, matches the plot rendered directly (axes at 3/4 scale, as a
    72-dpi SVG device gives them, would not)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from nnviz.ui.figures import export_figure

    trained(qtbot, window, 40)
    qtbot.wait(100)
    item = window.panels["training"].figures()["cost"]
    path = tmp_path / "cost.svg"
    export_figure(item, path)
    source = item.sceneBoundingRect()
    size = source.size().toSize()
    target = QRectF(0, 0, size.width(), size.height())
    direct, from_svg = (QImage(size, QImage.Format.Format_RGB32) for _ in range(2))
    for image in (direct, from_svg):
        image.fill(QColor("white"))
    painter = QPainter(direct)
    item.scene().render(painter, target, source)
    painter.end()
    painter = QPainter(from_svg)
    QSvgRenderer(str(path)).render(painter, target)
    painter.end()
    a, b = _gray(direct), _gray(from_svg)
    ink = (a < 128).mean()
    assert ink > 0.002  # there is something drawn
    differing = (np.abs(a - b) > 64).mean()
    assert differing < 0.5 * ink, f"{differing:.4f} of pixels differ (ink {ink:.4f})"


# -- open data -----------------------------------------------------------------------------

def test_open_data_from_the_menu_previews_checks_and_switches(qtbot, window, dialogs,
                                                              monkeypatch, tmp_path):
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout

    from nnviz.ui.widgets.csv_dialog import CsvDialog

    data = tmp_path / "data" / "scores.csv"
    data.parent.mkdir()
    rows = ["hours;score;passed"] + [f"{i % 10};{(i * 37) % 100};{int((i * 37) % 100 > 50)}"
                                     for i in range(30)]
    data.write_text("\n".join(rows) + "\n")
    seen = {}

    def exec_(dialog):  # the user waits for the check, looks, and presses Load
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        qtbot.waitUntil(ok.isEnabled, timeout=TIMEOUT)
        seen.update(header=dialog.header.isChecked(), rows=dialog.table.rowCount(),
                    columns=[dialog.table.horizontalHeaderItem(j).text()
                             for j in range(dialog.table.columnCount())],
                    status=dialog.status.text())
        form = dialog.findChild(QFormLayout)
        seen["buddies"] = [form.labelForField(w).buddy() is w and "&" in form.labelForField(w).text()
                           for w in (dialog.label_column, dialog.task)]
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CsvDialog, "exec", exec_)
    dialogs.answer = (str(data), "")
    before = window.controller.latest
    window.open_data_action.trigger()
    assert seen["header"] and seen["rows"] == 20 and seen["columns"] == ["hours", "score",
                                                                         "passed"]
    assert "30 examples" in seen["status"] and seen["buddies"] == [True, True]
    snap = wait_for(qtbot, window, lambda s: s.data.name == "csv")
    assert snap.data.feature_names == ("hours", "score")
    assert snap.generation > before.generation
    assert window.last_folder("data") == str(data.parent)


def test_save_and_load_while_training_runs(qtbot, window, tmp_path):
    window.controller.set_speed(2000)  # keep the worker busy without starving the test
    window.controller.play()
    wait_for(qtbot, window, lambda s: s.state == "running" and s.iteration > 20)
    path = tmp_path / "live.nnviz"
    kind, _ = run(qtbot, window, lambda: window.file_actions.save_session_to(path), "save")
    assert kind == "finished"
    saved = load_session(path)
    iteration = saved.settings["iterations"]
    assert saved.trainer["iteration"] == iteration > 20
    assert saved.history["iterations"][-1] <= iteration
    wait_for(qtbot, window, lambda s: s.iteration > iteration + 20)
    kind, _ = run(qtbot, window, lambda: window.file_actions.load_session_from(path), "load")
    assert kind == "finished"
    back = wait_for(qtbot, window, lambda s: s.iteration == iteration)
    assert back.state == "paused" and window.controller.state == "paused"
    assert back.theta.tobytes() == np.asarray(saved.theta).tobytes()
    assert window.play_action.text() == "Play"


# -- import weights ------------------------------------------------------------------------

def test_import_weights_uses_the_exported_network_on_the_current_data(qtbot, window, dialogs,
                                                                      tmp_path):
    exported = trained(qtbot, window, 20)
    path = tmp_path / "moons.json"
    run(qtbot, window, lambda: window.file_actions.export_weights_to(path), "weights")
    window.controller.apply_config(SessionConfig(DataSpec(name="iris")))  # 4 features
    before = wait_for(qtbot, window, lambda s: s.data.name == "iris")
    dialogs.answer = (str(path), file_actions.IMPORT_FILTER)
    kind, message = run(qtbot, window, window.import_weights_action.trigger, "import")
    assert kind == "failed" and message.startswith("moons.json")
    assert "2 inputs" in message and "4 features" in message and "unchanged" in message
    window.controller.request_snapshot()
    now = wait_for(qtbot, window, lambda s: s.serial > before.serial)
    assert now.generation == before.generation and now.layer_dims == before.layer_dims

    window.controller.apply_config(CONFIG)
    wait_for(qtbot, window, lambda s: s.data.name == "moons")
    window.controller.apply_config(SessionConfig(CONFIG.data, NetworkSpec(hidden_units=(3, 3),
                                                                          activations=("relu",) * 2)))
    wait_for(qtbot, window, lambda s: s.layer_dims == (2, 3, 3, 1))
    kind, _ = run(qtbot, window, lambda: window.file_actions.import_weights_from(path),
                  "import")
    assert kind == "finished"
    snap = wait_for(qtbot, window, lambda s: s.layer_dims == (2, 5, 1))
    assert snap.iteration == 0 and snap.activations == ("tanh",)
    np.testing.assert_allclose(snap.theta, exported.theta, rtol=0, atol=0)  # JSON: exact
    assert snap.train_cost == pytest.approx(exported.train_cost, rel=1e-12)
    assert window.controller.requested_config.network.init == "xavier"
    trained(qtbot, window, 3)  # and it trains on
