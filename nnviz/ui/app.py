"""Application start-up (and the ``--screenshot`` mode)."""
from __future__ import annotations

import os
import sys
import tempfile


def create_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    # The training worker is a Python thread: whenever the GUI thread needs the GIL it waits
    # until the worker hands it over, at most Python's switch interval (5 ms by default).
    # 1 ms keeps the window responsive; the worker only pays when the GUI actually waits.
    sys.setswitchinterval(0.001)
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    from nnviz import __version__
    from nnviz.ui.settings import APPLICATION, ORGANIZATION

    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    from nnviz.ui.share import application_icon
    app.setWindowIcon(application_icon())  # every window, the task switcher and the dock
    app.setDesktopFileName("nnviz")  # Wayland matches windows to nnviz.desktop by this
    return app  # pyqtgraph is imported (and configured, in nnviz.ui.plotting) by the panels


def run_app(argv: list[str] | None = None, screenshot: str | None = None, steps: int = 0,
            panel: str | None = None) -> int:
    """Open the main window and run until it closes. With ``screenshot``, train ``steps``
    steps, save a PNG of the window (or of the dock ``panel``) and exit."""
    app = create_application(argv)
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.settings import open_settings
    from nnviz.ui.theme import Appearance

    if screenshot:
        # A throw-away settings file: screenshots show the default layout and never touch
        # the user's saved settings.
        settings_dir = tempfile.mkdtemp(prefix="nnviz-screenshot-")
        settings = open_settings(os.path.join(settings_dir, "settings.ini"))
    else:
        settings = open_settings()
    appearance = Appearance(app, str(settings.value("appearance/mode", "system")))
    window = MainWindow(settings=settings, appearance=appearance,
                        restore_layout=not screenshot, defer_panels=True)
    window.show()
    if not screenshot:
        return app.exec()
    shooter = ScreenshotTaker(window, screenshot, steps, panel)
    code = app.exec()
    return code or shooter.exit_code


class ScreenshotTaker:
    """Waits for ``steps`` iterations to be drawn, grabs the window, saves it, closes it."""

    def __init__(self, window, path: str, steps: int, panel: str | None):
        from PySide6.QtCore import QTimer

        from nnviz.ui.panels import find_panel

        self.window, self.path, self.steps = window, path, max(0, steps)
        self.exit_code = 1
        self._requested = False
        self._done = False
        # A key or a title as the View menu shows it, in any case.
        spec = find_panel(panel) if panel is not None else None
        self.panel = spec.key if spec is not None else None
        if panel is not None and self.panel not in window.docks:
            titles = "; ".join(window.docks[key].windowTitle() for key in window.docks)
            print(f"nnviz: no panel {panel!r}; choose one of: {titles}", file=sys.stderr)
            QTimer.singleShot(0, window.close)
            return
        window.build_pending_panels()  # the picture shows every panel as built
        if panel is not None:
            window.docks[panel].show()
            window.docks[panel].raise_()
        window.controller.snapshot.connect(self._on_snapshot)
        # Never hang: give up after a generous time.
        QTimer.singleShot(120_000, self._timeout)

    def _on_snapshot(self, snapshot) -> None:
        from PySide6.QtCore import QTimer

        if self._done:
            return
        if not self._requested and self.steps > 0:
            self._requested = True
            self.window.controller.step(self.steps)
            return
        if snapshot.iteration >= self.steps:
            self._done = True
            QTimer.singleShot(400, self._grab)  # let every panel draw this snapshot

    def _grab(self) -> None:
        widget = self.window.docks[self.panel] if self.panel else self.window
        if widget.grab().save(self.path):
            self.exit_code = 0
            print(f"nnviz: saved {self.path}")
        else:
            print(f"nnviz: could not write {self.path}", file=sys.stderr)
        self.window.close()

    def _timeout(self) -> None:
        if not self._done:
            print("nnviz: timed out waiting for training to finish", file=sys.stderr)
            self._done = True
            self.window.close()
