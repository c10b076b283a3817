"""The gradient checks: full (or subset) element-wise, directional, and error against eps."""
from __future__ import annotations

import time
from dataclasses import replace
from typing import Callable, Iterable, Sequence

import numpy as np

from ..network import Network
from .indexing import element_label, parse_parameter, parse_tensor
from .perturb import DEFAULT_CHUNK_BYTES, METHODS, cost_changer, cost_changes
from .planted_bugs import bugs_name, parse_planted_bugs, planted_gradient
from .problem import CheckProblem, Progress, prepare
from .results import (BUG_THRESHOLD, PASS_THRESHOLD, THRESHOLDS, DirectionalCheckResult,
                      EpsilonSweepResult, GradientCheckResult, LayerSummary,
                      TensorSummary, worst_order, difference, noise_floor, read_only, status)

DEFAULT_EPS = 1e-7  # the course's
DIRECTIONAL_EPS = 1e-6  # a unit direction moves every parameter: a slightly larger step
SWEEP_EPSILONS = tuple(float(10.0 ** -e) for e in np.arange(1, 12.5, 0.5))  # 1e-1 .. 1e-12
# Perturbations per block of the sweep: ~64 MB of arrays for any network (its 23 eps x 2
# signs x 7.4 million parameters of a 30 x 512 network were 2.7 GB per array at once).
SWEEP_BATCH = 1 << 20


def gradient_check(net: Network, X, Y, *, lambd: float = 0.0, eps: float = DEFAULT_EPS,
                   keep_prob=1.0, dropout: str = "off", masks=None, seed: int = 0,
                   layers: Iterable[int] | None = None, tensors: Iterable[str] | None = None,
                   per_tensor: int | None = None, parameters: Sequence | None = None,
                   planted_bug=None, method: str = "structured",
                   pass_threshold: float = PASS_THRESHOLD, n_worst: int = 10,
                   progress: Callable[[int, int], bool | None] | None = None, cancel=None,
                   chunk_bytes: int = DEFAULT_CHUNK_BYTES, threads: int = 1,
                   cost_formula: str = "stable") -> GradientCheckResult:
    """Backprop's ``dtheta`` against two-sided differences ``(J(theta+eps) - J(theta-eps)) / 2eps``.

    Works on a float64 copy of ``net`` (the network is not modified). ``J`` includes the L2
    term ``(lambda/2m) sum ||W||^2``. Dropout (``keep_prob < 1``) is switched off
    (``dropout="off"``, the default) or its masks are frozen (``"frozen"``: ``masks`` or masks
    drawn with ``seed``); the result says which.

    Subset mode: ``layers=[2]`` checks ``W2, b2``; ``tensors=["W1", "db3"]`` those tensors;
    ``per_tensor=N`` N random elements (``seed``) of each selected tensor; ``parameters`` an
    explicit list (``"W2[0,3]"``, flat indices). ``planted_bug`` (teaching): compare against a
    backward pass with a named defect, e.g. ``"dW2 doubled"`` (see ``planted_bugs``).

    ``progress(done, total)`` is called every ~50 ms; returning ``False`` cancels, as does
    setting ``cancel`` (a ``threading.Event`` or a callable): :class:`CheckCancelled` is raised.
    ``method="naive"`` runs the course's loop (two full forward passes per parameter) instead of
    the structure-aware engine; ``threads > 1`` splits the structured work over threads (meant
    for single-threaded BLAS, as the app sets it: threads on top of multi-threaded BLAS
    oversubscribe the cores).

    ``cost_formula="course"`` computes ``J`` as the course notebook does, from ``A``
    (``-log(1 - A)`` loses digits when ``A`` is near 1): the course's 4-5-3-1 exercise then
    gives its printed ~1.2e-7 instead of the stable formula's ~1e-9. Backprop is the same.
    """
    start = time.perf_counter()
    eps = _check_eps(eps)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not pass_threshold > 0:
        raise ValueError(f"pass_threshold must be > 0, got {pass_threshold!r}")
    bug = None if planted_bug is None else parse_planted_bugs(planted_bug, net)
    problem = prepare(net, X, Y, lambd, keep_prob, dropout, masks, seed, cost_formula)
    indices = _select(problem, layers, tensors, per_tensor, parameters, seed)
    cost, analytic = _analytic(problem, bug)

    tracker = Progress(2 * indices.size, progress, cancel)
    tracker.check()
    both = np.concatenate([indices, indices])
    steps = np.concatenate([np.full(indices.size, eps), np.full(indices.size, -eps)])
    dJ, crossed = cost_changes(problem, both, steps, method, tracker, chunk_bytes, threads)
    n = indices.size
    numeric_sel = (dJ[:n] - dJ[n:]) / (2 * eps)

    size = problem.net.n_params
    checked = np.zeros(size, dtype=bool)
    checked[indices] = True
    numeric = np.full(size, np.nan)
    numeric[indices] = numeric_sel
    near_kink = np.zeros(size, dtype=bool)
    near_kink[indices] = crossed[:n] | crossed[n:]
    result = _build_result(problem, analytic, numeric, checked, near_kink, cost, eps, method,
                           bug, pass_threshold, n_worst, time.perf_counter() - start)
    return replace(result, cost_formula=cost_formula)


def directional_check(net: Network, X, Y, *, n_directions: int = 3,
                      eps: float = DIRECTIONAL_EPS, lambd: float = 0.0, keep_prob=1.0,
                      dropout: str = "off", masks=None, seed: int = 0, directions=None,
                      planted_bug=None, pass_threshold: float = PASS_THRESHOLD,
                      explain: bool = False, cost_formula: str = "stable",
                      progress: Callable[[int, int], bool | None] | None = None, cancel=None,
                      chunk_columns: int | None = None,
                      **explain_kwargs) -> DirectionalCheckResult:
    """A fast check for large networks: for a few random unit vectors ``u`` compare
    ``grad . u`` with ``(J(theta + eps u) - J(theta - eps u)) / 2 eps``: two evaluations of
    ``J`` per direction instead of two per parameter. A failure says *that* backprop is wrong,
    not where; with ``explain=True`` a failing check runs the element-wise
    :func:`gradient_check` (``explain_kwargs`` go to it, e.g. ``per_tensor=20``) and attaches
    it as ``detail``. ``progress`` and ``cancel`` work as in :func:`gradient_check` (and are
    passed on to the element-wise check). ``chunk_columns``: examples per forward pass
    (default: about 0.2 GFLOP of work, so a cancel is honoured within a fraction of a second);
    the chunk size does not change ``J`` (the losses are summed in one order)."""
    start = time.perf_counter()
    eps = _check_eps(eps)
    bug = None if planted_bug is None else parse_planted_bugs(planted_bug, net)
    problem = prepare(net, X, Y, lambd, keep_prob, dropout, masks, seed, cost_formula)
    size = problem.net.n_params
    if directions is None and int(n_directions) < 1:
        raise ValueError(f"n_directions must be at least 1, got {n_directions}")
    rows = int(n_directions) if directions is None else np.atleast_2d(directions).shape[0]
    # Every step below goes in pieces with a cancel check after each: drawing and scaling
    # the directions of 7 million parameters, and a forward or backward pass of a deep
    # network on many examples, take seconds; the check must stop within a fraction of one.
    tracker = Progress(2 * rows, progress, cancel)
    tracker.check()
    if directions is None:
        U = _random_directions(seed, rows, size, tracker.check)
    else:
        U = np.array(np.atleast_2d(np.asarray(directions, dtype=np.float64)))
        if U.shape[1] != size or not np.isfinite(U).all():
            raise ValueError(f"directions must be finite rows of length {size} (the number "
                             f"of parameters), got shape {U.shape}")
    for u in U:  # in place, row by row: U is the largest array here (directions x parameters)
        norm = np.sqrt(np.dot(u, u))
        if norm == 0:
            raise ValueError("a direction is all zeros")
        u /= norm
        tracker.check()
    columns = chunk_columns or problem.example_columns()
    if bug is None:
        cost, grad = problem.gradient_in_chunks(chunk_columns, tracker.check)
    else:  # teaching mode: small networks, one backward pass with the defect
        cost, grad = _analytic(problem, bug)
    analytic = U @ grad
    theta = problem.net.theta
    theta0 = theta.copy()
    numeric = np.empty(U.shape[0])
    try:
        for r, u in enumerate(U):
            np.add(theta0, np.multiply(u, eps, out=theta), out=theta)
            jp = problem.cost_in_chunks(columns, tracker.check)
            tracker.advance(1)
            np.subtract(theta0, np.multiply(u, eps, out=theta), out=theta)
            jm = problem.cost_in_chunks(columns, tracker.check)
            tracker.advance(1)
            numeric[r] = (jp - jm) / (2 * eps)
    finally:
        theta[...] = theta0
    err = np.abs(analytic - numeric)
    den = np.abs(analytic) + np.abs(numeric)
    rel = np.divide(err, den, out=np.zeros_like(err), where=den > 0)
    floor = noise_floor(cost, eps)
    within = err <= floor
    judged = np.where(within, 0.0, rel)
    worst = float(judged.max())
    verdict = status(worst, pass_threshold)
    passed = verdict == "pass"
    if passed:
        msg = (f"All {U.shape[0]} random directions agree (worst relative difference "
               f"{float(rel.max()):.1e}).")
    else:
        msg = (f"Backprop disagrees with J along a random direction (relative difference "
               f"{worst:.1e}): {'almost surely a bug' if verdict == 'bug' else 'look closer'}. "
               "Run the element-wise check to see which parameters.")
    if bug is not None:
        msg = f"PLANTED BUG (teaching mode): {bugs_name(bug)}. " + msg
    detail = None
    if explain and not passed:
        explain_kwargs.setdefault("seed", seed)
        detail = gradient_check(net, X, Y, lambd=lambd, keep_prob=keep_prob, dropout=dropout,
                                masks=problem.masks if problem.dropout == "frozen" else None,
                                planted_bug=bug, pass_threshold=pass_threshold,
                                cost_formula=cost_formula, progress=progress, cancel=cancel,
                                **explain_kwargs)
    return DirectionalCheckResult(passed, verdict, msg, worst, read_only(U),
                                  read_only(analytic), read_only(numeric), read_only(rel),
                                  read_only(within), eps, problem.lambd, problem.dropout,
                                  problem.dropout_note, None if bug is None else bugs_name(bug),
                                  cost, floor, time.perf_counter() - start, detail)


def epsilon_sweep(net: Network, X, Y, *, parameter=None, epsilons=SWEEP_EPSILONS,
                  lambd: float = 0.0, keep_prob=1.0, dropout: str = "off", masks=None,
                  seed: int = 0, fit_range: tuple[float, float] = (1e-5, 1e-2),
                  method: str = "structured",
                  progress: Callable[[int, int], bool | None] | None = None, cancel=None,
                  chunk_bytes: int = DEFAULT_CHUNK_BYTES, threads: int = 1,
                  cost_formula: str = "stable",
                  sweep_batch: int = SWEEP_BATCH) -> EpsilonSweepResult:
    """The error of one-sided ``(J(theta+eps) - J(theta)) / eps`` and two-sided differences
    over ``epsilons`` (default ``1e-1 .. 1e-12``), for one ``parameter`` (``"W2[0,3]"`` or a
    flat index) or, with ``parameter=None``, the whole vector (3 evaluations of ``J`` per
    parameter and eps: use a small network or the progress callback).

    Smooth activations show the textbook picture; with ReLU a large eps may step over a kink.

    Memory stays bounded for any network: the parameters are taken ``sweep_batch``
    perturbations at a time (every eps and sign of a block of parameters), and only the sums
    the errors need are kept, never an (eps x parameters) array.
    """
    start = time.perf_counter()
    eps_arr = np.asarray(epsilons, dtype=np.float64).reshape(-1)
    if eps_arr.size < 2 or not np.all(np.isfinite(eps_arr)) or np.any(eps_arr <= 0):
        raise ValueError("epsilons must be at least two finite positive numbers")
    eps_arr = np.sort(eps_arr)[::-1]
    lo, hi = sorted(float(v) for v in fit_range)
    if not lo > 0:
        raise ValueError(f"fit_range must be positive, got {fit_range}")
    problem = prepare(net, X, Y, lambd, keep_prob, dropout, masks, seed, cost_formula)
    if parameter is None:
        indices = np.arange(problem.net.n_params)
        target = "all parameters"
    else:
        indices = np.array([parse_parameter(problem.infos, parameter)])
        target = element_label(problem.infos, int(indices[0]))
    tracker = Progress(2 * eps_arr.size * indices.size, progress, cancel)
    tracker.check()
    _, grad = problem.gradient()
    analytic = grad if parameter is None else grad[indices]  # all: no second copy of dtheta
    one_err, two_err = _sweep_errors(problem, indices, analytic, eps_arr, tracker,
                                     cost_changer(problem, method, chunk_bytes, threads),
                                     sweep_batch)
    fit = (eps_arr >= lo) & (eps_arr <= hi)
    return EpsilonSweepResult(
        target, read_only(indices), read_only(eps_arr), read_only(one_err), read_only(two_err),
        _slope(eps_arr[fit], one_err[fit]), _slope(eps_arr[fit], two_err[fit]), (lo, hi),
        float(eps_arr[np.argmin(one_err)]), float(eps_arr[np.argmin(two_err)]),
        read_only(analytic), problem.lambd, problem.dropout_note, time.perf_counter() - start)


# -- helpers -------------------------------------------------------------------------------
def _random_directions(seed, rows: int, size: int, check, block: int = 1 << 20) -> np.ndarray:
    """``default_rng(seed).standard_normal((rows, size))``, drawn ``block`` numbers at a time
    (the same stream, so the same numbers) with ``check()`` after each block."""
    rng = np.random.default_rng(seed)
    U = np.empty((rows, size))
    flat = U.reshape(-1)
    for s in range(0, flat.size, block):
        rng.standard_normal(out=flat[s:s + block])
        check()
    return U


def _sweep_errors(problem, indices, analytic, eps_arr, tracker, changes, batch: int):
    """``difference(analytic, numeric)`` of the one- and two-sided differences for every eps,
    from sums of squares accumulated over blocks of parameters (the course's
    ``||a - n|| / (||a|| + ||n||)``, without holding ``n`` for all parameters)."""
    E = eps_arr.size
    signed = np.concatenate([eps_arr, -eps_arr])
    block = max(1, int(batch) // (2 * E))
    sums = np.zeros((4, E))  # ||a - one||^2, ||one||^2, ||a - two||^2, ||two||^2
    for s in range(0, indices.size, block):
        sel, a = indices[s:s + block], analytic[s:s + block]
        dJ, _ = changes(np.tile(sel, 2 * E), np.repeat(signed, sel.size), tracker)
        dJ = dJ.reshape(2 * E, sel.size)
        plus, minus = dJ[:E], dJ[E:]
        one = plus / eps_arr[:, None]
        two = (plus - minus) / (2 * eps_arr[:, None])
        sums += [((a - one) ** 2).sum(axis=1), (one ** 2).sum(axis=1),
                 ((a - two) ** 2).sum(axis=1), (two ** 2).sum(axis=1)]
    norm_a = np.sqrt((analytic ** 2).sum())

    def error(diff_sq, numeric_sq):
        den = norm_a + np.sqrt(numeric_sq)
        return np.divide(np.sqrt(diff_sq), den, out=np.zeros(E), where=den > 0)

    return error(sums[0], sums[1]), error(sums[2], sums[3])


def _check_eps(eps) -> float:
    eps = float(eps)
    if not (np.isfinite(eps) and 0 < eps < 1):
        raise ValueError(f"eps must be a number in (0, 1), got {eps!r}")
    return eps


def _slope(eps, err) -> float:
    """Least-squares slope of log10(error) against log10(eps) (NaN with < 2 usable points)."""
    ok = (err > 0) & np.isfinite(err)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log10(eps[ok]), np.log10(err[ok]), 1)[0])


def _analytic(problem: CheckProblem, bug) -> tuple[float, np.ndarray]:
    cost, grad = problem.gradient()
    if bug is not None:
        grad = planted_gradient(problem.net, problem.X, problem.Y, bug, problem.lambd,
                                problem.keep_probs, problem.masks)
    return cost, grad


def _select(problem: CheckProblem, layers, tensors, per_tensor, parameters, seed) -> np.ndarray:
    infos = problem.infos
    if parameters is not None:
        if layers is not None or tensors is not None or per_tensor is not None:
            raise ValueError("give either parameters or layers/tensors/per_tensor, not both")
        ks = sorted({parse_parameter(infos, p) for p in parameters})
        if not ks:
            raise ValueError("parameters is empty: nothing to check")
        return np.array(ks, dtype=np.intp)
    chosen = list(infos)
    if layers is not None or tensors is not None:
        wanted = set()
        if layers is not None:
            L = problem.net.L
            for l in layers:
                if not 1 <= int(l) <= L:
                    raise ValueError(f"layer {l} does not exist; layers are 1..{L}")
                wanted |= {f"W{int(l)}", f"b{int(l)}"}
        if tensors is not None:
            wanted |= {parse_tensor(infos, t).name for t in tensors}
        chosen = [t for t in infos if t.name in wanted]
        if not chosen:
            raise ValueError("the selection is empty: nothing to check")
    rng = np.random.default_rng(seed)
    parts = []
    for t in chosen:
        ks = np.arange(t.start, t.stop)
        if per_tensor is not None:
            if int(per_tensor) < 1:
                raise ValueError(f"per_tensor must be at least 1, got {per_tensor}")
            if int(per_tensor) < ks.size:
                ks = np.sort(rng.choice(ks, size=int(per_tensor), replace=False))
        parts.append(ks)
    return np.concatenate(parts).astype(np.intp)


def _build_result(problem, analytic, numeric, checked, near_kink, cost, eps, method, bug,
                  pass_threshold, n_worst, elapsed) -> GradientCheckResult:
    infos = problem.infos
    abs_err = np.abs(analytic - numeric)  # NaN where unchecked
    den = np.maximum(np.abs(analytic), np.abs(numeric))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(den > 0, abs_err / np.where(den > 0, den, 1.0), 0.0)
    rel[~checked] = np.nan
    floor = noise_floor(cost, eps)
    within = checked & (abs_err <= floor)
    judged = checked & ~within

    ks = np.flatnonzero(checked)
    diff = difference(analytic[ks], numeric[ks])
    clean = ks[~near_kink[ks]]
    diff_nokink = difference(analytic[clean], numeric[clean]) if clean.size else 0.0

    def summarize(sel):
        sel = sel[checked[sel]]
        if sel.size == 0:
            return 0, 0.0, 0.0, None, (0,) * len(THRESHOLDS), 0, "unchecked"
        d = difference(analytic[sel], numeric[sel])
        j = sel[judged[sel]]
        worst_rel = float(rel[j].max()) if j.size else 0.0
        worst_label = element_label(infos, int(j[np.argmax(rel[j])])) if j.size else None
        n_over = tuple(int((rel[j] > t).sum()) for t in THRESHOLDS)
        off = sel[~near_kink[sel]]
        d_clean = difference(analytic[off], numeric[off]) if off.size else 0.0
        # a tensor whose errors are all round-off passes, whatever its relative difference;
        # one whose errors disappear without its kink-crossing elements is marked "kinks"
        st = status(d, pass_threshold) if j.size else "pass"
        if st != "pass" and status(d_clean, pass_threshold) == "pass":
            st = "kinks"
        return sel.size, d, worst_rel, worst_label, n_over, int(near_kink[sel].sum()), st

    tensors = []
    for t in infos:
        n_c, d, wr, wl, n_over, nk, st = summarize(np.arange(t.start, t.stop))
        tensors.append(TensorSummary(t.grad_name, t.layer, t.shape, n_c, d, wr, wl, n_over, nk, st))
    layers = []
    for l in range(1, problem.net.L + 1):
        W, b = (t for t in infos if t.layer == l)
        n_c, d, wr, wl, n_over, nk, st = summarize(
            np.concatenate([np.arange(W.start, W.stop), np.arange(b.start, b.stop)]))
        layers.append(LayerSummary(l, (W.grad_name, b.grad_name), n_c, d, wr, wl, n_over, nk, st))

    order = ks[worst_order(rel[ks], abs_err[ks], within[ks])]
    worst_rows = []
    for k in order[:max(int(n_worst), 0)]:
        if within[k] or rel[k] <= pass_threshold:
            break
        worst_rows.append(k)
    suspects = tuple(t.name for t in tensors if t.status == "bug")
    verdict = status(diff, pass_threshold)
    if verdict == "bug" and near_kink.any() and diff_nokink <= pass_threshold:
        verdict = "look closer"  # a kink false alarm, not evidence of a bug
    message = _message(verdict, diff, diff_nokink, pass_threshold, tensors, suspects,
                       int(near_kink.sum()), [element_label(infos, int(k)) for k in worst_rows])
    if bug is not None:
        message = f"PLANTED BUG (teaching mode): {bugs_name(bug)}. " + message
    result = GradientCheckResult(
        passed=verdict == "pass", verdict=verdict, message=message, difference=diff,
        difference_without_kinks=diff_nokink, eps=eps, lambd=problem.lambd, method=method,
        dropout=problem.dropout, dropout_note=problem.dropout_note,
        planted_bug=None if bug is None else bugs_name(bug), cost=cost, noise_floor=floor,
        layout=infos, checked=read_only(checked), analytic=read_only(analytic),
        numeric=read_only(numeric), abs_error=read_only(abs_err), rel_error=read_only(rel),
        near_kink=read_only(near_kink), within_noise=read_only(within), tensors=tuple(tensors),
        layers=tuple(layers), worst=(), suspects=suspects, elapsed=elapsed)
    return replace(result, worst=tuple(result.row(k) for k in worst_rows))


def _message(verdict, diff, diff_nokink, pass_threshold, tensors, suspects, n_kinks, worst):
    if verdict == "pass":
        msg = (f"Backprop is right: difference {diff:.1e} <= {pass_threshold:.0e} "
               "(around 1e-7 or below is what a correct backward pass gives).")
    elif verdict == "look closer":
        if n_kinks and diff_nokink <= pass_threshold:
            msg = (f"Look closer: difference {diff:.1e}, but leaving out the {n_kinks} elements "
                   f"whose +-eps step crossed a kink (ReLU input at 0) it is {diff_nokink:.1e}: "
                   "the kinks explain it, not a bug. Check again at other parameters "
                   "(after a few steps) or with a smaller eps.")
        else:
            msg = (f"Look closer: difference {diff:.1e} is above {pass_threshold:.0e} but below "
                   f"{BUG_THRESHOLD:.0e}. Try another eps, check after a few training steps, "
                   "or look at the worst elements.")
    else:
        msg = f"Almost surely a bug in backprop: difference {diff:.1e} >= {BUG_THRESHOLD:.0e}."
        if suspects:
            msg += " Wrong: " + ", ".join(suspects) + "."
    if worst and verdict != "pass":
        msg += " Worst: " + ", ".join(worst[:3]) + "."
    return msg
