"""The nnviz engine: pure NumPy, no Qt. Usable from a script or a notebook.

    from nnviz.engine import Network, Trainer, GradientDescent
    net = Network([2, 4, 1], "tanh", head="sigmoid", init="random")
"""
from .activations import ACTIVATIONS, DERIVATIVES, FUNCTIONS, activation_slope, activation_value
# The functions cost_surface and gradient_check are not re-exported: their names would
# shadow the submodules nnviz.engine.cost_surface and nnviz.engine.gradient_check.
from .cost_surface import (CostSurface, CostSurfaceEvaluator, SurfaceDirections,
                           parameter_directions, pca_directions, project_trajectory,
                           random_directions)
from .data.dataset import Dataset, Split, targets_matrix, train_test_split
from .gradient_check import (CheckCancelled, DirectionalCheckResult, EpsilonSweepResult,
                             GradientCheckResult, PlantedBug, course_exercise,
                             directional_check, epsilon_sweep, parse_planted_bugs)
from .initialization import INIT_SCHEMES, init_std, initialize_parameters
from .layer_stats import (LayerStats, LayerStatsHistory, StatsConfig, compute_layer_stats,
                          layer_statistics)
from .losses import HEADS, softmax
from .metrics import accuracy, evaluate, r2_score, rmse
from .network import Network
from .normalization import Standardizer
from .optimizers import OPTIMIZERS, Adam, GradientDescent, Momentum, RMSprop, make_optimizer
from .propagation import (backward, forward, linear_activation_backward,
                          linear_activation_forward, linear_backward, linear_forward, update)
from .trainer import StepResult, Trainer

__all__ = [
    "ACTIVATIONS", "DERIVATIVES", "FUNCTIONS", "activation_slope", "activation_value",
    "Dataset", "Split", "targets_matrix", "train_test_split",
    "INIT_SCHEMES", "init_std", "initialize_parameters", "HEADS", "softmax",
    "accuracy", "evaluate", "r2_score", "rmse", "Network", "Standardizer",
    "OPTIMIZERS", "Adam", "GradientDescent", "Momentum", "RMSprop", "make_optimizer",
    "CostSurface", "CostSurfaceEvaluator", "SurfaceDirections",
    "parameter_directions", "pca_directions", "project_trajectory", "random_directions",
    "CheckCancelled", "DirectionalCheckResult", "EpsilonSweepResult", "GradientCheckResult",
    "PlantedBug", "course_exercise", "directional_check", "epsilon_sweep",
    "parse_planted_bugs", "LayerStats", "LayerStatsHistory", "StatsConfig",
    "compute_layer_stats", "layer_statistics",
    "backward", "forward", "linear_activation_backward", "linear_activation_forward",
    "linear_backward", "linear_forward", "update", "StepResult", "Trainer",
]
