"""The File menu's jobs (plain functions, run here without a window) answer a refused or
unwritable file with a sentence naming it, never with Python internals (issue 22)."""
from __future__ import annotations

import os

import pytest

from nnviz.engine.io import save_session
from nnviz.training.config import SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.training.session_state import session_data
from nnviz.ui.file_jobs import (Failure, export_history_job, export_weights_job,
                                import_weights_job, load_session_job, save_session_job)

PYTHON_INTERNALS = ("Errno", "OSError", "Traceback", "'str'", "NoneType")


@pytest.fixture(scope="module")
def session():
    session = TrainingSession(SessionConfig())
    session.step(5)
    return session


def failure_text(result, name: str) -> str:
    assert isinstance(result, Failure), result
    assert name in result.message, result.message
    for internal in PYTHON_INTERNALS:
        assert internal not in result.message, result.message
    return result.message


def test_exports_to_a_name_too_long_fail_with_a_sentence(session, tmp_path):
    snapshot = session.snapshot()
    name = "w" * 300
    for result in (export_weights_job(snapshot, tmp_path / f"{name}.npz", "npz", "flower"),
                   export_history_job(snapshot, tmp_path / f"{name}.csv"),
                   save_session_job(session_data(session), tmp_path / f"{name}.nnviz")):
        assert "shorter name" in failure_text(result, "www")
    assert not list(tmp_path.iterdir())


def test_loading_a_named_pipe_fails_with_a_sentence(tmp_path):
    pipe = tmp_path / "pipe.nnviz"
    os.mkfifo(pipe)
    for result in (load_session_job(pipe, str(tmp_path)),
                   import_weights_job(pipe, SessionConfig())):
        assert "not a regular file" in failure_text(result, pipe.name)


def test_a_session_with_a_damaged_random_generator_is_refused_before_the_swap(session,
                                                                            tmp_path):
    data = session_data(session)
    data.trainer["rng"]["state"]["inc"] = "seven"
    path = save_session(tmp_path / "damaged.nnviz", data)
    assert "random generator" in failure_text(load_session_job(path, str(tmp_path)), path.name)
