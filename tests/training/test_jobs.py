import gc
import threading
import time

from nnviz.training import gui_gc
from nnviz.training.jobs import (JobRunner, cancel_all_jobs, running_job_threads,
                                 wait_for_job_threads)


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


def test_garbage_is_collected_on_the_gui_thread_while_a_job_runs(qtbot):
    # Automatic collection in a job thread would free Qt objects of the GUI thread there
    # (the experiments close test's rare segfault); it must only ever run on the GUI thread.
    gui = threading.get_ident()
    collecting_threads = []

    def on_gc(phase, info):
        if phase == "start":
            collecting_threads.append(threading.get_ident())

    gc.callbacks.append(on_gc)
    try:
        runner = JobRunner()

        def churn(job):
            for _ in range(100_000):  # cyclic garbage: crosses the first threshold often
                cycle = []
                cycle.append(cycle)
            return "done"

        with qtbot.waitSignal(runner.finished, timeout=20000):
            runner.submit(churn)
        qtbot.wait(3 * gui_gc.COLLECT_INTERVAL_MS)
        assert runner.shutdown()
    finally:
        gc.callbacks.remove(on_gc)
    assert collecting_threads, "the GUI thread's timer never collected"
    assert set(collecting_threads) == {gui}
    if gui_gc.holding() == 0:  # the last thread has finished: Python collects as before
        assert gc.isenabled()


def test_engine_cancellation_counts_as_a_cancelled_job(qtbot):
    from nnviz.engine.gradient_check import CheckCancelled

    runner = JobRunner()

    def job(j):
        j.cancel_event.set()  # what JobRunner.cancel() sets; the engine polls it
        raise CheckCancelled(3, 10)

    with qtbot.waitSignal(runner.cancelled, timeout=5000) as sig:
        runner.submit(job, tag="check")
    assert sig.args == ["check"]
    assert runner.shutdown()


def test_a_job_that_cannot_stop_in_time_never_has_its_thread_destroyed(qtbot):
    runner = JobRunner("nnviz-stuck")
    started, release = threading.Event(), threading.Event()

    def ignores_cancel(job):
        started.set()
        release.wait(10)

    runner.submit(ignores_cancel)
    assert started.wait(5)
    t0 = time.monotonic()
    assert not runner.shutdown(timeout_ms=200)  # bounded: the caller is not held up
    assert time.monotonic() - t0 < 1.0
    assert "nnviz-stuck" in running_job_threads()
    # The runner goes away while its job still runs (a panel deleted on close): Qt would
    # abort the process if the running QThread were destroyed with it.
    runner.deleteLater()
    del runner
    qtbot.wait(20)
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: not running_job_threads(), timeout=5000)
    assert wait_for_job_threads(1.0)


def test_cancel_all_jobs_reaches_every_runner(qtbot):
    runners = [JobRunner(f"nnviz-all-{k}") for k in range(3)]
    started = [threading.Event() for _ in runners]

    def polls(event):
        def job(j):
            event.set()
            while not j.cancelled:
                time.sleep(0.001)
        return job

    for runner, event in zip(runners, started):
        runner.submit(polls(event))
    assert all(e.wait(5) for e in started)
    cancel_all_jobs()
    for runner in runners:
        t0 = time.monotonic()
        assert runner.shutdown(timeout_ms=2000)
        assert time.monotonic() - t0 < 0.5
