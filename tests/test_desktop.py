"""Desktop integration: icon files, the launcher text and a user-level install (no Qt)."""
from __future__ import annotations

import configparser
import struct
import sys

import pytest

from nnviz import desktop
from nnviz.engine.io import ExportError


def png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def parse_entry(text: str) -> dict:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read_string(text)
    return dict(parser["Desktop Entry"])


@pytest.mark.parametrize("size", desktop.ICON_SIZES)
def test_each_icon_png_has_its_size(size):
    assert png_size(desktop.icon_png(size)) == (size, size)


def test_icon_svg_is_an_svg_document():
    text = desktop.icon_svg().read_text(encoding="utf-8")
    assert "<svg" in text and 'viewBox="0 0 256 256"' in text


def test_unknown_icon_size_is_refused():
    with pytest.raises(ValueError, match="no 20 px icon"):
        desktop.icon_png(20)


def test_entry_runs_the_given_command_and_names_the_icon():
    entry = parse_entry(desktop.desktop_entry(["/opt/venv/bin/nnviz"]))
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "/opt/venv/bin/nnviz"
    assert entry["Icon"] == "nnviz"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Education" in entry["Categories"]


def test_exec_arguments_with_spaces_and_specials_are_quoted_per_spec():
    line = desktop.desktop_entry(["/home/a b/venv/bin/nnviz", "50%"]).split("Exec=")[1]
    assert line.splitlines()[0] == '"/home/a b/venv/bin/nnviz" 50%%'
    # A backslash is escaped by the quoting rule and again by the string rule: 4 in the file.
    assert desktop.quote_exec_argument("a\\b c") == '"a\\\\\\\\b c"'
    assert desktop.quote_exec_argument('say "hi"') == '"say \\\\"hi\\\\""'


def test_default_command_runs_this_installation():
    command = desktop.launcher_command()
    assert command[0].startswith("/")
    assert command[0].endswith("nnviz") or command == [sys.executable, "-m", "nnviz"]


@pytest.mark.parametrize("value, expected", [
    ("/data/xdg", "/data/xdg"),
    ("", "/home/u/.local/share"),
    ("relative/dir", "/home/u/.local/share"),  # the spec says to ignore relative values
])
def test_data_home_follows_the_xdg_spec(value, expected):
    assert str(desktop.data_home({"XDG_DATA_HOME": value, "HOME": "/home/u"})) == expected


def test_install_writes_the_launcher_and_every_icon_under_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    written = desktop.install_desktop_entry(command=["/x/nnviz"])
    launcher = tmp_path / "applications" / "nnviz.desktop"
    assert launcher in written
    assert parse_entry(launcher.read_text(encoding="utf-8"))["Exec"] == "/x/nnviz"
    for n in desktop.ICON_SIZES:
        png = tmp_path / "icons" / "hicolor" / f"{n}x{n}" / "apps" / "nnviz.png"
        assert png in written and png_size(png) == (n, n)
    svg = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "nnviz.svg"
    assert svg.read_bytes() == desktop.icon_svg().read_bytes()
    assert len(written) == len(desktop.ICON_SIZES) + 2
    # Installing again replaces the files in place.
    assert desktop.install_desktop_entry(command=["/y/nnviz"]) == written
    assert "Exec=/y/nnviz" in launcher.read_text(encoding="utf-8")


def test_install_where_a_folder_is_a_file_names_it(tmp_path):
    (tmp_path / "applications").write_text("not a folder")
    with pytest.raises(ExportError, match="applications"):
        desktop.install_desktop_entry(tmp_path, command=["/x/nnviz"])
    assert (tmp_path / "applications").read_text() == "not a folder"
