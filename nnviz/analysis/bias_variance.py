"""Bias and variance read from train and dev error, as the course reads them (no Qt).

Avoidable bias is how far the training error is above the base error (human level, or the
best any classifier can do: Bayes error); variance is how far the dev error is above the
training error. Either gap is "far" when it is above :data:`DEFAULT_MARGIN` and above two
examples' worth of its set (on 80 dev examples one example is 1.25 %: a gap of one example
says nothing). The readings and what to try:

- **high bias** (train error far above base): a bigger network, train longer, a better
  optimizer; less regularization if there is some. More data does not help.
- **high variance** (dev error far above train): more data, regularization (L2 λ up,
  keep_prob down), a smaller network.
- **both**: bias first, then variance.
- **fine**: both gaps small; report the test error, which was never used to choose.

Errors are fractions: ``1 - accuracy`` for classification, ``1 - R²`` (the share of the
targets' variance left unexplained) for regression.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

DEFAULT_MARGIN = 0.02   # a gap of 2 percentage points or less is within noise here
EXAMPLES_WORTH = 2      # ... and so is a gap of less than two examples of the set

HIGH_BIAS, HIGH_VARIANCE, BOTH, FINE, UNKNOWN = (
    "high bias", "high variance", "high bias and high variance", "fine", "not yet")

HEADLINES = {
    HIGH_BIAS: "High bias: the network underfits the training set",
    HIGH_VARIANCE: "High variance: the network overfits; it does not generalize to dev",
    BOTH: "High bias and high variance",
    FINE: "Low bias and low variance",
    UNKNOWN: "No reading yet",
}

ADVICE = {
    HIGH_BIAS: ("a bigger network: more hidden units or layers",
                "train longer, or with a better optimizer (momentum, Adam)"),
    HIGH_VARIANCE: ("more training data",
                    "regularization: raise the L2 λ or lower keep_prob (dropout)",
                    "a smaller network"),
    BOTH: ("bias first: a bigger network and longer training",
           "then the variance: more data or regularization (λ up, keep_prob down)"),
    FINE: ("nothing to fix: report the test error, the one set never used to choose",),
    UNKNOWN: ("train for a few steps to get a training and a dev error",),
}
LESS_REGULARIZATION = "less regularization: lower λ or raise keep_prob"
NO_HELD_OUT = ("hold out a dev set (builder, Data > Split): variance shows only on examples "
               "the network never trains on")
NO_MORE_DATA = "more data will not help: the network does not even fit the data it has"


def error_from_metric(value: float, metric_name: str) -> float:
    """The error the reading uses: ``1 - accuracy`` or ``1 - R²`` (NaN stays NaN)."""
    if metric_name not in ("accuracy", "R^2", "r2"):
        raise ValueError(f"no error for the metric {metric_name!r}")
    return 1.0 - float(value)


def margin_for(m: int | None, margin: float = DEFAULT_MARGIN) -> float:
    """The least gap that counts on a set of ``m`` examples (None: the margin alone)."""
    return max(margin, EXAMPLES_WORTH / m) if m else margin


@dataclass(frozen=True)
class BiasVarianceReading:
    train_error: float
    dev_error: float
    base_error: float
    avoidable_bias: float          # train - base
    variance: float                # dev - train
    bias_margin: float             # the gaps that count as "far"
    variance_margin: float
    verdict: str                   # HIGH_BIAS, HIGH_VARIANCE, BOTH, FINE or UNKNOWN
    advice: tuple[str, ...]
    dev_name: str = "dev"          # "test" when there is no dev set and the test set stands in
    note: str = ""

    @property
    def headline(self) -> str:
        return HEADLINES[self.verdict]

    @property
    def high_bias(self) -> bool:
        return self.verdict in (HIGH_BIAS, BOTH)

    @property
    def high_variance(self) -> bool:
        return self.verdict in (HIGH_VARIANCE, BOTH)

    def gaps_text(self) -> str:
        """``avoidable bias = train - base = 14.0 %; variance = dev - train = 1.0 %``."""
        if self.verdict == UNKNOWN:
            return ""
        return (f"avoidable bias = train − base = {percent(self.avoidable_bias)}; "
                f"variance = {self.dev_name} − train = {percent(self.variance)}")


def percent(fraction: float) -> str:
    if not math.isfinite(fraction):
        return "–"
    return f"{100 * fraction:.1f} %"


def read_bias_variance(train_error: float, dev_error: float, base_error: float = 0.0, *,
                       m_train: int | None = None, m_dev: int | None = None,
                       margin: float = DEFAULT_MARGIN, dev_is_test: bool = False,
                       regularized: bool = False) -> BiasVarianceReading:
    """The course's reading of ``train_error`` and ``dev_error`` (fractions) against
    ``base_error``. ``m_train``/``m_dev`` (set sizes) widen the margins on small sets;
    ``dev_is_test``: there is no dev set and the test set's error stands in (the reading
    says so); ``regularized`` (λ > 0 or keep_prob < 1) adds "less regularization" to the
    advice for high bias."""
    if not 0.0 <= base_error < 1.0:
        raise ValueError(f"the base error is a share between 0 and 100 %, got {base_error!r}")
    dev_name = "test" if dev_is_test else "dev"
    note = ("No dev set: the test set stands in, and choosing by it makes its error "
            "optimistic. Turn on a dev set in the builder's Split." if dev_is_test else "")
    bias_margin, variance_margin = margin_for(m_train, margin), margin_for(m_dev, margin)
    if not (math.isfinite(train_error) and math.isfinite(dev_error)):
        return BiasVarianceReading(train_error, dev_error, base_error, math.nan, math.nan,
                                   bias_margin, variance_margin, UNKNOWN, ADVICE[UNKNOWN],
                                   dev_name, note)
    bias = train_error - base_error
    variance = dev_error - train_error
    high_bias, high_variance = bias > bias_margin, variance > variance_margin
    verdict = (BOTH if high_bias and high_variance else HIGH_BIAS if high_bias
               else HIGH_VARIANCE if high_variance else FINE)
    advice = ADVICE[verdict]
    if verdict == HIGH_BIAS:
        advice = advice + ((LESS_REGULARIZATION,) if regularized else ()) + (NO_MORE_DATA,)
    if verdict == FINE and dev_is_test:
        advice = ("nothing to fix; with a dev set the test error would be an unbiased "
                  "report",)
    return BiasVarianceReading(train_error, dev_error, base_error, bias, variance,
                               bias_margin, variance_margin, verdict, advice, dev_name, note)


def reading_from_history(history, metric_name: str, base_error: float = 0.0, *,
                         m_train: int | None = None, m_dev: int = 0, m_test: int = 0,
                         regularized: bool = False) -> BiasVarianceReading:
    """The reading at the last record of a snapshot's ``history`` that has both errors:
    the dev set's when there is one, else the test set's (flagged)."""
    use_dev = m_dev > 0 and getattr(history, "dev_metric", None) is not None
    held_out = np.asarray(history.dev_metric if use_dev else history.test_metric, float)
    train = np.asarray(history.train_metric, float)
    both = np.flatnonzero(np.isfinite(train) & np.isfinite(held_out))
    train_error = dev_error = math.nan
    if both.size:
        i = both[-1]
        train_error = error_from_metric(train[i], metric_name)
        dev_error = error_from_metric(held_out[i], metric_name)
    reading = read_bias_variance(train_error, dev_error, base_error, m_train=m_train,
                                 m_dev=m_dev if use_dev else (m_test or None),
                                 dev_is_test=not use_dev, regularized=regularized)
    if not use_dev and not m_test:
        return dataclasses.replace(reading, verdict=UNKNOWN, advice=(NO_HELD_OUT,), note="")
    return reading
