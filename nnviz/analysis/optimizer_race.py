"""Race mode (no Qt): two to four optimizers from the same starting θ on the same data, each
for the same number of steps, then one cost surface through the start spanned by the first
two principal components of all their paths together, so every path lies in (or near) it.

:func:`run_race` runs inside a ``JobRunner`` job: ``job.check()`` between steps and grid
rows, ``job.progress`` as it goes. Every racer trains its own float64 copy of the network
with the same mini-batch order (the same seed), so only the optimizer differs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine import cost_surface as surface_engine
from nnviz.engine.network import Network
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.trainer import Trainer

from .cost_surface import MAX_EXAMPLES, auto_extent, contour_set, fill_aspect

MIN_RACERS, MAX_RACERS = 2, 4
MAX_STEPS = 5000
MAX_PATH_POINTS = 400  # recorded thetas per racer (evenly spaced steps)
RACE_COLOURS = {"gd": "#f5f5f5", "momentum": "#ff8c1a", "rmsprop": "#00e5ff",
                "adam": "#ff4dd2"}
RACE_NAMES = {"gd": "Gradient descent", "momentum": "Momentum", "rmsprop": "RMSprop",
              "adam": "Adam"}


@dataclass(frozen=True)
class Racer:
    optimizer: str
    learning_rate: float
    settings: tuple[tuple[str, object], ...] = ()  # betas, epsilon, bias correction

    @property
    def label(self) -> str:
        return f"{RACE_NAMES.get(self.optimizer, self.optimizer)} (α = {self.learning_rate:g})"


@dataclass(frozen=True)
class RaceRequest:
    theta: np.ndarray              # the common start
    layer_dims: tuple[int, ...]
    activations: tuple[str, ...]
    head: str
    alpha: float | None
    X: np.ndarray
    Y: np.ndarray
    racers: tuple[Racer, ...]
    steps: int = 200
    batch_size: int | None = None
    lambd: float = 0.0
    seed: int = 0
    resolution: int = 41
    aspect: float = 1.0

    def __post_init__(self):
        if not MIN_RACERS <= len(self.racers) <= MAX_RACERS:
            raise ValueError(f"a race needs {MIN_RACERS} to {MAX_RACERS} optimizers, "
                             f"got {len(self.racers)}")
        if not 1 <= int(self.steps) <= MAX_STEPS:
            raise ValueError(f"a race runs 1 to {MAX_STEPS:,} steps, got {self.steps}")


@dataclass(frozen=True)
class RaceResult:
    request: RaceRequest
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    paths: tuple[np.ndarray, ...]  # (points, 2) slice coordinates per racer, from (0, 0)
    path_steps: tuple[np.ndarray, ...]
    costs: tuple[np.ndarray, ...]  # J (with L2) on the training data at path_steps
    diverged: tuple[str, ...]      # "" or the divergence message, per racer
    alphas: np.ndarray
    betas: np.ndarray
    grid: np.ndarray               # (n_beta, n_alpha)
    contours: dict = field(default_factory=dict)
    axis_labels: tuple[str, str] = ("α", "β")


def _network(request: RaceRequest) -> Network:
    net = Network(list(request.layer_dims), list(request.activations), request.head,
                  alpha=request.alpha, dtype=np.float64, init="zeros")
    net.set_theta(np.asarray(request.theta, dtype=np.float64))
    return net


def _record_steps(steps: int) -> np.ndarray:
    """Which steps' thetas a path keeps: all up to MAX_PATH_POINTS, else evenly spaced."""
    if steps + 1 <= MAX_PATH_POINTS:
        return np.arange(steps + 1)
    return np.unique(np.linspace(0, steps, MAX_PATH_POINTS).round().astype(int))


def run_racer(request: RaceRequest, racer: Racer, check, report=None):
    """``(thetas (points, n), steps kept, J at those steps, divergence message)``."""
    net = _network(request)
    X = np.asarray(request.X, dtype=np.float64)
    Y = np.asarray(request.Y, dtype=np.float64)
    optimizer = make_optimizer(racer.optimizer, learning_rate=float(racer.learning_rate),
                               **dict(racer.settings))
    trainer = Trainer(net, X, Y, optimizer, batch_size=request.batch_size,
                      lambd=request.lambd, seed=request.seed)
    keep = _record_steps(int(request.steps))
    wanted = set(keep.tolist())
    thetas, kept, costs = [net.theta.copy()], [0], [float(net.cost(X, Y, request.lambd))]
    message = ""
    for step in range(1, int(request.steps) + 1):
        if step % 16 == 0:
            check()
            if report is not None:
                report(step / request.steps)
        result = trainer.step()
        if result.diverged:
            message = result.message
            break
        if step in wanted:
            thetas.append(net.theta.copy())
            kept.append(step)
            with np.errstate(over="ignore", invalid="ignore"):
                costs.append(float(net.cost(X, Y, request.lambd)))
    return np.array(thetas), np.array(kept), np.array(costs), message


def run_race(request: RaceRequest, job=None) -> RaceResult:
    check = job.check if job is not None else (lambda: None)
    progress = job.progress if job is not None else (lambda *a: True)
    n = len(request.racers)
    runs = []
    for k, racer in enumerate(request.racers):
        runs.append(run_racer(request, racer, check,
                              lambda f, k=k, r=racer: progress(0.8 * (k + f) / n,
                                                                f"training {r.label}")))
    check()
    progress(0.8, "choosing the slice")
    start = np.asarray(request.theta, dtype=np.float64)
    net = _network(request)
    union = np.vstack([thetas for thetas, *_ in runs])
    try:
        directions = surface_engine.pca_directions(union, centre=start)
    except ValueError:  # the paths span fewer than two directions
        directions = surface_engine.random_directions(net, request.seed, centre=start)
    D = np.stack([directions.d1, directions.d2], axis=1)
    projector = np.linalg.solve(D.T @ D, D.T)
    paths = tuple((projector @ (thetas - start).T).T for thetas, *_ in runs)
    extent = fill_aspect(auto_extent(np.vstack(paths), "pca"), request.aspect)
    check()
    X, Y = np.asarray(request.X), np.asarray(request.Y)
    sampled = X.shape[1] > MAX_EXAMPLES

    def grid_progress(done, total):
        return progress(0.8 + 0.2 * done / max(total, 1), "computing the surface")

    surface = surface_engine.cost_surface(
        net, X, Y, directions, centre=start, resolution=int(request.resolution),
        extent=extent, lambd=request.lambd, max_examples=MAX_EXAMPLES if sampled else None,
        dtype=np.float64, cancel=job.cancel_event if job is not None else None,
        progress=grid_progress)
    grid = np.asarray(surface.costs)
    labels = directions.labels
    return RaceResult(
        request=request, labels=tuple(r.label for r in request.racers),
        colours=tuple(RACE_COLOURS.get(r.optimizer, "#ffffff") for r in request.racers),
        paths=paths, path_steps=tuple(kept for _, kept, *_ in runs),
        costs=tuple(costs for *_, costs, _ in runs),
        diverged=tuple(message for *_, message in runs),
        alphas=np.asarray(surface.alphas), betas=np.asarray(surface.betas), grid=grid,
        contours={log: contour_set(grid, log) for log in (False, True)},
        axis_labels=labels)
