"""At a set pace the worker has time to spare: a fresh boundary (and neuron pictures) in
every snapshot, and the GUI may spend more of a core drawing them. At Max the old budgets
hold (training first)."""
import types

from nnviz.training.controller import TrainingController

from .test_worker import make_controller, wait_for  # noqa: F401 (fixture)


def running(rate: float):
    return types.SimpleNamespace(state="running", steps_per_second=rate)


def test_drawing_budget_grows_only_at_a_pace_the_worker_keeps(qtbot):
    c = TrainingController()
    try:
        assert c.drawing_budget == c.gui_budget  # Max: the worker's start
        c.set_speed(100)
        assert c.pace == 100 and c.drawing_budget == c.gui_budget  # no rate seen yet
        for _ in range(20):
            c._on_snapshot(running(100.0))
        assert c.drawing_budget == c.paced_gui_budget > c.gui_budget
        for _ in range(20):  # falling behind (drawing took the time): training first
            c._on_snapshot(running(40.0))
        assert c.drawing_budget == c.gui_budget
        for _ in range(20):
            c._on_snapshot(running(100.0))
        c.set_speed(0)  # Max again
        assert c.drawing_budget == c.gui_budget
    finally:
        assert c.shutdown()


def test_every_snapshot_at_a_set_pace_has_a_boundary_of_its_own_iteration(qtbot,
                                                                          make_controller):
    c = make_controller()
    seen = []
    c.worker.snapshot_ready.connect(lambda s: seen.append(s))  # every one, before coalescing
    c.set_speed(100)
    c.play()
    wait_for(qtbot, c, lambda s: s.state == "running" and s.iteration >= 60)
    c.pause()
    wait_for(qtbot, c, lambda s: s.state == "paused")
    live = [s for s in list(seen) if s.state == "running"]
    assert len(live) >= 3
    assert all(s.boundary.iteration == s.iteration for s in live)
    grids = [s.boundary for s in live]
    assert all(a is not b for a, b in zip(grids, grids[1:]))  # recomputed, not reused
    assert len({s.boundary.inputs[0].values.shape for s in live}) == 1  # inputs pictured


def test_snapshots_not_yet_taken_by_the_gui_stay_bounded(qtbot, make_controller):
    from nnviz.training.worker import PACED_IN_FLIGHT

    c = make_controller()
    w = c.worker
    in_flight = []  # at each emission (worker thread): made but not yet taken by the GUI
    # Running ones only: pausing sends its still picture at once, whatever is in flight.
    w.snapshot_ready.connect(lambda s: s.state == "running" and in_flight.append(
        (w._speed, s.serial - w._acknowledged)))
    for speed, limit in ((100, PACED_IN_FLIGHT), (0, 1)):  # a set pace, then Max
        c.set_speed(speed)
        c.play()
        start = c.latest.iteration
        wait_for(qtbot, c, lambda s: s.state == "running" and s.iteration >= start + 40)
        c.pause()
        wait_for(qtbot, c, lambda s: s.state == "paused")
        live = [n for pace, n in list(in_flight) if pace == speed]
        assert live and max(live) <= limit
