"""``nnviz train --lr-decay ... --decay-rate R --decay-interval N`` and ``--dev-fraction F``:
the settings reach the run and its session file; ``--json`` reports train, dev and test error
and the bias/variance reading."""
from __future__ import annotations

import json

import pytest

from nnviz.cli import main as cli
from nnviz.engine.io import load_session
from nnviz.training.headless import build_settings

FAST = ["--iterations", "60", "--quiet"]


def _train(capsys, tmp_path, *flags):
    path = tmp_path / "run.nnviz"
    code = cli.main(["train", "--dataset", "moons", "--layers", "5", "--lr", "0.5",
                     "--save-session", str(path), *flags, *FAST, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), load_session(path)


@pytest.mark.parametrize("flags, expected", [
    (["--lr-decay", "inverse", "--decay-rate", "0.1"], 0.5 / (1 + 0.1 * 60)),
    (["--lr-decay", "exponential"], 0.95 ** 60 * 0.5),
    (["--lr-decay", "staircase", "--decay-rate", "1", "--decay-interval", "25"],
     0.5 / (1 + 1 * (60 // 25))),
    ([], 0.5),
])
def test_a_decay_schedule_from_the_command_line(capsys, tmp_path, flags, expected):
    report, session = _train(capsys, tmp_path, *flags)
    assert report["epochs"] == 60  # full batch: one epoch per step
    assert report["learning_rate"] == pytest.approx(expected, rel=1e-12)
    hyper = session.settings["hyper"]
    given = dict(zip(flags[::2], flags[1::2]))
    assert hyper["lr_decay"] == given.get("--lr-decay", "none")
    assert hyper["decay_interval"] == int(given.get("--decay-interval", 1000))
    rate = given.get("--decay-rate")
    assert hyper["decay_rate"] == (None if rate is None else float(rate))


def test_decay_changes_the_run(capsys, tmp_path):
    constant, a = _train(capsys, tmp_path)
    decayed, b = _train(capsys, tmp_path, "--lr-decay", "inverse")
    assert not (a.theta == b.theta).all()
    assert constant["train"]["cost"] != decayed["train"]["cost"]


def test_dev_fraction_splits_train_dev_test_and_json_reads_bias_and_variance(capsys,
                                                                             tmp_path):
    report, session = _train(capsys, tmp_path, "--samples", "200", "--dev-fraction", "0.25")
    assert (report["m_train"], report["m_dev"], report["m_test"]) == (110, 50, 40)
    assert session.settings["data"]["dev_fraction"] == 0.25
    assert session.settings["data"]["train_fraction"] == 0.55
    errors = report["errors"]
    for split in ("train", "dev", "test"):
        assert errors[split] == pytest.approx(1 - report[split]["accuracy"])
    reading = report["bias_variance"]
    assert reading["compared_with"] == "dev" and reading["base_error"] == 0.0
    assert reading["avoidable_bias"] == pytest.approx(errors["train"])
    assert reading["variance"] == pytest.approx(errors["dev"] - errors["train"])
    assert reading["verdict"] in ("high bias", "high variance",
                                  "high bias and high variance", "fine")
    assert reading["advice"] and reading["headline"]


def test_without_a_dev_set_the_test_set_stands_in_and_says_so(capsys, tmp_path):
    report, _ = _train(capsys, tmp_path)
    assert report["m_dev"] == 0 and report["dev"] == {} and report["errors"]["dev"] is None
    reading = report["bias_variance"]
    assert reading["compared_with"] == "test"
    assert "--dev-fraction" in reading["note"]


def test_the_text_report_has_a_dev_row_and_the_reading(capsys):
    code = cli.main(["train", "--dev-fraction", "0.2", "--lr-decay", "inverse", *FAST])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "80 dev" in out and "\ndev " in out
    assert "reading" in out and "inverse time decay" in out


@pytest.mark.parametrize("flags, words", [
    (["--lr-decay", "exponential", "--decay-rate", "1.5"], "at most 1"),
    (["--lr-decay", "staircase", "--decay-interval", "0"], "whole number of epochs"),
    (["--dev-fraction", "0.9"], "leave nothing to train on"),
    (["--dev-fraction", "-0.1"], "dev fraction must be in [0, 1)"),
])
def test_bad_flags_are_refused_in_one_sentence(capsys, flags, words):
    code = cli.main(["train", *flags, *FAST])
    _, err = capsys.readouterr()
    assert code == 2 and words in err and "Traceback" not in err


def test_dev_and_test_fractions_together_and_in_a_config_file(tmp_path):
    settings = build_settings({"test_fraction": 0.1, "dev_fraction": 0.3})
    data = settings.config.data
    assert (data.train_fraction, data.dev_fraction) == (0.6, 0.3)
    assert data.test_fraction == pytest.approx(0.1)
    config = tmp_path / "run.json"
    config.write_text(json.dumps({"dev_fraction": 0.2, "lr_decay": "staircase",
                                  "decay_interval": 7}))
    settings = build_settings({}, str(config))
    assert settings.config.data.dev_fraction == 0.2
    assert settings.config.data.train_fraction == 0.6
    hyper = settings.config.hyper
    assert (hyper.lr_decay, hyper.decay_interval) == ("staircase", 7)
