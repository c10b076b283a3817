"""Desktop integration without Qt: the application icon's files and a freedesktop launcher.

The icon (``nnviz/resources/icons/nnviz.svg`` with PNG renders ``nnviz-<size>.png``) and the
entry template (``nnviz/resources/nnviz.desktop``) are package data, so a wheel carries them.
:func:`install_desktop_entry` copies them into the user's data folder (no root needed):

    $XDG_DATA_HOME/applications/nnviz.desktop
    $XDG_DATA_HOME/icons/hicolor/<n>x<n>/apps/nnviz.png   (and scalable/apps/nnviz.svg)

with ``XDG_DATA_HOME`` defaulting to ``~/.local/share`` (XDG Base Directory spec).
"""
from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from pathlib import Path

from nnviz.engine.io.atomic import atomic_write, atomic_write_text
from nnviz.engine.io.errors import ExportError

APP_ID = "nnviz"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
RESOURCES = resources.files("nnviz") / "resources"


def icon_svg() -> Path:
    return Path(str(RESOURCES / "icons" / f"{APP_ID}.svg"))


def icon_png(size: int) -> Path:
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon; the sizes are {ICON_SIZES}")
    return Path(str(RESOURCES / "icons" / f"{APP_ID}-{size}.png"))


def desktop_template() -> str:
    return (RESOURCES / f"{APP_ID}.desktop").read_text(encoding="utf-8")


def data_home(environ=None) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or relative (the
    spec says to ignore a relative value)."""
    environ = os.environ if environ is None else environ
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(environ.get("HOME") or Path.home()) / ".local" / "share"


def launcher_command() -> list[str]:
    """How a desktop starts this installation: the ``nnviz`` script beside this Python (a
    venv's bin folder is usually not on the desktop's PATH), else ``python -m nnviz``."""
    script = Path(sys.executable).parent / APP_ID
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    found = shutil.which(APP_ID)
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", APP_ID]


def quote_exec_argument(arg: str) -> str:
    """Quote one ``Exec`` argument as the Desktop Entry spec asks: inside double quotes,
    backslash before ``"``, backtick, ``$`` and backslash; ``%`` is written ``%%``. The
    desktop-file reader then un-escapes backslashes once more, so they are doubled again."""
    arg = arg.replace("%", "%%")
    if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return '"' + inner.replace("\\", "\\\\") + '"'


def desktop_entry(command: list[str] | None = None) -> str:
    """The launcher's text: the template with ``Exec`` set to ``command`` (default:
    :func:`launcher_command`)."""
    command = launcher_command() if command is None else command
    exec_line = "Exec=" + " ".join(quote_exec_argument(a) for a in command)
    lines = [exec_line if line.startswith("Exec=") else line
             for line in desktop_template().splitlines()]
    return "\n".join(lines) + "\n"


def install_desktop_entry(target: Path | None = None,
                          command: list[str] | None = None) -> list[Path]:
    """Write the launcher and the icons under ``target`` (default :func:`data_home`);
    returns the files written. Raises :class:`~nnviz.engine.io.ExportError` naming a file
    that cannot be written."""
    target = data_home() if target is None else Path(target)
    hicolor = target / "icons" / "hicolor"
    jobs: list[tuple[Path, Path | None, str | None]] = [
        (target / "applications" / f"{APP_ID}.desktop", None, desktop_entry(command))]
    jobs += [(hicolor / f"{n}x{n}" / "apps" / f"{APP_ID}.png", icon_png(n), None)
             for n in ICON_SIZES]
    jobs.append((hicolor / "scalable" / "apps" / f"{APP_ID}.svg", icon_svg(), None))
    written = []
    for path, source, text in jobs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"Cannot create the folder {path.parent} for {path.name}: "
                              f"{exc.strerror or exc}.", path) from exc
        if text is not None:
            atomic_write_text(path, text)
        else:
            data = source.read_bytes()
            atomic_write(path, lambda f, data=data: f.write(data))
        written.append(path)
    return written
