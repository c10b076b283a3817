"""Seeded toy data sets, each returned as a :class:`Dataset` with examples in columns.

Every generator takes ``m`` (number of examples), ``noise`` and ``seed`` and draws all its
randomness from ``numpy.random.default_rng(seed)``, so the same arguments always give the
same arrays. What ``noise`` means differs per set (a standard deviation for the course and
scikit-learn style sets, a 0-0.5 fraction for the TensorFlow Playground ones); each
generator's docstring and its entry in :data:`GENERATORS` say which.
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .dataset import Dataset

XY = ("x1", "x2")


def _check(m, noise, min_m: int = 4) -> int:
    """Validate the common arguments; return ``m`` as a plain int."""
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)):
        raise ValueError(f"m (the number of examples) must be an integer, got {m!r}")
    if m < min_m:
        raise ValueError(f"m (the number of examples) must be at least {min_m}, got {m}")
    if not isinstance(noise, (int, float, np.number)) or not math.isfinite(noise):
        raise ValueError(f"noise must be a finite number, got {noise!r}")
    if noise < 0:
        raise ValueError(f"noise must be zero or positive, got {noise}")
    return int(m)


def _halves(m: int) -> tuple[int, int]:
    """Class sizes for two balanced classes (the second gets the odd example)."""
    return m // 2, m - m // 2


def _binary(name: str, points: list[np.ndarray], class_names=("0", "1"),
            feature_names=XY, **meta) -> Dataset:
    """Stack per-class ``(2, n_j)`` blocks into one binary Dataset, labels = block index."""
    X = np.concatenate(points, axis=1).astype(np.float64)
    y = np.concatenate([np.full(p.shape[1], j, dtype=np.int64) for j, p in enumerate(points)])
    return Dataset(name=name, X=X, y=y, task="binary", feature_names=tuple(feature_names),
                   class_names=tuple(class_names), source="generated", meta=meta)


def _from_labels(name: str, X: np.ndarray, y: np.ndarray, class_names, **meta) -> Dataset:
    return Dataset(name=name, X=X.astype(np.float64), y=y.astype(np.int64), task="binary",
                   feature_names=XY, class_names=tuple(class_names), source="generated",
                   meta=meta)


# --- course and scikit-learn style sets (noise = a standard deviation) -------------------

def flower(m: int = 400, noise: float = 0.2, seed: int | None = 1) -> Dataset:
    """The course's planar "flower": two interleaved petal sets, ``a = 4``.

    For class ``j``: ``t = linspace(3.12 j, 3.12 (j+1), N) + noise randn(N)``,
    ``r = a sin(4t) + noise randn(N)``, point ``(r sin t, r cos t)``. No straight line
    separates the classes (logistic regression scores about 50%, i.e. chance).
    """
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    a = 4.0
    blocks = []
    for j, n in enumerate(_halves(m)):
        # t noise is drawn before r noise, as in the course code.
        t = np.linspace(3.12 * j, 3.12 * (j + 1), n) + noise * rng.standard_normal(n)
        r = a * np.sin(4 * t) + noise * rng.standard_normal(n)
        blocks.append(np.vstack([r * np.sin(t), r * np.cos(t)]))
    return _binary("flower", blocks, noise=noise, seed=seed)


def circles(m: int = 300, noise: float = 0.05, seed: int | None = 1,
            factor: float = 0.8) -> Dataset:
    """Two concentric rings (scikit-learn ``make_circles``; the course's init exercise).

    Outer ring radius 1 (class 0), inner ring radius ``factor`` (class 1), evenly spaced
    angles, Gaussian noise of std ``noise`` on both coordinates.
    """
    m = _check(m, noise)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    blocks = []
    for radius, n in zip((1.0, factor), _halves(m)):
        ang = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
        ring = radius * np.vstack([np.cos(ang), np.sin(ang)])
        blocks.append(ring + noise * rng.standard_normal(ring.shape))
    return _binary("circles", blocks, class_names=("outer", "inner"), noise=noise,
                   seed=seed, factor=factor)


def moons(m: int = 400, noise: float = 0.1, seed: int | None = 1) -> Dataset:
    """Two interleaving half circles (scikit-learn ``make_moons``), Gaussian noise std."""
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _halves(m)
    a0, a1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.vstack([np.cos(a0), np.sin(a0)])
    lower = np.vstack([1 - np.cos(a1), 0.5 - np.sin(a1)])
    blocks = [b + noise * rng.standard_normal(b.shape) for b in (upper, lower)]
    return _binary("moons", blocks, class_names=("upper", "lower"), noise=noise, seed=seed)


def linear_separable(m: int = 200, noise: float = 0.5, seed: int | None = 1) -> Dataset:
    """Two blobs far apart, centres (-2, -1) and (2, 1), std ``noise``.

    With the default noise a straight line separates them perfectly, which makes it the
    sanity check for logistic regression (and for "no hidden layer is enough").
    """
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    blocks = [np.array([[cx], [cy]]) + noise * rng.standard_normal((2, n))
              for (cx, cy), n in zip(((-2.0, -1.0), (2.0, 1.0)), _halves(m))]
    return _binary("linear_separable", blocks, noise=noise, seed=seed)


def scaled_features(m: int = 200, noise: float = 0.5, seed: int | None = 1,
                    scale: float = 1000.0) -> Dataset:
    """Two blobs in unit space, then feature 2 multiplied by ``scale`` (default 1000).

    The classes sit at (-1, -1) and (1, 1) (std ``noise``), so after normalization the
    boundary is a plain diagonal line. Unnormalized, x2 is ~1000x larger than x1: the cost
    surface is a long narrow valley and gradient descent needs a tiny learning rate.
    """
    m = _check(m, noise)
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale}")
    rng = np.random.default_rng(seed)
    blocks = []
    for c, n in zip((-1.0, 1.0), _halves(m)):
        b = c + noise * rng.standard_normal((2, n))
        b[1] *= scale
        blocks.append(b)
    return _binary("scaled_features", blocks,
                   feature_names=("x1 (scale 1)", f"x2 (scale {scale:g})"),
                   noise=noise, seed=seed, scale=scale)


def regression(m: int = 300, noise: float = 0.1, seed: int | None = 1,
               n_features: int = 2) -> Dataset:
    """A smooth target plus Gaussian noise of std ``noise``.

    ``n_features=2``: ``y = sin(x1) cos(x2)`` on ``[-3, 3]^2`` (a bumpy surface no plane
    fits). ``n_features=1``: ``y = sin(2 x) + 0.3 x`` on ``[-3, 3]`` (a wavy curve).
    """
    m = _check(m, noise)
    if n_features not in (1, 2):
        raise ValueError(f"n_features must be 1 or 2, got {n_features!r}")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3.0, 3.0, size=(n_features, m))
    f = np.sin(X[0]) * np.cos(X[1]) if n_features == 2 else np.sin(2 * X[0]) + 0.3 * X[0]
    y = f + noise * rng.standard_normal(m)
    return Dataset(name="regression", X=X, y=y, task="regression",
                   feature_names=XY[:n_features], source="generated",
                   meta={"noise": noise, "seed": seed})


# --- TensorFlow Playground recipes on [-6, 6]^2 (noise = fraction, 0 to 0.5) --------------

def playground_circle(m: int = 400, noise: float = 0.0, seed: int | None = 1) -> Dataset:
    """Playground "circle": a disc (radius 0-2.5) inside a ring (radius 3.5-5).

    As in the Playground, noise shifts the point used to *decide the label* by
    ``uniform(-5, 5) * noise`` per coordinate while the drawn point stays put, so noise
    shows up as flipped labels near the border ``r = 2.5``.
    """
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    radius = 5.0
    n_in, n_out = _halves(m)
    r = np.concatenate([rng.uniform(0, 0.5 * radius, n_in),
                        rng.uniform(0.7 * radius, radius, n_out)])
    ang = rng.uniform(0, 2 * np.pi, m)
    X = np.vstack([r * np.sin(ang), r * np.cos(ang)])
    shifted = X + rng.uniform(-radius, radius, size=X.shape) * noise
    # Playground: inside is the positive class -> 1.
    y = (np.hypot(shifted[0], shifted[1]) < 0.5 * radius).astype(np.int64)
    return _from_labels("playground_circle", X, y, ("outside", "inside"), noise=noise, seed=seed)


def xor(m: int = 400, noise: float = 0.0, seed: int | None = 1) -> Dataset:
    """Playground "XOR": label 1 where ``x1 * x2 >= 0`` (quadrants I and III).

    Points are uniform in ``[-5, 5]^2`` pushed 0.3 away from the axes; noise moves the
    point that decides the label by ``uniform(-5, 5) * noise`` (Playground recipe).
    """
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5, 5, size=(2, m))
    X += np.where(X > 0, 0.3, -0.3)  # padding keeps points off the axes
    shifted = X + rng.uniform(-5, 5, size=X.shape) * noise
    y = (shifted[0] * shifted[1] >= 0).astype(np.int64)
    return _from_labels("xor", X, y, ("x1*x2 < 0", "x1*x2 >= 0"), noise=noise, seed=seed)


def gaussians(m: int = 400, noise: float = 0.0, seed: int | None = 1) -> Dataset:
    """Playground "Gaussian": two blobs at (-2, -2) (class 0) and (2, 2) (class 1).

    Variance grows with noise as in the Playground: ``0.5 + 7 * noise`` (0.5 to 4 over the
    slider's 0-0.5 range).
    """
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    std = math.sqrt(0.5 + 7.0 * noise)
    blocks = [np.array([[c], [c]]) + std * rng.standard_normal((2, n))
              for c, n in zip((-2.0, 2.0), _halves(m))]
    return _binary("gaussians", blocks, class_names=("(-2,-2)", "(2,2)"), noise=noise, seed=seed)


def spiral(m: int = 400, noise: float = 0.0, seed: int | None = 1) -> Dataset:
    """Playground two-armed spiral: ``r = 5 i/n``, angle ``1.75 * 2 pi i/n`` (+ pi for arm 0).

    Noise adds ``uniform(-1, 1) * noise`` to each coordinate.
    """
    m = _check(m, noise)
    rng = np.random.default_rng(seed)
    blocks = []
    # The Playground's positive arm has offset 0, the negative arm offset pi.
    for delta, n in zip((np.pi, 0.0), _halves(m)):
        i = np.arange(n)
        r = 5.0 * i / n
        t = 1.75 * 2 * np.pi * i / n + delta
        arm = np.vstack([r * np.sin(t), r * np.cos(t)])
        blocks.append(arm + rng.uniform(-1, 1, size=arm.shape) * noise)
    return _binary("spiral", blocks, class_names=("arm 0", "arm 1"), noise=noise, seed=seed)


# --- registry for the app ----------------------------------------------------------------

@dataclass(frozen=True)
class GeneratorInfo:
    """What the app needs to offer a generator: a label, a tooltip and slider ranges."""

    fn: Callable[..., Dataset]
    title: str
    description: str
    noise_max: float  # a sensible upper end for a noise slider

    @property
    def defaults(self) -> dict:
        """Default keyword arguments, e.g. ``{"m": 400, "noise": 0.2, "seed": 1}``."""
        return {k: p.default for k, p in inspect.signature(self.fn).parameters.items()}

    def __call__(self, **kwargs) -> Dataset:
        return self.fn(**kwargs)


GENERATORS: dict[str, GeneratorInfo] = {
    "flower": GeneratorInfo(
        flower, "Flower (course)",
        "Two interleaved 4-petal classes from the course, 400 points. Linear models score "
        "about 50%; one tanh hidden layer of 4 units does far better. Noise = std.", 1.0),
    "circles": GeneratorInfo(
        circles, "Circles",
        "Two noisy concentric rings (outer radius 1, inner 0.8), as in the course's "
        "initialization exercise. Needs a hidden layer. Noise = std.", 0.3),
    "moons": GeneratorInfo(
        moons, "Moons",
        "Two interleaving half circles. A gently curved boundary. Noise = std.", 0.5),
    "xor": GeneratorInfo(
        xor, "XOR (Playground)",
        "Label is the sign of x1*x2: opposite quadrants share a class. No line separates "
        "them. Noise (0-0.5) flips labels near the axes.", 0.5),
    "gaussians": GeneratorInfo(
        gaussians, "Two Gaussians (Playground)",
        "Blobs at (-2,-2) and (2,2). A straight line is enough. Noise (0-0.5) widens them "
        "until they overlap.", 0.5),
    "spiral": GeneratorInfo(
        spiral, "Spiral (Playground)",
        "Two intertwined spiral arms: the hardest 2-D set, needs several hidden units or "
        "extra input features. Noise (0-0.5) jitters the points.", 0.5),
    "playground_circle": GeneratorInfo(
        playground_circle, "Circle (Playground)",
        "A disc inside a ring, on [-6, 6]^2. Noise (0-0.5) flips labels near the border.",
        0.5),
    "linear_separable": GeneratorInfo(
        linear_separable, "Linearly separable",
        "Two well separated blobs: logistic regression (no hidden layer) reaches 100%. "
        "Noise = std.", 2.0),
    "scaled_features": GeneratorInfo(
        scaled_features, "Badly scaled features",
        "Two blobs where x2 is about 1000x larger than x1. Train with and without input "
        "normalization to see why it matters. Noise = std.", 2.0),
    "regression": GeneratorInfo(
        regression, "Regression surface",
        "y = sin(x1) cos(x2) plus Gaussian noise: a regression task (linear output, "
        "squared error). Noise = std of the target noise.", 0.5),
}
