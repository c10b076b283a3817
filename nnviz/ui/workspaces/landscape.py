"""Landscape: the cost surface under the optimizer's path, beside the cost curve."""
from .spec import Pane, Workspace, row

WORKSPACE = Workspace(
    key="landscape", title="Landscape", shortcut="Ctrl+3",
    tooltip="J over a 2-D slice through the parameters with the training path on it, and the "
            "cost curve (Ctrl+3)",
    layout=row(Pane("cost_surface", 0.62), Pane("curves", 0.38)),
)
