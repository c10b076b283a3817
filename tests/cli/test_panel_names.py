"""``nnviz --screenshot PATH --panel NAME``: a panel by its View-menu title or its key, in
any case, and the names listed in ``--help`` (no Qt is started)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from nnviz.cli import main as cli
from nnviz.cli.args import build_parser
from nnviz.ui.panels import PANELS, find_panel


def panel_key(*names) -> list[str]:
    parser = build_parser()
    return [parser.parse_args(["--screenshot", "x.png", "--panel", n]).panel for n in names]


@pytest.mark.parametrize("spec", PANELS, ids=lambda s: s.key)
def test_every_title_and_key_names_its_panel(spec):
    typed = [spec.key, spec.title, spec.title.lower(), spec.title.upper(),
             spec.key.replace("_", " "), spec.key.replace("_", "-"), f"  {spec.title} "]
    assert panel_key(*typed) == [spec.key] * len(typed)
    assert find_panel(spec.title) is spec


def test_gradient_check_as_a_learner_types_it():
    assert panel_key("Gradient check", "gradient check", "gradient_check",
                     "GRADIENT-CHECK") == ["gradient_check"] * 4
    assert panel_key("Network builder", "builder", "network diagram",
                     "Activation explorer") == ["builder", "builder", "network", "activations"]


@pytest.mark.parametrize("name", ["nope", "gradient", "checkgradient", ""])
def test_an_unknown_panel_is_a_one_line_error_listing_the_names(capsys, name):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--screenshot", "x.png", "--panel", name])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"no panel {name!r}" in err
    assert all(spec.title in err for spec in PANELS)


def test_help_lists_every_panel_title(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    for spec in PANELS:
        assert spec.title in out


def test_the_parser_imports_no_qt():
    code = ("import sys, nnviz.cli.args; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
