"""Lessons: the course's experiments, the list and the open lesson, with the whole window."""
from .spec import Workspace

WORKSPACE = Workspace(
    key="lessons", title="Lessons", shortcut="Ctrl+6",
    tooltip="The course's lessons as one-click experiments, side-by-side comparisons and "
            "pinned runs; each asks for your prediction first (Ctrl+6)",
    layout="experiments",
)
