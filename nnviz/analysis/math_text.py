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


_SUPERSCRIPT = str.maketrans("0123456789-+T", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵀ")


def math_plain(text: str) -> str:
    """``text`` with the same symbols as :func:`math_html`, as plain text (for tooltips,
    table headers and other places that show no HTML): exponents in superscript
    characters where Unicode has them (x^T -> xᵀ, a^2 -> a², 10^-7 -> 10⁻⁷)."""
    out = text
    for pattern, symbol in _WORDS:
        out = pattern.sub(symbol, out)
    plain_rules = [(pattern, repl) for pattern, repl in _RULES
                   if "sup>" not in repl and "&" not in pattern.pattern]
    for pattern, repl in plain_rules:
        out = pattern.sub(repl, out)
    for old, new in (("<=", "≤"), (">=", "≥"), ("->", "→")):
        out = out.replace(old, new)

    def superscript(match) -> str:
        power = match.group(1) or match.group(2)
        raised = power.translate(_SUPERSCRIPT)
        return raised if all(ch in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ᵀ" for ch in raised) else match.group(0)

    return re.sub(r"\^\(([^()]{1,20})\)|\^(-?[0-9A-Za-z]{1,4})\b", superscript, out)
