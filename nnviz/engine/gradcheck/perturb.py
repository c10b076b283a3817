"""Cost changes ``J(theta + d e_k) - J(theta)`` for many single-parameter perturbations.

Two engines give the same numbers (to round-off):

``naive``: the course's loop, two full forward passes per parameter.

``structured`` (the default) does not recompute what a perturbation cannot change:

1. Layers before the perturbed one are unchanged: their activations come from one cached
   forward pass.
2. Perturbing ``W[l][i, j]`` by ``d`` changes only row ``i`` of ``Z[l]``, by ``d A[l-1][j, :]``
   (``b[l][i]``: by ``d``). So ``A[l]`` changes only in row ``i``, by ``delta``, and
   ``Z[l+1] = Z[l+1] + W[l+1][:, i] delta`` is a rank-one update, no matrix product.
3. An example whose ``delta`` is exactly zero (``A[l-1][j, k] = 0`` for a ReLU input, or a
   ReLU unit that stays off) is unchanged from there on: its loss is the cached one. Only the
   changed examples are carried on, as columns.
4. All changed columns of all perturbations of one row go through the remaining layers
   together, as one matrix: one matrix product per layer instead of one per perturbation.
   The columns are processed in chunks of bounded size, so memory stays bounded.

The loss of a changed example is recomputed with the ordinary forward functions (``g`` of each
layer, the head's loss): nothing here uses a slope, so the numerical gradient stays
independent of backprop. The engines also report whether the perturbation crossed a kink:
whether any pre-activation of a layer whose activation has a kink at 0 (ReLU, leaky ReLU, ELU)
changed sign between ``theta`` and ``theta + d e_k``; there the finite difference straddles
a corner of ``J`` and a large error is not evidence of a bug.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from ..activations import get_activation
from .example_losses import example_losses
from .problem import CheckProblem, Progress

DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024
METHODS = ("structured", "naive")
# Perturbations grouped at once: the grouping's arrays (layer, row, column, order, ...) take
# about 60 bytes each, so a batch takes ~64 MB however many perturbations are asked for.
MAX_BATCH = 1 << 20


class CostChanges(NamedTuple):
    dJ: np.ndarray  # J(theta + d e_k) - J(theta), including the L2 term
    crossed_kink: np.ndarray  # bool


def cost_changer(problem: CheckProblem, method: str = "structured",
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, threads: int = 1):
    """``changes(indices, deltas, progress)`` for many calls on one problem: the structured
    engine's cached forward pass is computed once."""
    if method == "structured":
        return StructuredCosts(problem, chunk_bytes, threads).changes
    if method == "naive":
        return lambda indices, deltas, progress=None: naive_cost_changes(
            problem, indices, deltas, progress)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def cost_changes(problem: CheckProblem, indices, deltas, method: str = "structured",
                 progress: Progress | None = None,
                 chunk_bytes: int = DEFAULT_CHUNK_BYTES, threads: int = 1) -> CostChanges:
    """``J(theta + deltas[n] e_indices[n]) - J(theta)`` for every ``n``."""
    indices = np.asarray(indices, dtype=np.intp).reshape(-1)
    deltas = np.broadcast_to(np.asarray(deltas, dtype=np.float64), indices.shape)
    if method == "structured":
        return StructuredCosts(problem, chunk_bytes, threads).changes(indices, deltas, progress)
    if method == "naive":
        return naive_cost_changes(problem, indices, deltas, progress)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


# -- the course's loop -----------------------------------------------------------------------
def naive_cost_changes(problem: CheckProblem, indices, deltas,
                       progress: Progress | None = None) -> CostChanges:
    net, X = problem.net, problem.X
    kinked = [l for l in range(1, net.L) if get_activation(net.activations[l - 1]).kink_at_zero]
    ZL, caches = net.forward(X, problem.keep_probs, problem.masks)
    J0 = problem.cost_from_output(ZL)
    signs0 = {l: caches[l - 1].Z > 0 for l in kinked}
    theta = net.theta
    dJ = np.empty(indices.size)
    crossed = np.zeros(indices.size, dtype=bool)
    for n, (k, d) in enumerate(zip(indices, deltas)):
        old = theta[k]
        theta[k] = old + d
        try:
            ZL, caches = net.forward(X, problem.keep_probs, problem.masks)
            dJ[n] = problem.cost_from_output(ZL) - J0
        finally:
            theta[k] = old
        crossed[n] = any(np.any((caches[l - 1].Z > 0) != signs0[l]) for l in kinked)
        if progress is not None:
            progress.advance(1)
    return CostChanges(dJ, crossed)


# -- structure-aware -------------------------------------------------------------------------
class StructuredCosts:
    """One cached forward pass of ``problem``; then cost changes of perturbations."""

    def __init__(self, problem: CheckProblem, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 threads: int = 1):
        self.threads = max(1, int(threads))
        self._local = threading.local()  # each thread's scratch buffers
        net = problem.net
        self.problem = problem
        self.L, self.m, self.head = net.L, problem.m, net.head
        self.dims = net.layer_dims
        self.lambd = problem.lambd
        self.theta = net.theta
        self.chunk_bytes = max(int(chunk_bytes), 1 << 16)
        ZL, caches = net.forward(problem.X, problem.keep_probs, problem.masks)
        L, m = self.L, self.m
        self.Z = [None] + [c.Z for c in caches]
        self.A = [problem.X] + [c.A for c in caches]  # after dropout: what layer l+1 sees
        self.ZT = [None] + [np.ascontiguousarray(c.Z.T) for c in caches]
        # [A[l-1]; 1]: row j is what W[l][:, j] multiplies, the last row what b[l] adds to.
        self.Aext = [None] + [np.vstack([self.A[l - 1], np.ones((1, m))]) for l in range(1, L + 1)]
        self.WT = [None] + [np.ascontiguousarray(net.params[f"W{l}"].T) for l in range(1, L + 1)]
        self.bT = [None] + [net.params[f"b{l}"].T.copy() for l in range(1, L + 1)]
        self.YT = np.ascontiguousarray(problem.Y.T)
        self.formula = problem.cost_formula
        self.loss0 = example_losses(self.head, self.ZT[L], self.YT, self.formula)
        self.acts = [None] + [get_activation(a) for a in net.activations]
        self.alphas = [None] + [a.default_alpha if net.alpha is None else net.alpha
                                for a in self.acts[1:]]
        self.kinked = [False] + [a.kink_at_zero for a in self.acts[1:]] + [False]
        # for the kink bound: |Z|, sign(Z) > 0, |W| and each layer's Lipschitz constant
        self.absZT = [None] + [np.abs(z) if self.kinked[l] else None
                               for l, z in enumerate(self.ZT[1:], start=1)]
        self.posT = [None] + [z > 0 if self.kinked[l] else None
                              for l, z in enumerate(self.ZT[1:], start=1)]
        # |W| only for the kink bound: a network without kinks (tanh) skips a parameter-sized copy
        self.absW = [None] + [np.abs(net.params[f"W{l}"]) if any(self.kinked) else None
                              for l in range(1, L + 1)]
        self.D, self.kp = [None] * L, [1.0] * L
        self.DT = [None] * L
        if problem.keep_probs is not None:
            for l in range(1, L):
                c = caches[l - 1]
                if c.D is not None:
                    self.D[l], self.kp[l] = c.D, c.keep_prob
                    self.DT[l] = np.ascontiguousarray(c.D.T)
        self.lip = [None] + [lipschitz(self.acts[l], self.alphas[l]) / self.kp[l]
                             for l in range(1, L)]

    # the forward functions, in exactly the operation order of propagation.forward, so an
    # unchanged input gives a bit-identical output (and so an exactly zero change)
    def _g(self, l, Z, in_place=False):
        act = self.acts[l]
        if in_place and act.name == "relu":
            return np.maximum(Z, 0.0, out=Z)
        if in_place and act.name == "tanh":
            return np.tanh(Z, out=Z)
        return act.g(Z, self.alphas[l])

    def _scratch(self) -> "_Scratch":
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            width = max(self.dims[1:])
            scratch = self._local.scratch = _Scratch(max(256, self.chunk_bytes // (8 * width)), width)
        return scratch

    def changes(self, indices, deltas, progress: Progress | None = None) -> CostChanges:
        """Cost changes of ``indices`` perturbed by ``deltas``, :data:`MAX_BATCH` at a time
        (the grouping arrays stay bounded); ``progress`` is advanced per group of a row, and
        its cancel flag is checked between layers too (a chunk of columns through one layer
        of a 512-unit network takes milliseconds, the whole rest of the network seconds)."""
        dJ = np.zeros(indices.size)
        crossed = np.zeros(indices.size, dtype=bool)
        for s in range(0, indices.size, MAX_BATCH):
            part = slice(s, s + MAX_BATCH)
            dJ[part], crossed[part] = self._changes(indices[part], deltas[part], progress)
        return CostChanges(dJ, crossed)

    def _changes(self, indices, deltas, progress: Progress | None) -> CostChanges:
        check = None if progress is None else progress.check
        if check is not None:
            check()
        dJ = np.zeros(indices.size)
        crossed = np.zeros(indices.size, dtype=bool)
        layer, row, col = self._locate(indices)
        # group by (layer, row): every perturbation of a group changes the same row of Z[l]
        order = np.lexsort((row, layer))
        key = layer[order] * (max(self.dims) + 1) + row[order]
        groups = np.split(order, np.flatnonzero(np.diff(key)) + 1)
        per = max(1, self.chunk_bytes // (8 * self.m))  # bounds the (P, m) arrays of a group
        tasks = [g[s:s + per] for g in groups for s in range(0, g.size, per)]

        def run(sel):
            return sel, self._row(int(layer[sel[0]]), int(row[sel[0]]), col[sel], deltas[sel],
                                  check)

        if self.threads > 1 and len(tasks) > 1:
            pool = ThreadPoolExecutor(self.threads)
            results = pool.map(run, tasks)
        else:
            pool, results = None, map(run, tasks)
        try:
            for sel, (d, c) in results:
                dJ[sel], crossed[sel] = d, c
                if progress is not None:
                    progress.advance(sel.size)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        if self.lambd:
            # (lambda/2m) ((w + d)^2 - w^2): the L2 term's change, for weights only
            is_w = self._is_weight(indices)
            w, d = self.theta[indices[is_w]], deltas[is_w]
            dJ[is_w] += self.lambd / (2 * self.m) * (d * (2 * w + d))
        return CostChanges(dJ, crossed)

    def _locate(self, indices):
        """Layer, row of ``Z[l]`` and column of ``[A[l-1]; 1]`` of each perturbed parameter."""
        layer = np.zeros(indices.size, dtype=np.intp)
        row = np.zeros(indices.size, dtype=np.intp)
        col = np.zeros(indices.size, dtype=np.intp)
        if indices.size and (indices.min() < 0 or indices.max() >= self.theta.size):
            raise IndexError(f"parameter indices must be in 0..{self.theta.size - 1}")
        for info in self.problem.infos:
            inside = (indices >= info.start) & (indices < info.stop)
            r, c = np.divmod(indices[inside] - info.start, info.shape[1])
            layer[inside] = info.layer
            row[inside] = r
            col[inside] = c if info.kind == "W" else self.dims[info.layer - 1]  # b: row of ones
        return layer, row, col

    def _is_weight(self, indices):
        out = np.zeros(indices.size, dtype=bool)
        for info in self.problem.infos:
            if info.kind == "W":
                out |= (indices >= info.start) & (indices < info.stop)
        return out

    def _row(self, l, i, cols, ds, check=None):
        """Cost changes of perturbations ``ds`` of ``W[l][i, cols]`` (``cols = n[l-1]``: ``b``)."""
        L, P = self.L, ds.size
        z0 = self.Z[l][i]
        dz = ds[:, None] * self.Aext[l][cols]  # (P, m): the change of row i of Z[l]
        znew = z0 + dz
        crossed = np.zeros(P, dtype=bool)
        dJ = np.zeros(P)
        if l == L:
            p_idx, k_idx = np.nonzero(dz)
            Zc = self.ZT[L][k_idx]
            Zc[:, i] = znew[p_idx, k_idx]
            dl = example_losses(self.head, Zc, self.YT[k_idx], self.formula) - self.loss0[k_idx]
            return np.bincount(p_idx, dl, minlength=P) / self.m, crossed
        if self.kinked[l]:
            crossed |= ((znew > 0) != (z0 > 0)).any(axis=1)
        anew = self._g(l, znew, in_place=True)
        if self.D[l] is not None:
            anew = anew * self.D[l][i] / self.kp[l]
        delta = anew - self.A[l][i]
        flat = np.flatnonzero(delta)  # only changed examples go on
        if flat.size == 0:
            return dJ, crossed
        dvals = delta.ravel()[flat]
        p_idx = flat // self.m
        k_idx = flat - p_idx * self.m
        w = self.WT[l + 1][i]  # W[l+1][:, i]
        reach = self._kink_reach(l, w)
        scratch = self._scratch()
        n = self.dims[l + 1]
        for s in range(0, p_idx.size, scratch.rows):
            p, k, dv = p_idx[s:s + scratch.rows], k_idx[s:s + scratch.rows], dvals[s:s + scratch.rows]
            c = k.size
            # Z[l+1] of the changed columns: cached Z[l+1][:, k] + W[l+1][:, i] delta
            Zc = np.take(self.ZT[l + 1], k, axis=0, out=scratch.get(0, c, n))
            Zc += np.multiply(dv[:, None], w, out=scratch.get(2, c, n))
            # columns whose change is large enough to reach a kink (a rigorous bound)
            suspects = None
            if reach is not None:
                suspects = np.flatnonzero(np.abs(dv) >= reach[k])
            dl, kinks = self._columns(l + 1, Zc, k, suspects, scratch, check)
            dJ += np.bincount(p, dl, minlength=P)
            if kinks is not None and kinks.size:
                crossed[np.unique(p[kinks])] = True
        return dJ / self.m, crossed

    def _kink_reach(self, l, w):
        """For each example ``k``: the smallest ``|delta_k|`` (change of ``A[l][i, k]``) that
        could move a pre-activation of a kinked layer after ``l`` across 0, or None if no
        later layer has a kink.

        ``|dZ[l+1][u, k]| = |w_u| |delta_k|`` exactly; through each later layer the change is
        at most ``Lip(g) |W| |dZ|`` element-wise. A crossing needs ``|Z[l'][u, k]| <= |dZ|``,
        so ``|delta_k| >= min_u |Z[l'][u, k]| / c[l'][u]`` with ``c`` the chained bound. The
        bound is doubled for safety; only the few columns above it are checked exactly."""
        if not any(self.kinked[l + 1:self.L]):
            return None
        c = 2.0 * np.abs(w)
        reach = np.full(self.m, np.inf)
        for lp in range(l + 1, self.L):
            if lp > l + 1:
                c = self.lip[lp - 1] * (self.absW[lp] @ c)
            if self.kinked[lp]:
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = self.absZT[lp] / c
                np.minimum(reach, ratio.min(axis=1), out=reach)
        return reach

    def _columns(self, l, Zc, k, suspects, scratch, check=None):
        """Carry changed columns ``Zc = Z[l][:, k]^T`` (one example per row, in scratch
        buffer 0) to the loss. ``suspects``: the rows that may cross a kink; returns which
        of them did."""
        kinks = [] if suspects is not None else None
        buffer = 0
        while l < self.L:
            if check is not None:
                check()
            if self.kinked[l] and suspects is not None and suspects.size:
                flips = ((Zc[suspects] > 0) != self.posT[l][k[suspects]]).any(axis=1)
                kinks.append(suspects[flips])
            A = self._g(l, Zc, in_place=True)
            if self.D[l] is not None:
                A = A * self.DT[l][k] / self.kp[l]
            buffer = 1 - buffer
            Zc = np.matmul(A, self.WT[l + 1], out=scratch.get(buffer, k.size, self.dims[l + 1]))
            Zc += self.bT[l + 1]
            l += 1
        dl = example_losses(self.head, Zc, self.YT[k], self.formula) - self.loss0[k]
        if kinks:
            kinks = np.concatenate(kinks)
        elif kinks is not None:
            kinks = np.zeros(0, dtype=np.intp)
        return dl, kinks


class _Scratch:
    """One thread's three reusable arrays for chunks of up to ``rows`` columns: no memory is
    allocated (and no page is faulted in) per chunk."""

    def __init__(self, rows: int, width: int):
        self.rows = rows
        self._flat = [np.empty(rows * width) for _ in range(3)]

    def get(self, which: int, rows: int, width: int) -> np.ndarray:
        return self._flat[which][:rows * width].reshape(rows, width)


_LIPSCHITZ: dict = {}


def lipschitz(act, alpha) -> float:
    """An upper bound of ``|g'|``, from ``g`` alone: the steepest secant on a fine grid of
    ``[-40, 40]``, times 1.25 for safety (only used to bound where kinks can be reached)."""
    key = (act.name, alpha)
    if key not in _LIPSCHITZ:
        z = np.linspace(-40.0, 40.0, 160_001)
        with np.errstate(over="ignore", invalid="ignore"):
            secants = np.abs(np.diff(act.g(z, alpha))) / (z[1] - z[0])
        _LIPSCHITZ[key] = 1.25 * float(np.nanmax(secants))
    return _LIPSCHITZ[key]
