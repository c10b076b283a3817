"""The prediction beside a lesson's result: the question card in a scroll area that fills the
page while the learner answers and waits, and becomes a column beside the result at the
reveal; and the learner's answer kept in the progress store."""
from __future__ import annotations

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QWidget

from nnviz.experiments.predictions import PredictionError, evaluate
from nnviz.experiments.questions import question_for

from ...theme import PlotColors
from .question import QuestionCard

QUESTION_WIDTH = 860  # the card while asking: wide enough for a good sketch, not a banner
COLUMN_SHARE, COLUMN_MIN, COLUMN_MAX = 0.3, 290, 460


class PredictionPane(QScrollArea):
    def __init__(self, c: PlotColors, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card = QuestionCard(c)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.card)
        self._row = row
        self.setWidget(holder)
        self.question = self.experiment = None
        self.mode = "none"  # "asking" (whole page) or "column" (beside the result)
        self.progress_folder = None  # tests point it at a temporary folder

    def ask(self, experiment) -> bool:
        """Show the experiment's question; False when it has none."""
        ask = getattr(experiment, "prediction_question", None)  # a user lesson's own
        question = ask() if ask is not None else question_for(experiment.key)
        self.question, self.experiment = question, experiment
        if question is None:
            return False
        self.card.set_question(question, experiment, experiment.heading)
        # A sketch takes the page's height for its plot; other answers need only their card.
        top = Qt.AlignmentFlag.AlignTop if question.kind != "sketch" else Qt.AlignmentFlag(0)
        self._row.setAlignment(self.card, top)
        self.set_mode("asking")
        return True

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        if mode == "asking":
            self.setMinimumWidth(0)
            self.setMaximumWidth(16777215)
            self.card.setMaximumWidth(QUESTION_WIDTH)
        else:
            self.card.setMaximumWidth(16777215)
            self._row.setAlignment(self.card, Qt.AlignmentFlag(0))  # the column's height
            self._fit_column()

    def _fit_column(self) -> None:
        page = self.parentWidget().width() if self.parentWidget() is not None else 1000
        width = int(min(max(COLUMN_SHARE * page, COLUMN_MIN), COLUMN_MAX))
        self.setFixedWidth(width)

    def fit(self) -> None:
        """The page was resized: a column keeps its share of it."""
        if self.mode == "column":
            self._fit_column()

    def reveal(self, result, answer):
        """Score the locked answer against ``result`` and show it; returns the outcome
        (None when the question's rule does not fit the result: the card says so)."""
        try:
            outcome = evaluate(self.question, result, answer, self.experiment)
        except PredictionError as exc:
            self.card.show_error(f"This lesson's question cannot be scored: {exc}. The "
                                 "lesson file needs fixing; the results below are complete.")
            self.card.unlock()
            self.set_mode("column")
            return None
        self.card.reveal(outcome)
        self.set_mode("column")
        return outcome

    def record(self, outcome) -> str | None:
        """Keep the prediction and its score (a skipped one marks the lesson done); returns
        a message when the progress could not be saved."""
        folder = self.progress_folder or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.AppDataLocation)
        if not folder:
            return None
        try:
            from nnviz.training.progress import ProgressStore
        except ImportError:  # an nnviz without the progress store
            return None
        store = ProgressStore.shared(folder)
        key = outcome.question.key
        try:
            if outcome.score is None:
                return store.mark_lesson_done(key)
            return store.record_prediction(key, outcome.record(), outcome.score)
        except ValueError as exc:
            return f"Your prediction could not be kept: {exc}."
