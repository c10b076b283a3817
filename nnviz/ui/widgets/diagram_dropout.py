"""Dropout on the network diagram: the last training step's keep-masks ``D[l]``.

Inverted dropout, as the course writes it: in training ``A[l] = A[l] * D[l] / keep_prob`` with
a new random ``D[l]`` every step and for every example; at test time nothing (the 1/keep_prob
already kept each unit's expected value). The diagram shows one example's mask (the first of
the step's batch): its dropped units greyed and crossed out, their outgoing links greyed (they
carry 0), and each hidden layer's scaling of the survivors ("survivors ×1.25") under it. The
test-time view draws every unit on and no scaling. A mixin of
:class:`~nnviz.ui.widgets.network_diagram.NetworkDiagram` (reads its ``_positions``,
``_key_array``, ``_dims``, ``_colors``); the masks come in the snapshot
(``TrainingSnapshot.dropout_masks``, ``nnviz.engine.trainer.StepMasks``).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

MASK_EXAMPLE = 0            # the batch's example whose mask is drawn (each has its own)
VIEWS = ("training", "test")
DROPPED_SHADE = 0.72        # how much of the background covers a dropped unit's picture

TRAINING_TIP = (
    "Inverted dropout, as the course writes it: in training each step draws a new random "
    "mask D[l] (a unit is kept with probability keep_prob, for each example) and computes "
    "A[l] = A[l] * D[l] / keep_prob: the dropped units output 0 and the survivors are scaled "
    "by 1/keep_prob.\n"
    "At test time nothing is dropped and nothing is scaled: the 1/keep_prob in training "
    "already kept each unit's expected value the same, E[D/keep_prob · a] = a.")


def scaling_text(keep_prob: float) -> str:
    """The survivors' factor 1/keep_prob, as written on the diagram ("×1.25")."""
    return f"×{1.0 / keep_prob:.3g}"


class DiagramDropout:
    def _init_dropout(self) -> None:
        self._dropout = None            # the snapshot's StepMasks (None: no dropout)
        self._dropout_view = "training"
        self._masks_shown = True        # the pace is one a learner can follow

    # -- state -------------------------------------------------------------------------
    @property
    def dropout(self):
        """The last step's masks (``StepMasks``), or None without dropout."""
        return self._dropout

    @property
    def dropout_view(self) -> str:
        """``"training"`` (the step's masks and scaling) or ``"test"`` (no masks)."""
        return self._dropout_view

    def set_dropout_view(self, view: str) -> None:
        if view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
        self._dropout_view = view
        self.update()

    @property
    def masks_shown(self) -> bool:
        return self._masks_shown

    def set_masks_shown(self, shown: bool) -> None:
        """Draw the masks (at a pace a learner can follow) or only the scaling."""
        self._masks_shown = bool(shown)
        self.update()

    def keep_prob(self, l: int) -> float:
        """Hidden layer ``l``'s keep_prob in the step shown (1: no dropout there)."""
        d = self._dropout
        if d is None or not 1 <= l <= len(d.keep_probs):
            return 1.0
        return float(d.keep_probs[l - 1])

    def _mask_column(self, l: int):
        """Layer ``l``'s keep-mask of the example shown (bool per recorded unit), or None."""
        d = self._dropout
        if (d is None or self._dropout_view != "training" or not self._masks_shown
                or not 1 <= l <= len(d.masks) or d.masks[l - 1] is None
                or l >= len(self._dims) - 1):
            return None
        mask = d.masks[l - 1]
        return mask[:, MASK_EXAMPLE] if mask.shape[1] > MASK_EXAMPLE else None

    @property
    def dropped_units(self) -> frozenset:
        """``(l, i)`` of every drawn unit greyed as dropped (empty in the test-time view,
        at a fast pace or without dropout)."""
        dropped = set()
        for l, pos in enumerate(self._positions):
            column = self._mask_column(l)
            if column is not None:
                dropped.update((l, i) for i in pos if i < column.size and not column[i])
        return frozenset(dropped)

    def _greyed_link_rows(self) -> np.ndarray:
        """Per drawn link (``_key_array`` rows ``(l, i, j)``): does it leave a dropped unit?"""
        keys = self._key_array
        greyed = np.zeros(len(keys), dtype=bool)
        for (l, j) in self.dropped_units:
            greyed |= (keys[:, 0] == l + 1) & (keys[:, 2] == j)
        return greyed

    @property
    def greyed_links(self) -> frozenset:
        """``(l, i, j)`` of every drawn link greyed: from a dropped unit ``j`` of layer
        ``l - 1`` (its activation is 0 for this example, so the link carries nothing)."""
        rows = self._greyed_link_rows()
        return frozenset(tuple(int(v) for v in key) for key in self._key_array[rows])

    def dropout_note(self, l: int) -> str:
        """What hidden layer ``l``'s caption says about dropout ("" without it there)."""
        if not 1 <= l < len(self._dims) - 1 or self.keep_prob(l) >= 1.0:
            return ""
        if self._dropout_view == "test":
            return "test: all on, ×1"
        return f"survivors {scaling_text(self.keep_prob(l))}"

    def _dropout_key(self) -> tuple:
        """What the cached links picture shows of dropout."""
        notes = tuple(self.dropout_note(l) for l in range(len(self._dims)))
        return self._greyed_link_rows().tobytes(), notes

    # -- painting ----------------------------------------------------------------------
    def _dropout_pens(self) -> QPen:
        c = self._colors
        grey = QColor(c.neutral)
        bg = QColor(c.background)
        mixed = QColor(round(0.45 * grey.red() + 0.55 * bg.red()),
                       round(0.45 * grey.green() + 0.55 * bg.green()),
                       round(0.45 * grey.blue() + 0.55 * bg.blue()))
        pen = QPen(mixed, 1.0, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    def _paint_greyed_links(self, p: QPainter, greyed: np.ndarray) -> None:
        if greyed.any():
            p.setPen(self._dropout_pens())
            p.drawLines([QLineF(*s) for s in self._segments[greyed]])

    def _paint_dropped(self, p: QPainter, centre: QPointF, half: float, square: bool) -> None:
        """Grey a dropped unit over its picture (or circle) and cross it out."""
        c = self._colors
        rect = QRectF(round(centre.x() - half), round(centre.y() - half), 2 * half, 2 * half)
        shade = QColor(c.background)
        shade.setAlphaF(DROPPED_SHADE)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(shade)
        if square:
            p.drawRect(rect)
        else:
            p.drawEllipse(centre, half, half)
        pen = QPen(QColor(c.neutral), 1.6 if square else 1.2)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        inset = 0.22 * half if square else 0.3 * half
        inner = rect.adjusted(inset, inset, -inset, -inset)
        p.drawLine(inner.topLeft(), inner.bottomRight())
        p.drawLine(inner.topRight(), inner.bottomLeft())
        if square:
            p.drawRect(rect)

    # -- read-outs ---------------------------------------------------------------------
    def dropout_readout(self, l: int, i: int) -> str:
        """The hover lines about unit ``i`` of layer ``l`` ("" without dropout there)."""
        kp = self.keep_prob(l)
        d = self._dropout
        if d is None or kp >= 1.0 or not 1 <= l < len(self._dims) - 1:
            return ""
        if self._dropout_view == "test":
            return (f"\ntest-time pass: no dropout, no scaling (keep_prob {kp:g} is only "
                    "for training)")
        kept = d.kept[l - 1]
        share = (f"\nthis step kept {kept:.0%} of layer {l}'s activations over the "
                 f"{d.batch_size:,} examples (keep_prob {kp:g})")
        column = self._mask_column(l)
        if column is None or i >= column.size:
            return (f"\ndropout: kept with probability {kp:g}, then ×1/{kp:g} = "
                    f"{scaling_text(kp)[1:]}" + share)
        if not column[i]:
            return (f"\nDROPPED in step {d.iteration:,} for example {MASK_EXAMPLE + 1}: "
                    f"D[{l}]_{i + 1} = 0, so A[{l}]_{i + 1} = 0 and its outgoing links carry "
                    "nothing; its incoming weights get no gradient from this example" + share)
        return (f"\nkept in step {d.iteration:,} for example {MASK_EXAMPLE + 1}: "
                f"D[{l}]_{i + 1} = 1, A[{l}]_{i + 1} scaled by 1/{kp:g} = "
                f"{scaling_text(kp)[1:]}" + share)
