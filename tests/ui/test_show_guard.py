from nnviz.ui.widgets.show_guard import ShowGuard


def test_guard_is_on_only_inside_and_stays_on_until_the_outermost_with_ends():
    guard = ShowGuard()
    assert not guard
    with guard:
        assert guard
        with guard:
            assert guard
        assert guard  # an inner show does not switch the outer one off
    assert not guard


def test_guard_switches_off_when_showing_raises():
    guard = ShowGuard()
    try:
        with guard:
            raise ValueError("bad value")
    except ValueError:
        pass
    assert not guard
