"""Dropout on the network diagram: the step's dropped units greyed (their outgoing links too),
the survivors' 1/keep_prob written, a new mask every step, only at paces a learner can follow,
and a test-time view with no masks."""
import dataclasses
import types

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.training.config import course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.network.panel import NetworkPanel
from nnviz.ui.theme import colors
from nnviz.ui.widgets.diagram_dropout import MASK_EXAMPLE


def make_session(keep_prob, hidden=(6, 4)):
    config = course_default()
    network = dataclasses.replace(config.network, hidden_units=hidden,
                                  activations=("tanh",) * len(hidden))
    hyper = dataclasses.replace(config.hyper, keep_prob=keep_prob)
    return TrainingSession(dataclasses.replace(config, network=network, hyper=hyper))


@pytest.fixture
def panel(qtbot):
    controller = types.SimpleNamespace(pace=1.0, state="paused")
    p = NetworkPanel(PanelContext(controller, QSettings(),
                                  types.SimpleNamespace(colors=colors())))
    qtbot.addWidget(p)
    p.resize(1000, 260)
    p.show()
    qtbot.waitExposed(p)
    return p


def expected_dropped(snapshot, diagram):
    """(l, i) of the drawn hidden units whose mask for the example shown is 0."""
    record = snapshot.dropout_masks
    out = set()
    for l in range(1, snapshot.L):
        column = record.masks[l - 1][:, MASK_EXAMPLE]
        out |= {(l, i) for i in diagram._positions[l] if not column[i]}
    return out


def test_the_diagram_greys_exactly_the_dropped_units_and_their_outgoing_links(panel):
    s = make_session(0.5)
    d = panel.diagram
    seen = []
    for _ in range(6):
        s.step(1)
        snap = s.snapshot(state="paused")
        panel.on_snapshot(snap)
        dropped = expected_dropped(snap, d)
        assert d.dropped_units == dropped
        links = {key for key in d._segment_keys if (key[0] - 1, key[2]) in dropped}
        assert d.greyed_links == links
        assert all(l < snap.L for l, _ in dropped)  # never the inputs or the output
        # The scaling 1/keep_prob is written under each hidden layer, nowhere else.
        assert d._captions(1)[1] == "tanh · survivors ×2"
        assert d._captions(2)[1] == "tanh · survivors ×2"
        assert "survivors" not in d._captions(3)[1] and "survivors" not in d._captions(0)[1]
        assert f"Step {snap.iteration:,}, example 1 of 320" in panel.caption.text()
        said = "crossed out = dropped" if dropped else "none dropped this time"
        assert said in panel.caption.text()
        assert "survivors ×2" in panel.caption.text()
        seen.append(frozenset(dropped))
        # The hover read-out says what happened to each unit in this step.
        for (l, i) in dropped:
            p = d._positions[l][i]
            assert "DROPPED" in d.describe_at(p.x(), p.y())
    assert len(set(seen)) > 1  # a different mask from step to step
    assert panel.dropout_pass.isVisible()


def test_greyed_links_leave_the_cached_picture_and_come_back(panel):
    s = make_session(0.5)
    s.step(1)
    panel.on_snapshot(s.snapshot(state="paused"))
    d = panel.diagram
    rows = d._greyed_link_rows()
    assert rows.any()
    first = d._links_picture().toImage()
    panel.set_dropout_view("test")
    assert not d._greyed_link_rows().any()
    assert d._links_picture().toImage() != first  # redrawn without the greyed links


def test_test_time_pass_shows_no_masks_and_no_scaling(panel):
    s = make_session(0.8)
    s.step(3)
    panel.on_snapshot(s.snapshot(state="paused"))
    d = panel.diagram
    panel.set_dropout_view("test")
    assert d.dropout_view == "test"
    assert d.dropped_units == frozenset() and d.greyed_links == frozenset()
    assert "×1.25" not in d._captions(1)[1] and "test" in d._captions(1)[1]
    assert "Test-time pass" in panel.caption.text()
    assert "1/keep_prob" in panel.dropout_pass.toolTip()
    assert "A[l] = A[l] * D[l] / keep_prob" in panel.dropout_pass.toolTip()
    # Back to training: the same step's masks again.
    panel.set_dropout_view("training")
    assert d.dropped_units == expected_dropped(s.snapshot(), d)


def test_masks_only_at_followable_paces(panel):
    s = make_session(0.5)
    s.step(2)
    d = panel.diagram
    running = s.snapshot(state="running")
    for pace, shown in ((1.0, True), (10.0, True), (100.0, False), (0.0, False)):
        panel.controller.pace = pace
        panel.on_snapshot(running)
        assert d.masks_shown is shown
        if shown:
            assert d.dropped_units == expected_dropped(running, d)
        else:
            assert d.dropped_units == frozenset()
            assert "masks shown at 10 steps/s or slower" in panel.caption.text().lower()
            assert d._captions(1)[1].endswith("survivors ×2")  # the scaling stays written
    # Stepping or paused after a fast run: the last step's masks are shown.
    panel.controller.pace = 0.0
    panel.on_snapshot(s.snapshot(state="paused"))
    assert d.masks_shown and d.dropped_units == expected_dropped(s.snapshot(), d)


def test_no_dropout_no_toggle_no_marks(panel):
    s = make_session(1.0)
    s.step(2)
    panel.on_snapshot(s.snapshot(state="paused"))
    d = panel.diagram
    assert not panel.dropout_pass.isVisible()
    assert d.dropped_units == frozenset() and d.dropout is None
    assert all("survivors" not in d._captions(l)[1] for l in range(4))
    assert "Step" not in panel.caption.text() and "thickness" in panel.caption.text()


def test_circles_are_crossed_out_too(qtbot):
    """Data with more inputs (iris, 4 features): units are circles; the dropped ones are
    greyed all the same."""
    from nnviz.ui.widgets.network_diagram import NetworkDiagram
    config = course_default()
    config = dataclasses.replace(
        config, data=dataclasses.replace(config.data, name="iris"),
        network=dataclasses.replace(config.network, hidden_units=(8,)),
        hyper=dataclasses.replace(config.hyper, keep_prob=0.5))
    s = TrainingSession(config)
    d = NetworkDiagram()
    qtbot.addWidget(d)
    d.resize(600, 300)
    dropped = set()
    for _ in range(3):
        s.step(1)
        snap = s.snapshot(state="paused")
        d.set_snapshot(snap)
        assert d.picture_side == 0  # circles
        assert d.dropped_units == expected_dropped(snap, d)
        dropped |= d.dropped_units
        d.grab()  # paints the crossed-out circles
    assert dropped


def test_live_at_ten_steps_a_second_every_snapshot_shows_its_own_steps_mask(qtbot):
    """Through the real worker thread: at 10 steps/s each snapshot's mask is drawn, and the
    masks change from step to step; Step shows the mask of the step just taken."""
    from nnviz.training.controller import TrainingController

    config = course_default()
    config = dataclasses.replace(config, hyper=dataclasses.replace(config.hyper,
                                                                   keep_prob=0.5))
    controller = TrainingController(config)
    panel = NetworkPanel(PanelContext(controller, QSettings(),
                                      types.SimpleNamespace(colors=colors())))
    qtbot.addWidget(panel)
    panel.resize(1000, 260)
    panel.show()
    drawn = []

    def take(snapshot):
        panel.on_snapshot(snapshot)
        d = panel.diagram
        if snapshot.dropout_masks is not None:
            drawn.append((snapshot.state, snapshot.dropout_masks.iteration, d.masks_shown,
                          d.dropped_units, frozenset(expected_dropped(snapshot, d))))

    controller.snapshot.connect(take)
    try:
        controller.start()
        qtbot.waitUntil(lambda: controller.latest is not None, timeout=20000)
        controller.set_speed(10)
        controller.play()
        qtbot.waitUntil(lambda: sum(s == "running" for s, *_ in drawn) >= 8, timeout=20000)
        controller.pause()
        qtbot.waitUntil(lambda: controller.latest.state == "paused", timeout=20000)
        live = [row for row in drawn if row[0] == "running"]
        assert all(shown and got == want for _, _, shown, got, want in live)
        steps = [it for _, it, *_ in live]
        assert steps == sorted(steps) and len(set(steps)) == len(steps)  # one per step
        assert len({got for *_, got, _ in live}) > 1  # the mask changes
        before = controller.latest.iteration
        controller.step()
        qtbot.waitUntil(lambda: controller.latest.iteration == before + 1, timeout=20000)
        state, it, shown, got, want = drawn[-1]
        assert it == before + 1 and shown and got == want
    finally:
        assert controller.shutdown()


@pytest.mark.parametrize("size", ((1000, 260), (1500, 390)))
@pytest.mark.parametrize("view", ("training", "test"))
def test_the_dropout_caption_keeps_to_one_line(qtbot, panel, size, view):
    panel.resize(*size)
    s = make_session(0.8)
    s.step(1)
    snap = s.snapshot(state="paused")  # as late in a run as step 12,345
    snap = dataclasses.replace(snap, dropout_masks=snap.dropout_masks._replace(iteration=12345))
    panel.on_snapshot(snap)
    assert "12,345" in panel.caption.text()
    panel.set_dropout_view(view)
    qtbot.wait(50)  # the layout settles
    line = panel.caption.fontMetrics().lineSpacing()
    assert panel.caption.height() < 2 * line
    assert panel.diagram.height() >= size[1] - 45


def test_a_step_that_drops_no_drawn_unit_says_so(panel):
    s = make_session(0.8, hidden=(2,))
    kinds = set()
    for _ in range(40):  # each step keeps both units with probability 0.64
        s.step(1)
        panel.on_snapshot(s.snapshot(state="paused"))
        none = not panel.diagram.dropped_units
        assert ("none dropped this time" in panel.caption.text()) is none
        kinds.add(none)
    assert kinds == {True, False}
