"""A challenge followed through a headless run (``nnviz train --challenge``, the tests).

:class:`HeadlessChallenge` is given the run's training session (a
``nnviz.training.session.TrainingSession``, duck-typed: this layer may not import it) after
every chunk of steps; it takes a snapshot at most ``checkpoints`` times evenly over the run
and at the end, and feeds them to a :class:`ChallengeSession` exactly as the app's panel
feeds the worker's. The work the app does in a job (a probe, the challenge's own gradient
check) runs here inline on the final snapshot.
"""
from __future__ import annotations

from .base import DIVERGED, ChallengeSession
from .catalog import challenge as find_challenge

IDLE = "idle"


class HeadlessChallenge:
    def __init__(self, key: str, answer=None, iterations: int = 0, checkpoints: int = 20,
                 seed: int = 0):
        self.session = ChallengeSession(find_challenge(key))
        self.answer = answer
        self.seed = seed
        self.every = max(1, int(iterations) // max(1, checkpoints))
        self._next = 0
        self.snapshot = None
        if answer is not None and self.session.challenge.answer_kind is None:
            raise ValueError(f"challenge {key!r} takes no answer; leave out --answer")
        if answer is not None and self.session.challenge.answer_kind == "choice":
            self.session.give_answer(answer)  # checked against the choices now

    @property
    def challenge(self):
        return self.session.challenge

    def after_steps(self, session) -> None:
        """Call after each chunk of steps (and once before the first)."""
        if session.iteration >= self._next or session.diverged:
            self._observe(session)
            self._next = session.iteration + self.every

    def finish(self, session) -> ChallengeSession:
        """The final snapshot, with the probe or check the challenge needs; returns the
        challenge's state (``reached``, ``reading``, ``best``)."""
        snapshot = self._observe(session)
        ch = self.session.challenge
        if ch.probe is not None and (ch.wants_probe is None or ch.wants_probe(snapshot)):
            self.session.add_probe(ch.probe(snapshot), snapshot.config)
        if ch.check is not None and not session.diverged:
            self.session.add_gradient_check(ch.check(snapshot, self.seed), snapshot.config)
        if self.answer is not None and ch.answer_kind == "layers":
            self.session.give_answer(self.answer)
        self.session.observe(snapshot)
        return self.session

    def _observe(self, session):
        state = DIVERGED if session.diverged else IDLE
        self.snapshot = session.snapshot(state=state)
        self.session.observe(self.snapshot)
        return self.snapshot
