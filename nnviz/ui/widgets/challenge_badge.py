"""A status-bar badge: the active challenge and how close it is, live."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel


class ActiveChallengeBadge(QLabel):
    """"Challenge: <title> — 40%"; hidden while no challenge is active. Connect a signal
    ``(title, fraction)`` to :meth:`show_progress` (fraction < 0: no active challenge)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("activeChallengeBadge")
        self.setVisible(False)

    def show_progress(self, title: str, fraction: float) -> None:
        if not title or fraction < 0:
            self.setText("")
            self.setToolTip("")
            self.setVisible(False)
            return
        done = fraction >= 1.0
        self.setText(f"Challenge: {title} — {'reached ✓' if done else f'{fraction:.0%}'}")
        self.setToolTip("The active challenge (Lessons workspace, Challenges): its progress "
                        "follows every training snapshot.")
        self.setVisible(True)
