"""Gradients: how big the gradient is in each layer, and whether backprop is right."""
from .spec import Pane, Workspace, row

WORKSPACE = Workspace(
    key="gradients", title="Gradients", shortcut="Ctrl+2",
    tooltip="Vanishing or exploding gradients layer by layer, and the gradient check that "
            "proves backprop right or points at the wrong layer (Ctrl+2)",
    layout=row(Pane("gradient_flow", 0.54), Pane("gradient_check", 0.46)),
)
