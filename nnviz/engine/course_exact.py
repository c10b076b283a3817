"""The course notebooks' exact random draws, so nnviz prints the notebooks' numbers.

The notebooks call ``np.random.seed(s)`` and then draw from NumPy's legacy global
``RandomState``; here each draw comes from a private ``np.random.RandomState(s)`` in the same
call order (the global state is never touched):

- planar "flower": ``seed(1)``, then for ``j = 0, 1`` the ``t`` noise ``randn(N)`` and the
  ``r`` noise ``randn(N)``;
- initialization lesson's circles: ``seed(1)`` + old scikit-learn
  ``make_circles(n_samples=300, noise=.05)`` for training, ``seed(2)`` + the same with 100
  samples for testing (re-implemented here: scikit-learn is not a dependency);
- initial weights: ``initialize_parameters(..., course_exact=True)`` with seed 2 for the
  one-hidden-layer network and 3 for the initialization lesson (:data:`COURSE_INIT_SEEDS`).

The course trains on all 400 flower points (no test set) and keeps the circles' 300/100
sets apart, so :func:`course_split` returns a :class:`Split` with those fixed index sets.
"""
from __future__ import annotations

import math

import numpy as np

from .data.dataset import Dataset, Split

COURSE_EXACT_DATA = ("flower", "circles")
COURSE_INIT_SEEDS = {"flower": 2, "circles": 3}  # initialize_parameters' np.random.seed


def _check_count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}, got {value!r}")
    return int(value)


def _check_noise(noise) -> float:
    if not isinstance(noise, (int, float, np.number)) or not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return float(noise)


def planar_dataset(m: int = 400, noise: float = 0.2, seed: int = 1) -> Dataset:
    """The notebook's ``load_planar_dataset()``: ``(2, m)`` points, labels 0 then 1."""
    m = _check_count("m", m, 2)
    noise = _check_noise(noise)
    rng = np.random.RandomState(seed)
    N = m // 2  # the notebook's int(m / 2): an odd m leaves the last row at (0, 0), class 0
    X = np.zeros((m, 2))
    y = np.zeros(m, dtype=np.int64)
    for j in range(2):
        rows = slice(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.randn(N) * noise
        r = 4 * np.sin(4 * t) + rng.randn(N) * noise
        X[rows] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[rows] = j
    return Dataset(name="flower", X=X.T.copy(), y=y, task="binary", feature_names=("x1", "x2"),
                   class_names=("0", "1"), source="generated",
                   meta={"noise": noise, "seed": seed, "course_exact": True})


def make_circles_legacy(n_samples: int, noise: float, rng: np.random.RandomState,
                        factor: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
    """Old scikit-learn ``make_circles`` (shuffle on), drawing from ``rng``.

    Angles ``linspace(0, 2 pi, n//2 + 1)[:-1]``; outer ring (label 0) then the inner ring at
    ``factor`` (label 1); ``sklearn.utils.shuffle`` = ``rng.shuffle(arange(n))`` applied to the
    rows; then ``rng.normal(scale=noise, size=X.shape)`` added. Returns ``X (n, 2), y (n,)``
    in scikit-learn's row layout.
    """
    n_samples = _check_count("n_samples", n_samples, 2)
    noise = _check_noise(noise)
    if not 0.0 <= factor <= 1.0:
        raise ValueError(f"factor has to be between 0 and 1, got {factor}")
    angles = np.linspace(0, 2 * np.pi, n_samples // 2 + 1)[:-1]
    outer_x, outer_y = np.cos(angles), np.sin(angles)
    X = np.vstack((np.append(outer_x, outer_x * factor),
                   np.append(outer_y, outer_y * factor))).T
    y = np.hstack([np.zeros(n_samples // 2, dtype=np.int64),
                   np.ones(n_samples // 2, dtype=np.int64)])
    order = np.arange(X.shape[0])
    rng.shuffle(order)
    X, y = X[order], y[order]
    X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def init_lesson_circles(n_train: int = 300, n_test: int = 100, noise: float = 0.05,
                        train_seed: int = 1, test_seed: int = 2, factor: float = 0.8) -> Split:
    """The initialization notebook's ``load_dataset()``: training circles after
    ``seed(train_seed)``, test circles after ``seed(test_seed)``, as one data set whose first
    ``n_train`` columns are the training set."""
    X_tr, y_tr = make_circles_legacy(n_train, noise, np.random.RandomState(train_seed), factor)
    X_te, y_te = make_circles_legacy(n_test, noise, np.random.RandomState(test_seed), factor)
    dataset = Dataset(name="circles", X=np.vstack([X_tr, X_te]).T.copy(),
                      y=np.concatenate([y_tr, y_te]), task="binary",
                      feature_names=("x1", "x2"), class_names=("outer", "inner"),
                      source="generated",
                      meta={"noise": noise, "seed": train_seed, "test_seed": test_seed,
                            "factor": factor, "course_exact": True})
    m_train = y_tr.shape[0]
    return Split(dataset, np.arange(m_train), np.arange(m_train, dataset.m))


def course_split(name: str, **params) -> Split:
    """The course's data for ``name`` with its own train/test sets.

    ``"flower"`` takes ``m``, ``noise``, ``seed`` (all 400 points train, as in the notebook);
    ``"circles"`` takes ``m`` (training points), ``noise``, ``seed`` (training seed; the test
    set of 100 uses ``seed + 1``) and ``factor``.
    """
    if name == "flower":
        unknown = sorted(set(params) - {"m", "noise", "seed"})
        if unknown:
            raise ValueError(f"course-exact flower does not take {unknown}")
        dataset = planar_dataset(**params)
        return Split(dataset, np.arange(dataset.m), np.arange(0))
    if name == "circles":
        unknown = sorted(set(params) - {"m", "noise", "seed", "factor"})
        if unknown:
            raise ValueError(f"course-exact circles does not take {unknown}")
        seed = int(params.get("seed", 1))
        return init_lesson_circles(n_train=params.get("m", 300),
                                   noise=params.get("noise", 0.05), train_seed=seed,
                                   test_seed=seed + 1, factor=params.get("factor", 0.8))
    raise ValueError(f"no course-exact version of {name!r}; there is one for "
                     f"{', '.join(COURSE_EXACT_DATA)}")
