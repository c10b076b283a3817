"""Train: set the network up and watch it learn (the workspace the app opens on)."""
from .spec import Pane, Workspace, column, row

BUILDER_WIDTH = 380  # px: room for every builder control; the plots take the rest

WORKSPACE = Workspace(
    key="train", title="Train", shortcut="Ctrl+1",
    tooltip="Build the network and watch it learn: the builder, the decision boundary with "
            "cost and accuracy, and the network diagram with every unit's picture (Ctrl+1)",
    layout=row(Pane("builder", pixels=BUILDER_WIDTH),
               column(Pane("training", 0.62), Pane("network", 0.38))),
)
