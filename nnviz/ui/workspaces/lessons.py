"""Lessons: the course's experiments (the list and the open lesson) beside the challenges."""
from .spec import Pane, Workspace, row

WORKSPACE = Workspace(
    key="lessons", title="Lessons", shortcut="Ctrl+6",
    tooltip="The course's lessons as one-click experiments, side-by-side comparisons and "
            "pinned runs, and the challenges to reach in the live app (Ctrl+6)",
    layout=row(Pane("experiments", 0.72), Pane("challenges", 0.28)),
)
