"""Data the learner draws: edits of a split, point ids, the nearest point, saving as CSV."""
from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz.engine.data import load_csv, make_dataset, train_test_split
from nnviz.engine.data.edits import apply_point_edits, nearest_point
from nnviz.engine.io import ExportError
from nnviz.engine.io.dataset_csv import export_dataset_csv
from nnviz.training.config import DataSpec, SessionConfig


@pytest.fixture
def split():
    return train_test_split(make_dataset("circles", m=40, noise=0.05, seed=1), 0.75, seed=0)


def test_added_points_join_training_and_removed_examples_leave_either_side(split):
    m = split.dataset.m
    gone_train, gone_test = int(split.train_idx[0]), int(split.test_idx[0])
    edited = apply_point_edits(split, added=[(0.1, -0.2, 1), (2.0, 2.0, 0)],
                               removed=[gone_train, gone_test])
    assert edited.X_train.shape == (2, split.train_idx.size - 1 + 2)
    assert edited.X_test.shape == (2, split.test_idx.size - 1)
    np.testing.assert_array_equal(edited.X_train[:, -2:], [[0.1, 2.0], [-0.2, 2.0]])
    assert edited.y_train[-2:].tolist() == [1, 0]
    assert edited.ids_train[-2:].tolist() == [m, m + 1]
    assert gone_train not in edited.ids_train and gone_test not in edited.ids_test
    # The rest of the split is untouched.
    np.testing.assert_array_equal(edited.ids_test, split.test_idx[1:])
    np.testing.assert_array_equal(edited.X_test, split.dataset.X[:, split.test_idx[1:]])


def test_edits_that_do_not_fit_are_refused(split):
    with pytest.raises(ValueError, match="classes 0 to 1"):
        apply_point_edits(split, added=[(0, 0, 2)])
    with pytest.raises(ValueError, match="has 40 examples"):
        apply_point_edits(split, removed=[40])
    iris = train_test_split(make_dataset("iris"), 0.8)
    with pytest.raises(ValueError, match="two-input classification"):
        apply_point_edits(iris, added=[(0, 0, 0)])


def test_nearest_point_scales_each_axis():
    X = np.array([[0.0, 1.0], [0.0, 1000.0]])  # points 7 at (0, 0) and 9 at (1, 1000)
    assert nearest_point(X, [7, 9], 0.9, 400.0) == 7  # plain distance: x2's units decide
    assert nearest_point(X, [7, 9], 0.9, 400.0, scale=(1.0, 1000.0)) == 9
    assert nearest_point(np.zeros((2, 0)), [], 0, 0) is None


def test_data_spec_edits_round_trip_and_point_ids():
    spec = DataSpec("circles").with_added_point(0.5, 0.25, 1).with_added_point(0, 0, 0)
    spec = spec.without_point(3, n_loaded=300).without_point(3, n_loaded=300)
    assert spec.removed_points == (3,) and spec.edited
    spec = spec.without_point(300, n_loaded=300)  # the first drawn point
    assert spec.added_points == ((0.0, 0.0, 0),)
    config = SessionConfig(spec)
    assert SessionConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert not spec.without_edits().edited and spec.same_data_except_edits(DataSpec("circles"))
    for bad in ({"added_points": ((0, np.nan, 1),)}, {"added_points": ((0, 0, 0.5),)},
                {"removed_points": (-1,)}):
        with pytest.raises(ValueError):
            DataSpec("circles", **bad)


def test_drawn_data_saves_as_csv_in_the_builtin_layout(tmp_path, split):
    edited = apply_point_edits(split, added=[(0.125, -3.5, 1)])
    names = split.dataset.feature_names
    path = export_dataset_csv(tmp_path / "drawn.csv", edited.X_train, edited.y_train, names,
                              split.dataset.class_names)
    assert path.read_text().splitlines()[0] == "x1,x2,target"
    back = load_csv(path, label_column="target", class_names=split.dataset.class_names)
    np.testing.assert_array_equal(back.X, edited.X_train)  # repr round-trips exactly
    np.testing.assert_array_equal(back.y, edited.y_train)
    with pytest.raises(ExportError, match="missing"):
        export_dataset_csv(tmp_path / "missing" / "x.csv", edited.X_train, edited.y_train,
                           names, split.dataset.class_names)
