"""The "cost is bouncing" hint in the window's message banner, and the banner's messages
that go when their cause does.

The worker puts the hint in every snapshot (``snapshot.cost_hint``, empty while the cost
behaves or right after a reset, a rebuild or new settings: its detector restarts then);
this shows it, updates it and takes it down as soon as the snapshot has none. It never
covers a divergence warning or an error. Once the learner closes it, that hint stays closed
until the hint itself changes (another α, or rising instead of bouncing): a rebuild with
the same α does not bring it back.

:meth:`CostHint.on_snapshot` also ends an error whose cause is gone: an error reports an
action that failed (an import, a setting refused), and a snapshot of a new run (a reset, a
rebuild, another session, new settings) means a later action succeeded.
"""
from __future__ import annotations

HINT = "hint"  # the banner level of this message


class CostHint:
    def __init__(self, banner):
        self.banner = banner
        self._closed = ""   # the hint the learner closed
        self._text = ""     # the hint on the banner
        self._run = None    # (generation, config) of the last snapshot: which run it shows
        banner.close_button.clicked.connect(self._on_closed)

    @property
    def shown(self) -> bool:
        return self.banner.active and self.banner.level == HINT

    def on_snapshot(self, snapshot) -> None:
        """Every snapshot: its hint, and the end of an error from before this run."""
        run = (getattr(snapshot, "generation", None), getattr(snapshot, "config", None))
        last, self._run = self._run, run
        # The session replaces its config object on every change: identity is enough.
        changed = last is not None and (run[0] != last[0] or run[1] is not last[1])
        banner = self.banner
        if changed and banner.active and banner.level == "error":
            banner.dismiss()
        self.show(getattr(snapshot, "cost_hint", ""))

    def show(self, hint: str) -> None:
        banner = self.banner
        if hint and hint != self._closed:
            self._closed = ""  # a new hint: worth saying even after the last was closed
        if not hint or self._closed:
            if self.shown:
                banner.dismiss()
            return
        if banner.active and banner.level != HINT:
            return  # a divergence warning or an error says more
        if not self.shown or self._text != hint:
            self._text = hint
            banner.show_message(hint, HINT, cause="cost")

    def _on_closed(self) -> None:
        if self.banner.level == HINT:
            self._closed = self._text
