"""The app as a process: it starts, trains, closes at any moment and exits 0 without Qt
warnings."""
import os
import subprocess
import sys
import textwrap

from tests.qt_hygiene import OFFSCREEN_PLATFORM_NOISE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(args, tmp_path, timeout=120):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "NNVIZ_SETTINGS": str(tmp_path / "settings.ini")}
    out = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=timeout)
    noise = [line for line in out.stderr.splitlines()
             if line.strip() and line.strip() not in OFFSCREEN_PLATFORM_NOISE]
    return out, noise


def test_screenshot_trains_saves_a_png_and_exits_cleanly(tmp_path):
    png = tmp_path / "window.png"
    out, noise = run(["-m", "nnviz", "--screenshot", str(png), "--steps", "200"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert noise == []
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_screenshot_of_one_panel_and_a_bad_panel_name(tmp_path):
    png = tmp_path / "gradient_check.png"
    # The title as the View menu shows it, in any case.
    out, noise = run(["-m", "nnviz", "--screenshot", str(png), "--panel", "gradient check"],
                     tmp_path)
    assert out.returncode == 0 and noise == [] and png.exists()
    out, noise = run(["-m", "nnviz", "--screenshot", str(tmp_path / "x.png"), "--panel",
                      "nope"], tmp_path)
    assert out.returncode == 2 and "no panel 'nope'" in out.stderr
    assert "Gradient check" in out.stderr and not (tmp_path / "x.png").exists()


CLOSE_WHILE_TRAINING = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from nnviz.ui.app import create_application
    app = create_application([])
    from nnviz.ui.main_window import MainWindow
    window = MainWindow()
    window.show()
    c = window.controller
    def check():
        if c.latest is not None and c.latest.state == "running" and c.latest.iteration > 50:
            print("closing at iteration", c.latest.iteration, flush=True)
            window.close()
        else:
            QTimer.singleShot(20, check)
    QTimer.singleShot(0, c.play)
    QTimer.singleShot(20, check)
    code = app.exec()
    print("thread finished:", c.thread.isFinished(), flush=True)
    sys.exit(code)
""")


def test_closing_the_window_while_training_exits_0_without_warnings(tmp_path):
    out, noise = run(["-c", CLOSE_WHILE_TRAINING], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "closing at iteration" in out.stdout and "thread finished: True" in out.stdout
    assert noise == [], noise
