"""The command line's answers to odd input: one line, the documented exit status, no
traceback (issue 12, item 7)."""
from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from nnviz.cli import main as cli
from nnviz.cli.args import build_parser, json_safe
from nnviz.engine.io import load_session, save_session
from nnviz.engine.limits import MAX_EXAMPLES

FAST = ["--iterations", "20", "--quiet"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys, *argv):
    """argparse's refusal: exit 2 and one line on stderr."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    assert exit_.value.code == 2
    assert len(err.strip().splitlines()) == 1, err
    return err


def one_line_error(err: str, command: str = "train") -> str:
    lines = err.strip().splitlines()
    assert lines and lines[-1].startswith(f"nnviz {command}: error:"), err
    assert "Traceback" not in err
    return lines[-1]


def float_flags(command: str) -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return [a.option_strings[0] for a in sub._actions
            if a.type is not None and getattr(a.type, "__name__", "") == "finite_float"]


@pytest.mark.parametrize("command", ["train", "check"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "1e999"])
def test_every_float_flag_refuses_non_finite_values(capsys, command, value):
    flags = float_flags(command)
    assert {"--alpha", "--lr", "--l2", "--noise"} <= set(flags)
    if command == "check":
        assert "--eps" in flags
    for flag in flags:
        err = usage_error(capsys, command, f"{flag}={value}", "--quiet")
        assert f"argument {flag}: must be a finite number, got {value!r}" in err


def test_alpha_nan_is_refused_before_training_and_a_number_still_works(capsys):
    err = usage_error(capsys, "train", "--alpha", "nan", "--activation", "leaky_relu", *FAST)
    assert "finite" in err
    code, out, err = run(capsys, "train", "--alpha", "0.2", "--activation", "leaky_relu", *FAST)
    assert code == 0, err


def test_non_finite_numbers_in_a_config_file_are_refused(capsys, tmp_path):
    config = tmp_path / "run.json"
    config.write_text('{"lr": NaN}')  # Python's json module reads NaN
    code, out, err = run(capsys, "train", "--config", str(config), *FAST)
    assert code == 2
    assert "learning_rate must be a finite number, got nan" in one_line_error(err)
    config.write_text('{"hyper": {"lambd": Infinity}}')
    code, out, err = run(capsys, "train", "--config", str(config), *FAST)
    assert code == 2 and "hyper.lambd must be a finite number" in one_line_error(err)


@pytest.mark.parametrize("layers", ["4,,4", "4,", ",4", "4, ,4"])
def test_an_empty_layer_size_is_refused_not_skipped(capsys, layers):
    code, out, err = run(capsys, "train", "--layers", layers, *FAST)
    assert code == 2
    assert "has an empty size" in one_line_error(err)


def test_layers_still_read_as_before(capsys):
    code, out, err = run(capsys, "train", "--layers", " 4, 3 ", "--json", *FAST)
    assert code == 0 and json.loads(out)["layer_dims"] == [2, 4, 3, 1]


@pytest.mark.parametrize("argv", [["--samples", "2000000000"],
                                  ["--samples", str(MAX_EXAMPLES + 1)]])
def test_too_many_samples_are_refused_before_anything_is_allocated(capsys, argv):
    t0 = time.perf_counter()
    code, out, err = run(capsys, "train", *argv, *FAST)
    assert time.perf_counter() - t0 < 5  # nothing was generated
    assert code == 2
    line = one_line_error(err)
    assert f"1 to {MAX_EXAMPLES:,}" in line and "the examples limit" in line


def test_too_many_samples_in_a_config_file_are_refused(capsys, tmp_path):
    for document in ({"samples": 2_000_000_000}, {"data": {"params": {"m": 10**12}}}):
        config = tmp_path / "run.json"
        config.write_text(json.dumps(document))
        code, out, err = run(capsys, "train", "--config", str(config), *FAST)
        assert code == 2 and "the examples limit" in one_line_error(err)


def test_json_output_writes_null_for_a_metric_that_is_not_a_number(capsys, monkeypatch):
    import nnviz.training.headless as headless

    def broken_metrics(session):
        return {"iterations": 20, "epochs": 20,
                "train": {"cost": float("nan"), "accuracy": 0.5},
                "test": {"cost": float("inf"), "accuracy": float("-inf")}}

    monkeypatch.setattr(headless, "final_metrics", broken_metrics)
    code, out, err = run(capsys, "train", "--json", *FAST)
    assert code == 0, err
    report = json.loads(out)  # valid JSON: no NaN or Infinity tokens
    assert report["train"] == {"cost": None, "accuracy": 0.5}
    assert report["test"] == {"cost": None, "accuracy": None}
    assert "NaN" not in out and "Infinity" not in out


def test_json_safe_turns_every_non_finite_number_into_none():
    value = {"a": [1.0, float("nan"), np.float64("inf")], "b": (np.float32(2.5), "x", None),
             "c": {"d": -math.inf, "e": 3}}
    assert json_safe(value) == {"a": [1.0, None, None], "b": [2.5, "x", None],
                                "c": {"d": None, "e": 3}}


def saved_session_with_csv_path(tmp_path, csv_path: str):
    data = tmp_path / "d.csv"
    rng = np.random.default_rng(0)
    data.write_text("x1,x2,y\n" + "".join(f"{a:.3f},{b:.3f},{int(a > b)}\n"
                                          for a, b in rng.random((40, 2))))
    first = tmp_path / "first.nnviz"
    assert cli.main(["train", "--csv", str(data), "--save-session", str(first), *FAST]) == 0
    saved = load_session(first)
    settings = {**saved.settings, "data": {**saved.settings["data"], "csv_path": csv_path}}
    hostile = tmp_path / "hostile.nnviz"
    save_session(hostile, dataclasses.replace(saved, settings=settings,
                                              dataset={**saved.dataset, "path": csv_path}))
    return hostile


@pytest.mark.parametrize("csv_path", ["..", "/", "."])
def test_a_session_whose_csv_path_is_a_folder_trains_on_its_embedded_data(capsys, tmp_path,
                                                                          csv_path):
    session = saved_session_with_csv_path(tmp_path, csv_path)
    capsys.readouterr()
    code, out, err = run(capsys, "train", "--config", str(session), "--json", *FAST)
    assert code == 0, err
    assert json.loads(out)["m_train"] == 32
    assert "Traceback" not in err


def test_a_session_without_a_csv_path_is_refused_in_one_line(capsys, tmp_path):
    session = saved_session_with_csv_path(tmp_path, "")
    capsys.readouterr()
    code, out, err = run(capsys, "train", "--config", str(session), *FAST)
    assert code == 2 and "needs csv_path" in one_line_error(err)


def test_an_over_long_export_name_is_one_line_and_exit_1(capsys, tmp_path):
    path = tmp_path / ("w" * 300 + ".npz")
    code, out, err = run(capsys, "train", "--export", str(path), *FAST)
    assert code == 1
    line = one_line_error(err)
    assert "304 bytes long" in line and "at most 255" in line and "shorter name" in line
    assert "train " in out  # the metrics are still printed


def test_an_export_into_a_file_says_the_parent_is_a_file(capsys, tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder")
    for flag, name in (("--export", "w.npz"), ("--save-session", "s.nnviz"),
                       ("--history-csv", "h.csv")):
        code, out, err = run(capsys, "train", flag, str(blocker / "sub" / name), *FAST)
        assert code == 1
        line = one_line_error(err)
        assert f"{blocker} is a file, not a folder" in line
        assert "does not exist" not in line
    assert blocker.read_text() == "a file, not a folder"


@pytest.mark.parametrize("argv", [["check", "--json", "--quiet"],
                                  ["train", "--json", "--quiet", "--iterations", "5"],
                                  ["train", "--quiet", "--iterations", "5"]])
def test_a_reader_that_stops_early_gets_no_traceback(argv):
    # ``nnviz check --json | head`` with the reader already gone: every write is EPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "nnviz", *argv], cwd=ROOT,
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
    assert proc.stderr.strip() == ""
    assert proc.returncode in (0, 1)  # the command's own status (check: passed or not)


@pytest.mark.parametrize("command", ["train", "check"])
def test_a_named_pipe_or_a_device_as_config_or_csv_is_not_a_regular_file(capsys, tmp_path,
                                                                        command):
    pipe = tmp_path / "settings.json"
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    for flag, path, kind in (("--config", pipe, "named pipe"), ("--config", "/dev/null", "device"),
                             ("--csv", pipe, "named pipe"), ("--csv", "/dev/zero", "device")):
        code, out, err = run(capsys, command, flag, str(path), *FAST)
        line = one_line_error(err.replace("\r", "\n"), command)
        assert code == 2 and str(path) in line, err
        assert "not a regular file" in line and kind in line, line
        assert "not found" not in line and "folder" not in line, line
