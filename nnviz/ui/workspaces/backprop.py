"""Backprop: backpropagation step by step, with the whole window."""
from .spec import Workspace

WORKSPACE = Workspace(
    key="backprop", title="Backprop", shortcut="Ctrl+4",
    tooltip="Backpropagation step by step: a graph on numbers, one example through the "
            "network, the vectorized equations (Ctrl+4)",
    layout="backprop",
)
