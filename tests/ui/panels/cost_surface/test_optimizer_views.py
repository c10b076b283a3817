"""The optimizer on the cost surface: arrows projected from the snapshot's state, the
mini-batch readout and batch-size buttons, the gradient-average tab and race mode (runs on
its own thread, cancellable)."""
import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from nnviz.engine.optimizers_trace import bias_corrected
from nnviz.training.config import Hyperparameters, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.cost_surface.arrows import display_scale
from nnviz.ui.panels.cost_surface.panel import CostSurfacePanel
from nnviz.ui.theme import LIGHT

TIMEOUT = 30000


class RecordingController:
    def __init__(self, config):
        self.requested_config = config
        self.applied = []

    def apply_config(self, config):
        self.applied.append(config)
        self.requested_config = config


def snapshot_of(optimizer, batch_size, steps=31, lr=0.01):
    config = dataclasses.replace(course_default(), hyper=Hyperparameters(
        optimizer=optimizer, learning_rate=lr, batch_size=batch_size))
    session = TrainingSession(config)
    session.step(steps)
    return session.snapshot(state="paused")


def shown(qtbot, snapshot, size=(900, 680)):
    controller = RecordingController(snapshot.config)
    panel = CostSurfacePanel(PanelContext(controller, None, SimpleNamespace(colors=LIGHT)))
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    panel.on_snapshot(snapshot)
    qtbot.waitUntil(lambda: panel.result is not None and not panel.runner.busy,
                    timeout=TIMEOUT)
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=TIMEOUT)
    panel.on_snapshot(snapshot)
    return panel, controller


def test_arrows_are_the_projected_state_with_one_scale(qtbot):
    snap = snapshot_of("adam", 64)
    panel, _ = shown(qtbot, snap)
    arrows = panel.arrows
    assert set(arrows.vectors) == {"gradient", "batch_gradient", "velocity", "step"}
    for name, vector in snap.optimizer.arrows.items():
        expected = panel.result.projector @ vector.astype(np.float64) * arrows.scale
        np.testing.assert_allclose(arrows.vectors[name], expected, rtol=1e-6)
    np.testing.assert_allclose(arrows.origin, panel.path_data()[-1])
    key = panel.legend.text()
    assert "angle" in key and f"{snap.optimizer.batch_angle:.1f}°" in key
    assert "v̂/(√ŝ+ε)" in key  # Adam's step named as the course writes it
    assert panel.arrow_bar.buttons[64].isChecked()
    panel.arrow_bar.check.setChecked(False)
    assert arrows.vectors == {}
    panel.shutdown()


def test_full_batch_draws_no_mini_batch_arrow_and_the_buttons_apply(qtbot):
    snap = snapshot_of("momentum", None, steps=10, lr=0.5)
    panel, controller = shown(qtbot, snap)
    assert snap.optimizer.batch_angle == 0.0
    assert "batch_gradient" not in panel.arrows.vectors
    assert "angle" not in panel.legend.text()
    assert panel.arrow_bar.buttons[None].isChecked()
    panel.arrow_bar.buttons[1].click()
    panel.arrow_bar.buttons[64].click()
    panel.arrow_bar.buttons[None].click()
    assert [c.hyper.batch_size for c in controller.applied] == [1, 64, None]
    assert all(c.hyper.optimizer == "momentum" for c in controller.applied)
    panel.shutdown()


def test_display_scale_is_round_and_keeps_the_longest_in_range():
    for longest in (1e-5, 3e-3, 0.07, 2.0, 40.0):
        scale = display_scale([longest, longest / 3], 1.0)
        assert 0.2 - 1e-12 <= longest * scale <= 0.5 + 1e-12
        mantissa = scale / 10 ** np.floor(np.log10(scale))
        assert any(np.isclose(mantissa, m) for m in (1, 2, 5))


def test_gradient_average_tab_draws_raw_average_and_bias_correction(qtbot):
    snap = snapshot_of("momentum", 64, steps=25, lr=0.5)
    panel, _ = shown(qtbot, snap)
    panel.tabs.setCurrentWidget(panel.averages_page)
    view = panel.averages
    view.parameter.setCurrentText("W1[1,0]")
    k = list(snap.optimizer.averages.labels).index("W1[1,0]")
    a = snap.optimizer.averages
    curves = view.curves()
    np.testing.assert_array_equal(curves["raw"][1], a.first_raw[:, k])
    np.testing.assert_array_equal(curves["ewa"][1], a.first_ewa[:, k])
    np.testing.assert_allclose(curves["corrected"][1],
                               a.first_ewa[:, k] / (1 - 0.9 ** a.first_t))
    assert curves["corrected"][1][0] == pytest.approx(a.first_raw[0, k])  # v1/(1-β) = dW1
    assert "1/(1-β) = 10 steps" in view.note.text()
    assert not panel.notes.isVisible()  # the surface's key belongs to the surface tab
    view.window.setCurrentIndex(view.window.findData("recent"))
    assert len(view.curves()["raw"][0]) == 25
    np.testing.assert_allclose(bias_corrected(a.recent_ewa, a.recent_t, 0.9)[:, k],
                               view.curves()["corrected"][1])
    panel.shutdown()


def test_race_runs_on_its_thread_and_cancels(qtbot):
    snap = snapshot_of("gd", None, steps=5, lr=1.2)
    panel, _ = shown(qtbot, snap)
    race = panel.race
    panel.tabs.setCurrentWidget(race)
    qtbot.wait(50)
    race.steps.setValue(60)
    race.run()
    qtbot.waitUntil(lambda: race.result is not None and not race.runner.busy,
                    timeout=TIMEOUT)
    r = race.result
    assert len(r.paths) == 3 and r.labels[0].startswith("Momentum")
    for path, costs, steps in zip(r.paths, r.costs, r.path_steps):
        np.testing.assert_allclose(path[0], 0.0, atol=1e-9)  # the same start
        assert steps[-1] == 60 and len(costs) == len(steps)
    drawn = race.path_items[0][1].getData()
    np.testing.assert_allclose(drawn[0], r.paths[0][:, 0])
    assert "J =" in race.status.text() and race.start.isEnabled()
    # A long race is cancelled at once and leaves the last result alone.
    for check in race.checks.values():
        check.setChecked(True)
    race.steps.setValue(5000)
    race.run()
    assert race.cancel.isEnabled()
    qtbot.wait(100)
    race.cancel.click()
    qtbot.waitUntil(lambda: "cancelled" in race.status.text(), timeout=TIMEOUT)
    assert race.start.isEnabled() and race.result is r
    # Fewer than two optimizers: a message, no job.
    for name, check in race.checks.items():
        check.setChecked(name == "adam")
    race.run()
    assert "Choose 2 to 4" in race.status.text() and not race.runner.busy
    panel.shutdown()


def test_the_gradient_average_and_race_tabs_are_made_when_first_opened(qtbot):
    # Their plots cost start-up time for tabs most sessions open late or never.
    snap = snapshot_of("adam", 64, steps=12)
    panel, _ = shown(qtbot, snap)
    assert panel.averages_page.made() is None and panel.race_page.made() is None
    panel.tabs.setCurrentWidget(panel.race_page)
    race = panel.race_page.made()
    assert race is not None and race.isVisible()
    assert race.snapshot is snap  # made with what the panel already had
    panel.tabs.setCurrentWidget(panel.averages_page)
    assert panel.averages_page.made() is panel.averages  # one view, made once
    assert panel.averages.curves()["raw"][1].size == 12  # and drawn at once
    panel.shutdown()
