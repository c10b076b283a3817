"""Recent files (nnviz.ui.recent_files): sessions, data and weights recorded when opened or
saved, newest first, kept in the settings, pruned of files that are gone, in File > Open
recent, each opened as its kind says."""
import pytest

from nnviz.training.config import DataSpec, NetworkSpec, SessionConfig
from nnviz.ui.main_window import MainWindow
from nnviz.ui.panels import panel_spec
from nnviz.ui.recent_files import RecentFiles, add_recent_menu, describe_time
from nnviz.ui.settings import open_settings

TIMEOUT = 20000
CONFIG = SessionConfig(DataSpec(name="moons", params=(("m", 120),)),
                       NetworkSpec(hidden_units=(3,)))


def touch(path):
    path.write_text("x")
    return path


def test_newest_first_once_each_kept_by_kind_and_in_the_settings(isolated_settings, tmp_path):
    recent = RecentFiles(open_settings(isolated_settings), per_kind=3)
    a, b = touch(tmp_path / "a.nnviz"), touch(tmp_path / "b.nnviz")
    recent.add(a, "session")
    recent.add(b, "session")
    recent.add(a, "session")  # again: moves to the top, once
    recent.add(touch(tmp_path / "d.csv"), "data")
    assert [e.name for e in recent.entries("session")] == ["a.nnviz", "b.nnviz"]
    for i in range(5):
        recent.add(touch(tmp_path / f"w{i}.npz"), "weights")
    assert [e.name for e in recent.entries("weights")] == ["w4.npz", "w3.npz", "w2.npz"]
    # A new start reads the same list.
    again = RecentFiles(open_settings(isolated_settings))
    assert [(e.name, e.kind) for e in again.entries()][:2] == [("w4.npz", "weights"),
                                                            ("w3.npz", "weights")]
    assert {e.kind for e in again.entries()} == {"session", "data", "weights"}
    with pytest.raises(ValueError):
        recent.add(a, "figure")


def test_prune_drops_the_files_that_are_gone(isolated_settings, tmp_path):
    recent = RecentFiles(open_settings(isolated_settings))
    kept, gone = touch(tmp_path / "kept.csv"), touch(tmp_path / "gone.csv")
    recent.add(kept, "data")
    recent.add(gone, "data")
    gone.unlink()
    assert [e.name for e in recent.prune()] == ["gone.csv"]
    assert [e.name for e in recent.entries()] == ["kept.csv"]


def test_a_damaged_list_in_the_settings_is_ignored(isolated_settings):
    settings = open_settings(isolated_settings)
    settings.setValue("recent/files", "{not json")
    assert RecentFiles(settings).entries() == []
    settings.setValue("recent/files", '[{"path": "/x"}, 3, {"path": "/y", "kind": "data", '
                                      '"time": 1.0}]')
    assert [e.path for e in RecentFiles(settings).entries()] == ["/y"]


def test_dates_read_as_today_yesterday_or_a_date():
    now = 1_700_000_000.0  # 14 Nov 2023
    assert describe_time(now - 60, now).startswith("today ")
    assert describe_time(now - 86400, now).startswith("yesterday ")
    assert "2023" in describe_time(now - 10 * 86400, now)


@pytest.fixture
def window(qtbot, isolated_settings):
    w = MainWindow(config=CONFIG, settings=open_settings(isolated_settings),
                   panels=[panel_spec("builder")], restore_layout=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.controller.latest is not None, timeout=TIMEOUT)
    if getattr(w, "recent_menu", None) is None:  # until File > Open recent is in menus.py
        add_recent_menu(w, w.menuBar().actions()[0].menu())
    yield w
    w.close()


def menu_entries(window):
    window.recent_menu.aboutToShow.emit()  # as when the user opens it
    return [a.text() for a in window.recent_menu.actions()
            if not a.isSeparator() and a.isEnabled()]


def finished(qtbot, window, kind, trigger):
    with qtbot.waitSignal(window.file_actions.finished, timeout=TIMEOUT,
                          check_params_cb=lambda k, _r: k == kind):
        trigger()


def test_saved_and_opened_files_are_recorded_and_a_deleted_one_leaves_the_menu(
        qtbot, window, tmp_path):
    actions = window.file_actions
    window.controller.step(5)
    qtbot.waitUntil(lambda: window.controller.latest.iteration == 5, timeout=TIMEOUT)
    finished(qtbot, window, "save", lambda: actions.save_session_to(tmp_path / "run.nnviz"))
    finished(qtbot, window, "weights",
             lambda: actions.export_weights_to(tmp_path / "net.npz"))
    finished(qtbot, window, "load", lambda: actions.load_session_from(tmp_path / "run.nnviz"))
    data = tmp_path / "points.csv"
    data.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(40)))
    window.use_csv(str(data), label_column=2, has_header=True)
    qtbot.waitUntil(lambda: window.controller.latest.data.name == "csv", timeout=TIMEOUT)
    recent = actions.recent
    assert [(e.name, e.kind) for e in recent.entries()] == [
        ("points.csv", "data"), ("run.nnviz", "session"), ("net.npz", "weights")]
    assert menu_entries(window) == ["run.nnviz", "points.csv", "net.npz",
                                    "Clear recent files"]
    tips = {a.text(): a.toolTip() for a in window.recent_menu.actions()}
    assert str(data) in tips["points.csv"] and "today" in tips["points.csv"]

    data.unlink()
    assert menu_entries(window) == ["run.nnviz", "net.npz", "Clear recent files"]
    assert [e.name for e in recent.entries()] == ["run.nnviz", "net.npz"]


def test_a_reopened_sessions_embedded_csv_is_not_a_recent_data_file(qtbot, window, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(40)))
    window.use_csv(str(data), label_column=2, has_header=True)
    qtbot.waitUntil(lambda: window.controller.latest.data.name == "csv", timeout=TIMEOUT)
    actions = window.file_actions
    finished(qtbot, window, "save", lambda: actions.save_session_to(tmp_path / "csv.nnviz"))
    actions.recent.clear()
    finished(qtbot, window, "load", lambda: actions.load_session_from(tmp_path / "csv.nnviz"))
    # The session reads its own copy of the CSV file, from a temporary folder.
    qtbot.waitUntil(lambda: window.controller.config.data.csv_path != str(data),
                    timeout=TIMEOUT)
    qtbot.wait(50)
    assert [(e.name, e.kind) for e in actions.recent.entries()] == [("csv.nnviz", "session")]


def test_choosing_an_entry_opens_it_as_its_kind(qtbot, window, tmp_path, monkeypatch):
    calls = []
    actions = window.file_actions
    monkeypatch.setattr(actions, "load_session_from", lambda p: calls.append(("load", p)))
    monkeypatch.setattr(actions, "import_weights_from", lambda p: calls.append(("import", p)))
    monkeypatch.setattr(window, "open_data_file", lambda p: calls.append(("data", p)))
    paths = {kind: touch(tmp_path / name) for kind, name in
             (("session", "s.nnviz"), ("data", "d.csv"), ("weights", "w.json"))}
    for kind, path in paths.items():
        actions.recent.add(path, kind)
    menu_entries(window)
    by_name = {a.text(): a for a in window.recent_menu.actions()}
    for name in ("s.nnviz", "d.csv", "w.json"):
        by_name[name].trigger()
    assert calls == [("load", str(paths["session"])), ("data", str(paths["data"])),
                     ("import", str(paths["weights"]))]


def test_a_file_gone_since_the_menu_was_shown_says_so(qtbot, window, tmp_path):
    path = touch(tmp_path / "old.nnviz")
    window.file_actions.recent.add(path, "session")
    menu_entries(window)
    path.unlink()
    next(a for a in window.recent_menu.actions() if a.text() == "old.nnviz").trigger()
    assert window.banner.active and "old.nnviz is no longer in" in window.banner.message
    assert window.file_actions.recent.entries() == []
