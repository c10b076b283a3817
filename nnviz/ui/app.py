"""Application start-up."""
from __future__ import annotations

import sys


def run_app(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("nnviz")
    app.setOrganizationName("nnviz")
    window = QMainWindow()
    window.setWindowTitle("nnviz")
    window.setCentralWidget(QLabel("nnviz: the main window lands with the desktop-app issue."))
    window.resize(900, 600)
    window.show()
    return app.exec()
