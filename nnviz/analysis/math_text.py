"""Plain-text formulas as the Help > Concepts page writes them (pure text, no Qt).

Lessons and results are written in ASCII so they read well in a terminal and in tests
(``sigma(z)``, ``x^T``, ``(a - y)^2``, ``sum``); :func:`math_html` turns them into the
symbols the app shows everywhere else: σ(z), xᵀ as x<sup>T</sup>, (a − y)², Σ.
"""
from __future__ import annotations

import html
import re

_GREEK = {"alpha": "α", "beta": "β", "lambda": "λ", "theta": "θ", "epsilon": "ε",
          "sigma": "σ", "mu": "μ"}
_WORDS = [(re.compile(rf"\b{name}\b"), symbol) for name, symbol in _GREEK.items()]
_RULES = [
    (re.compile(r"\bsum\b"), "Σ"),
    (re.compile(r"\bsqrt\("), "√("),
    (re.compile(r"(?<=\w)'(?=\()"), "′"),            # sigma'(z) -> σ′(z)
    (re.compile(r"&lt;="), "≤"),
    (re.compile(r"&gt;="), "≥"),
    (re.compile(r"!="), "≠"),
    (re.compile(r"-&gt;"), "→"),
    (re.compile(r"\+-"), "±"),
    (re.compile(r"\^\(([^()]{1,20})\)"), r"<sup>\1</sup>"),   # e^(z) -> e<sup>z</sup>
    (re.compile(r"\^(-?[0-9A-Za-z]{1,4})\b"), r"<sup>\1</sup>"),  # x^T, a^2, 10^-7
    (re.compile(r"(?<=\s)-(?=\s)"), "−"),               # a - y -> a − y
]


def math_html(text: str) -> str:
    """``text`` as HTML with the formulas' symbols; everything else is escaped."""
    out = html.escape(text, quote=False)
    for pattern, symbol in _WORDS:
        out = pattern.sub(symbol, out)
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    return out
