"""Autosave and recovery (nnviz.ui.autosave): written atomically off the GUI thread, on a
rebuild and on a timer; a clean quit removes it; a crash's file is offered, restored or
discarded; an unreadable one is set aside with a message; one window owns the folder."""
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from nnviz.engine.io import load_session
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.ui import autosave
from nnviz.ui.autosave import OFFERED_NAME, RECOVERY_NAME, Autosaver, install_autosave
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings

TIMEOUT = 20000
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = SessionConfig(
    DataSpec(name="moons", params=(("m", 120), ("noise", 0.2), ("seed", 3))),
    NetworkSpec(hidden_units=(3,), activations=("tanh",), init="xavier", seed=4),
    Hyperparameters(optimizer="gd", learning_rate=0.5))


@pytest.fixture
def make_window(qtbot, isolated_settings):
    windows = []

    def make(folder, config=CONFIG, **kwargs):
        w = MainWindow(config=config, settings=open_settings(isolated_settings),
                       panels=[panel_spec("builder")], restore_layout=False)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
        saver = Autosaver(w, folder, **kwargs)
        w.autosaver = saver
        windows.append(w)
        return w, saver

    yield make
    for w in windows:
        w.close()


def train_to(qtbot, window, iterations):
    c = window.controller
    c.step(iterations - c.latest.iteration)
    qtbot.waitUntil(lambda: c.latest.iteration >= iterations and c.latest.state != "running",
                    timeout=TIMEOUT)


def test_the_session_is_written_off_the_gui_thread_and_atomically(qtbot, make_window,
                                                                  tmp_path, monkeypatch):
    from nnviz.engine.io import session as session_io

    threads, seen_during_write = [], []
    real_atomic_write = session_io.atomic_write
    window, saver = make_window(tmp_path)

    def recording_atomic_write(path, write):
        threads.append(threading.current_thread() is threading.main_thread())
        # While the new copy is written, the recovery file is the previous whole session.
        seen_during_write.append(saver.path.exists() and load_session(saver.path).theta.size)
        return real_atomic_write(path, write)

    monkeypatch.setattr(session_io, "atomic_write", recording_atomic_write)
    train_to(qtbot, window, 20)
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT) as first:
        assert saver.save_now()
    path, iteration = first.args
    assert path == tmp_path / RECOVERY_NAME and iteration == 20
    saved = load_session(path)
    assert saved.settings["iterations"] == 20
    np.testing.assert_array_equal(saved.theta, window.controller.latest.theta)

    train_to(qtbot, window, 40)
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT):
        saver.save_now()
    assert load_session(path).settings["iterations"] == 40
    assert threads == [False, False]  # written on the job thread, never the GUI's
    assert seen_during_write[0] is False and seen_during_write[1] > 0
    # Only the recovery file is left: no staging or temporary file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recovery.lock", RECOVERY_NAME]


def test_a_rebuild_is_saved_by_itself(qtbot, make_window, tmp_path):
    window, saver = make_window(tmp_path, rebuild_delay_ms=50)
    assert not saver.save_now()  # the start-up session: nothing to keep yet
    assert not (tmp_path / RECOVERY_NAME).exists()
    config = window.controller.requested_config
    network = config.network.__class__(**{**config.network.__dict__, "hidden_units": (7,)})
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT):
        window.controller.apply_config(config.__class__(config.data, network, config.hyper))
    saved = load_session(tmp_path / RECOVERY_NAME)
    assert saved.network["layer_dims"] == [2, 7, 1]


def test_a_drawn_point_and_the_timer_save_the_session(qtbot, make_window, tmp_path):
    window, saver = make_window(tmp_path, interval_ms=100, rebuild_delay_ms=10_000)
    window.controller.add_point(0.25, -0.5, 1)
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT):
        pass  # the minute's timer (here 0.1 s) finds the session changed
    saved = load_session(tmp_path / RECOVERY_NAME)
    assert saved.settings["data"]["added_points"] == [[0.25, -0.5, 1]]


def test_a_clean_quit_removes_the_recovery_file(qtbot, make_window, tmp_path):
    window, saver = make_window(tmp_path)
    train_to(qtbot, window, 5)
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT):
        saver.save_now()
    assert (tmp_path / RECOVERY_NAME).exists()
    window.close()
    assert not (tmp_path / RECOVERY_NAME).exists()
    assert not saver.save_now()  # and nothing is written after it


def crashed_session(qtbot, make_window, folder):
    """A window that autosaved at iteration 30 with a drawn point, then 'crashed': the
    recovery file is left as it was (the subprocess test kills a real process)."""
    window, saver = make_window(folder)
    window.controller.add_point(0.5, 0.5, 0)
    train_to(qtbot, window, 30)
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT):
        saver.save_now()
    theta = window.controller.latest.theta.copy()
    path = folder / RECOVERY_NAME
    content, saved_at = path.read_bytes(), path.stat().st_mtime
    window.close()
    path.write_bytes(content)  # what the clean quit removed, a crash would have left
    os.utime(path, (saved_at, saved_at))
    return theta


def test_after_a_crash_the_session_is_offered_and_restored(qtbot, make_window, tmp_path):
    theta = crashed_session(qtbot, make_window, tmp_path)
    window, saver = make_window(tmp_path)
    qtbot.waitUntil(lambda: saver.offer is not None, timeout=TIMEOUT)
    assert saver.offer.isVisible()
    text = saver.offer.text.text()
    assert "iteration 30" in text and "1 point drawn" in text and "today" in text
    assert window.controller.latest.iteration == 0  # usable at once, nothing swapped yet
    saver.offer.restore_button.click()
    qtbot.waitUntil(lambda: window.controller.latest.iteration == 30, timeout=TIMEOUT)
    latest = window.controller.latest
    np.testing.assert_array_equal(latest.theta, theta)
    assert latest.config.data.added_points == ((0.5, 0.5, 0),)
    assert saver.offer is None and not (tmp_path / OFFERED_NAME).exists()
    window.close()
    assert not any(p.suffix == ".nnviz" for p in tmp_path.iterdir())


def test_discarding_the_offer_deletes_the_copy(qtbot, make_window, tmp_path):
    crashed_session(qtbot, make_window, tmp_path)
    window, saver = make_window(tmp_path)
    qtbot.waitUntil(lambda: saver.offer is not None, timeout=TIMEOUT)
    saver.offer.discard_button.click()
    assert saver.offer is None and not (tmp_path / OFFERED_NAME).exists()
    assert window.controller.latest.iteration == 0


def test_a_corrupt_recovery_file_is_set_aside_with_a_message(qtbot, make_window, tmp_path):
    (tmp_path / RECOVERY_NAME).write_bytes(b"PK\x03\x04 this is not a whole session")
    window, saver = make_window(tmp_path)
    with qtbot.waitSignal(saver.set_aside, timeout=TIMEOUT) as aside:
        pass
    target, message = aside.args
    assert target.name.startswith("recovery-unreadable-") and target.exists()
    assert target.read_bytes().startswith(b"PK\x03\x04 this is not")
    assert not (tmp_path / RECOVERY_NAME).exists() and not (tmp_path / OFFERED_NAME).exists()
    assert window.banner.active and window.banner.message == message
    assert "cannot be opened" in message and str(target) in message
    assert "Why: it is not a valid zip archive" in message
    assert "Traceback" not in message and "Error" not in message
    assert saver.offer is None


def test_a_second_window_neither_saves_nor_offers_the_first_ones_file(qtbot, make_window,
                                                                      tmp_path):
    first, first_saver = make_window(tmp_path)
    train_to(qtbot, first, 5)
    with qtbot.waitSignal(first_saver.saved, timeout=TIMEOUT):
        first_saver.save_now()
    second, second_saver = make_window(tmp_path)
    assert first_saver.active and not second_saver.active
    train_to(qtbot, second, 5)
    assert not second_saver.save_now()
    qtbot.wait(200)
    assert second_saver.offer is None and (tmp_path / RECOVERY_NAME).exists()


def test_install_autosave_once_per_window_in_the_state_folder(qtbot, isolated_settings,
                                                              tmp_path, monkeypatch):
    monkeypatch.setenv(autosave.STATE_DIR_ENV, str(tmp_path / "state"))
    w = MainWindow(config=CONFIG, settings=open_settings(isolated_settings),
                   panels=[panel_spec("builder")], restore_layout=False)
    qtbot.addWidget(w)
    saver = install_autosave(w)
    assert install_autosave(w) is saver
    assert saver.folder == tmp_path / "state" / "recovery" and saver.active
    assert os.path.isdir(saver.folder)
    w.close()
    # Without it, a settings file of its own (tests, throw-away profiles) keeps its recovery
    # file beside it, never in the user's state folder.
    monkeypatch.delenv(autosave.STATE_DIR_ENV)
    assert autosave.default_folder() == isolated_settings.parent / "recovery"


# -- the real thing: a process killed mid-session, and the next one -----------------------

KILLED_RUN = textwrap.dedent("""
    from PySide6.QtCore import QTimer
    from nnviz.ui.app import run_app
    from nnviz.ui.autosave import install_autosave

    def on_window(window):
        saver = install_autosave(window)
        c = window.controller
        drawn = []

        def trained():
            if c.latest is None or c.latest.iteration < 120:
                return QTimer.singleShot(20, trained)
            c.pause()
            c.add_point(0.3, -0.7, 1)  # the data edit saves the session shortly after
            drawn.append(True)

        def on_saved(path, iteration):
            points = c.config.data.added_points
            if drawn and points:
                print(f"SAVED iteration={iteration} points={len(points)}", flush=True)

        saver.saved.connect(on_saved)
        c.play()
        QTimer.singleShot(20, trained)

    run_app([], on_window=on_window)
""")

RESTARTED_RUN = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from nnviz.ui.app import run_app
    from nnviz.ui.autosave import install_autosave

    def on_window(window):
        saver = install_autosave(window)
        c = window.controller
        restored = []

        def on_offered(text):
            print("OFFERED", text, flush=True)
            saver.offer.restore_button.click()

        def on_snapshot(snapshot):
            if restored and snapshot.iteration == restored[0]:
                print(f"RESTORED iteration={snapshot.iteration} "
                      f"points={len(snapshot.config.data.added_points)}", flush=True)
                QTimer.singleShot(0, window.close)

        saver.offered.connect(on_offered)
        saver.restored.connect(restored.append)
        c.snapshot.connect(on_snapshot)
        QTimer.singleShot(120_000, window.close)  # never hang

    sys.exit(run_app([], on_window=on_window))
""")


def app_env(tmp_path):
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen",
            "NNVIZ_SETTINGS": str(tmp_path / "settings.ini"),
            autosave.STATE_DIR_ENV: str(tmp_path / "state"),
            "XDG_STATE_HOME": str(tmp_path / "xdg-state"),  # the crash log too
            "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}


def read_line_starting(process, prefix: str, timeout: float) -> str:
    """The first line of ``process``' output starting with ``prefix`` (read on a thread, so
    a process that never says it cannot hang the test)."""
    found = queue.Queue()

    def read():
        for line in process.stdout:
            if line.startswith(prefix):
                found.put(line.strip())
                return
        found.put("")

    threading.Thread(target=read, daemon=True).start()
    try:
        return found.get(timeout=timeout)
    except queue.Empty:
        return ""


def test_a_killed_app_offers_its_session_at_the_next_start(tmp_path):
    env = app_env(tmp_path)
    first = subprocess.Popen([sys.executable, "-c", KILLED_RUN], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        saved = read_line_starting(first, "SAVED", timeout=180)
    finally:
        first.send_signal(signal.SIGKILL)  # no clean quit: as a crash or a closed laptop
        first.wait(30)
    assert saved, first.stderr.read()
    recovery = tmp_path / "state" / "recovery" / RECOVERY_NAME
    assert recovery.exists()
    iteration = int(saved.split("iteration=")[1].split()[0])
    assert iteration >= 120 and saved.endswith("points=1")

    second = subprocess.run([sys.executable, "-c", RESTARTED_RUN], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=240)
    assert second.returncode == 0, second.stderr
    offered = [line for line in second.stdout.splitlines() if line.startswith("OFFERED")]
    assert offered and f"iteration {iteration:,}" in offered[0] and "1 point drawn" in offered[0]
    assert f"RESTORED iteration={iteration} points=1" in second.stdout, second.stdout
    # The clean quit took the recovery copy away: the start after it offers nothing.
    assert not any(p.suffix == ".nnviz" for p in recovery.parent.iterdir())
