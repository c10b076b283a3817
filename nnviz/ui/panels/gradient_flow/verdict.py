"""The gradient-flow verdict as a banner: headline, explanation, remedies and the numbers,
worded to fit. The richest wording that leaves the plots most of the panel's height is shown;
everything is always in the tooltip."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSizePolicy

from nnviz.analysis.gradient_flow import BAD, OK, WARN, FlowDiagnosis, format_factor

from ...theme import PlotColors

BANNER_SHARE = 0.25             # the verdict takes at most this share of the panel's height
BANNER_TIP = ("The verdict compares the back-propagated dZ[l] (and dW[l]) from the output "
              "layer back to layer 1, per entry: 1000× or more smaller means vanishing, 1000× "
              "larger exploding (100× is a warning in networks with 2+ hidden layers). Huge "
              "dW or a gradient-descent step larger than the weights also counts as "
              "exploding.")


class VerdictBanner(QLabel):
    def __init__(self):
        super().__init__("Waiting for the network: the verdict appears with the first "
                         "snapshot.")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setToolTip(BANNER_TIP)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._probe = QLabel()  # never shown: measures how tall a wording would be
        self._probe.setWordWrap(True)
        self._probe.setTextFormat(Qt.TextFormat.RichText)

    def show_diagnosis(self, d: FlowDiagnosis, c: PlotColors, one_row: bool,
                       visible: tuple[int, int]) -> None:
        """Show ``d`` in the richest wording that fits ``visible`` (the panel's size in
        view); ``one_row``: the panel is short and wide (a paragraph, not two columns)."""
        accent = {OK: c.good, WARN: c.warn, BAD: c.bad}[d.severity]
        tint = _blend(accent, c.background, 0.16)
        numbers = []
        if np.isfinite(d.dZ_decades):
            numbers.append(f"dZ[1] vs dZ[L] per entry: 10^{d.dZ_decades:+.1f}")
        if np.isfinite(d.slope):
            numbers.append(f"×{format_factor(d.factor_per_layer)} per layer toward the input")
        if np.isfinite(d.dW_decades):
            numbers.append(f"dW[1] vs dW[L-1]: 10^{d.dW_decades:+.1f}")
        notes = "".join(f"<br>{_html(n)}" for n in d.notes)
        headline = (f"<span style='color:{accent}; font-size:large'><b>{_html(d.headline)}</b>"
                    "</span>")
        muted = _blend(c.foreground, c.background, 0.7)
        paragraph = (f"{headline}&nbsp; {_html(d.explanation)}{notes}"
                     + (f"<br><b>Try:</b> {' · '.join(_html(r) for r in d.remedies)}"
                        if d.remedies else ""))
        tip = (f"{paragraph}<br><br><span style='color:{muted}'>{' · '.join(numbers)}</span>"
               f"<br><br>{BANNER_TIP}")
        if tip != self.toolTip():
            self.setToolTip(tip)
        remedies = "".join(f"<li>{_html(r)}</li>" for r in d.remedies)
        right = (f"<td valign='top' width='46%'><b>Try:</b><ul style='margin:0 0 0 -24px'>"
                 f"{remedies}</ul></td>") if remedies else ""
        table = (f"<table width='100%' cellspacing='0' cellpadding='0'><tr>"
                 f"<td valign='top' style='padding-right:12px'>{headline}"
                 f"<br>{_html(d.explanation)}{notes}"
                 f"<br><span style='color:{muted}'>{' · '.join(numbers)}</span></td>{right}"
                 f"</tr></table>")
        more = f" <span style='color:{muted}'>(more: hover)</span>"
        brief = (f"{headline}<br><b>Try:</b> {_html(d.remedies[0])}{more}" if d.remedies
                 else f"{headline}&nbsp; {_html(_first_sentence(d.explanation))}{more}")
        # The richest wording that leaves the plots most of the height; the rest is in the
        # tooltip. (A short, wide dock: a paragraph reads better than two columns.)
        candidates = ([paragraph] if one_row else [table, paragraph]) + [
            brief, f"{headline}{more}"]
        text = self._fitting(candidates, visible)
        if text != self.text():
            self.setText(text)
        style = (f"QLabel {{ background: {tint}; color: {c.foreground}; border-left: 5px solid "
                 f"{accent}; border-radius: 3px; padding: 5px 8px; }}")
        if style != self.styleSheet():  # restyling re-polishes the widget: not per frame
            self.setStyleSheet(style)

    def _fitting(self, candidates: list[str], visible: tuple[int, int]) -> str:
        """The first text whose height at the banner's width is within its share of the
        panel's height (the last one otherwise)."""
        # The banner's text width: the panel's margins (2 x 4), the padding (2 x 8) and the
        # accent border (5) off; its height: the text's and the padding (2 x 5) and a little.
        width, height = visible
        width -= 29
        if width <= 0 or height <= 0:
            return candidates[0]
        budget = max(BANNER_SHARE * height, 52) - 12
        probe = self._probe
        for text in candidates[:-1]:
            probe.setText(text)
            if probe.heightForWidth(width) <= budget:
                return text
        return candidates[-1]


def _blend(colour: str, background: str, amount: float) -> str:
    """``amount`` of ``colour`` over ``background``."""
    a, b = QColor(colour), QColor(background)
    mix = [round(amount * x + (1 - amount) * y)
           for x, y in ((a.red(), b.red()), (a.green(), b.green()), (a.blue(), b.blue()))]
    return QColor(*mix).name()


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
