"""The base class of every panel and what it is given to work with."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from nnviz.training.config import SessionConfig
    from nnviz.training.controller import TrainingController
    from nnviz.training.snapshot import TrainingSnapshot
    from nnviz.ui.theme import Appearance, PlotColors


@dataclass
class PanelContext:
    controller: "TrainingController"   # play/pause/step/reset/apply_config/latest snapshot
    settings: QSettings                # the app's settings (isolated in tests)
    appearance: "Appearance"           # .colors and the changed signal
    window: Any = None                 # the MainWindow


class Panel(QWidget):
    """A panel: what a workspace shows in one of its places. The main window builds it with
    ``cls(context)`` (a plain ``QWidget`` with an ``on_snapshot`` method works too: it is
    built with ``cls()`` and the optional methods below are only called if present). The main window calls, on the GUI thread:

    - ``on_snapshot(snapshot)`` with the latest snapshot, only while its workspace is on screen (a
      panel that is shown again gets the latest one at once). Keep it cheap: update plot
      items created once (``setData``/``setImage``); anything expensive belongs on a worker.
    - ``on_config(config)`` when the settings in use change (after the worker applied them).
    - ``on_theme(colors)`` when light/dark changes (and once after construction).
    - ``figures()`` -> ``{name: item}`` for File > Export figures: pyqtgraph ``PlotItem`` /
      ``GraphicsLayout`` / ``PlotWidget`` (exported as PNG and SVG) or any ``QWidget``
      (grabbed as PNG).
    - ``shutdown()`` when the window closes: stop and wait for any thread the panel started.
    """

    def __init__(self, context: PanelContext | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context

    @property
    def controller(self) -> "TrainingController":
        return self.context.controller

    def on_snapshot(self, snapshot: "TrainingSnapshot") -> None:
        pass

    def on_config(self, config: "SessionConfig") -> None:
        pass

    def on_theme(self, colors: "PlotColors") -> None:
        pass

    def figures(self) -> dict[str, object]:
        return {}

    def shutdown(self) -> None:
        pass
