"""The message banner and the bouncing-cost hint on it: one line that never moves the layout,
shown, updated and taken down with its cause, never over a divergence warning, and closed
for good by the learner."""
from types import SimpleNamespace

from nnviz.analysis.divergence_text import divergence_message
from nnviz.ui.widgets.cost_hint import CostHint
from nnviz.ui.widgets.status import MessageBanner

BOUNCING = "The cost is bouncing: the learning rate α = 30 is too large; try 3."
CONFIG_A, CONFIG_B = object(), object()


def make(qtbot, width=900):
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.resize(width, banner.sizeHint().height())
    banner.show()
    return banner, CostHint(banner)


def snapshot(hint="", generation=0, config=CONFIG_A):
    return SimpleNamespace(cost_hint=hint, generation=generation, config=config)


def test_the_banner_is_one_fixed_line_whatever_the_message(qtbot):
    banner, _ = make(qtbot, width=500)
    long = divergence_message(43, 10.0, 8.2e305, 30, normalized=False,
                              input_std=(1.06, 1110.0))
    heights = []
    for text in ("Short.", long, long + "\n\nAnd a second paragraph."):
        banner.show_message(text, "warning")
        qtbot.wait(10)
        heights.append((banner.height(), banner.sizeHint().height()))
    assert heights == [(MessageBanner.HEIGHT, MessageBanner.HEIGHT)] * 3
    # The line leads with the first sentence (the fix), cut with "…" when narrow; the
    # whole message is in the tooltip and behind "More…".
    assert banner.text.text() == MessageBanner.headline(long)
    assert banner.text.text().startswith("Diverged at iteration 43: normalize the inputs")
    assert banner.text.is_elided() and banner.text.shown_text().endswith("…")
    assert "8.2e+305" in banner.toolTip() and banner.details.isVisibleTo(banner)
    banner.details.click()
    assert banner.popup.isVisible() and banner.popup.label.text() == long + \
        "\n\nAnd a second paragraph."
    assert banner.height() == MessageBanner.HEIGHT
    banner.popup.hide()
    assert not banner.details.isChecked()
    banner.show_message("Short.", "warning")
    assert not banner.details.isVisibleTo(banner)  # all of it is on the line


def test_shown_and_dismissed_are_emitted(qtbot):
    banner, _ = make(qtbot)
    with qtbot.waitSignal(banner.shown, timeout=1000):
        banner.show_message("Something happened. Details.", "error")
    with qtbot.waitSignal(banner.dismissed, timeout=1000):
        banner.close_button.click()
    assert not banner.active


def test_hint_comes_and_goes_with_the_snapshots(qtbot):
    banner, hint = make(qtbot)
    hint.on_snapshot(snapshot(""))
    assert not banner.active
    hint.on_snapshot(snapshot(BOUNCING))
    assert banner.active and banner.level == "hint" and hint.shown
    assert banner.text.text() == BOUNCING  # one sentence: shown whole, on one line
    rising = BOUNCING.replace("bouncing", "rising")
    hint.on_snapshot(snapshot(rising))
    assert banner.text.text() == rising
    hint.on_snapshot(snapshot(""))  # the cost settled
    assert not banner.active
    hint.on_snapshot(snapshot(BOUNCING))
    hint.on_snapshot(snapshot("", generation=1))  # a rebuild: the detector restarted
    assert not banner.active


def test_hint_never_covers_a_warning_and_a_warning_replaces_it(qtbot):
    banner, hint = make(qtbot)
    hint.show(BOUNCING)
    banner.show_message("Diverged at iteration 58: lower the learning rate. ...", "warning")
    hint.show(BOUNCING)
    hint.show("")
    assert banner.active and banner.level == "warning"
    assert "Diverged" in banner.text.text()


def test_a_closed_hint_stays_closed_through_a_rebuild_until_it_changes(qtbot):
    banner, hint = make(qtbot)
    hint.on_snapshot(snapshot(BOUNCING))
    banner.close_button.click()
    assert not banner.active
    hint.on_snapshot(snapshot(BOUNCING))
    assert not banner.active
    hint.on_snapshot(snapshot("", generation=1))  # rebuilt with the same α ...
    hint.on_snapshot(snapshot(BOUNCING, generation=1))  # ... bounces again: already known
    assert not banner.active
    other = BOUNCING.replace("α = 30", "α = 20").replace("try 3", "try 2")
    hint.on_snapshot(snapshot(other, generation=1))  # another α: worth saying
    assert banner.active and hint.shown and banner.text.text() == other


def test_an_error_goes_when_a_later_action_succeeds(qtbot):
    banner, hint = make(qtbot)
    hint.on_snapshot(snapshot())
    banner.show_message("bad.npz cannot be imported: it is not a weights file. The current "
                        "session is unchanged.", "error", cause="import")
    # Training goes on in the same run: the error stays.
    for _ in range(3):
        hint.on_snapshot(snapshot())
    assert banner.active and banner.level == "error"
    # New settings applied (a new config object) or a reset (a new generation): it goes.
    hint.on_snapshot(snapshot(config=CONFIG_B))
    assert not banner.active
    banner.show_message("bad.npz cannot be imported. ...", "error", cause="import")
    hint.on_snapshot(snapshot(generation=1, config=CONFIG_B))
    assert not banner.active
    # An action with no new snapshot (an export) reports its success to the banner.
    banner.show_message("Exporting failed: the folder is read-only.", "error", cause="export")
    assert banner.action_succeeded("weights") and not banner.active
    banner.show_message("Diverged at iteration 43: lower the learning rate.", "warning",
                        cause="diverged")
    assert not banner.action_succeeded("export") and banner.active  # not about exports
    assert banner.clear("diverged") and not banner.active


def test_the_window_shows_the_worker_s_hint_and_drops_it_on_new_settings(qtbot,
                                                                          isolated_settings):
    import dataclasses

    from nnviz.training.config import course_default
    from nnviz.ui.main_window import MainWindow
    from nnviz.ui.panels import panel_spec
    from nnviz.ui.settings import open_settings

    config = course_default()
    config = dataclasses.replace(config, hyper=dataclasses.replace(config.hyper,
                                                                   learning_rate=30.0))
    window = MainWindow(config=config, settings=open_settings(isolated_settings),
                        panels=[panel_spec("training")])
    qtbot.addWidget(window)
    window.show()
    c = window.controller
    qtbot.waitUntil(lambda: c.latest is not None, timeout=20000)
    c.step(300)
    qtbot.waitUntil(lambda: window.cost_hint.shown, timeout=20000)
    assert "α = 30" in window.banner.text.text() and window.banner.isVisible()
    assert window.banner.height() == MessageBanner.HEIGHT
    c.set_hyperparameters(dataclasses.replace(config.hyper, learning_rate=1.2))
    qtbot.waitUntil(lambda: not window.banner.active, timeout=20000)
    window.close()


def test_more_opens_the_whole_message_over_the_window_and_a_click_elsewhere_closes_it(qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(700, 400)
    below = QLabel("a panel under the banner")
    layout = QVBoxLayout(window)
    layout.addStretch(1)
    layout.addWidget(below)
    banner = MessageBanner(window)  # an overlay, as the main window places it
    banner.setGeometry(0, 0, 700, MessageBanner.HEIGHT)
    window.show()
    qtbot.waitExposed(window)
    before = below.geometry()
    banner.show_message("Diverged at iteration 43: lower the learning rate (now 10; try 1), "
                        "then reset and train again. " + "More words here. " * 20, "warning")
    banner.details.click()
    popup = banner.popup
    assert popup.isVisible() and popup.parentWidget() is window
    assert popup.y() == MessageBanner.HEIGHT and below.geometry() == before
    qtbot.mouseClick(popup.label, Qt.MouseButton.LeftButton)  # inside: stays
    assert popup.isVisible()
    qtbot.mouseClick(below, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not popup.isVisible() and not banner.details.isChecked()
    banner.details.click()
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()
