"""Files that are not what a loader expects, answered with a sentence about the file and no
Python internals (issue 22): named pipes and devices, UTF-16 CSV text, a damaged random
generator state, a CSV name of "..", an export name longer than the file system allows."""
from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from nnviz.engine.data import CSVError, load_csv
from nnviz.engine.io import (ExportError, LoadError, export_weights, load_session,
                             load_weights, save_session)
from nnviz.training.config import CSV_DATASET, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.training.session_state import restore_session, session_data

from .conftest import small_network

PYTHON_INTERNALS = ("Errno", "OSError", "Traceback", "'str'", "NoneType")
CSV_TEXT = "x1,x2,y\n" + "".join(f"{i / 10},{i % 3},{i % 2}\n" for i in range(12))


def plain_sentence(message: str, name: str) -> str:
    assert name in message, message
    for internal in PYTHON_INTERNALS:
        assert internal not in message, message
    return message


def call_without_blocking(fn, *args):
    """``fn(*args)``'s result or exception; a call that blocks (opening a named pipe for
    reading waits for a writer) fails the test instead of hanging it."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(*args)
        except Exception as exc:  # noqa: BLE001 - returned to the test
            outcome["value"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), f"{fn.__name__} blocked on {args[0]}"
    return outcome["value"]


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("load, error, what", [(load_csv, CSVError, "csv"),
                                               (load_weights, LoadError, "weights file"),
                                               (load_session, LoadError, "session file")])
def test_a_named_pipe_or_a_device_is_not_a_regular_file(fifo, load, error, what):
    for path, kind in ((fifo, "named pipe"), (Path("/dev/null"), "device")):
        result = call_without_blocking(load, path)
        assert isinstance(result, error), result
        message = plain_sentence(str(result), path.name)
        assert "not a regular file" in message and kind in message, message
        assert "folder" not in message and "not found" not in message, message


@pytest.mark.parametrize("byte_order", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_csv_text_is_named_as_such_with_the_fix(tmp_path, byte_order):
    path = tmp_path / f"{byte_order}.csv"
    path.write_bytes(CSV_TEXT.encode(byte_order))
    with pytest.raises(CSVError) as refused:
        load_csv(path)
    message = plain_sentence(str(refused.value), path.name)
    assert "UTF-16" in message and "UTF-8" in message and "\\x00" not in message, message


def test_a_utf8_csv_with_accented_names_is_not_taken_for_utf16(tmp_path):
    path = tmp_path / "accents.csv"
    path.write_text(CSV_TEXT.replace("x1", "é" * 40), encoding="utf-8")
    assert load_csv(path).feature_names[0] == "é" * 40


def test_an_export_name_too_long_for_the_file_system_is_an_export_error(tmp_path):
    path = tmp_path / ("w" * 300 + ".npz")
    with pytest.raises(ExportError) as refused:
        export_weights(path, small_network())
    message = plain_sentence(str(refused.value), "www")
    assert "304 bytes" in message and "shorter name" in message, message
    assert not list(tmp_path.iterdir())


def test_the_longest_allowed_name_still_gets_its_temporary_file(tmp_path):
    limit = os.pathconf(tmp_path, "PC_NAME_MAX")
    path = tmp_path / ("w" * (limit - 4) + ".npz")
    assert export_weights(path, small_network()) == path
    assert load_weights(path).net.theta.shape == small_network().theta.shape


def csv_session(tmp_path) -> TrainingSession:
    csv = tmp_path / "points.csv"
    csv.write_text(CSV_TEXT)
    config = SessionConfig()
    return TrainingSession(dataclasses.replace(config, data=dataclasses.replace(
        config.data, name=CSV_DATASET, csv_path=str(csv))))


def test_a_damaged_random_generator_state_is_refused_when_the_file_is_read(tmp_path):
    data = session_data(csv_session(tmp_path))
    for damage in ("abc", None, -1, 2**129, [1, 2]):
        data.trainer["rng"]["state"]["state"] = damage
        path = save_session(tmp_path / "damaged.nnviz", data)
        with pytest.raises(LoadError) as refused:
            load_session(path)
        message = plain_sentence(str(refused.value), path.name)
        assert "random generator" in message, message
    data.trainer["rng"] = {**data.trainer["rng"], "bit_generator": "Lottery"}
    with pytest.raises(LoadError, match="random generator 'Lottery'"):
        load_session(save_session(tmp_path / "damaged.nnviz", data))


def test_a_sessions_csv_named_dot_dot_is_restored_inside_its_own_folder(tmp_path):
    session = csv_session(tmp_path)
    data = session_data(session)
    data.dataset["path"] = ".."
    loaded = load_session(save_session(tmp_path / "dots.nnviz", data))
    csv_folder = tmp_path / "restored"
    csv_folder.mkdir()
    restored = restore_session(loaded, csv_folder)
    csv_path = Path(restored.session.config.data.csv_path)
    assert csv_path.is_file() and csv_folder in csv_path.parents
    assert np.array_equal(restored.session.data.X_train, session.data.X_train)


def test_a_csv_folder_that_cannot_be_written_is_a_sentence(tmp_path):
    data = load_session(save_session(tmp_path / "run.nnviz", session_data(csv_session(tmp_path))))
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(ValueError) as refused:
        restore_session(data, not_a_folder)
    message = plain_sentence(str(refused.value), str(not_a_folder))
    assert "embedded CSV" in message, message
