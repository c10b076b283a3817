"""Activations: g(z) and g'(z), with the whole window."""
from .spec import Workspace

WORKSPACE = Workspace(
    key="activations", title="Activations", shortcut="Ctrl+5",
    tooltip="The activation functions g(z), their slopes g'(z) and where each layer's Z[l] "
            "sits on them (Ctrl+5)",
    layout="activations",
)
