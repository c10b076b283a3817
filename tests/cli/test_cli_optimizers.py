"""``nnviz train --optimizer rmsprop`` and ``--no-bias-correction``: the settings reach the
trainer (saved in the session file) and change the run."""
from __future__ import annotations

import json

from nnviz.cli import main as cli
from nnviz.engine.io import load_session

FAST = ["--iterations", "40", "--quiet"]


def _train(capsys, tmp_path, name, *flags):
    path = tmp_path / f"{name}.nnviz"
    code = cli.main(["train", "--dataset", "moons", "--layers", "5", "--lr", "0.01",
                     "--save-session", str(path), *flags, *FAST, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), load_session(path)


def test_rmsprop_from_the_command_line(capsys, tmp_path):
    report, session = _train(capsys, tmp_path, "rms", "--optimizer", "rmsprop",
                             "--beta2", "0.99")
    hyper = session.settings["hyper"]
    assert hyper["optimizer"] == "rmsprop" and hyper["beta2"] == 0.99
    state = session.trainer["optimizer"]
    assert state["name"] == "rmsprop" and state["state"]["s"].shape == session.theta.shape
    assert (state["state"]["s"] > 0).any()


def test_no_bias_correction_is_saved_and_changes_the_run(capsys, tmp_path):
    on_report, on = _train(capsys, tmp_path, "on", "--optimizer", "adam")
    off_report, off = _train(capsys, tmp_path, "off", "--optimizer", "adam",
                             "--no-bias-correction")
    assert on.settings["hyper"]["bias_correction"] is True
    assert off.settings["hyper"]["bias_correction"] is False
    assert not (on.theta == off.theta).all()
    assert on_report != off_report
