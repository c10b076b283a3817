"""The bouncing hint and the divergence message on real training runs (headless sessions)."""
import dataclasses

import numpy as np

from nnviz.training.config import course_default
from nnviz.training.headless import build_settings, train
from nnviz.training.session import TrainingSession


def flower_at(learning_rate, activation="tanh"):
    c = course_default()
    return dataclasses.replace(
        c, network=dataclasses.replace(c.network, activations=(activation,)),
        hyper=dataclasses.replace(c.hyper, learning_rate=learning_rate))


def hints_over(session, snapshots, steps):
    """The hint as the worker sends it: once per snapshot, ``steps`` steps apart."""
    out = []
    for _ in range(snapshots):
        session.step(steps)
        out.append(session.cost_hint)
    return out


def test_the_digits_at_alpha_0_3_fall_with_spikes_and_get_no_hint():
    # Unnormalized digits (pixels 0-16), α = 0.3: the cost falls from 2.3 to ~0.5 in 600
    # steps with a few spikes. That is learning, not bouncing.
    settings = build_settings({"dataset": "digits", "lr": 0.3, "normalize": False})
    s = TrainingSession(settings.config)
    hints = hints_over(s, 40, 15)
    costs = s.history.arrays()["train_cost"]
    assert costs[-1] < 0.35 * costs[0]  # it does learn
    assert not any(hints), next(h for h in hints if h)


def test_the_tanh_flower_at_alpha_30_bounces_and_the_hint_says_it_only_bounces():
    s = TrainingSession(flower_at(30.0))
    hints = hints_over(s, 30, 20)
    assert not s.diverged
    assert all(h.startswith("The cost is bouncing: the learning rate α = 30 is too large; "
                            "try 3.") for h in hints[10:])
    assert "only bounces" in hints[-1]
    relu = TrainingSession(flower_at(3.0, "relu"))  # ReLU may diverge: no such promise
    relu_hints = hints_over(relu, 40, 20)
    assert "bouncing" in relu_hints[-1] and "only bounces" not in relu_hints[-1]


def test_the_hint_goes_when_the_cost_settles_and_a_rebuild_restarts_the_watch():
    s = TrainingSession(flower_at(30.0))
    assert hints_over(s, 20, 20)[-1]
    # The learner lowers α: the old verdict goes at once and no hint comes back.
    s.set_hyperparameters(dataclasses.replace(s.config.hyper, learning_rate=1.2))
    assert s.cost_hint == ""
    assert not any(hints_over(s, 20, 20))
    # Back to α = 30, then a rebuild (a new init scale): the watch starts afresh, so the
    # rebuilt run gets no verdict inherited from the old one.
    s.set_hyperparameters(dataclasses.replace(s.config.hyper, learning_rate=30.0))
    assert hints_over(s, 20, 20)[-1]
    config = s.config
    s.apply(dataclasses.replace(config, network=dataclasses.replace(config.network,
                                                                    init_scale=2.0)))
    assert s.cost_watch.seen <= 1 and s.cost_hint == ""
    s.reset()
    assert s.cost_watch.seen <= 1 and s.cost_hint == ""


def test_the_divergence_message_leads_with_the_fix_and_gives_the_snapshot_s_cost():
    flags = {"dataset": "scaled_features", "activation": "relu", "lr": 10.0}
    headless = train(build_settings(dict(flags, iterations=2000)))
    assert headless.diverged
    # The app records the history at a stride (every 64th step at 2,000 steps/s): its
    # message must still give the same cost as the command line and the snapshot.
    s = TrainingSession(build_settings(flags).config)
    s.limit_recording(2000.0)
    result = s.step(7)
    while not result.diverged:
        result = s.step(7)
    snapshot = s.snapshot(state="diverged", message=result.message)
    cost = f"{snapshot.train_cost:.2g}"
    assert cost in result.message and cost in headless.message
    assert np.isclose(snapshot.train_cost, headless.session.snapshot().train_cost)
    for text in (result.message, headless.message):
        assert text.startswith("Diverged at iteration 43: normalize the inputs")
        assert "lower the learning rate (now 10; try 1)" in text.split(". ")[0]
