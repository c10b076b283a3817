"""What the cost surface panel computes off the GUI thread (pure NumPy, no Qt).

:func:`compute_surface` turns a :class:`SurfaceRequest` (a frozen copy of everything it needs:
centre theta, network shape, training data, the recorded trajectory, the panel's settings)
into a :class:`SurfaceResult`: the grid of ``J(theta + alpha d1 + beta d2)``, the directions,
the path's coordinates in the slice, and a few numbers for the learner (curvature ratio,
share of the grid that curves downward). It runs inside a ``JobRunner`` job and never touches
a widget.

Cross-entropy (the head the network trains with) goes through the engine's
``nnviz.engine.cost_surface.cost_surface``. The engine has no sigmoid + squared-error head, so
the "squared error (for comparison)" surface, ``J = (1/2m) sum (a - y)^2`` with the network's
own sigmoid/softmax output ``a``, is evaluated here by :func:`squared_error_grid`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine import cost_surface as surface_engine
from nnviz.engine.activations import get_activation
from nnviz.engine.network import Network

MODES = {"parameters": "two chosen parameters", "random": "random directions (filter-normalized)",
         "pca": "PCA of the training path"}
LOSSES = {"cross_entropy": "cross-entropy (what it trains on)",
          "squared_error": "squared error (for comparison)"}
COMPARISON_HEADS = ("sigmoid", "softmax")  # heads a squared-error comparison makes sense for
MAX_EXAMPLES = 4000  # J on a fixed seeded sample beyond this, to bound the grid's cost
DEFAULT_EXTENT = 1.0  # +-1: Li et al.'s range for filter-normalized directions
MIN_EXTENT = 1e-3
AUTO_MARGIN = 1.3  # auto extent: the path's farthest point times this
CHUNK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class SurfaceRequest:
    """A frozen copy of what one surface needs; safe to hand to another thread."""

    theta: np.ndarray                     # the centre: the snapshot's parameters
    layer_dims: tuple[int, ...]
    activations: tuple[str, ...]          # hidden layers
    head: str
    alpha: float | None
    X: np.ndarray                         # (n_x, m) as the network sees it
    Y: np.ndarray
    lambd: float = 0.0
    mode: str = "parameters"
    parameters: tuple[str, str] = ("W1[0,0]", "W1[0,1]")
    seed: int = 0
    trajectory: tuple[np.ndarray, ...] = ()   # recorded thetas, oldest first
    resolution: int = 21
    extent: float | None = None           # +-extent on both axes; None fits the path
    stretch: bool = False                 # auto extent per axis (axes no longer to scale)
    aspect: float = 1.0                   # the plot's width / height: a to-scale grid is
                                          # widened along one axis to fill it
    loss: str = "cross_entropy"
    dtype: str = "float64"
    generation: int = 0                   # to drop results of an older network
    iteration: int = 0
    tag: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class SurfaceResult:
    request: SurfaceRequest
    alphas: np.ndarray                    # offsets along d1 (grid columns)
    betas: np.ndarray                     # offsets along d2 (grid rows)
    costs: np.ndarray                     # (n_beta, n_alpha)
    centre_cost: float                    # J(theta) in float64 on the same examples
    directions: surface_engine.SurfaceDirections
    mode: str                             # what was shown (PCA falls back to random)
    origin: tuple[float, float]           # added to (alpha, beta) for display: the chosen
                                          # parameters' values, else (0, 0) = theta
    projector: np.ndarray                 # (2, n): coords(theta_t) = P theta_t - P theta
    path: np.ndarray                      # (T, 2) display coordinates of the path
    extent: tuple[float, float]           # half-widths along d1 and d2
    n_examples: int
    m_train: int
    curvature: tuple[float, float] | None  # Hessian eigenvalues in the slice at the centre
    nearly_plane: bool                    # J hardly curves at the centre (a tilted plane)
    negative_curvature_share: float       # share of inner grid points curving downward
    contours: dict = field(default_factory=dict)  # {log: (values, [(level, segments)])}
    note: str = ""
    elapsed: float = 0.0

    @property
    def axis_labels(self) -> tuple[str, str]:
        return self.directions.labels

    @property
    def to_scale(self) -> bool:
        """Both axes in the same units per pixel (unless the path's ranges were stretched)."""
        r = self.request
        return r.extent is not None or not r.stretch or bool(np.isclose(*self.extent,
                                                                         rtol=1e-9))

    @property
    def xs(self) -> np.ndarray:
        return self.alphas + self.origin[0]

    @property
    def ys(self) -> np.ndarray:
        return self.betas + self.origin[1]

    def project(self, theta) -> np.ndarray:
        """Display coordinates of one more parameter vector (a 2 x n product)."""
        offset = self.projector @ (np.asarray(theta, dtype=np.float64) - self.request.theta)
        return offset + np.asarray(self.origin)


def path_thetas(trajectory, theta) -> list[np.ndarray]:
    """The recorded thetas, then the current ``theta`` unless it is the last one recorded:
    the path always ends at the current point."""
    path = list(trajectory)
    if not path or not (path[-1] is theta or np.array_equal(path[-1], theta)):
        path.append(theta)
    return path


def make_network(request: SurfaceRequest) -> Network:
    """A fresh float64 network with the request's parameters (never shared with training)."""
    net = Network(list(request.layer_dims), list(request.activations), request.head,
                  alpha=request.alpha, dtype=np.float64, init="zeros")
    net.set_theta(request.theta)
    return net


def choose_directions(net: Network, request: SurfaceRequest, thetas):
    """``(directions, mode_shown, note)``; PCA falls back to random directions until the
    path spans two directions."""
    centre = np.asarray(request.theta, dtype=np.float64)
    if request.mode == "parameters":
        return surface_engine.parameter_directions(net, *request.parameters), "parameters", ""
    if request.mode == "pca":
        try:
            return surface_engine.pca_directions(np.stack(thetas), centre=centre), "pca", ""
        except ValueError:
            note = ("PCA needs a path that spans two directions (train a few steps); "
                    "showing random directions until then.")
            return (surface_engine.random_directions(net, request.seed, centre=centre),
                    "random", note)
    if request.mode == "random":
        return surface_engine.random_directions(net, request.seed, centre=centre), "random", ""
    raise ValueError(f"unknown direction mode {request.mode!r}; choose one of {list(MODES)}")


def compute_surface(request: SurfaceRequest, job=None) -> SurfaceResult:
    """The whole computation of one surface. ``job`` (a JobRunner job) is checked between
    the steps and its cancel flag handed to the grids, which poll it between layers, so a
    superseded request, or closing the window, stops it within one matrix product."""
    import time
    start = time.perf_counter()
    check = job.check if job is not None else (lambda: None)
    cancel = job.cancel_event if job is not None else None
    net = make_network(request)
    centre = np.array(request.theta, dtype=np.float64)
    thetas = path_thetas(request.trajectory, request.theta)
    check()
    directions, mode, note = choose_directions(net, request, thetas)
    check()
    D = np.stack([directions.d1, directions.d2], axis=1)
    projector = np.linalg.solve(D.T @ D, D.T)  # least squares: exact for orthogonal d1, d2
    offsets = np.empty((len(thetas), 2))
    for k, theta in enumerate(thetas):  # one at a time: no (T, n) copy, and cancellable
        check()
        offsets[k] = projector @ (np.asarray(theta, dtype=np.float64) - centre)
    origin = (0.0, 0.0)
    if mode == "parameters":
        i, j = directions.parameters
        origin = (float(centre[i]), float(centre[j]))
    if request.extent is not None:
        extent = (float(request.extent), float(request.extent))
    else:
        extent = auto_extent(offsets, mode, origin, request.stretch)
    if request.extent is not None or not request.stretch:
        extent = fill_aspect(extent, request.aspect)
    ea, eb = extent
    check()

    X, Y = np.asarray(request.X), np.asarray(request.Y)
    m_train = X.shape[1]
    sample = None
    if m_train > MAX_EXAMPLES:
        sample = np.sort(np.random.default_rng(0).choice(m_train, MAX_EXAMPLES, replace=False))
    res = int(request.resolution)
    if request.loss == "cross_entropy":
        surface = surface_engine.cost_surface(
            net, X, Y, directions, centre=centre, resolution=res, extent=extent,
            lambd=request.lambd, max_examples=MAX_EXAMPLES if sample is not None else None,
            seed=0, dtype=np.dtype(request.dtype), cancel=cancel)
        alphas, betas = np.asarray(surface.alphas), np.asarray(surface.betas)
        costs, centre_cost = np.asarray(surface.costs), float(surface.centre_cost)
        n_examples = surface.n_examples
        local = lambda h: surface_engine.cost_surface(  # noqa: E731
            net, X, Y, directions, centre=centre, resolution=3, extent=h, lambd=request.lambd,
            max_examples=MAX_EXAMPLES if sample is not None else None, seed=0,
            dtype=np.float64, cancel=cancel).costs
    elif request.loss == "squared_error":
        if request.head not in COMPARISON_HEADS:
            raise ValueError(f"a squared-error comparison needs a sigmoid or softmax output; "
                             f"this network's output is {request.head!r}")
        Xs, Ys = (X, Y) if sample is None else (X[:, sample], Y[:, sample])
        alphas = np.linspace(-ea, ea, res)
        betas = np.linspace(-eb, eb, res)
        costs = squared_error_grid(net, Xs, Ys, centre, directions, alphas, betas,
                                   request.lambd, m_train, check)
        centre_cost = float(squared_error_grid(net, Xs, Ys, centre, directions, np.zeros(1),
                                               np.zeros(1), request.lambd, m_train, check)[0, 0])
        n_examples = Xs.shape[1]
        local = lambda h: squared_error_grid(  # noqa: E731
            net, Xs, Ys, centre, directions, np.array([-h[0], 0.0, h[0]]),
            np.array([-h[1], 0.0, h[1]]), request.lambd, m_train, check)
    else:
        raise ValueError(f"unknown loss {request.loss!r}; choose one of {list(LOSSES)}")
    check()
    step = (ea / 100.0, eb / 100.0)
    curvature, nearly_plane = local_shape(local(step), step)
    return SurfaceResult(
        request=request, alphas=alphas, betas=betas, costs=costs, centre_cost=centre_cost,
        directions=directions, mode=mode, origin=origin, projector=projector,
        path=offsets + np.asarray(origin), extent=(float(ea), float(eb)),
        n_examples=int(n_examples), m_train=int(m_train), curvature=curvature,
        nearly_plane=nearly_plane,
        negative_curvature_share=negative_curvature_share(costs),
        contours={log: contour_set(costs, log) for log in (False, True)},
        note=note, elapsed=time.perf_counter() - start)


def fill_aspect(extent: tuple[float, float], aspect: float) -> tuple[float, float]:
    """Half-widths widened along one axis so that, drawn to scale, the grid has the plot's
    shape ``aspect`` = width / height (clipped to 1/4 .. 4): the heat map then fills the
    plot instead of a square in its middle. The narrower half-width is never shrunk."""
    ea, eb = extent
    aspect = float(np.clip(aspect, 0.25, 4.0)) if np.isfinite(aspect) and aspect > 0 else 1.0
    if ea / eb < aspect:
        ea = eb * aspect
    else:
        eb = ea / aspect
    return float(ea), float(eb)


def auto_extent(offsets: np.ndarray, mode: str, origin=(0.0, 0.0),
                stretch: bool = False) -> tuple[float, float]:
    """Half-widths that show the whole path with a margin. By default the same on both axes,
    so contour shapes are true; random filter-normalized directions use at least Li et al.'s
    +-1, two parameters at least twice their own size (the grid reaches past zero to the
    opposite signs, where a squared-error surface shows its plateaus).
    ``stretch`` fits each axis to the path's own range instead (at least 1/1000 of the other),
    so a tiny movement along a flat direction becomes visible."""
    offsets = np.asarray(offsets, dtype=np.float64).reshape(-1, 2)
    reach = np.max(np.abs(offsets), axis=0) if offsets.size else np.zeros(2)
    reach = np.where(np.isfinite(reach), reach, 0.0)
    if stretch and reach.max() > 0:
        e = np.maximum(AUTO_MARGIN * reach, MIN_EXTENT * 1e-6)
        e = np.maximum(e, 1e-3 * e.max())
        return float(e[0]), float(e[1])
    floor = {"random": DEFAULT_EXTENT,
             "parameters": max(2 * float(np.max(np.abs(origin))), MIN_EXTENT)}.get(mode, MIN_EXTENT)
    e = max(floor, AUTO_MARGIN * float(reach.max()))
    return e, e


def squared_error_grid(net: Network, X, Y, centre, directions, alphas, betas, lambd: float,
                       m_full: int, check=None) -> np.ndarray:
    """``J = (1/2m) sum_i ||a(i) - y(i)||^2 + (lambda/2m) sum ||W||^2`` at every
    ``centre + alpha d1 + beta d2``, ``a`` the network's sigmoid or softmax output.
    ``(len(betas), len(alphas))``, float64; all grid points of a chunk go through a batched
    forward pass together."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    grid_a, grid_b = np.meshgrid(alphas, betas)
    a, b = grid_a.ravel(), grid_b.ravel()
    acts = [get_activation(name) for name in net.activations]
    shape_alpha = [act.default_alpha if net.alpha is None else net.alpha for act in acts]
    widest = max(net.layer_dims)
    per = max(1, CHUNK_BYTES // (8 * X.shape[1] * widest))
    out = np.empty(a.size)
    weight_mask = np.zeros(net.n_params, dtype=bool)
    for l in range(1, net.L + 1):
        weight_mask[net.param_slice(f"W{l}")] = True
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in range(0, a.size, per):
            if check is not None:
                check()
            e = min(s + per, a.size)
            thetas = centre + a[s:e, None] * directions.d1 + b[s:e, None] * directions.d2
            A = X[None]  # (G, n[l-1], m)
            for l in range(1, net.L + 1):
                if check is not None:
                    check()  # per layer: one 512 x 512 product is the longest wait
                W = thetas[:, net.param_slice(f"W{l}")].reshape(e - s, *net.params[f"W{l}"].shape)
                bias = thetas[:, net.param_slice(f"b{l}")][:, :, None]
                Z = np.matmul(W, A) + bias
                A = acts[l - 1].g(Z, shape_alpha[l - 1]) if l < net.L else _output(net.head, Z)
            loss = 0.5 * ((A - Y[None]) ** 2).sum(axis=1).mean(axis=1)
            penalty = lambd / (2 * m_full) * (thetas[:, weight_mask] ** 2).sum(axis=1)
            out[s:e] = loss + penalty
    return out.reshape(grid_a.shape)


def _output(head: str, Z: np.ndarray) -> np.ndarray:
    if head == "sigmoid":
        return get_activation("sigmoid").g(Z)
    shifted = np.exp(Z - Z.max(axis=1, keepdims=True))  # softmax over the units axis
    return shifted / shifted.sum(axis=1, keepdims=True)


def local_shape(local, h) -> tuple[tuple[float, float] | None, bool]:
    """From ``J`` on a 3x3 grid of spacings ``h = (h_alpha, h_beta)`` around the centre:
    the Hessian's eigenvalues (large, small) in the slice's own units, and whether ``J`` is
    nearly a tilted plane there (its bends a millionth of its slope, or none at all)."""
    J = np.asarray(local, dtype=np.float64)
    ha, hb = h
    if J.shape != (3, 3) or not np.isfinite(J).all() or ha <= 0 or hb <= 0:
        return None, False
    bend_a, bend_b = J[1, 2] - 2 * J[1, 1] + J[1, 0], J[2, 1] - 2 * J[1, 1] + J[0, 1]
    mixed = (J[2, 2] - J[2, 0] - J[0, 2] + J[0, 0]) / 4
    slope = max(abs(J[1, 2] - J[1, 0]), abs(J[2, 1] - J[0, 1])) / 2
    bend = max(abs(bend_a), abs(bend_b), abs(mixed))
    nearly_plane = bend <= 1e-6 * slope or bend <= 1e-12 * abs(J[1, 1])
    hessian = np.array([[bend_a / ha ** 2, mixed / (ha * hb)], [mixed / (ha * hb), bend_b / hb ** 2]])
    eig = np.linalg.eigvalsh(hessian)
    return (float(eig[1]), float(eig[0])), bool(nearly_plane)


def negative_curvature_share(costs) -> float:
    """Share of the inner grid points where ``J`` curves downward along a grid row, column
    or diagonal: ``J(x - h) + J(x + h) - 2 J(x) < 0``. Along any line a convex function's
    second difference is never negative, so a convex bowl gives 0 (this holds exactly on the
    grid, unlike a finite-difference Hessian). Bends smaller than 1e-4 of the grid's range of
    ``J`` (or than float32 rounding) do not count: they would not be visible."""
    J = np.asarray(costs, dtype=np.float64)
    if J.shape[0] < 3 or J.shape[1] < 3 or not np.isfinite(J).all():
        return float("nan")
    centre = J[1:-1, 1:-1]
    pairs = ((J[1:-1, :-2], J[1:-1, 2:]), (J[:-2, 1:-1], J[2:, 1:-1]),
             (J[:-2, :-2], J[2:, 2:]), (J[:-2, 2:], J[2:, :-2]))
    tolerance = max(1e-4 * float(J.max() - J.min()), 1e-6 * float(np.abs(J).max()))
    downward = np.zeros(centre.shape, dtype=bool)
    for before, after in pairs:
        downward |= before + after - 2 * centre < -tolerance
    return float(downward.mean())


# -- what the map draws (computed in the job, so the GUI thread only builds paths) --------
N_CONTOURS = 10


def display_values(costs: np.ndarray, log: bool) -> np.ndarray:
    """What the colours and contours show: ``J`` or ``log10 J`` (never NaN or inf)."""
    J = np.asarray(costs, dtype=np.float64)
    finite = np.isfinite(J)
    if not finite.any():
        return np.zeros_like(J)
    J = np.where(finite, J, J[finite].max())
    if not log:
        return J
    floor = max(1e-12, 1e-9 * float(np.abs(J).max()))
    return np.log10(np.maximum(J, floor))


def contour_levels(values: np.ndarray, n: int = N_CONTOURS) -> np.ndarray:
    """``n`` evenly spaced levels strictly inside the range of ``values``."""
    lo, hi = float(values.min()), float(values.max())
    if not hi > lo:
        return np.array([])
    return np.linspace(lo, hi, n + 2)[1:-1]


def contour_segments(values: np.ndarray, level: float) -> np.ndarray:
    """Marching squares, vectorized: the line segments where ``values`` crosses ``level``,
    ``(k, 2, 2)`` as ``[[x0, y0], [x1, y1]]`` in pixel coordinates of an image of
    ``values`` (row ``i`` = y, column ``j`` = x, value ``[i, j]`` at the pixel centre
    ``(j + 0.5, i + 0.5)``). A saddle cell is split by its centre value."""
    V = np.asarray(values, dtype=np.float64)
    if V.ndim != 2 or min(V.shape) < 2:
        return np.zeros((0, 2, 2))
    v00, v01, v10, v11 = V[:-1, :-1], V[:-1, 1:], V[1:, :-1], V[1:, 1:]
    rows, cols = np.mgrid[0:V.shape[0] - 1, 0:V.shape[1] - 1] + 0.5
    above = [v >= level for v in (v00, v01, v10, v11)]

    def crossing(va, vb, xa, ya, xb, yb):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.clip((level - va) / (vb - va), 0.0, 1.0)
        return np.stack([xa + t * (xb - xa), ya + t * (yb - ya)], axis=-1)

    # Edges: bottom (00-01), right (01-11), top (10-11), left (00-10).
    edges = [(above[0] != above[1], crossing(v00, v01, cols, rows, cols + 1, rows)),
             (above[1] != above[3], crossing(v01, v11, cols + 1, rows, cols + 1, rows + 1)),
             (above[2] != above[3], crossing(v10, v11, cols, rows + 1, cols + 1, rows + 1)),
             (above[0] != above[2], crossing(v00, v10, cols, rows, cols, rows + 1))]
    cut = np.stack([c for c, _ in edges])          # (4, ny-1, nx-1)
    points = np.stack([p for _, p in edges])       # (4, ny-1, nx-1, 2)
    count = cut.sum(axis=0)
    segments = []
    two = count == 2
    if two.any():
        first = np.argmax(cut, axis=0)             # the first cut edge
        last = 3 - np.argmax(cut[::-1], axis=0)    # the last cut edge
        i, j = np.nonzero(two)
        segments.append(np.stack([points[first[i, j], i, j], points[last[i, j], i, j]], axis=1))
    four = count == 4
    if four.any():
        i, j = np.nonzero(four)
        centre_above = (v00 + v01 + v10 + v11)[i, j] / 4 >= level
        # Centre on the side of corners 00 and 11: they connect through it, so the two
        # lines cut off corners 01 (bottom + right) and 10 (top + left); else 00 and 11.
        joined = centre_above == above[0][i, j]
        pairs = np.where(joined[:, None], [[0, 1, 2, 3]], [[0, 3, 1, 2]])
        for a, b in ((0, 1), (2, 3)):
            segments.append(np.stack([points[pairs[:, a], i, j], points[pairs[:, b], i, j]],
                                     axis=1))
    return np.concatenate(segments) if segments else np.zeros((0, 2, 2))


def contour_set(costs: np.ndarray, log: bool) -> tuple[np.ndarray, list[tuple[float, np.ndarray]]]:
    """The drawn values and ``[(level, segments), ...]`` for them."""
    values = display_values(costs, log)
    return values, [(float(level), contour_segments(values, level))
                    for level in contour_levels(values)]
