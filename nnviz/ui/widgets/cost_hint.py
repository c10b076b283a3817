"""The "cost is bouncing" hint, shown in the window's message banner (one line).

The worker puts the hint in every snapshot (``snapshot.cost_hint``, empty while the cost
behaves); this shows it, updates it and takes it down when the cost settles or the settings
change. It never covers a divergence warning or an error, and once the learner closes it,
the same hint stays closed until it changes.
"""
from __future__ import annotations

HINT = "hint"  # the banner level of this message


class CostHint:
    def __init__(self, banner):
        self.banner = banner
        self._closed = ""   # the hint the learner closed
        self._text = ""     # the hint on the banner
        banner.close_button.clicked.connect(self._on_closed)

    @property
    def shown(self) -> bool:
        return self.banner.active and self.banner.level == HINT

    def show(self, hint: str) -> None:
        banner = self.banner
        if hint != self._closed:
            self._closed = ""
        if not hint or self._closed:
            if self.shown:
                banner.dismiss()
            return
        if banner.active and banner.level != HINT:
            return  # a divergence warning or an error says more
        if not self.shown or self._text != hint:
            self._text = hint
            banner.show_message(hint, HINT)

    def _on_closed(self) -> None:
        if self.banner.level == HINT:
            self._closed = self._text
