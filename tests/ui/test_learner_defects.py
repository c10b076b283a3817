"""Defects a first-time learner hit (issue 11): what the window shows after loading a
session over a diverged run, the status bar, exporting a diverged network (offscreen)."""
import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.ui import file_actions
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings

TIMEOUT = 30000
# Three classes, trained a few steps: the session that is saved and loaded back.
IRIS = SessionConfig(DataSpec(name="iris", normalize=True),
                     NetworkSpec(hidden_units=(5,), activations=("tanh",)),
                     Hyperparameters(learning_rate=1.0))
# Three other classes at the largest learning rate: diverges within a hundred steps.
WINE_DIVERGING = SessionConfig(DataSpec(name="wine", normalize=True),
                               NetworkSpec(hidden_units=(5,), activations=("relu",)),
                               Hyperparameters(learning_rate=100.0))


def wait_for(qtbot, window, predicate):
    c = window.controller
    qtbot.waitUntil(lambda: c.latest is not None and predicate(c.latest), timeout=TIMEOUT)
    return c.latest


def drawn(qtbot, window, predicate):
    """Wait until the window has drawn a snapshot for which ``predicate`` holds."""
    seen = []
    window.controller.snapshot.connect(seen.append)
    window.controller.request_snapshot()
    try:
        qtbot.waitUntil(lambda: any(predicate(s) for s in seen), timeout=TIMEOUT)
    finally:
        window.controller.snapshot.disconnect(seen.append)
    return window.controller.latest


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(config=IRIS, settings=open_settings(isolated_settings),
                   panels=[panel_spec(k) for k in ("builder", "training", "network")])
    qtbot.addWidget(w)
    w.show()
    wait_for(qtbot, w, lambda s: True)
    w.controller.set_speed(0)
    yield w
    w.close()


def run_file_action(qtbot, window, trigger, kind):
    outcome = []
    done = lambda k, result: k == kind and outcome.append(result)  # noqa: E731
    window.file_actions.finished.connect(done)
    try:
        trigger()
        qtbot.waitUntil(lambda: bool(outcome), timeout=TIMEOUT)
    finally:
        window.file_actions.finished.disconnect(done)
    return outcome[0]


def diverge(qtbot, window, config=WINE_DIVERGING):
    window.controller.apply_config(config)
    wait_for(qtbot, window, lambda s: s.config == config)
    with qtbot.waitSignal(window.controller.diverged, timeout=TIMEOUT):
        window.controller.play()
    return drawn(qtbot, window, lambda s: s.state == "diverged")


def confusion_ticks(view, axis: str) -> list[str]:
    return [text for _, text in view.getPlotItem().getAxis(axis)._tickLevels[0]]


def test_loading_a_session_after_a_diverged_run_shows_only_the_loaded_session(
        qtbot, window, tmp_path, monkeypatch):
    c = window.controller
    # Played at full speed, the history is recorded every few steps: paused between two
    # records, its last point is older than the paused iteration.
    c.play()
    wait_for(qtbot, window, lambda s: s.iteration > 300)
    c.pause()
    saved = wait_for(qtbot, window, lambda s: s.state == "paused")
    run_file_action(qtbot, window, lambda: window.file_actions.save_session_to(
        tmp_path / "iris.nnviz"), "save")

    wild = diverge(qtbot, window)
    training = window.panels["training"]
    confusion = training.view("confusion")
    assert window.banner.active and window.banner.isVisible()
    # The confusion matrix labels the classes of the data on screen.
    assert confusion_ticks(confusion, "bottom") == list(wild.data.class_names)

    # File > Load session, as the menu does it (the file dialog answers at once).
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kw: (str(tmp_path / "iris.nnviz"),
                                             file_actions.SESSION_FILTER))
    run_file_action(qtbot, window, window.load_session_action.trigger, "load")
    loaded = drawn(qtbot, window,
                   lambda s: s.data.name == "iris" and s.iteration == saved.iteration)
    assert loaded.state == "paused" and loaded.theta.tobytes() == saved.theta.tobytes()

    # No message of the diverged run is left.
    assert not window.banner.active and not window.banner.isVisible()
    # The status bar: the loaded iteration, epoch and cost, and no rate (not running).
    status = window.status
    assert status.iteration.text() == f"iteration {saved.iteration:,}"
    assert status.epoch.text() == f"epoch {saved.iteration:,}"  # full batch
    assert loaded.train_cost == saved.train_cost
    assert f"{saved.train_cost:.4g}" in status.cost.text()
    assert "diverged" not in status.state.text()
    # The training panel: the loaded data's header, classes, counts and curves.
    assert "Iris" in training.summary.text()
    assert training.outcome.currentWidget() is confusion
    names = list(loaded.data.class_names)
    assert confusion_ticks(confusion, "bottom") == names
    assert confusion_ticks(confusion, "left") == names
    counts = np.array([int(t.toPlainText()) for t in confusion.labels]).reshape(3, 3)
    np.testing.assert_array_equal(counts, loaded.evaluation.confusion)
    accuracy = np.trace(loaded.evaluation.confusion) / loaded.evaluation.confusion.sum()
    assert f"accuracy {accuracy:.1%}" in confusion.getPlotItem().titleLabel.text
    # The cost curve ends at the loaded iteration with the J the status bar shows.
    # (the data's own iterations: past 2,000 the axis turns logarithmic by itself, and
    # getData() would give log10 of them)
    x, y = training.train_cost.getOriginalDataset()
    assert x[-1] == saved.iteration and y[-1] == pytest.approx(saved.train_cost, rel=1e-12)
    assert set(x[:-1]) <= set(loaded.history.iterations.tolist())
    x, y = training.train_metric.getOriginalDataset()
    assert x[-1] == saved.iteration and y[-1] == pytest.approx(saved.train_metric)


def test_the_curves_end_at_the_snapshots_own_iteration():
    from types import SimpleNamespace

    from nnviz.training.snapshot import History
    from nnviz.ui.widgets.curves import with_latest

    h = History(np.array([0, 16, 32]), np.array([0.69, 0.5, 0.4]), np.array([0.7, 0.55, 0.45]),
                np.array([0.5, 0.7, 0.8]), np.array([0.5, 0.6, 0.7]))
    now = SimpleNamespace(iteration=41, state="paused", train_cost=0.35, test_cost=0.42,
                          train_metric=0.85, test_metric=0.75)
    out = with_latest(h, now)
    assert out.iterations.tolist() == [0, 16, 32, 41]
    assert [a[-1] for a in (out.train_cost, out.test_cost, out.train_metric,
                            out.test_metric)] == [0.35, 0.42, 0.85, 0.75]
    assert with_latest(h, SimpleNamespace(**{**vars(now), "iteration": 32})) is h
    # A diverged snapshot's cost (the last finite one, up to 1e308) is not drawn.
    assert with_latest(h, SimpleNamespace(**{**vars(now), "state": "diverged"})) is h


def test_status_bar_rate_only_while_running_and_epochs_match_iterations(qtbot, window):
    status = window.status
    window.controller.play()
    drawn(qtbot, window, lambda s: s.state == "running" and s.steps_per_second > 0)
    qtbot.waitUntil(lambda: status.speed.text().endswith("steps/s"), timeout=TIMEOUT)
    window.controller.pause()
    drawn(qtbot, window, lambda s: s.state == "paused")
    assert status.speed.text() == "" and "paused" in status.state.text()

    # Full batch: one epoch per iteration, also after a divergence and a Step after it.
    wild = diverge(qtbot, window)
    assert wild.config.hyper.batch_size is None
    assert status.iteration.text() == f"iteration {wild.iteration:,}"
    assert status.epoch.text() == f"epoch {wild.iteration:,}"
    assert status.speed.text() == ""
    window.step_action.trigger()
    again = drawn(qtbot, window, lambda s: s.serial > wild.serial and s.state == "diverged")
    assert again.iteration == again.epoch == wild.iteration
    assert status.epoch.text() == f"epoch {wild.iteration:,}"


class Question:
    """Stands in for QMessageBox.question: records what was asked, answers ``answer``."""

    def __init__(self, monkeypatch, answer):
        self.answer, self.asked = answer, []
        monkeypatch.setattr(QMessageBox, "question", self._ask)

    def _ask(self, parent, title, text, buttons, default):
        self.asked.append({"title": title, "text": text, "buttons": buttons,
                           "default": default})
        return self.answer


def test_exporting_a_diverged_network_asks_first_and_cancel_is_the_default(
        qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "wild-weights.npz"
    files = []

    def save_as(*args, **kw):
        files.append(args)
        return str(target), file_actions.WEIGHT_FILTERS["npz"]

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    # A network that trains normally is exported without a question.
    question = Question(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.controller.step(5)
    wait_for(qtbot, window, lambda s: s.iteration == 5)
    run_file_action(qtbot, window, window.export_weights_action.trigger, "weights")
    assert question.asked == [] and len(files) == 1
    target.unlink()

    wild = diverge(qtbot, window)
    assert np.abs(wild.theta).max() > 1e6  # what the file would hold
    window.export_weights_action.trigger()
    [asked] = question.asked
    Button = QMessageBox.StandardButton
    assert asked["default"] == Button.Cancel
    assert asked["buttons"] & Button.Yes and asked["buttons"] & Button.Cancel
    text = asked["text"]
    assert "diverged" in text and "learning rate" in text and "anyway" in text
    assert f"{float(np.abs(wild.theta).max()):.3g}" in text
    qtbot.wait(200)
    assert len(files) == 1 and not target.exists()  # cancelled before the file dialog

    question.answer = Button.Yes  # the learner insists
    written = run_file_action(qtbot, window, window.export_weights_action.trigger, "weights")
    assert len(question.asked) == 2 and written == target and target.exists()
