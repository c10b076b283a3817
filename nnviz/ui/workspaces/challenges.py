"""Challenges: goals reached by changing settings in the live app, checked from the run."""
from .spec import Workspace

WORKSPACE = Workspace(
    key="challenges", title="Challenges", shortcut="Ctrl+7",
    tooltip="Goals you reach by changing settings and training, checked live from the run: "
            "pick one, then work in any workspace; the status bar follows it (Ctrl+7)",
    layout="challenges",
)
