"""The training panel: what the network predicts beside its cost and accuracy curves.

One header row (the data set, the boundary's tools, the curves' log toggles) above the two,
so the plots get the height. Every view starts afresh together when a new run starts (a
rebuild or a reset: a new ``snapshot.generation``).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QStackedWidget, QVBoxLayout

from ...theme import PlotColors
from ...widgets.boundary_box import BoundaryBox
from ...widgets.curves import CurvesView
from ...widgets.image_views import ImageDataView
from ...widgets.outcome_views import ConfusionView, PredictedVsTrueView, ResponseView
from ..base import Panel, PanelContext
from .summary import SummaryLabel, summary_texts

BOUNDARY_TIP = ("The network's output over the plane of the two inputs: the colour is a[L] = "
                "P(y = 1 | x) for a sigmoid output, the dashed line is a[L] = 0.5 (the decision "
                "boundary). Circles: training examples; triangles: test examples.")


class TrainingPanel(Panel):
    def __init__(self, context: PanelContext, parent=None):
        super().__init__(context, parent)
        self._generation = None
        self._data = None

        self.curves = CurvesView(own_toggle_row=False)
        self.summary = SummaryLabel()

        # The boundary plot with its tools (neuron pictures, toggles, data you draw).
        self.boundary_box = BoundaryBox(context.controller, own_toolbar=False)
        self.boundary = self.boundary_box.plot
        self.boundary.setToolTip(BOUNDARY_TIP)
        self.outcome = QStackedWidget()
        self.outcome.addWidget(self.boundary_box)
        self.outcome.currentChanged.connect(self._outcome_changed)
        # The views for 1 feature or more than 2 are built the first time they are needed.
        self._views = {"boundary": self.boundary_box}

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.outcome)
        splitter.addWidget(self.curves)
        splitter.setStretchFactor(0, 6)
        splitter.setStretchFactor(1, 5)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter

        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.summary, 1)
        header.addWidget(self.boundary_box.toolbar)
        header.addWidget(self.curves.toggles)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        self.on_theme(context.appearance.colors)

    # -- the curves' parts, by their old names (tests, the pinned-runs overlay) ----------
    @property
    def cost_plot(self):
        return self.curves.cost_plot

    @property
    def metric_plot(self):
        return self.curves.metric_plot

    @property
    def train_cost(self):
        return self.curves.train_cost

    @property
    def test_cost(self):
        return self.curves.test_cost

    @property
    def train_metric(self):
        return self.curves.train_metric

    @property
    def test_metric(self):
        return self.curves.test_metric

    @property
    def start_hints(self):
        return self.curves.start_hints

    @property
    def log_x(self):
        return self.curves.log_x

    @property
    def log_y(self):
        return self.curves.log_y

    # -- Panel API ---------------------------------------------------------------------
    def on_snapshot(self, snapshot) -> None:
        if snapshot.generation != self._generation:
            self._generation = snapshot.generation
            self.reset_views()
        self.curves.show_snapshot(snapshot)
        self._update_outcome(snapshot)
        if snapshot.data is not self._data:
            self._data = snapshot.data
            self.summary.set_texts(summary_texts(snapshot.data))

    def reset_views(self) -> None:
        """A new run (rebuild or reset): every view forgets the old one at once, so the
        curves, the boundary and the pictures all show the same run."""
        self.curves.reset()
        for view in self._views.values():
            view.reset()

    def view(self, kind: str):
        """The outcome view ``boundary``, ``response``, ``confusion``, ``pred_true`` or
        ``images``."""
        if kind not in self._views:
            view = {"response": ResponseView, "confusion": ConfusionView,
                    "pred_true": PredictedVsTrueView, "images": ImageDataView}[kind]()
            if kind == "confusion":
                view.setToolTip("How often each true class (row) is predicted as each class "
                                "(column); the diagonal is right.")
            view.on_theme(self.context.appearance.colors)
            self.outcome.addWidget(view)
            self._views[kind] = view
        return self._views[kind]

    def _update_outcome(self, snapshot) -> None:
        if snapshot.boundary is not None or (snapshot.data.X_train_raw.shape[0] == 2
                                             and snapshot.curve is None
                                             and snapshot.evaluation is None):
            kind = "boundary"  # also with no finite grid yet: an empty plot, not the old one
        elif snapshot.curve is not None:
            kind = "response"
        elif snapshot.evaluation is not None and snapshot.evaluation.images is not None:
            kind = "images"  # image data: W[1] as pictures and the misclassified images
        elif snapshot.evaluation is not None and snapshot.evaluation.confusion is not None:
            kind = "confusion"
        elif snapshot.evaluation is not None:
            kind = "pred_true"
        else:
            return
        view = self.view(kind)
        self.outcome.setCurrentWidget(view)
        view.update_from(snapshot)

    def _outcome_changed(self, _index: int) -> None:
        # The boundary's tools only where the boundary is shown.
        self.boundary_box.toolbar.setVisible(self.outcome.currentWidget() is self.boundary_box)

    def on_theme(self, c: PlotColors) -> None:
        self.curves.on_theme(c)
        for view in self._views.values():
            view.on_theme(c)

    def figures(self) -> dict[str, object]:
        return {**self.curves.figures(),
                "prediction": self.outcome.currentWidget().getPlotItem()}
