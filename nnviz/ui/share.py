"""The app's ties to the world outside it: its icon, the About box, File > Export > PyTorch
script and Edit > Copy as command line.

The icon and the version come from the installed package (``nnviz/resources/icons`` and the
package metadata), so a wheel shows the same as a source checkout.
"""
from __future__ import annotations

import importlib.metadata

from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import QMenu

from nnviz.desktop import ICON_SIZES, icon_png, icon_svg
from nnviz.training.command_line import command_line


def application_icon() -> QIcon:
    """Every PNG size (crisp in title bars and task switchers) and the SVG for the rest."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)))
    icon.addFile(str(icon_svg()))
    return icon


def package_version() -> str:
    """The installed distribution's version (what pip shows), not a copy in the source."""
    try:
        return importlib.metadata.version("nnviz")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout never installed
        from nnviz import __version__
        return f"{__version__} (not installed)"


def about_html() -> str:
    return (f"<b>nnviz {package_version()}</b><p>Build a small fully-connected neural network, "
            "train it live and see why it learns or fails: cost, decision boundary, weights "
            "and gradients, in the notation of the deep-learning course.</p>"
            "<p>MIT license. The shipped data sets, their sources and licenses: "
            "nnviz/resources/datasets/README.md in the package.</p>")


def copy_command_line(window) -> str:
    """Put the ``nnviz train`` command for the current settings (and the iterations trained
    so far) on the clipboard; returns it."""
    snapshot = window.controller.latest
    iterations = snapshot.iteration if snapshot is not None and snapshot.iteration else None
    line = command_line(window.controller.requested_config, iterations)
    QGuiApplication.clipboard().setText(line.text)
    note = (f" ({'; '.join(line.not_expressible)} not set by flags)"
            if line.not_expressible else "")
    window.statusBar().showMessage(f"Copied: {line.text.split('  #')[0]}{note}", 10000)
    return line.text


def add_share_menus(window) -> None:
    """File > Export > PyTorch script… (before Quit) and Edit > Copy as command line (after
    File), as ``window.export_pytorch_action`` and ``window.copy_command_action``."""
    export = QAction("PyTorch script…", window)
    tip = ("Write the network as a PyTorch nn.Module in one .py file (normalization and input "
           "features inside forward) with the trained weights in an .npz beside it; running "
           "it prints the model and its training accuracy")
    export.setToolTip(tip)
    export.setStatusTip(tip)
    export.triggered.connect(window.file_actions.export_pytorch)
    copy = QAction("Copy as command line", window)
    copy.setShortcut(QKeySequence("Ctrl+Shift+C"))
    tip = ("Copy the nnviz train command that repeats this run headless: the current "
           "settings and the iterations trained so far (Ctrl+Shift+C)")
    copy.setToolTip(tip)
    copy.setStatusTip(tip)
    copy.triggered.connect(lambda: copy_command_line(window))
    window.addAction(copy)
    window.export_pytorch_action, window.copy_command_action = export, copy

    bar = window.menuBar()
    menus = [a.menu() for a in bar.actions() if a.menu() is not None]
    file_menu = next(m for m in menus if m.title().replace("&", "") == "File")
    quit_action = getattr(window, "quit_action", None)
    actions = file_menu.actions()
    # Before the separator that precedes Quit, so Quit stays last on its own.
    at = actions.index(quit_action) if quit_action in actions else len(actions)
    before = actions[at - 1] if at > 0 and actions[at - 1].isSeparator() else (
        actions[at] if at < len(actions) else None)
    export_menu = QMenu("Export", file_menu)
    export_menu.addAction(export)
    if before is None:
        file_menu.addMenu(export_menu)
    else:
        file_menu.insertMenu(before, export_menu)
    window.export_menu = export_menu

    edit_menu = QMenu("&Edit", bar)
    edit_menu.addAction(copy)
    top = bar.actions()
    after_file = top.index(file_menu.menuAction()) + 1
    if after_file < len(top):
        bar.insertMenu(top[after_file], edit_menu)
    else:
        bar.addMenu(edit_menu)
    window.edit_menu = edit_menu
