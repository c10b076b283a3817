"""File > Open data reads the CSV once: the dialog's full check is what the session built on
Load uses, unless the file or the reading options changed since (issue 22)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnviz.training import session_build
from nnviz.training.config import CSV_DATASET, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.training.session_build import load_csv_checked


@pytest.fixture
def reads(monkeypatch):
    """Every path ``load_csv`` reads while building a session."""
    seen = []
    real = session_build.load_csv

    def counting(path, **options):
        seen.append(str(path))
        return real(path, **options)

    monkeypatch.setattr(session_build, "load_csv", counting)
    return seen


def csv_config(path, **options) -> SessionConfig:
    config = SessionConfig()
    data = dataclasses.replace(config.data, name=CSV_DATASET, csv_path=str(path),
                               csv_label_column=options.get("label_column"),
                               csv_has_header=options.get("has_header"),
                               csv_task=options.get("task"))
    return dataclasses.replace(config, data=data)


def write_rows(path, n):
    path.write_text("a,b,y\n" + "".join(f"{i / 7},{i % 5},{i % 2}\n" for i in range(n)))


def test_the_dialogs_check_is_the_data_the_session_trains_on(tmp_path, reads):
    path = tmp_path / "points.csv"
    write_rows(path, 40)
    options = dict(label_column=2, has_header=True, task=None)
    checked = load_csv_checked(path, **options)
    session = TrainingSession(csv_config(path, **options))
    assert reads == [str(path)]  # the check only; building the session read nothing
    assert session.data.n_features == 2
    assert np.array_equal(np.sort(np.hstack([session.data.X_train_raw,
                                             session.data.X_test_raw]), axis=1),
                          np.sort(checked.X, axis=1))


def test_a_file_changed_after_the_check_is_read_again(tmp_path, reads):
    path = tmp_path / "points.csv"
    write_rows(path, 40)
    load_csv_checked(path, has_header=True)
    write_rows(path, 60)  # saved again in a spreadsheet between the check and Load
    session = TrainingSession(csv_config(path, has_header=True))
    assert reads == [str(path), str(path)]
    assert session.data.X_train.shape[1] + session.data.X_test.shape[1] == 60


def test_other_reading_options_read_the_file_again(tmp_path, reads):
    path = tmp_path / "points.csv"
    write_rows(path, 40)
    load_csv_checked(path, has_header=True, task="classification")
    TrainingSession(csv_config(path, has_header=True, task="regression"))
    assert reads == [str(path), str(path)]
