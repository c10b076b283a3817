"""What a finished check says, in words: the verdict line, the explanation, the per-layer and
per-tensor summary tree."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from nnviz.analysis import gradient_check_text as text
from .jobs import CheckOutcome
from .plots import status_colour
from ...theme import PlotColors

SUMMARY_COLUMNS = ("Layer / tensor", "status", "difference", "worst rel. error", "worst at",
                   "checked", "> 1e-7", "> 1e-5", "> 1e-3", "kinks")
KINKED = ("relu", "leaky_relu", "elu")


def verdict_html(outcome: CheckOutcome | None, c: PlotColors, stale: str = "",
                 dropout_blocks: bool = False) -> str:
    if outcome is None:
        press = ("<b>Check with dropout off</b>" if dropout_blocks else "<b>Run check</b>")
        return ("<span style='font-size:13pt'><b>No check yet.</b></span> "
                f"Choose what to check and press {press}.")
    main = outcome.main
    colour = status_colour(main.verdict, c)
    kind = "directional " if outcome.directional is not None else ""
    wrong = ""
    if outcome.result is not None and outcome.result.suspects:
        wrong = (f" &nbsp; <span style='color:{colour}'>wrong: "
                 f"<b>{', '.join(outcome.result.suspects)}</b></span>")
    # When stale, the warning replaces the thresholds (the bar plot names them): one line;
    # so does the note that the check ran with dropout off.
    thresholds = (f" &nbsp; <span style='color:{c.neutral}'>(good ≈ 1e-7 · look closer ≈ "
                  "1e-5 · bug ≥ 1e-3)</span>")
    setup = outcome.setup
    dropout = ""
    if outcome.request.dropout_off and setup.keep_prob < 1.0:
        dropout = (f" &nbsp; <span style='color:{c.warn}'>with dropout off (keep_prob = 1; "
                   f"training: {setup.keep_prob:g})</span>")
    return (f"<span style='font-size:13pt; color:{colour}'><b>"
            f"{text.verdict_title(main.verdict)}</b></span> &nbsp; {kind}difference = "
            f"<b>{main.difference:.2e}</b>{wrong}{stale or dropout or thresholds}")


def stale_html(outcome: CheckOutcome | None, snapshot, c: PlotColors) -> str:
    """A warning when the network has trained or been rebuilt since it was checked."""
    if (outcome is None or outcome.setup.iteration is None or snapshot is None
            or (snapshot.generation == outcome.setup.generation
                and snapshot.iteration == outcome.setup.iteration)):
        return ""
    return (f" &nbsp; <span style='color:{c.warn}'>(the network has changed since iteration "
            f"{outcome.setup.iteration:,}: run again)</span>")


def explanation_html(outcome: CheckOutcome | None) -> str:
    if outcome is None:
        return _paragraphs([text.html(text.DIFFERENCE_MEANING)])
    main, result = outcome.main, outcome.result
    parts = [f"<b>{text.html(main.message)}</b>"]
    if outcome.directional is not None:
        d = outcome.directional
        parts.append(f"{d.analytic.size} random unit directions u: dθ · u against "
                     f"(J(θ + εu) - J(θ - εu)) / 2ε with ε = {d.eps:g}.")
        if result is not None:
            parts.append(f"Explained by an element-wise check of {result.n_checked} "
                         "elements (tables and plots).")
    else:
        parts.append(f"{result.n_checked:,} of {result.n_parameters:,} parameters, "
                     f"ε = {result.eps:g}, {result.elapsed:.2f} s.")
    parts.append(text.html(text.DIFFERENCE_MEANING))
    if result is not None and result.near_kink.any():
        parts.append(f"{int(result.near_kink.sum())} element(s) crossed a ReLU kink; without "
                     f"them the difference is {result.difference_without_kinks:.1e}. "
                     + text.html(text.KINK_NOTE))
    elif any(a in KINKED for a in outcome.setup.net.activations):
        parts.append(text.html(text.KINK_NOTE))
    parts.append(text.html(f"Dropout: {main.dropout_note}. "
                           + text.regularization_note(main.lambd)
                           + " Computed in float64 on a copy; training is untouched."))
    parts.append("<i>Checked: " + text.html(outcome.setup.description) + "</i>")
    return _paragraphs(parts)


def _paragraphs(parts) -> str:
    return "".join(f"<p style='margin:0 0 4px 0'>{p}</p>" for p in parts)


class SummaryTree(QTreeWidget):
    """Layers as top-level rows, their dW[l] and db[l] as children (tensor name in the
    UserRole of column 0); for a directional check, one row per direction."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderLabels(SUMMARY_COLUMNS)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setToolTip(text.SUMMARY_TIP)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """As many columns, from the left, as the width shows whole; every row's tooltip
        has them all."""
        room = self.viewport().width()
        used = 0
        for column in range(self.columnCount()):
            width = max(self.header().sectionSizeHint(column), self.sizeHintForColumn(column))
            used += width
            self.setColumnHidden(column, column > 0 and used > room)

    def show_outcome(self, outcome: CheckOutcome | None, c: PlotColors) -> None:
        self.clear()
        if outcome is None:
            return
        if outcome.result is None:
            d = outcome.directional
            for i, (rel, noise) in enumerate(zip(d.rel_error, d.within_noise)):
                status = text.status_of(float(rel), bool(noise))
                item = QTreeWidgetItem([f"direction u{i + 1}", text.verdict_title(status),
                                        f"{rel:.2e}", "", "", "all θ"])
                item.setForeground(1, QColor(status_colour(status, c)))
                self.addTopLevelItem(item)
            return
        result = outcome.result
        tensors = {t.name: t for t in result.tensors}
        for layer in result.layers:
            if layer.n_checked == 0:
                continue
            top = _item(f"layer {layer.layer}", layer, c)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.addTopLevelItem(top)
            for name in layer.tensors:
                t = tensors[name]
                if t.n_checked:
                    child = _item(f"{t.name}  {t.shape[0]}×{t.shape[1]}", t, c)
                    child.setData(0, Qt.ItemDataRole.UserRole, t.name)
                    top.addChild(child)
        self.expandAll()
        self.fit_columns()

    def tensor_statuses(self) -> dict[str, str]:
        """{"dW1": "Good", ...} as shown."""
        out = {}
        for i in range(self.topLevelItemCount()):
            layer = self.topLevelItem(i)
            for j in range(layer.childCount()):
                child = layer.child(j)
                out[child.data(0, Qt.ItemDataRole.UserRole)] = child.text(1)
        return out


def _item(title: str, s, c: PlotColors) -> QTreeWidgetItem:
    item = QTreeWidgetItem([title, text.verdict_title(s.status), f"{s.difference:.2e}",
                            f"{s.worst_rel_error:.2e}" if s.worst_rel_error else "round-off",
                            s.worst_label or "–", f"{s.n_checked:,}",
                            *(f"{n}" for n in s.n_over), f"{s.n_near_kink}"])
    tip = " · ".join(f"{name}: {item.text(col)}" for col, name in enumerate(SUMMARY_COLUMNS)
                     if col and item.text(col))
    for col in range(len(SUMMARY_COLUMNS)):
        item.setToolTip(col, f"{title}\n{tip}")
    colour = QColor(status_colour(s.status, c))
    item.setForeground(1, colour)
    item.setForeground(2, colour)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for col in (2, 3, 5, 6, 7, 8, 9):
        item.setTextAlignment(col, right)
    return item
