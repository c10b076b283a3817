"""The start page (nnviz.ui.start_page): its three ways in do what they say, it lists the
recent sessions and data files with their dates, and it shows itself once per user (only when
the app starts it: a window built directly never shows it)."""
import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from nnviz.experiments import EXPERIMENTS
from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig, course_default
from nnviz.training.progress import ProgressStore
from nnviz.ui import start_page
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.settings import open_settings
from nnviz.ui.start_page import (SEEN_KEY, StartPage, add_start_page_action,
                                 maybe_show_start_page, show_start_page)

TIMEOUT = 20000
OTHER = SessionConfig(DataSpec(name="moons"), NetworkSpec(hidden_units=(3,)))


@pytest.fixture(autouse=True)
def progress(tmp_path, monkeypatch):
    """The learner's progress in a folder of the test's own."""
    folder = tmp_path / "progress"
    folder.mkdir()
    monkeypatch.setattr(start_page, "progress_folder", lambda: str(folder))
    return ProgressStore.shared(folder)


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(config=OTHER, settings=open_settings(isolated_settings),
                   panels=[panel_spec("builder")], restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    yield w
    w.close()


def test_a_window_built_directly_shows_no_start_page(window):
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, StartPage) and w.isVisible()]


def test_watch_a_network_learn_trains_the_course_flower(qtbot, window):
    window.show_workspace("gradients")
    page = show_start_page(window)
    page.watch_button.click()
    c = window.controller
    qtbot.waitUntil(lambda: c.latest.config == course_default() and c.latest.iteration > 0,
                    timeout=TIMEOUT)
    assert c.latest.data.name == "flower" and c.latest.layer_dims == (2, 4, 1)
    assert window.workspaces.current_key == "train" and not page.isVisible()
    c.pause()


def test_watch_again_starts_the_flower_from_its_first_iteration(qtbot, window, monkeypatch):
    c = window.controller
    c.apply_config(course_default())
    qtbot.waitUntil(lambda: c.latest.config == course_default(), timeout=TIMEOUT)
    c.step(30)
    qtbot.waitUntil(lambda: c.latest.iteration == 30, timeout=TIMEOUT)
    calls = []
    monkeypatch.setattr(c, "reset", lambda: calls.append("reset"))
    monkeypatch.setattr(c, "apply_config", lambda config: calls.append("apply"))
    monkeypatch.setattr(c, "play", lambda: calls.append("play"))
    show_start_page(window).watch_button.click()
    assert calls == ["reset", "play"]  # the same network, from its seed, training


def test_start_the_lessons_switches_to_the_lessons_workspace(window):
    page = show_start_page(window)
    page.lessons_button.click()
    assert window.workspaces.current_key == "lessons" and not page.isVisible()


def test_the_lessons_way_shows_the_learners_progress(window, progress):
    assert "start with lesson 1" in StartPage(window).lessons_button.description()
    first = next(iter(EXPERIMENTS))
    progress.mark_lesson_done(first)
    text = StartPage(window).lessons_button.description()
    assert f"Your progress: 1 of {len(EXPERIMENTS)} lessons done, 0 of" in text


def test_open_your_own_data_asks_for_a_csv_file(window, monkeypatch):
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, title, folder, filters: asked.append((title, filters))
                        or ("", ""))
    page = show_start_page(window)
    page.data_button.click()
    assert len(asked) == 1 and asked[0][0] == "Open data" and "*.csv" in asked[0][1]
    assert not page.isVisible()


def test_recent_sessions_and_data_are_listed_with_dates_and_open(window, tmp_path,
                                                                monkeypatch):
    session, data, weights = (tmp_path / "flower.nnviz", tmp_path / "points.csv",
                              tmp_path / "w.npz")
    for path in (session, data, weights):
        path.write_text("x")
    recent = window.file_actions.recent
    recent.add(session, "session")
    recent.add(data, "data")
    recent.add(weights, "weights")
    gone = tmp_path / "gone.csv"
    gone.write_text("x")
    recent.add(gone, "data")
    gone.unlink()
    page = StartPage(window)
    rows = [page.recent_list.item(i).text() for i in range(page.recent_list.count())]
    assert rows == ["points.csv  —  data, " + recent.entries("data")[0].when(),
                    "flower.nnviz  —  session, " + recent.entries("session")[0].when()]
    assert all("today" in row for row in rows)  # weights are not on the start page
    opened = []
    monkeypatch.setattr(window, "open_data_file", lambda path: opened.append(path) or True)
    page.show()
    page.recent_list.itemActivated.emit(page.recent_list.item(0))
    assert opened == [str(data)] and not page.isVisible()


def test_the_page_shows_itself_once_per_user(qtbot, window):
    assert str(window.settings.value(SEEN_KEY, "false")) == "false"
    page = maybe_show_start_page(window)
    assert page is not None and page.isVisible() and not page.isModal()
    page.close()
    assert maybe_show_start_page(window) is None  # the second start
    page.at_start.setChecked(True)  # "show this page every time"
    assert maybe_show_start_page(window) is page and page.isVisible()
    page.close()


def test_help_start_page(window):
    add_start_page_action(window, window.help_menu)
    assert window.help_menu.actions()[0] is window.start_page_action
    window.start_page_action.trigger()
    assert window.start_page.isVisible()
    window.start_page.close()
