"""Words of the cost surface panel: tooltips and the "what to look at" text.

The text is built from numbers the job measured (curvature at the current point, the share of
the grid where J bends downward), so it says what this surface shows, not what it should.
"""
from __future__ import annotations

import numpy as np

from .cost_surface import SurfaceResult

MODE_TIP = ("Which 2-D slice through parameter space to draw: J(θ + α d1 + β d2) around the "
            "current θ.\n• Two parameters: d1, d2 are unit vectors of two chosen entries of "
            "W[l] or b[l]; every other parameter keeps its current value. With no hidden "
            "layer and two inputs that is the (w1, w2) bowl of logistic regression.\n"
            "• Random: two seeded Gaussian directions, filter-normalized (each unit's row of "
            "d rescaled to the norm of its row of W[l], bias directions 0; Li et al. 2018).\n"
            "• PCA: the first two principal components of the recorded path θ_t − θ, so the "
            "path lies (nearly) in the slice; the axis labels give the variance explained.")
AXIS_TIP = ("The parameter along this axis: choose W[l] or b[l] and its entry "
            "(row i = unit of layer l, column j = unit of layer l−1). The axis shows the "
            "parameter's own value; all other parameters stay where training has them.")
SEED_TIP = ("Seed of the two random directions d1, d2: the same seed and network give the "
            "same slice.")
REROLL_TIP = "Draw two new random directions (seed + 1)."
PCA_TIP = ("PC1 and PC2 of the recorded parameter vectors θ_t minus the current θ "
           "(mean-centred). Until the path spans two directions, random directions are shown.")
LOSS_TIP = ("Which cost the surface shows. Cross-entropy J = −(1/m) Σ [y log a + (1−y) "
            "log(1−a)] is what the network trains on; for logistic regression it is convex, "
            "one bowl.\nSquared error J = (1/2m) Σ (a − y)² with the same sigmoid a = σ(z) "
            "is drawn for comparison only (training still uses cross-entropy): it is not "
            "convex, with flat plateaus where σ saturates.")
LOSS_DISABLED_TIP = ("A linear output already uses squared error J = (1/2m) Σ (a − y)²; the "
                     "comparison is for sigmoid and softmax outputs.")
RESOLUTION_TIP = ("Grid points per axis when training is paused (odd, so the current θ is a "
                  "grid point). While training runs, a coarse 21 × 21 grid is recomputed "
                  "up to 4 times a second; the fine grid follows when you pause.")
EXTENT_TIP = ("Half-width of the slice: α and β run from −extent to +extent (the same on "
              "both axes, so contour shapes are true). For two parameters the axes show the "
              "parameters' values, centred on their current values.")
AUTO_EXTENT_TIP = ("Fit the extent to the path (its farthest point plus 30%); random "
                   "filter-normalized directions use at least ±1, two parameters at least "
                   "their own size.")
STRETCH_TIP = ("Fit each axis to the path's own range instead of using one scale for both. "
               "Magnifies a small movement along a flat direction (the zig-zag of "
               "unnormalized inputs), but the axes are no longer to scale, so contour shapes "
               "are distorted.")
LOG_TIP = ("Colour and contours by log₁₀ J instead of J: a cost that spans several orders "
           "of magnitude (a steep valley wall next to a flat floor) stays readable.")
GL_TIP = "Show the surface as a 3-D mesh you can rotate (drag) and zoom (wheel)."
PLOT_TIP = ("J over the slice θ + α d1 + β d2 through the current parameters θ. White path: "
            "the recorded θ_t projected onto the slice; red dot: the current θ.")


def lesson_html(result: SurfaceResult, *, normalized: bool, feature_spread: float,
                n_features: int, head: str, colors, stretched: bool = False) -> str:
    """A few sentences on what to look for in this surface."""
    r = result
    warn, good = colors.warn, colors.good
    parts = []
    if r.note:
        parts.append(f"<span style='color:{warn}'>{r.note}</span>")
    parts.append(_shape_sentence(r))
    hidden_layers = len(r.request.layer_dims) - 2
    if hidden_layers == 0 and n_features >= 2:
        parts.append(_normalization_sentence(normalized, feature_spread, warn, good,
                                             stretched))
    if head in ("sigmoid", "softmax"):
        parts.append(_loss_sentence(r, hidden_layers))
    if r.mode == "random":
        parts.append(f"Random directions (seed {r.directions.seed}) rarely contain the path: "
                     "it is projected onto the slice, so it can seem to cross contours uphill.")
    elif r.mode == "pca" and r.directions.explained_variance is not None:
        share = sum(r.directions.explained_variance)
        parts.append(f"PC1 and PC2 hold {100 * share:.0f}% of the path's movement, so the path "
                     "lies nearly in this slice.")
    if r.n_examples < r.m_train:
        parts.append(f"J is evaluated on a fixed sample of {r.n_examples} of the "
                     f"{r.m_train} training examples.")
    return " ".join(parts)


def _shape_sentence(r: SurfaceResult) -> str:
    if r.curvature is None:
        return ""
    if r.nearly_plane:
        return ("<b>Around the current θ, J is nearly a tilted plane</b> (it hardly curves): "
                "far out on a slope, where the outputs are saturated.")
    big, small = r.curvature
    if big <= 0:
        return "<b>Here J curves downward in every direction of the slice</b> (a hilltop)."
    if small < -1e-3 * big:
        return ("<b>Here J curves downward along one direction</b> (a saddle or ridge), "
                "so this is not a bowl.")
    if small <= 0:  # below the finite differences' resolution
        return ("<b>Contours here are extremely long and thin</b>: J curves more than 1000 "
                "times more steeply along one direction than along the other, a long narrow "
                "valley.")
    ratio = big / small
    if ratio > 30:
        return (f"<b>Contours here are long and thin</b>: J curves about {_fmt(ratio)} times "
                "more steeply along one direction than along the other.")
    if ratio > 4:
        return (f"<b>Contours here are oval</b>: J curves about {_fmt(ratio)} times more "
                "steeply along one direction than along the other.")
    return (f"<b>Contours here are nearly round</b> (curvature ratio {_fmt(ratio)}): −dθ "
            "points close to the bottom.")


def _normalization_sentence(normalized: bool, spread: float, warn: str, good: str,
                            stretched: bool) -> str:
    if normalized:
        return (f"<span style='color:{good}'>Inputs are normalized</span>: with features on "
                "one scale the bowl is round, so the gradient points at the minimum and the "
                "path runs straight there. Turn normalization off (and Reset) to compare.")
    if spread > 10:
        return (f"<span style='color:{warn}'>Inputs are not normalized</span> and the feature "
                f"scales differ about {_fmt(spread)}×: J is steep along one weight and flat "
                "along the other. −dθ points across the narrow valley, so gradient descent "
                "bounces from wall to wall (zig-zag) and crawls along the floor; a learning "
                "rate small enough for the steep wall is far too small for the flat floor. "
                + ("" if stretched else "(Tick <i>stretch axes</i> to magnify the flat "
                   "direction and see the zig-zag.) ")
                + "Turn on <i>Normalize inputs</i> in the builder and press Reset: round "
                "contours, a direct path.")
    return ("The features already have similar scales, so normalization changes little here; "
            "try the <i>Badly scaled features</i> data set to see the difference.")


def _loss_sentence(r: SurfaceResult, hidden_layers: int) -> str:
    share = r.negative_curvature_share
    bends = ("J bends downward on <b>none</b> of this grid" if share == 0 else
             f"J bends downward on <b>{100 * share:.0f}%</b> of this grid")
    if not np.isfinite(share):
        return ""
    if r.request.loss == "squared_error":
        return (f"Squared error on a sigmoid output: {bends}. Far from the data fit σ "
                "saturates and the slope (a − y) a (1 − a) vanishes: flat plateaus and bends "
                "where gradient descent stalls, so the surface is not convex; widen the extent "
                "to see more of them. (The path is the cross-entropy run; switch the loss back "
                "to compare.)")
    if hidden_layers == 0:
        return (f"Cross-entropy: {bends}; for logistic regression it is convex, one bowl with "
                "no other valleys. Switch the loss to squared error to see the contrast.")
    return (f"Cross-entropy: {bends}. With hidden layers J is not convex in general; the "
            "slice shows how rough it is around θ.")


def _fmt(value: float) -> str:
    if value >= 1000:
        exponent = int(np.floor(np.log10(value)))
        return f"{value / 10 ** exponent:.1f}·10{_superscript(exponent)}"
    return f"{value:.2g}" if value < 10 else f"{value:.0f}"


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
