"""A builder on its own, with a running training controller (no main window)."""
import pytest

from nnviz.training.controller import TrainingController
from nnviz.ui.panels.base import PanelContext
from nnviz.ui.panels.builder.panel import BuilderPanel
from nnviz.ui.settings import open_settings

TIMEOUT = 20000


@pytest.fixture
def controller(qtbot):
    c = TrainingController()
    c.start()
    qtbot.waitUntil(lambda: c.latest is not None, timeout=TIMEOUT)
    yield c
    c.shutdown()


@pytest.fixture
def builder(qtbot, controller, isolated_settings):
    panel = BuilderPanel(PanelContext(controller, open_settings(isolated_settings), None))
    # What the main window does: the settings in use (or kept after a refusal) come back.
    controller.config_applied.connect(panel.on_config)
    controller.config_rejected.connect(lambda config, _message: panel.on_config(config))
    controller.snapshot.connect(panel.on_snapshot)
    qtbot.addWidget(panel)
    panel.resize(400, 990)
    panel.show()
    yield panel
