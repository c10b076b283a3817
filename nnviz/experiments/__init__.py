"""Guided experiments: the course's lessons as one-click runs, and run comparison (no Qt).

``EXPERIMENTS`` maps each lesson's key to an instance with its real settings, in the course's
order; :func:`get_experiment` finds one by key or number, optionally with smaller knobs::

    from nnviz.experiments import get_experiment
    result = get_experiment("symmetry").run()
    print(result.conclusion)
    print(result.table.as_text())

Run comparison: :class:`Sweep` (one setting varied from a base configuration),
:func:`compare` (any list of configurations), :func:`label_differences`.
"""
from .base import Experiment
from .comparison import (ComparisonResult, Sweep, compare, comparison_report, describe_init,
                         flat_settings,
                         label_differences, record_from_history, results_table, with_setting,
                         with_settings)
from .lessons.activation_functions import ActivationFunctionsExperiment
from .lessons.bias_variance import BiasVarianceExperiment
from .lessons.cost_function import CostFunctionExperiment
from .lessons.deep_gradients import DeepGradientsExperiment
from .lessons.dropout import DropoutExperiment
from .lessons.features import FeaturesExperiment
from .lessons.gradient_checking import GradientCheckingExperiment
from .lessons.hidden_units import HiddenUnitsExperiment
from .lessons.init_schemes import InitSchemesExperiment
from .lessons.learning_rate import LearningRateExperiment
from .lessons.mini_batch import MiniBatchExperiment
from .lessons.normalization import NormalizationExperiment
from .lessons.optimizers import OptimizersExperiment
from .lessons.symmetry import SymmetryExperiment
from .lessons.vectorization import VectorizationExperiment
from .progress import ExperimentCancelled, Reporter
from .results import (BarPlot, BoundaryCell, BoundaryPlot, CurvePlot, ExperimentResult,
                      HeatmapCell, HeatmapPlot, RunRecord, Series, SurfacePlot, Table,
                      format_cell)
from .runs import run_session, train_run

EXPERIMENTS: dict[str, Experiment] = {e.key: e for e in sorted(
    (CostFunctionExperiment(), NormalizationExperiment(), LearningRateExperiment(),
     HiddenUnitsExperiment(), SymmetryExperiment(), InitSchemesExperiment(),
     DeepGradientsExperiment(), ActivationFunctionsExperiment(), GradientCheckingExperiment(),
     VectorizationExperiment(), FeaturesExperiment(),
     # the course's second part: regularization and optimization
     BiasVarianceExperiment(), DropoutExperiment(), OptimizersExperiment(),
     MiniBatchExperiment()), key=lambda e: e.number)}


def get_experiment(key, **params) -> Experiment:
    """An experiment by key (``"symmetry"``) or number (``5``), with ``params`` replacing
    its knobs (``iterations=300``)."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        for e in EXPERIMENTS.values():
            if e.number == int(key):
                return e.with_params(**params) if params else e
        raise ValueError(f"there is no experiment number {key}; they are numbered 1 to "
                         f"{len(EXPERIMENTS)}")
    if key not in EXPERIMENTS:
        raise ValueError(f"unknown experiment {key!r}; choose one of {', '.join(EXPERIMENTS)}")
    e = EXPERIMENTS[key]
    return e.with_params(**params) if params else e


__all__ = [
    "EXPERIMENTS", "get_experiment", "Experiment", "ExperimentResult", "ExperimentCancelled",
    "Reporter", "RunRecord", "Table", "Series", "CurvePlot", "SurfacePlot", "BoundaryPlot",
    "BoundaryCell", "HeatmapPlot", "HeatmapCell", "BarPlot", "format_cell", "Sweep", "compare",
    "ComparisonResult", "comparison_report", "label_differences", "describe_init", "flat_settings",
    "record_from_history", "results_table", "with_setting", "with_settings", "run_session",
    "train_run",
]
