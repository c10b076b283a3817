"""What a gradient check returns: frozen dataclasses holding read-only NumPy arrays.

Thresholds (reference §5):

- ``difference = ||dtheta - dtheta_approx|| / (||dtheta|| + ||dtheta_approx||)``: around
  ``1e-7`` right, around ``1e-5`` worth a look, ``1e-3`` or more almost surely a bug; the
  course's multi-layer exercise flags ``> 2e-7`` (:data:`PASS_THRESHOLD`).
- per element (CS231n), ``rel_error = |a - n| / max(|a|, |n|)``, both zero counting as 0.
  Elements are counted over :data:`THRESHOLDS` ``(1e-7, 1e-5, 1e-3)``.
- an element whose ``|a - n|`` is below the round-off floor of the numerical derivative
  (``noise_floor``, about ``ulp(J) / eps``) cannot be judged by its relative error (a
  gradient of ``1e-12`` is all round-off): it is marked ``within_noise`` and left out of the
  counts and of the worst offenders' ranking.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .indexing import TensorInfo, element_index, element_label

PASS_THRESHOLD = 2e-7  # the course's multi-layer exercise flags difference > 2e-7
GOOD_THRESHOLD = 1e-7
LOOK_THRESHOLD = 1e-5
BUG_THRESHOLD = 1e-3
THRESHOLDS = (GOOD_THRESHOLD, LOOK_THRESHOLD, BUG_THRESHOLD)
NOISE_ULPS = 8.0  # noise floor = NOISE_ULPS * ulp(max(|J|, 1)) / eps; the naive loop stays under ~2


def difference(a, n) -> float:
    """The course's ``||a - n|| / (||a|| + ||n||)`` (0 when both are zero)."""
    a = np.asarray(a, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    den = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / den) if den > 0 else 0.0


def noise_floor(cost: float, eps: float) -> float:
    """Round-off of a two-sided difference: ``J`` carries errors of a few ulp, divided by eps."""
    return float(NOISE_ULPS * np.spacing(max(abs(cost), 1.0)) / eps)


def status(diff: float, pass_threshold: float = PASS_THRESHOLD) -> str:
    if diff <= pass_threshold:
        return "pass"
    if diff < BUG_THRESHOLD:
        return "look closer"
    return "bug"


def read_only(a) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class ParameterRow:
    """One line of the inspector's table."""
    flat_index: int  # position in theta
    label: str  # "dW2[0,3]"
    tensor: str  # "dW2"
    index: tuple[int, int]  # (0, 3); a bias element is (i, 0)
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    near_kink: bool
    within_noise: bool


@dataclass(frozen=True)
class TensorSummary:
    name: str  # "dW2"
    layer: int
    shape: tuple[int, int]
    n_checked: int
    difference: float  # the course's formula over this tensor's checked elements
    worst_rel_error: float  # among elements above the noise floor (0 if none)
    worst_label: str | None
    n_over: tuple[int, ...]  # elements above each of THRESHOLDS (noise-floor ones excluded)
    n_near_kink: int
    status: str  # "pass", "kinks" (only kink-crossing elements disagree), "look closer",
    # "bug", or "unchecked"


@dataclass(frozen=True)
class LayerSummary:
    layer: int
    tensors: tuple[str, str]  # ("dW2", "db2")
    n_checked: int
    difference: float
    worst_rel_error: float
    worst_label: str | None
    n_over: tuple[int, ...]
    n_near_kink: int
    status: str


@dataclass(frozen=True)
class GradientCheckResult:
    """The full element-wise check. Arrays have one entry per parameter, in ``layout`` order
    (``W1, b1, W2, b2, ...``, each ``W`` row-major); unchecked entries are NaN (subset mode)."""
    passed: bool
    verdict: str  # "pass", "look closer" (also: only kinks disagree) or "bug"
    message: str
    difference: float  # the course's formula over the checked elements
    difference_without_kinks: float  # the same, leaving out elements whose step crossed a kink
    eps: float
    lambd: float
    method: str  # "structured" or "naive"
    dropout: str  # "none" (no dropout configured), "off" (switched off), "frozen" (fixed masks)
    dropout_note: str
    planted_bug: str | None  # the planted bug's name (teaching mode), None for real backprop
    cost: float  # J(theta), L2 term included
    noise_floor: float
    layout: tuple[TensorInfo, ...]
    checked: np.ndarray  # bool
    analytic: np.ndarray  # backprop's dtheta (all of it, checked or not)
    numeric: np.ndarray  # two-sided differences; NaN where not checked
    abs_error: np.ndarray
    rel_error: np.ndarray
    near_kink: np.ndarray  # bool: the +-eps step moved a ReLU/leaky-ReLU/ELU input across 0
    within_noise: np.ndarray  # bool: |a - n| below noise_floor
    tensors: tuple[TensorSummary, ...]
    layers: tuple[LayerSummary, ...]
    worst: tuple[ParameterRow, ...]  # the worst offenders, worst first
    suspects: tuple[str, ...]  # tensors whose own difference (kinks left out) says "bug"
    elapsed: float  # seconds
    thresholds: tuple[float, ...] = field(default=THRESHOLDS)
    cost_formula: str = "stable"  # how J was computed: "stable" (from Z) or "course" (from A)

    @property
    def n_parameters(self) -> int:
        return int(self.analytic.size)

    @property
    def n_checked(self) -> int:
        return int(self.checked.sum())

    def label(self, k: int) -> str:
        return element_label(self.layout, int(k))

    def row(self, k: int) -> ParameterRow:
        k = int(k)
        info, idx = element_index(self.layout, k)
        return ParameterRow(k, element_label(self.layout, k), info.grad_name, idx,
                            float(self.analytic[k]), float(self.numeric[k]),
                            float(self.abs_error[k]), float(self.rel_error[k]),
                            bool(self.near_kink[k]), bool(self.within_noise[k]))

    def table(self, order: str = "index", limit: int | None = None) -> list[ParameterRow]:
        """Rows of the checked elements, by ``"index"`` (layout order) or ``"worst"`` first."""
        ks = np.flatnonzero(self.checked)
        if order == "worst":
            ks = ks[worst_order(self.rel_error[ks], self.abs_error[ks], self.within_noise[ks])]
        elif order != "index":
            raise ValueError(f"order must be 'index' or 'worst', got {order!r}")
        if limit is not None:
            ks = ks[:limit]
        return [self.row(k) for k in ks]

    def report(self) -> str:
        """A plain-text report (the CLI prints it)."""
        lines = [self.message, f"difference = {self.difference:.3e}   eps = {self.eps:g}   "
                 f"lambda = {self.lambd:g}   {self.n_checked}/{self.n_parameters} parameters "
                 f"checked ({self.method}, {self.elapsed:.2f} s)", self.dropout_note]
        if self.planted_bug:
            lines.insert(0, f"PLANTED BUG (teaching mode): {self.planted_bug}")
        lines.append("tensor   checked  difference  worst rel.  worst at    >1e-7 >1e-5 >1e-3  kinks")
        for t in self.tensors:
            if t.n_checked == 0:
                continue
            lines.append(f"{t.name:<8} {t.n_checked:>7}  {t.difference:>10.2e}  "
                         f"{t.worst_rel_error:>10.2e}  {t.worst_label or '-':<10} "
                         f"{t.n_over[0]:>5} {t.n_over[1]:>5} {t.n_over[2]:>5}  "
                         f"{t.n_near_kink:>5}  {t.status}")
        if self.worst:
            lines.append("worst: " + ", ".join(f"{r.label} (analytic {r.analytic:.4g}, "
                                               f"numeric {r.numeric:.4g})" for r in self.worst[:5]))
        return "\n".join(lines)


def worst_order(rel, absolute, noise):
    """Indices, worst first: elements above the noise floor by relative error, then the rest
    (round-off only) by absolute error."""
    rel = np.nan_to_num(rel, nan=-1.0)
    absolute = np.nan_to_num(absolute, nan=-1.0)
    return np.lexsort((-absolute, -np.where(noise, -1.0, rel), noise))


@dataclass(frozen=True)
class DirectionalCheckResult:
    """``grad . u`` against ``(J(theta + eps u) - J(theta - eps u)) / 2 eps`` for a few random
    unit vectors ``u`` (2 evaluations of ``J`` per direction instead of 2 per parameter)."""
    passed: bool
    verdict: str
    message: str
    difference: float  # the worst direction's |a - n| / (|a| + |n|)
    directions: np.ndarray  # (k, n_params), unit rows
    analytic: np.ndarray  # (k,) grad . u
    numeric: np.ndarray  # (k,)
    rel_error: np.ndarray  # (k,) |a - n| / (|a| + |n|)
    within_noise: np.ndarray  # (k,) bool
    eps: float
    lambd: float
    dropout: str
    dropout_note: str
    planted_bug: str | None
    cost: float
    noise_floor: float
    elapsed: float
    detail: GradientCheckResult | None = None  # the element-wise check run to explain a failure


@dataclass(frozen=True)
class EpsilonSweepResult:
    """Error of the one-sided and the two-sided difference against ``eps``.

    ``error`` is the course's ``difference`` between backprop and the numerical value (for
    one parameter, ``|a - n| / (|a| + |n|)``). The fitted slopes of ``log10(error)`` against
    ``log10(eps)`` over ``fit_range`` show ``eps`` (slope 1) and ``eps^2`` (slope 2); below
    ``best_eps`` round-off takes over and the error grows again as ``eps`` shrinks."""
    target: str  # "dW2[0,3]" or "all parameters"
    indices: np.ndarray  # flat indices checked
    epsilons: np.ndarray  # (E,), decreasing
    one_sided_error: np.ndarray  # (E,)
    two_sided_error: np.ndarray  # (E,)
    one_sided_slope: float
    two_sided_slope: float
    fit_range: tuple[float, float]
    best_eps_one_sided: float
    best_eps_two_sided: float
    analytic: np.ndarray  # backprop's values at the indices
    lambd: float
    dropout_note: str
    elapsed: float
