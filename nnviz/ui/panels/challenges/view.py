"""The active challenge: goal, live progress, hints, the answer it asks for, the verdict."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QHBoxLayout, QLabel, QProgressBar,
                               QPushButton, QRadioButton, QVBoxLayout, QWidget)

from nnviz.analysis.challenges import ChallengeSession


def _label(text: str = "", rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ActiveChallengeView(QWidget):
    """Shows one :class:`ChallengeSession`; asks for its answer when it takes one."""

    answer_given = Signal(object)     # a choice's key, or a set of layer numbers
    check_requested = Signal()        # run the challenge's own gradient check

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = _label()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.goal = _label()
        self.origin = _label()
        font = self.origin.font()
        font.setItalic(True)
        self.origin.setFont(font)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p%")
        self.live = _label()
        self.hints = _label(rich=True)
        self.question = _label()
        self.choices_box = QWidget()
        self.choices_layout = QVBoxLayout(self.choices_box)
        self.choices_layout.setContentsMargins(0, 0, 0, 0)
        self.choice_group = QButtonGroup(self)
        self.layers_box = QWidget()
        self.layers_layout = QHBoxLayout(self.layers_box)
        self.layers_layout.setContentsMargins(0, 0, 0, 0)
        self.layer_boxes: list[QCheckBox] = []
        self.check_button = QPushButton("Plant a mystery bug and check")
        self.check_button.setToolTip("Runs the gradient check on the current network with a "
                                     "bug planted in backprop; which bug is not shown.")
        self.check_button.clicked.connect(self.check_requested)
        self.check_report = _label(rich=True)
        self.answer_button = QPushButton("Check my answer")
        self.answer_button.clicked.connect(self._answer)
        self.feedback = _label()
        self.verdict = _label()
        for widget in (self.title, self.goal, self.origin, self.bar, self.live, self.hints,
                       self.check_button, self.check_report, self.question, self.choices_box,
                       self.layers_box, self.answer_button, self.feedback, self.verdict):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.state: ChallengeSession | None = None
        self._shown_key = None
        self.show_state(None)

    # -- content ----------------------------------------------------------------------------
    def show_state(self, state: ChallengeSession | None, layers: int = 0,
                   lesson_number: int | None = None) -> None:
        self.state = state
        if state is None:
            self.title.setText("No challenge started")
            self.goal.setText("Pick a challenge in the list and press Start. Then change the "
                              "settings in any workspace and train: the progress follows "
                              "every snapshot.")
            for w in (self.origin, self.bar, self.live, self.hints, self.check_button,
                      self.check_report, self.question, self.choices_box, self.layers_box,
                      self.answer_button, self.feedback, self.verdict):
                w.setVisible(False)
            self._shown_key = None
            return
        c = state.challenge
        if c.key != self._shown_key:
            self._build_answers(state, layers)
            self._shown_key = c.key
        elif c.answer_kind == "layers" and layers and layers != len(self.layer_boxes):
            self._build_answers(state, layers)
        self.title.setText(c.title)
        self.goal.setText(c.goal)
        lesson = f"lesson {lesson_number}: " if lesson_number else "lesson: "
        self.origin.setText(f"Concept: {c.concept} · from {lesson}{c.lesson_title}")
        self.origin.setVisible(True)
        self.bar.setVisible(True)
        self.bar.setValue(round(100 * state.fraction))
        reading = state.reading
        live = state.reached_text if state.reached else (reading.text if reading else
                                                         "waiting for the next snapshot…")
        self.live.setText(live)
        self.live.setVisible(True)
        hints = state.hints
        self.hints.setText("".join(f"<p><b>Hint {i + 1}.</b> {html.escape(h)}</p>"
                                   for i, h in enumerate(hints)))
        self.hints.setVisible(bool(hints))
        self.check_button.setVisible(c.check is not None and not state.reached)
        self.check_report.setVisible(c.check is not None and bool(self.check_report.text()))
        asks = c.answer_kind is not None and not state.reached
        self.question.setText(c.question)
        self.question.setVisible(asks)
        self.choices_box.setVisible(asks and c.answer_kind == "choice")
        self.layers_box.setVisible(asks and c.answer_kind == "layers")
        self.answer_button.setVisible(asks)
        self.feedback.setText(state.answer_feedback)
        self.feedback.setVisible(bool(state.answer_feedback))
        best = ""
        if state.best is not None:
            best = f" Your best: {state.best:g} {c.best_label}."
        at = f" at iteration {state.reached_at:,}" if state.reached_at is not None else ""
        self.verdict.setText(f"✓ Reached{at}.{best} {c.explanation}" if state.reached else "")
        self.verdict.setVisible(state.reached)

    def show_check(self, result) -> None:
        """The per-tensor differences of the mystery check (the bug's name stays hidden)."""
        rows = "".join(
            f"<tr><td>{html.escape(t.name)}</td><td align='right'>&nbsp;{t.difference:.1e}"
            f"</td><td>&nbsp;{html.escape(t.status)}</td></tr>" for t in result.tensors)
        self.check_report.setText("<p>Gradient check with a mystery bug "
                                  f"({result.n_checked} parameters):</p><table>{rows}</table>")
        self.check_report.setVisible(True)

    def set_checking(self, busy: bool) -> None:
        self.check_button.setEnabled(not busy)
        self.check_button.setText("Checking…" if busy else "Plant a mystery bug and check")

    # -- answers ----------------------------------------------------------------------------
    def _build_answers(self, state: ChallengeSession, layers: int) -> None:
        for box in list(self.choice_group.buttons()):
            self.choice_group.removeButton(box)
            box.deleteLater()
        for box in self.layer_boxes:
            box.deleteLater()
        self.layer_boxes = []
        self.check_report.setText("")
        c = state.challenge
        if c.answer_kind == "choice":
            for choice in c.choices:
                button = QRadioButton(choice.text)
                button.setProperty("choice", choice.key)
                # A radio button does not wrap: long choices are whole in a label beside it.
                button.setText("")
                row = QWidget()
                line = QHBoxLayout(row)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                text = _label(choice.text)
                text.mousePressEvent = lambda _e, b=button: b.setChecked(True)
                line.addWidget(text, 1)
                self.choice_group.addButton(button)
                self.choices_layout.addWidget(row)
        elif c.answer_kind == "layers":
            for n in range(1, max(layers, 1) + 1):
                box = QCheckBox(f"{n}")
                box.setToolTip(f"Layer {n}")
                self.layer_boxes.append(box)
                self.layers_layout.addWidget(box)
            self.layers_layout.addStretch(1)

    def choice_keys(self) -> list[str]:
        return [b.property("choice") for b in self.choice_group.buttons()]

    def pick_choice(self, key: str) -> None:
        for button in self.choice_group.buttons():
            button.setChecked(button.property("choice") == key)

    def pick_layers(self, layers) -> None:
        for n, box in enumerate(self.layer_boxes, start=1):
            box.setChecked(n in set(layers))

    def _answer(self) -> None:
        if self.state is None:
            return
        if self.state.challenge.answer_kind == "choice":
            button = self.choice_group.checkedButton()
            if button is None:
                self.feedback.setText("Pick an explanation first.")
                self.feedback.setVisible(True)
                return
            self.answer_given.emit(button.property("choice"))
        else:
            picked = {n for n, box in enumerate(self.layer_boxes, start=1) if box.isChecked()}
            if not picked:
                self.feedback.setText("Tick the layer (or layers) first.")
                self.feedback.setVisible(True)
                return
            self.answer_given.emit(picked)
