"""The workspaces: one full-window arrangement of panels per task, switched with one click
(the tabs beside the menus) or Ctrl+1..Ctrl+7, as Blender's workspaces are.

Where a panel is shown is decided here and only here: one small module per workspace names
its panels and their proportions (:mod:`.spec`); a panel never knows where it is shown.
To add a workspace, write a module like :mod:`.gradients` and list it in :data:`WORKSPACES`.
"""
from __future__ import annotations

from . import activations, backprop, challenges, gradients, landscape, lessons, train
from .spec import Pane, Split, Workspace, column, row

WORKSPACES: list[Workspace] = [m.WORKSPACE for m in (train, gradients, landscape, backprop,
                                                      activations, lessons, challenges)]


def workspace_of(panel_key: str) -> Workspace | None:
    """The workspace that shows panel ``panel_key`` (None if none does)."""
    for workspace in WORKSPACES:
        if panel_key in workspace.panel_keys():
            return workspace
    return None


__all__ = ["WORKSPACES", "Pane", "Split", "Workspace", "column", "row", "workspace_of"]
