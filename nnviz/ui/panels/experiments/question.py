"""The lesson's question before its run, and the reveal after it.

:class:`QuestionCard` shows the setup (what the run will do, not what it shows), the question
and the answer input; *Run* is enabled once the learner has answered or pressed *Just show
me*. :meth:`lock` freezes the answer when the run starts; :meth:`reveal` puts the run's
answer on the input (the real curve under the sketch, the marks on the choices, the number
line, the values of the picture), scores it and explains the gap for the answer given.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from nnviz.analysis.math_text import math_html

from ...theme import PlotColors
from .answers import ChoiceInput, NumberInput, PickInput, SketchInput

KIND_HINTS = {"choice": "Choose one.", "number": "Set the slider to your guess.",
              "sketch": "Draw your guess on the plot.",
              "pick": "Click your guess on the picture."}
REVEAL_LEGENDS = {"choice": "", "number": "",
                  "sketch": "Dashed blue: your sketch. Green: the run's real curve.",
                  "pick": "Shaded: your pick. Star: the run's answer; the line: the run's "
                          "values."}
REVEAL_PLOT_HEIGHT = 250
VERDICTS = {"right": "Right", "close": "Close", "wrong": "Not this time"}


def make_input(question, experiment, c: PlotColors):
    if question.kind == "choice":
        return ChoiceInput(question, c)
    if question.kind == "number":
        return NumberInput(question, c)
    if question.kind == "sketch":
        return SketchInput(question, c, question.x_range(experiment))
    return PickInput(question, c, question.pick_items(experiment))


def _label(text: str = "", rich: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


class QuestionCard(QFrame):
    run_requested = Signal()
    answered_changed = Signal(bool)

    def __init__(self, c: PlotColors, parent=None):
        super().__init__(parent)
        self._colors = c
        self.question = self.input = self.outcome = None
        self.locked = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = _label()
        self.setup = _label()
        self.prompt = _label()
        self.hint = _label()
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Rub out the sketch and draw it again.")
        self.clear_button.clicked.connect(lambda: self.input is not None and self.input.clear_sketch())
        self.skip_button = QPushButton("Just show me")
        self.skip_button.setCheckable(True)
        self.skip_button.setToolTip("Run the lesson without predicting (no score is kept).")
        self.skip_button.toggled.connect(self._on_skip)
        self.run_button = QPushButton("Run ▶")
        self.run_button.setDefault(True)
        self.run_button.setToolTip("Answer first (or press Just show me); your answer is "
                                   "locked while the lesson runs.")
        self.run_button.clicked.connect(self.run_requested)
        self.input_box = QVBoxLayout()
        self.input_box.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.run_button)
        self.buttons_row = QWidget()
        self.buttons_row.setLayout(buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.verdict = _label()
        self.explanation = _label()
        self.why = _label()
        self.hide_button = QPushButton("Hide the prediction ◂")
        self.hide_button.setToolTip("Give the lesson's plots the whole width (Show brings it "
                                    "back).")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        for w in (self.heading, self.setup, self.prompt, self.verdict, self.hint):
            layout.addWidget(w)
        layout.addLayout(self.input_box, 1)
        layout.addWidget(self.buttons_row)
        for w in (self.explanation, self.why):
            layout.addWidget(w)
        for w in (self.verdict, self.explanation, self.why):
            w.hide()
        layout.addStretch(1)  # spare height below the texts, never between their lines
        self._stretch_at = layout.count() - 1
        layout.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignRight)
        self._layout = layout
        self.hide_button.hide()
        self.on_theme(c)

    # -- the question ------------------------------------------------------------------
    def set_question(self, question, experiment, heading: str) -> None:
        self.question, self.outcome, self.locked = question, None, False
        if self.input is not None:
            self.input_box.removeWidget(self.input)
            self.input.hide()
            self.input.setParent(None)
            self.input.deleteLater()
        self.input = make_input(question, experiment, self._colors)
        self.input.changed.connect(self._update)
        plot = question.kind in ("sketch", "pick")
        self.input_box.addWidget(self.input, 1 if plot else 0)
        # a plot takes the spare height; choices and a slider keep theirs
        self._layout.setStretchFactor(self.input_box, 1 if plot else 0)
        self._layout.setStretch(self._stretch_at, 0 if plot else 1)
        self.input.setMaximumHeight(16777215)
        self.heading.setText(f"<b>Predict first.</b> {heading}")
        self.setup.setText(math_html(question.setup))
        self.setup.show()
        self.prompt.setText(f"<b>{math_html(question.question)}</b>")
        self.hint.setText(f"<i>{KIND_HINTS[question.kind]}</i>")
        self.hint.show()
        self.clear_button.setVisible(question.kind == "sketch")
        self.skip_button.blockSignals(True)
        self.skip_button.setChecked(False)
        self.skip_button.blockSignals(False)
        self.buttons_row.show()
        for w in (self.verdict, self.explanation, self.why, self.hide_button):
            w.hide()
        self._update()

    @property
    def skipped(self) -> bool:
        return self.skip_button.isChecked()

    def answer(self):
        """The learner's answer (None when not answered or skipped)."""
        return None if self.skipped or self.input is None else self.input.answer()

    @property
    def ready(self) -> bool:
        return self.skipped or self.answer() is not None

    def _on_skip(self, skipped: bool) -> None:
        if self.input is not None:
            self.input.set_locked(skipped)
        self._update()

    def _update(self) -> None:
        ready = self.ready and not self.locked
        self.run_button.setEnabled(ready)
        self.answered_changed.emit(self.ready)

    def lock(self) -> None:
        """The run starts: the answer can no longer change."""
        self.locked = True
        if self.input is not None:
            self.input.set_locked(True)
        for b in (self.skip_button, self.clear_button, self.run_button):
            b.setEnabled(False)
        self.run_button.setText("Running…")

    def unlock(self) -> None:
        """The run was cancelled or failed: the learner may change the answer and run again."""
        self.locked = False
        self.run_button.setText("Run ▶")
        self.skip_button.setEnabled(True)
        self.clear_button.setEnabled(True)
        if self.input is not None:
            self.input.set_locked(self.skipped)
        self._update()

    # -- the reveal --------------------------------------------------------------------
    def reveal(self, outcome) -> None:
        self.outcome = outcome
        self.input.reveal(outcome)
        if self.question.kind in ("sketch", "pick"):  # leave room for the explanation
            self.input.setMaximumHeight(REVEAL_PLOT_HEIGHT)
        self.heading.setText("<b>Your prediction</b>")
        self.setup.hide()
        self.hint.setText(f"<i>{REVEAL_LEGENDS[self.question.kind]}</i>")
        self.hint.setVisible(bool(REVEAL_LEGENDS[self.question.kind]))
        self.buttons_row.hide()
        self.run_button.setText("Run ▶")
        c = self._colors
        if outcome.verdict == "skipped":
            self.verdict.setText(f"<b>No prediction this time.</b> {math_html(outcome.headline)}")
        else:
            color = {"right": c.good, "close": c.warn, "wrong": c.bad}[outcome.verdict]
            self.verdict.setText(
                f"<span style='color:{color}; font-weight:bold'>"
                f"{VERDICTS[outcome.verdict]}: score {100 * outcome.score:.0f}%.</span> "
                f"{math_html(outcome.headline)}")
        self.explanation.setText(math_html(outcome.explanation))
        self.explanation.setVisible(bool(outcome.explanation))
        self.why.setText(f"<b>Why:</b> {math_html(outcome.why)}")
        self.verdict.show()
        self.why.show()
        self.hide_button.show()

    def show_error(self, message: str) -> None:
        self.verdict.setText(f"<span style='color:{self._colors.bad}'>{message}</span>")
        self.verdict.show()

    def on_theme(self, c: PlotColors) -> None:
        self._colors = c
        border = "#c8c8c8" if not c.dark else "#555555"
        tint = "#fbfaf3" if not c.dark else "#2c2a22"
        self.setStyleSheet(f"QuestionCard {{ background: {tint}; border: 1px solid {border};"
                           " border-radius: 4px; }")
        if self.input is not None and hasattr(self.input, "on_theme"):
            self.input.on_theme(c)
