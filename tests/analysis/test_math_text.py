"""Lesson formulas shown as the Concepts page writes them."""
from nnviz.analysis.math_text import math_html
from nnviz.experiments import EXPERIMENTS


def test_symbols_exponents_and_escaping():
    assert math_html("a = sigma(w1 x1 + w2 x2 + b)") == "a = σ(w1 x1 + w2 x2 + b)"
    assert math_html("dJ/dw = (1/m)(a - y) x^T") == "dJ/dw = (1/m)(a − y) x<sup>T</sup>"
    assert math_html("J = (1/2m) sum (a - y)^2") == "J = (1/2m) Σ (a − y)<sup>2</sup>"
    assert math_html("sigma'(z) = a(1 - a)") == "σ′(z) = a(1 − a)"
    assert math_html("alpha <= 1e-3, lambda > 0, W ~ randn * sqrt(2/n)") == \
        "α ≤ 1e-3, λ &gt; 0, W ~ randn * √(2/n)"
    assert math_html("<b>not a tag</b>") == "&lt;b&gt;not a tag&lt;/b&gt;"
    # words that merely contain a name stay as they are
    assert math_html("summary, thetas, alphabet, musical") == "summary, thetas, alphabet, musical"


def test_no_lesson_text_keeps_ascii_math():
    for lesson in EXPERIMENTS.values():
        shown = math_html(lesson.text)
        for ascii_math in ("sigma(", "^T", "^2", " sum(", "alpha ", "lambda "):
            assert ascii_math not in shown, (lesson.key, ascii_math)


def test_plain_text_gets_the_same_symbols_without_html():
    from nnviz.analysis.math_text import math_plain

    assert math_plain("Flat plateaus where a = sigma(z) is wrong.") == \
        "Flat plateaus where a = σ(z) is wrong."
    assert math_plain("dJ/dw = (1/m)(a - y) x^T, J <= 0.1") == "dJ/dw = (1/m)(a − y) xᵀ, J ≤ 0.1"
    assert math_plain("eps^2, 10^-7, alpha / (2/lambda_max)") == "eps², 10⁻⁷, α / (2/lambda_max)"
    assert "<" not in math_plain("x^T and a^2") and "&" not in math_plain("a -> b")
