"""What a challenge is and the state of one attempt at it (no Qt).

A :class:`Challenge` is a goal the learner reaches by changing settings in the live app. Its
``measure`` looks at one training snapshot (and at the :class:`Evidence` gathered off the GUI
thread: a gradient check, a probe) and returns a :class:`Reading`: how close (0..1), a short
live text, whether the goal's condition holds on that snapshot, and the value worth keeping
as a best (fewest hidden units, ...). A :class:`ChallengeSession` follows one learner's
attempt: tries (settings changed), the best value, the answer given (for the challenges that
ask for one) and whether it was reached, which needs the condition to hold on a real
snapshot, never the settings alone. The app's panel and ``nnviz train --challenge`` run this
same code.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

from .probes import planted_layers

DIVERGED = "diverged"        # nnviz.training.snapshot.DIVERGED (analysis may not import it)
HINT_AFTER = (3, 6)          # tries without success before the first and the second hint


@dataclass(frozen=True)
class Reading:
    """A challenge's verdict on one snapshot."""

    fraction: float              # 0..1: how close
    text: str                    # one short line: "||dW[1]|| / ||dW[L]|| = 1/240, need 1/1000"
    met: bool = False            # the goal's condition holds on this snapshot
    value: float | None = None   # what a best is made of (e.g. hidden units), when met

    def __post_init__(self):
        f = float(self.fraction)
        object.__setattr__(self, "fraction", min(1.0, max(0.0, f)) if math.isfinite(f) else 0.0)


@dataclass(frozen=True)
class Choice:
    key: str
    text: str
    correct: bool
    feedback: str                # why this answer is right or wrong


@dataclass
class Evidence:
    """What the GUI thread cannot compute itself, for the current snapshot's settings: a
    gradient-check result (from the Gradient check panel or the challenge's own check) and
    a probe's result (the challenge's ``probe``, run in a job)."""

    gradient_check: Any = None   # an engine GradientCheckResult
    check_config: Any = None     # the SessionConfig it was computed for (None: unknown)
    probe: Any = None
    probe_config: Any = None
    answer: Any = None           # the learner's answer (a choice's key, a set of layers)


@dataclass(frozen=True)
class Challenge:
    key: str
    title: str
    goal: str                    # what to do, one or two sentences
    concept: str
    lesson: str                  # the lesson's key (nnviz.experiments) it comes from
    lesson_title: str
    measure: Callable[[Any, Evidence], Reading]
    hints: tuple[str, ...]
    explanation: str             # shown once reached: why it happened
    best: str | None = None      # "min" / "max": the value kept as a record; None: no record
    best_label: str = ""         # "hidden units"
    # The learner's answer, when the goal includes one: "layers" (pick the layers) or
    # "choice" (one of ``choices``).
    answer_kind: str | None = None
    question: str = ""
    choices: tuple[Choice, ...] = ()
    # Work too heavy for the GUI thread, run in a job (the app) or inline (the CLI): called
    # with a snapshot, returns what ``measure`` finds in ``Evidence.probe``. ``wants_probe``
    # says whether a snapshot's settings call for it.
    probe: Callable[[Any], Any] | None = None
    wants_probe: Callable[[Any], bool] | None = None
    # The challenge's own gradient check (a mystery planted bug), for the same reason.
    check: Callable[[Any, int], Any] | None = None

    def hint_count(self, tries: int) -> int:
        """How many of the hints are shown after ``tries`` settings changes."""
        return min(len(self.hints), sum(1 for n in HINT_AFTER if tries >= n))


@dataclass
class ChallengeSession:
    """One learner's attempt at ``challenge``: fed every snapshot and every settings change."""

    challenge: Challenge
    tries: int = 0               # settings changes since the challenge was started
    best: float | None = None
    reached: bool = False
    reached_at: int | None = None      # the iteration of the first snapshot that met it
    reached_text: str = ""             # that snapshot's reading
    reading: Reading | None = None
    answer: Any = None
    answer_feedback: str = ""
    wrong_answers: int = 0
    evidence: Evidence = field(default_factory=Evidence)
    _last_config: Any = None

    # -- feeding ------------------------------------------------------------------------
    def observe(self, snapshot) -> Reading:
        """The reading of ``snapshot``; counts a try when its settings differ from the last
        snapshot's, keeps the best value and marks the challenge reached when met."""
        config = getattr(snapshot, "config", None)
        if self._last_config is not None and config != self._last_config:
            self.tries += 1
        self._last_config = config
        reading = self.challenge.measure(snapshot, self.evidence)
        self.reading = reading
        if reading.met:
            if reading.value is not None and self.challenge.best is not None:
                value = float(reading.value)
                if self.best is None or (value < self.best if self.challenge.best == "min"
                                         else value > self.best):
                    self.best = value
            if not self.reached:
                self.reached_at = int(getattr(snapshot, "iteration", 0))
                self.reached_text = reading.text
            self.reached = True
        return reading

    def add_gradient_check(self, result, config=None) -> None:
        self.evidence.gradient_check, self.evidence.check_config = result, config

    def add_probe(self, result, config=None) -> None:
        self.evidence.probe, self.evidence.probe_config = result, config

    def give_answer(self, answer) -> str:
        """Record the learner's answer and return the feedback (the reading follows at the
        next snapshot, which it needs: an answer alone never reaches a challenge)."""
        kind = self.challenge.answer_kind
        if kind == "choice":
            choice = next((c for c in self.challenge.choices if c.key == answer), None)
            if choice is None:
                raise ValueError(f"no answer {answer!r}; choose one of "
                                 + ", ".join(c.key for c in self.challenge.choices))
            self.answer = self.evidence.answer = choice.key
            self.answer_feedback = choice.feedback
            if not choice.correct:
                self.wrong_answers += 1
            return choice.feedback
        if kind == "layers":
            layers = parse_layers_answer(answer)
            self.answer = self.evidence.answer = layers
            truth = planted_layers(self.evidence.gradient_check)
            picked = ", ".join(str(n) for n in sorted(layers))
            if not truth:
                self.answer_feedback = (f"Layer {picked} noted: run a gradient check with a "
                                        "mystery bug to test it.")
            elif layers == truth:
                self.answer_feedback = f"Right: the planted bug was {self.evidence.gradient_check.planted_bug}."
            else:
                self.wrong_answers += 1
                self.answer_feedback = (f"Not layer {picked}. Look at each tensor's "
                                        "difference: a bug in dW or db spoils that tensor "
                                        "alone; a bug in dZ[l] spoils layer l and every "
                                        "layer below it.")
            return self.answer_feedback
        raise ValueError(f"challenge {self.challenge.key!r} takes no answer")

    # -- showing ------------------------------------------------------------------------
    @property
    def hints(self) -> tuple[str, ...]:
        """The hints earned so far (after a few tries or wrong answers without success)."""
        if self.reached:
            return ()
        return self.challenge.hints[:self.challenge.hint_count(self.tries + self.wrong_answers)]

    @property
    def fraction(self) -> float:
        if self.reached:
            return 1.0
        return self.reading.fraction if self.reading is not None else 0.0

    def summary(self) -> dict:
        """Plain values for ``--json`` and the progress store."""
        r = self.reading
        return {"key": self.challenge.key, "reached": self.reached,
                "reached_at": self.reached_at,
                "progress": round(self.fraction, 4),
                "text": self.reached_text if self.reached else (r.text if r else ""),
                "best": self.best, "tries": self.tries}


def parse_layers_answer(answer) -> frozenset[int]:
    """``2``, ``"2"``, ``"1,2"``, ``[1, 2]`` -> the set of layer numbers (each >= 1)."""
    if isinstance(answer, str):
        parts = [p for p in answer.replace(" ", ",").split(",") if p]
    elif isinstance(answer, int):
        parts = [answer]
    else:
        parts = list(answer)
    try:
        layers = frozenset(int(p) for p in parts)
    except (TypeError, ValueError):
        raise ValueError(f"name the layers by number, such as 2 or 1,2; got {answer!r}") \
            from None
    if not layers or any(n < 1 for n in layers):
        raise ValueError(f"name the layers by number (1 or more), such as 2 or 1,2; "
                         f"got {answer!r}")
    return layers
