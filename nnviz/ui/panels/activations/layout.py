"""The explorer's arrangement: settings in a side column that folds to a narrow button,
the two plots taking the middle, the description and the cursor read-out on the right.

The settings column starts folded when the panel is narrower than :data:`FOLD_BELOW` (the
plots keep the width), open otherwise; once the learner folds or opens it, their choice
stays whatever the size.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel, QScrollArea,
                               QSplitter, QStyle, QStyleOptionToolButton, QToolButton,
                               QVBoxLayout, QWidget)

FOLD_BELOW = 1000   # px: a narrower panel starts with its settings folded
SIDE_SHARE = 0.2    # the description column's share of the width, until the learner drags
SIDE_WIDTH = (210, 330)  # ... within these bounds

FOLD_TIP = "Fold the settings away: the plots get their width."
OPEN_TIP = ("Open the settings: which functions are drawn, leaky ReLU's and ELU's α, the z "
            "range, the saturation threshold and the live network's layer.")


class VerticalButton(QToolButton):
    """A button whose text reads bottom to top: the folded column's handle."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        size = super().sizeHint()
        return QSize(size.height(), size.width())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return self.sizeHint()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        painter.rotate(-90)
        painter.translate(-self.height(), 0)
        option.rect = option.rect.transposed()
        self.style().drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option, painter,
                                        self)


class FoldingColumn(QWidget):
    """``content`` in a vertical scroll area under a fold button; folded, only a narrow
    vertical "Settings" button is left."""

    def __init__(self, content: QWidget):
        super().__init__()
        self.scroll = QScrollArea()
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFixedWidth(content.minimumSizeHint().width()
                                  + self.scroll.verticalScrollBar().sizeHint().width())
        self.fold_button = QToolButton()
        self.fold_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.fold_button.setAutoRaise(True)
        self.fold_button.setToolTip(FOLD_TIP)
        self.open_button = VerticalButton()
        self.open_button.setText("Settings")
        self.open_button.setAutoRaise(True)
        self.open_button.setToolTip(OPEN_TIP)
        header = QHBoxLayout()
        header.setContentsMargins(4, 2, 0, 0)
        title = QLabel("<b>Settings</b>")
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.fold_button)
        self._header = QWidget()
        self._header.setLayout(header)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header)
        column.addWidget(self.scroll, 1)
        column.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        self.chosen = False  # the learner folded or opened it: sizes no longer decide
        self.fold_button.clicked.connect(lambda: self._choose(True))
        self.open_button.clicked.connect(lambda: self._choose(False))
        self.set_folded(False)

    @property
    def folded(self) -> bool:
        return self.scroll.isHidden()

    def set_folded(self, folded: bool) -> None:
        self._header.setVisible(not folded)
        self.scroll.setVisible(not folded)
        self.open_button.setVisible(folded)

    def fit_width(self, panel_width: int) -> None:
        if not self.chosen:
            self.set_folded(panel_width < FOLD_BELOW)

    def _choose(self, folded: bool) -> None:
        self.chosen = True
        self.set_folded(folded)


def build_layout(panel) -> None:
    """Arrange ``panel``'s controls, plots, description and read-out (see the module)."""
    controls = QWidget()
    column = QVBoxLayout(controls)
    column.setContentsMargins(4, 0, 4, 4)
    functions_box = QGroupBox("Functions")
    QVBoxLayout(functions_box).addWidget(panel.function_list)
    rows = panel.function_list.count()
    panel.function_list.setMinimumHeight(panel.function_list.sizeHintForRow(0) * rows + 6)
    shape_box = QGroupBox("Shape and range")
    form = QFormLayout(shape_box)
    form.addRow("leaky ReLU α", panel.alpha_sliders["leaky_relu"])
    form.addRow("ELU α", panel.alpha_sliders["elu"])
    z_row = QHBoxLayout()
    z_row.addWidget(panel.z_min_spin)
    z_row.addWidget(QLabel("to"))
    z_row.addWidget(panel.z_max_spin)
    form.addRow("z range", z_row)
    form.addRow("|g'| threshold", panel.threshold_spin)
    form.addRow(panel.numeric_check)
    form.addRow(panel.clip_check)
    network_box = QGroupBox("Live network")
    network = QVBoxLayout(network_box)
    network.addWidget(panel.layer_combo)
    network.addWidget(panel.fit_button)
    network.addWidget(panel.stats_label)
    for box in (functions_box, shape_box, network_box):
        column.addWidget(box)
    column.addStretch(1)
    panel.settings_column = FoldingColumn(controls)

    side = QWidget()
    side_column = QVBoxLayout(side)
    side_column.setContentsMargins(0, 0, 4, 4)
    side_column.addWidget(panel.info, 1)
    side_column.addWidget(panel.readout_label)

    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(panel.plots)
    splitter.addWidget(side)
    splitter.setStretchFactor(0, 1)
    splitter.setChildrenCollapsible(False)
    splitter.setSizes([800, SIDE_WIDTH[0]])
    panel.splitter = splitter
    outer = QHBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(2)
    outer.addWidget(panel.settings_column)
    outer.addWidget(splitter, 1)


def fit_side_column(splitter: QSplitter, panel_width: int) -> None:
    """The description column's width for ``panel_width`` (the plots take the rest)."""
    total = sum(splitter.sizes())
    side = int(min(max(SIDE_SHARE * panel_width, SIDE_WIDTH[0]), SIDE_WIDTH[1]))
    if total > side:
        splitter.setSizes([total - side, side])
