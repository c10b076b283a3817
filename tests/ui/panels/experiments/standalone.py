"""The experiments panel on its own, with small lessons, for the predict-first tests."""
from __future__ import annotations

from nnviz.experiments import get_experiment
from nnviz.ui.panels.experiments.panel import ExperimentsPanel


def small_lessons_panel(qtbot, progress_folder, small: dict, size: tuple[int, int]):
    """A shown panel whose lessons are built with ``small``'s settings per key, keeping
    predictions in ``progress_folder``; the caller shuts it down."""
    panel = ExperimentsPanel()
    qtbot.addWidget(panel)
    panel.prediction.progress_folder = progress_folder
    panel.experiment_for = lambda key: get_experiment(key, **small.get(key, {}))
    panel.resize(*size)
    panel.show()
    return panel
