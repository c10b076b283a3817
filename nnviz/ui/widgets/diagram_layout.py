"""Where the network diagram puts its units, for the size it is given (pure geometry).

With neuron pictures, every unit (and input feature) is a square picture, as large as the
space allows up to ``MAX_PICTURE``: a layer is one column while that keeps the pictures at
least ``MIN_PICTURE`` pixels, otherwise it wraps into two columns (more only for very wide
layers); the layers then spread over the width, links between them. Without pictures (data
with more than two inputs) units are small circles, one column a layer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MIN_PICTURE = 40.0       # the smallest picture worth its space (the Playground draws 40-50 px)
SMALL_PICTURE = 16.0     # below this, circles
MAX_PICTURE = 72.0
TOP, BOTTOM = 20.0, 18.0  # the layer captions above and the activations below
RIGHT = 10.0
MIN_LINK_GAP = 56.0      # room for the links between two layers
COLUMN_CHOICES = (1, 2, 3, 4, 6)  # most columns a layer may wrap into
WRAP_GAIN = 1.5          # wrap a layer that fits in one column only for pictures this much larger


@dataclass(frozen=True)
class DiagramLayout:
    """``centres[l][k]``: the centre ``(x, y)`` of layer ``l``'s ``k``-th drawn slot;
    ``picture`` the pictures' side (0: circles of ``radius``); ``columns[l]`` how many
    columns layer ``l`` wraps into; ``layer_x[l]`` the centre of its captions."""

    centres: tuple[tuple[tuple[float, float], ...], ...]
    picture: float
    radius: float
    columns: tuple[int, ...]
    layer_x: tuple[float, ...]


def row_gap(side: float) -> float:
    return max(6.0, round(0.16 * side))


def column_gap(side: float) -> float:
    return max(10.0, round(0.3 * side))


def _columns_for(count: int, rows: int) -> int:
    return max(1, math.ceil(count / max(rows, 1)))


def _block_width(columns: int, side: float, gap: float = 0.0) -> float:
    return columns * side + (columns - 1) * max(column_gap(side), gap)


def picture_layout(counts, width: float, height: float, left: float,
                   right: float = RIGHT) -> DiagramLayout | None:
    """Pictures for layers of ``counts`` drawn slots in ``width`` x ``height`` pixels, with
    ``left`` pixels kept for the input names (left of each input column) and ``right`` for
    the last layer's captions; None when they would be smaller than ``SMALL_PICTURE``.

    One column a layer while the pictures stay at least ``MIN_PICTURE`` (two when that makes
    them half as large again); else the fewest columns that keep them that large; else the
    largest pictures that fit."""
    counts = [max(int(n), 1) for n in counts]
    best = {c: _largest_side(counts, c, width, height, left, right) for c in COLUMN_CHOICES}
    fitting = [c for c in COLUMN_CHOICES if best[c][0] >= MIN_PICTURE]
    if fitting:
        chosen = fitting[0]
        if chosen == 1 and best[2][0] >= WRAP_GAIN * best[1][0]:
            chosen = 2
    else:
        chosen = max(COLUMN_CHOICES, key=lambda c: (best[c][0], -c))
    side, columns = best[chosen]
    if side < SMALL_PICTURE:
        return None
    return _place(counts, columns, side, width, height, left, right)


def _largest_side(counts, max_columns: int, width, height, left,
                  right) -> tuple[float, list[int]]:
    """The largest side (and each layer's columns) with at most ``max_columns`` a layer;
    0 when not even ``SMALL_PICTURE`` fits."""
    room_h = height - TOP - BOTTOM
    room_w = width - left - right - MIN_LINK_GAP * (len(counts) - 1)
    side = MAX_PICTURE
    while side >= SMALL_PICTURE:
        rows = int((room_h + row_gap(side)) // (side + row_gap(side)))
        columns = [_columns_for(n, rows) for n in counts]
        if rows >= 1 and max(columns) <= max_columns and \
                sum(_block_width(c, side, left * (l == 0))
                    for l, c in enumerate(columns)) <= room_w:
            return side, columns
        side -= 2.0
    return 0.0, []


def _place(counts, columns, side, width, height, left, right) -> DiagramLayout:
    # The inputs' names go left of each input column: their columns are that far apart.
    gaps = [max(column_gap(side), left * (l == 0)) for l in range(len(counts))]
    blocks = [_block_width(c, side, g) for c, g in zip(columns, gaps)]
    n_gaps = max(len(counts) - 1, 1)
    free = width - left - right - sum(blocks)
    # Use the width, but not so much that the links lie flat: the rest is margin.
    gap = min(free / n_gaps, max(6.0 * side, 300.0)) if len(counts) > 1 else 0.0
    x = left + (free - gap * (len(counts) - 1)) / 2
    pitch = side + row_gap(side)
    centres, layer_x = [], []
    for n, c, block, inner in zip(counts, columns, blocks, gaps):
        rows = math.ceil(n / c)
        slots = []
        for k in range(n):
            col, row = divmod(k, rows)
            in_column = min(rows, n - col * rows)
            y0 = TOP + (height - TOP - BOTTOM - (in_column * pitch - row_gap(side))) / 2
            slots.append((x + col * (side + inner) + side / 2,
                          y0 + row * pitch + side / 2))
        centres.append(tuple(slots))
        layer_x.append(x + block / 2)
        x += block + gap
    return DiagramLayout(tuple(centres), float(side), side / 2, tuple(columns), tuple(layer_x))


def circle_layout(counts, width: float, height: float, left: float = 56.0) -> DiagramLayout:
    """Small circles, one column a layer, the columns spread over the width."""
    right = left
    tallest = max(counts, default=1)
    spacing = (height - TOP - BOTTOM - 6) / max(tallest, 1)
    radius = min(max(spacing * 0.32, 3.5), 11.0)
    centres, layer_x = [], []
    n_cols = len(counts)
    for l, n in enumerate(counts):
        x = left + (width - left - right) * (l / (n_cols - 1) if n_cols > 1 else 0.5)
        y0 = TOP + (height - TOP - BOTTOM - spacing * n) / 2 + spacing / 2
        centres.append(tuple((x, y0 + k * spacing) for k in range(n)))
        layer_x.append(x)
    return DiagramLayout(tuple(centres), 0.0, float(radius), (1,) * n_cols, tuple(layer_x))
