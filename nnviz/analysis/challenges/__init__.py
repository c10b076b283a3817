"""Challenges: goals a learner reaches by changing settings in the live app, checked from
the worker's snapshots (no Qt; the app's Challenges panel and ``nnviz train --challenge``
share this code)."""
from .base import (HINT_AFTER, Challenge, ChallengeSession, Choice, Evidence, Reading,
                   parse_layers_answer)
from .catalog import BY_KEY, CHALLENGES, challenge
from .probes import (DropoutCheck, input_curvature, live_dropout_check, mystery_bug,
                     mystery_check, planted_layers)
from .run import HeadlessChallenge

__all__ = ["BY_KEY", "CHALLENGES", "HINT_AFTER", "Challenge", "ChallengeSession", "Choice",
           "DropoutCheck", "Evidence", "HeadlessChallenge", "Reading", "challenge",
           "input_curvature", "live_dropout_check", "mystery_bug", "mystery_check",
           "parse_layers_answer", "planted_layers"]
