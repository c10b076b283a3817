"""What is under the mouse in the network diagram and what it says (the hover read-outs and
the weight editor's targets), in the course's 1-based unit numbers with the 0-based NumPy
indices labelled as such. A mixin of :class:`~nnviz.ui.widgets.network_diagram.NetworkDiagram`,
reading its geometry (``_node_points``, ``_segments``, ``_picture``...) and parameters."""
from __future__ import annotations

import numpy as np

HOVER_DISTANCE = 6.0  # pixels from a link that still count as on it


class DiagramReadouts:
    def item_at(self, x: float, y: float):
        """``("unit", l, i)`` or ``("link", l, i, j)`` under ``(x, y)`` (0-based ``i, j``;
        layer 0 is the input), or None."""
        if self._node_points.size:
            dx = np.abs(self._node_points[:, 0] - x)
            dy = np.abs(self._node_points[:, 1] - y)
            pictured = np.array([key in self._images and self._picture > 0
                                 for key in self._node_keys])
            half = self._picture / 2
            inside = np.where(pictured, np.maximum(dx, dy) <= half + 1,
                              np.hypot(dx, dy) <= self._radius + 2)
            if inside.any():
                k = int(np.argmin(np.where(inside, np.hypot(dx, dy), np.inf)))
                return ("unit",) + tuple(self._node_keys[k])
        if self._segments.size:
            s = self._segments
            ax, ay, bx, by = s[:, 0], s[:, 1], s[:, 2], s[:, 3]
            dx, dy = bx - ax, by - ay
            t = np.clip(((x - ax) * dx + (y - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-9), 0, 1)
            dist = np.hypot(ax + t * dx - x, ay + t * dy - y)
            k = int(np.argmin(dist))
            if dist[k] <= HOVER_DISTANCE:
                return ("link",) + tuple(self._segment_keys[k])
        return None

    def describe_at(self, x: float, y: float) -> str | None:
        """The tooltip text for the weight or unit under ``(x, y)``, if any."""
        item = self.item_at(x, y)
        if item is None:
            return None
        if item[0] == "unit":
            l, i = item[1], item[2]
            if l == 0:
                text = f"input {i + 1}: {self._input_name(i)}  (NumPy row X[{i}], 0-based)"
                if (l, i) in self._images and self._picture:
                    text += f"\npicture: A[0]_{i + 1} (the input as the network sees it)"
                return text
            b, db = float(self._b[l - 1][i, 0]), float(self._db[l - 1][i, 0])
            text = (f"{self._unit_name(l, i)} ({self._acts[l - 1]})\n"
                    f"bias b[{l}]_{i + 1} = {b:.4g}\n"
                    f"gradient db[{l}]_{i + 1} = {db:.3g}\n"
                    f"NumPy (0-based): b{l}[{i}, 0]")
            if (l, i) in self._images and self._picture:
                text += f"\npicture: A[{l}]_{i + 1} over the input plane"
                if self.keep_prob(l) < 1.0:
                    text += " (the test-time network: no dropout)"
            return text + self.dropout_readout(l, i)
        l, i, j = item[1:]
        w, dw = float(self._W[l - 1][i, j]), float(self._dW[l - 1][i, j])
        source = (f"input {j + 1} ({self._input_name(j)})" if l == 1
                  else self._unit_name(l - 1, j))
        dropped = ((l - 1, j) in self.dropped_units) * (
            f"\ngreyed: unit {j + 1} of layer {l - 1} is dropped for this example "
            f"(A[{l - 1}]_{j + 1} = 0), so this weight passes nothing on")
        return (f"weight W[{l}]_{i + 1},{j + 1} = {w:.4g}\n"
                f"from {source} to {self._unit_name(l, i)}\n"
                f"gradient dW[{l}]_{i + 1},{j + 1} = {dw:.3g}\n"
                f"NumPy (0-based): W{l}[{i}, {j}]{dropped}")

    def _input_name(self, i: int) -> str:
        return self._features[i] if i < len(self._features) else f"x{i + 1}"

    def _unit_name(self, l: int, i: int) -> str:
        """Course numbering: units count from 1, layers from 0 (the input)."""
        kind = "output unit" if l == len(self._dims) - 1 else "unit"
        return f"{kind} {i + 1} of layer {l}"

    def _pictured_at(self, x: float, y: float):
        item = self.item_at(x, y)
        if item is not None and item[0] == "unit" and (item[1], item[2]) in self._images \
                and self._picture:
            return item[1], item[2]
        return None

    def parameter_at(self, x: float, y: float):
        """``("W", l, i, j)`` or ``("b", l, i)`` of the link or unit under ``(x, y)``."""
        item = self.item_at(x, y)
        if item is None or (item[0] == "unit" and item[1] == 0):
            return None  # an input has no parameter
        return ("b",) + item[1:] if item[0] == "unit" else ("W",) + item[1:]

    def parameter_value(self, key) -> float:
        """The drawn network's current value of ``("W", l, i, j)`` / ``("b", l, i)``."""
        if key[0] == "W":
            _, l, i, j = key
            return float(self._W[l - 1][i, j])
        _, l, i = key
        return float(self._b[l - 1][i, 0])
