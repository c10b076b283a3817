"""Closing the window while the File menu works: a file being read is dropped at once, a
file being written is finished (the user asked for it)."""
import threading
import time

from nnviz.training.jobs import running_job_threads
from nnviz.ui import file_jobs
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings

TIMEOUT = 20000


def make_window(qtbot, isolated_settings):
    w = MainWindow(settings=open_settings(isolated_settings),
                   panels=[panel_spec(key) for key in ("builder", "training")])
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    return w


def test_closing_while_a_session_is_read_does_not_wait_for_it(qtbot, isolated_settings,
                                                               tmp_path, monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow_load(path, csv_folder, job=None):  # a big file, still being read and checked
        started.set()
        release.wait(20)
        return file_jobs.Failure("never used")

    import nnviz.ui.file_actions as module
    monkeypatch.setattr(module, "load_session_job", slow_load)
    w = make_window(qtbot, isolated_settings)
    w.file_actions.load_session_from(tmp_path / "big.nnviz")
    assert started.wait(10)
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 2.0  # not the 30 s a write may take
    release.set()
    qtbot.waitUntil(lambda: "nnviz-files" not in running_job_threads(), timeout=TIMEOUT)


def test_closing_while_weights_are_written_finishes_the_file(qtbot, isolated_settings,
                                                             tmp_path, monkeypatch):
    started = threading.Event()
    real = file_jobs.export_weights_job

    def slow_export(*args):
        started.set()
        time.sleep(1.5)  # longer than any wait for a job that is only computing
        return real(*args)

    import nnviz.ui.file_actions as module
    monkeypatch.setattr(module, "export_weights_job", slow_export)
    w = make_window(qtbot, isolated_settings)
    path = tmp_path / "w.npz"
    assert w.file_actions.export_weights_to(path)
    assert started.wait(10)
    w.close()
    assert path.exists() and path.stat().st_size > 0
    assert "nnviz-files" not in running_job_threads()


def test_a_cancelled_session_read_stops_between_reading_and_rebuilding(tmp_path):
    from nnviz.training.jobs import Cancelled, Job

    from nnviz.engine.io import save_session
    from nnviz.training.headless import session_data_from_training
    from nnviz.training.session import TrainingSession

    session = TrainingSession()
    session.step(3)
    path = tmp_path / "s.nnviz"
    save_session(path, session_data_from_training(session))
    job = Job(None, None, lambda *a: None)
    job.cancel()
    try:
        file_jobs.load_session_job(path, str(tmp_path), job)
    except Cancelled:
        pass
    else:
        raise AssertionError("the rebuild ran although the job was cancelled")
    restored = file_jobs.load_session_job(path, str(tmp_path))  # without a job: as before
    assert restored.session.iteration == 3
