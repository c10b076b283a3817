"""The bouncing-cost hint in the message banner: shown, updated, taken down, never over a
divergence warning, and closed for good by the learner."""
from nnviz.ui.widgets.cost_hint import CostHint
from nnviz.ui.widgets.status import MessageBanner

BOUNCING = "The cost is bouncing: the learning rate α = 30 is too large; try 3."


def make(qtbot):
    banner = MessageBanner()
    qtbot.addWidget(banner)
    return banner, CostHint(banner)


def test_hint_comes_and_goes_with_the_snapshots(qtbot):
    banner, hint = make(qtbot)
    hint.show("")
    assert not banner.active
    hint.show(BOUNCING)
    assert banner.active and banner.level == "hint" and hint.shown
    assert banner.text.text() == BOUNCING  # one sentence: shown whole, on one line
    rising = BOUNCING.replace("bouncing", "rising")
    hint.show(rising)
    assert banner.text.text() == rising
    hint.show("")  # the cost settled, or the settings changed
    assert not banner.active


def test_hint_never_covers_a_warning_and_a_warning_replaces_it(qtbot):
    banner, hint = make(qtbot)
    hint.show(BOUNCING)
    banner.show_message("Training diverged at iteration 58: ...", "warning")
    hint.show(BOUNCING)
    hint.show("")
    assert banner.active and banner.level == "warning"
    assert "diverged" in banner.text.text()


def test_a_closed_hint_stays_closed_until_it_changes(qtbot):
    banner, hint = make(qtbot)
    hint.show(BOUNCING)
    banner.close_button.click()
    assert not banner.active
    hint.show(BOUNCING)
    assert not banner.active
    hint.show("")
    hint.show(BOUNCING)  # bouncing again after settling: worth saying again
    assert banner.active and hint.shown


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
    c.set_hyperparameters(dataclasses.replace(config.hyper, learning_rate=1.2))
    qtbot.waitUntil(lambda: not window.banner.active, timeout=20000)
    window.close()
