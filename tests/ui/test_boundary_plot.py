"""The decision-boundary plot's tools: output toggles (and, below, data you draw)."""
import dataclasses

import numpy as np
import pytest

from nnviz.training.config import DataSpec, course_default
from nnviz.training.session import TrainingSession
from nnviz.ui.widgets.boundary_box import BoundaryBox


@pytest.fixture
def trained():
    session = TrainingSession(course_default())
    session.step(400)
    return session.snapshot()


def test_discretize_shows_two_solid_class_regions(qtbot, trained):
    box = BoundaryBox()
    qtbot.addWidget(box)
    box.update_from(trained)
    soft = np.array(box.plot.image.image)
    assert soft.ndim == 2  # probabilities through a lookup table
    box.discretize.setChecked(True)
    hard = np.array(box.plot.image.image)
    assert hard.ndim == 3 and hard.dtype == np.uint8
    colours = np.unique(hard.reshape(-1, 3), axis=0)
    assert len(colours) == 2
    # The two colours split the plane exactly where P(y = 1) crosses 0.5.
    above = trained.boundary.values > 0.5
    first = hard[above][0]
    assert (np.all(hard == first, axis=-1) == above).all()
    box.discretize.setChecked(False)
    np.testing.assert_array_equal(box.plot.image.image, trained.boundary.values)


def test_show_test_data_toggles_the_test_points(qtbot, trained):
    box = BoundaryBox()
    qtbot.addWidget(box)
    box.update_from(trained)
    assert box.show_test.isChecked() and box.plot.shows_test
    assert len(box.plot.test_points.data) == trained.data.m_test
    box.show_test.setChecked(False)
    assert not box.plot.test_points.isVisible()
    assert box.plot.train_points.isVisible()
    box.show_test.setChecked(True)
    assert box.plot.test_points.isVisible()


def test_toggles_disabled_where_they_mean_nothing(qtbot):
    config = dataclasses.replace(course_default(), data=DataSpec(name="regression"))
    config = dataclasses.replace(config, hyper=dataclasses.replace(config.hyper,
                                                                   learning_rate=0.01))
    box = BoundaryBox()
    qtbot.addWidget(box)
    box.update_from(TrainingSession(config).snapshot())
    assert not box.discretize.isEnabled()
    no_test = dataclasses.replace(course_default(), data=DataSpec(train_fraction=1.0))
    box.update_from(TrainingSession(no_test).snapshot())
    assert box.discretize.isEnabled() and not box.show_test.isEnabled()
