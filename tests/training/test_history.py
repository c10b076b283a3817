"""Bounded, decimating history and trajectory."""
import numpy as np
import pytest

from nnviz.training.history import DecimatingRecorder, MetricHistory, Trajectory


def record(recorder, iterations):
    for it in range(iterations + 1):
        if recorder.due(it):
            recorder.append(it, float(it))


@pytest.mark.parametrize("iterations", [0, 7, 100, 1000, 12345])
def test_recorder_stays_bounded_evenly_spaced_and_keeps_the_start(iterations):
    rec = DecimatingRecorder(capacity=64)
    record(rec, iterations)
    its = np.array(rec.iterations)
    assert 1 <= len(its) <= 64
    assert its[0] == 0
    steps = np.diff(its)
    assert (steps == rec.stride).all()  # evenly spaced at the current stride
    # The records reach to within one stride of the last iteration.
    assert iterations - its[-1] < rec.stride
    assert rec.values == [float(i) for i in its]


def test_recorder_stride_doubles_only_when_full():
    rec = DecimatingRecorder(capacity=8)
    record(rec, 7)
    assert rec.stride == 1 and rec.iterations == list(range(8))
    record_more = [8]
    for it in record_more:
        assert rec.due(it)
        rec.append(it, float(it))
    assert rec.stride == 2 and rec.iterations == [0, 2, 4, 6, 8]


def test_recorder_rejects_bad_capacity():
    with pytest.raises(ValueError):
        DecimatingRecorder(capacity=5)


def test_metric_history_arrays_are_read_only_copies():
    h = MetricHistory(capacity=16)
    for it in range(10):
        h.append(it, 1.0 / (it + 1), np.nan, 0.5, np.nan)
    a = h.arrays()
    assert set(a) == {"iterations", *MetricHistory.FIELDS, "dev_cost", "dev_metric", "l2_cost"}
    assert a["iterations"].tolist() == list(range(10))
    assert np.isnan(a["dev_cost"]).all() and np.isnan(a["l2_cost"]).all()  # not given
    assert np.allclose(a["train_cost"], 1.0 / (np.arange(10) + 1))
    assert np.isnan(a["test_cost"]).all()
    with pytest.raises(ValueError):
        a["train_cost"][0] = 5.0
    h.append(10, 0.01, 0.02, 0.9, 0.8)
    assert a["train_cost"].size == 10  # earlier arrays are not changed by later records


def test_trajectory_shares_immutable_copies():
    t = Trajectory(capacity=8)
    theta = np.zeros(3)
    for it in range(20):
        theta += 1.0
        if t.due(it):
            t.append(it, theta)
    thetas = t.thetas()
    assert len(thetas) <= 8
    assert all(not th.flags.writeable for th in thetas)
    # Each stored copy is the value at its own iteration, not the live array.
    for it, th in zip(t.iterations(), thetas):
        assert np.all(th == it + 1)


def test_the_blow_up_before_a_divergence_is_trimmed_and_reported():
    h = MetricHistory(capacity=16)
    costs = [0.7, 0.5, 0.4, 0.9, 6.0, 8e3, 2e150, 8e305]
    for it, c in enumerate(costs):
        h.append(it, c, c, 0.5, 0.5)
    assert h.trim_runaway(10.0) == (5, 8e305)  # 8e3 is the first record above 10 x 0.7
    assert list(h.arrays()["iterations"]) == [0, 1, 2, 3, 4]
    assert h.arrays()["train_cost"].max() == 6.0
    assert h.trim_runaway(10.0) is None  # nothing left to trim
    h.append(5, 0.3, 0.3, 0.9, 0.9)  # recording continues after the kept records
    assert list(h.arrays()["iterations"]) == [0, 1, 2, 3, 4, 5]


def test_a_blow_up_from_the_first_step_keeps_the_start():
    h = MetricHistory(capacity=8)
    for it, c in enumerate([0.69, 1e200, 1e300]):
        h.append(it, c, c, 0.5, 0.5)
    assert h.trim_runaway(10.0) == (1, 1e300)
    assert list(h.arrays()["train_cost"]) == [0.69]


def test_trajectory_drops_from_an_iteration_but_keeps_the_start():
    t = Trajectory(capacity=16)
    for it in range(6):
        t.append(it, np.full(3, float(it)))
    t.drop_from(3)
    assert list(t.iterations()) == [0, 1, 2] and len(t.thetas()) == 3
    t.drop_from(0)
    assert list(t.iterations()) == [0]


def test_a_long_run_keeps_its_first_iterations_one_by_one():
    h = MetricHistory()  # the app's capacity
    h.min_stride = 32  # as at a fast pace
    for it in range(10_001):
        if h.due(it):
            h.append(it, 1.0 / (it + 1), np.nan, 0.5, np.nan)
    its = h.arrays()["iterations"]
    assert its[:256].tolist() == list(range(256))  # where the cost falls fastest
    later = np.diff(its[255:])
    assert len(its) <= h.capacity and (later[1:] == later[1]).all()  # evenly spaced after
    assert its[-1] > 10_000 - max(h.stride, h.min_stride)


def test_metric_history_keeps_the_dev_and_l2_series_through_thinning():
    h = MetricHistory(capacity=8)
    for it in range(40):
        h.append(it, 1.0, 2.0, 0.5, 0.6, dev_cost=3.0 + it, dev_metric=0.7, l2_cost=0.01 * it)
    a = h.arrays()
    # Each kept record keeps its own dev and L2 values (not shifted by the thinning).
    np.testing.assert_allclose(a["dev_cost"], 3.0 + a["iterations"])
    np.testing.assert_allclose(a["l2_cost"], 0.01 * a["iterations"])


def test_metric_history_restores_a_history_saved_before_the_extra_series():
    h = MetricHistory(capacity=16)
    old = {"train_cost": [1.0, 0.5], "test_cost": [1.1, 0.6], "train_metric": [0.5, 0.8],
           "test_metric": [0.4, 0.7]}
    h.restore([0, 10], old)
    a = h.arrays()
    assert a["train_cost"].tolist() == [1.0, 0.5]
    assert np.isnan(a["dev_cost"]).all() and np.isnan(a["l2_cost"]).all()
    h.restore([0, 10], {**old, "l2_cost": [0.0, 0.25]})
    assert h.arrays()["l2_cost"].tolist() == [0.0, 0.25]
    with pytest.raises(ValueError):
        h.restore([0, 10], {**old, "dev_cost": [1.0]})
