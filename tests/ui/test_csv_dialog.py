"""File > Open data checks the whole file on a job thread: progress, Stop, and closing the
dialog all work while a large file is read, and no thread outlives the check."""
import time

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from nnviz.training.jobs import running_job_threads
from nnviz.ui.widgets.csv_dialog import CsvDialog

TIMEOUT = 30000


@pytest.fixture(scope="module")
def slow_csv(tmp_path_factory):
    """Quoted cells take the exact (cell-by-cell) parser: seconds to read, on purpose."""
    path = tmp_path_factory.mktemp("csv") / "quoted.csv"
    rows = ['"x1","x2","label"'] + [f'"{i % 97}.5","{(i * 7) % 89}.25","{i % 2}"'
                                    for i in range(400_000)]
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def slow_reader(monkeypatch):
    """Every progress report waits a little: the check lasts seconds whatever the machine."""
    import nnviz.ui.widgets.csv_dialog as module

    real = module.load_csv_checked

    def load_csv(path, progress=None, **kwargs):
        def slowly(done, total):
            time.sleep(0.3)
            return progress(done, total)
        return real(path, progress=slowly, **kwargs)

    monkeypatch.setattr(module, "load_csv_checked", load_csv)


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def open_dialog(qtbot, path):
    dialog = CsvDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    fractions = []
    dialog._runner.progress.connect(lambda tag, f, text: fractions.append(f))
    return dialog, fractions


def test_a_large_file_shows_progress_and_stop_cancels_the_check(qtbot, slow_csv,
                                                                   slow_reader):
    dialog, fractions = open_dialog(qtbot, slow_csv)
    qtbot.waitUntil(lambda: len(fractions) >= 2, timeout=TIMEOUT)
    assert dialog.checking() and dialog.progress.isVisible()
    assert 0 < dialog.progress.value() < 1000 and "MB" in dialog.status.text()
    assert fractions == sorted(fractions) and fractions[-1] < 1.0
    t0 = time.perf_counter()
    dialog.stop_button.click()
    qtbot.waitUntil(lambda: not dialog.checking(), timeout=TIMEOUT)
    assert time.perf_counter() - t0 < 1.0  # load_csv polls the cancel flag (+ one 0.3 s wait)
    assert "Check stopped" in dialog.status.text()
    assert not ok_button(dialog).isEnabled() and not dialog.progress.isVisible()
    assert dialog.dataset is None
    assert "nnviz-csv-check" not in running_job_threads()


def test_closing_the_dialog_during_a_check_ends_it_at_once(qtbot, slow_csv, slow_reader):
    dialog, fractions = open_dialog(qtbot, slow_csv)
    qtbot.waitUntil(lambda: len(fractions) >= 1, timeout=TIMEOUT)
    t0 = time.perf_counter()
    dialog.reject()
    assert time.perf_counter() - t0 < 1.0
    assert "nnviz-csv-check" not in running_job_threads()


def test_a_changed_option_replaces_the_running_check(qtbot, slow_csv, slow_reader):
    dialog, fractions = open_dialog(qtbot, slow_csv)
    qtbot.waitUntil(lambda: len(fractions) >= 1, timeout=TIMEOUT)
    dialog.task.setCurrentIndex(dialog.task.findData("regression"))  # a new check
    qtbot.waitUntil(lambda: ok_button(dialog).isEnabled(), timeout=60000)
    assert dialog.dataset.task == "regression" and dialog.dataset.m == 400_000
    assert "400000 examples" in dialog.status.text()
    qtbot.waitUntil(lambda: "nnviz-csv-check" not in running_job_threads(), timeout=TIMEOUT)


def test_the_window_keeps_painting_while_a_file_is_checked(qtbot, slow_csv):
    from PySide6.QtCore import QTimer

    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    dialog, fractions = open_dialog(qtbot, slow_csv)
    qtbot.waitUntil(lambda: ok_button(dialog).isEnabled(), timeout=60000)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) >= 3 and max(gaps) < 0.5  # the GUI thread never waited for the parser
    assert dialog.dataset.m == 400_000


def test_a_named_pipe_is_refused_before_it_is_opened(qtbot, tmp_path):
    import os

    from nnviz.ui.widgets.csv_dialog import CsvDialog

    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)  # opening it to read would block the window
    dialog = CsvDialog(str(fifo))
    qtbot.addWidget(dialog)
    assert dialog.rows == []
    assert "data.csv" in dialog._read_error and "not a regular file" in dialog._read_error
    assert "Errno" not in dialog._read_error
