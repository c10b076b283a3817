import threading
import time

from PySide6.QtCore import QThread

from nnviz.training.jobs import JobRunner


def test_job_runs_off_the_gui_thread_and_returns_on_it(qtbot):
    runner = JobRunner()
    gui = threading.get_ident()
    seen = {}

    def job(j):
        seen["thread"] = threading.get_ident()
        j.progress(0.5, "half")
        return 42

    with qtbot.waitSignal(runner.finished, timeout=5000) as sig:
        runner.submit(job, tag="answer")
    assert sig.args == ["answer", 42]
    assert seen["thread"] != gui
    assert not runner.busy
    assert runner.shutdown()


def test_latest_pending_job_wins(qtbot):
    runner = JobRunner()
    gate = threading.Event()
    results = []
    runner.finished.connect(lambda tag, r: results.append(tag))
    runner.submit(lambda j: gate.wait(5), tag="first")
    time.sleep(0.05)  # let it start
    for k in range(5):
        runner.submit(lambda j: None, tag=f"pending{k}")
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert results == ["first", "pending4"]
    runner.shutdown()


def test_cancel_stops_a_long_job_and_errors_are_reported(qtbot):
    runner = JobRunner()

    def long_job(j):
        while True:
            j.check()
            time.sleep(0.001)

    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.submit(long_job, tag="long")
        time.sleep(0.05)
        runner.cancel()
    with qtbot.waitSignal(runner.failed, timeout=5000) as sig:
        runner.submit(lambda j: 1 / 0, tag="bad")
    assert sig.args[0] == "bad" and "ZeroDivisionError" in sig.args[1]
    assert runner.shutdown()


def test_shutdown_while_running_finishes_the_thread(qtbot):
    runner = JobRunner()

    def long_job(j):
        while not j.cancelled:
            time.sleep(0.001)

    runner.submit(long_job)
    time.sleep(0.05)
    assert runner.shutdown(5000)
    assert not runner._thread.isRunning()


def test_cancel_running_never_cancels_the_new_job(qtbot):
    runner = JobRunner()
    results = []
    runner.finished.connect(lambda tag, r: results.append(tag))
    for k in range(30):  # the worker often picks the new job up before submit returns
        runner.submit(lambda j: j.cancelled or "ran", tag=k, cancel_running=True)
        qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert results == list(range(30))
    runner.shutdown()
