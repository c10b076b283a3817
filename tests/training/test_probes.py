"""What the worker measures for the panels: contours, grids, samples."""
import numpy as np
import pytest

from nnviz.training import probes
from nnviz.training.history import MetricHistory


def grid(n=41, lo=-2.0, hi=2.0):
    xs = np.linspace(lo, hi, n)
    ys = np.linspace(lo, hi, n + 6)  # not square: rows are y, columns are x
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, gx, gy


def test_contour_of_a_plane_is_exact():
    xs, ys, gx, gy = grid()
    seg = probes.contour_segments(0.3 * gx - 0.7 * gy, xs, ys, 0.2)
    assert seg.shape[1:] == (2, 2) and len(seg) > 20
    assert np.abs(0.3 * seg[..., 0] - 0.7 * seg[..., 1] - 0.2).max() < 1e-12


def test_contour_of_a_circle_lies_on_the_circle_and_closes():
    xs, ys, gx, gy = grid(81)
    radius = 0.987  # not through a grid point (a vertex exactly at the level is degenerate)
    seg = probes.contour_segments(np.hypot(gx, gy), xs, ys, radius)
    r = np.hypot(seg[..., 0], seg[..., 1])
    assert np.abs(r - radius).max() < 3e-3  # linear interpolation error, O(h^2)
    # Closed: every endpoint is shared by exactly two segments.
    ends = np.round(seg.reshape(-1, 2), 9)
    _, counts = np.unique(ends, axis=0, return_counts=True)
    assert (counts == 2).all()


def test_saddle_cells_give_two_segments_and_flat_data_none():
    xs = ys = np.array([0.0, 1.0])
    seg = probes.contour_segments(np.array([[1.0, 0.0], [0.0, 1.0]]), xs, ys, 0.5)
    assert seg.shape == (2, 2, 2)
    assert probes.contour_segments(np.zeros((5, 5)), np.arange(5.0), np.arange(5.0),
                                   0.5).shape == (0, 2, 2)


def test_grid_resolution_adapts_to_the_network_size():
    assert probes.grid_resolution([2, 4, 1]) == probes.GRID_MAX
    assert probes.grid_resolution([2, 512, 512, 512, 1]) == probes.GRID_MIN
    mid = probes.grid_resolution([2, 32, 32, 1])
    assert probes.GRID_MIN < mid < probes.GRID_MAX
    # Multiply-adds plus each unit's activation, per grid point.
    assert mid ** 2 * (2 * 32 + 32 * 32 + 32 + probes.UNIT_WORK * 65) <= probes.GRID_BUDGET


def test_layer_sample_columns_are_fixed_and_bounded():
    a = probes.sample_columns(10_000, [30, 512, 512, 1])
    b = probes.sample_columns(10_000, [30, 512, 512, 1])
    assert np.array_equal(a, b) and np.all(np.diff(a) > 0)
    assert a.size * 1025 <= probes.LAYER_SAMPLE_BUDGET or a.size == 16
    assert np.array_equal(probes.sample_columns(50, [2, 4, 1]), np.arange(50))


def test_min_stride_caps_how_often_history_is_recorded():
    h = MetricHistory(capacity=64)
    h.min_stride = 8
    for it in range(100):
        if h.due(it):
            h.append(it, 1.0, 1.0, 0.5, 0.5)
    # Every one of the first iterations is kept (h.early), then one in min_stride.
    assert h.arrays()["iterations"].tolist() == (
        list(range(h.early)) + list(range(h.early + (-h.early) % 8, 100, 8)))
