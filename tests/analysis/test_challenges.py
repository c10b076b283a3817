"""Every challenge is reached by a scripted set of settings and not by the course's default
(flower, 4 tanh units), through the same Qt-free code the app and the CLI use: a
TrainingSession followed by HeadlessChallenge."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from nnviz.analysis.challenges import (CHALLENGES, ChallengeSession, HeadlessChallenge,
                                       challenge, input_curvature, live_dropout_check,
                                       mystery_bug, planted_layers)
from nnviz.experiments import EXPERIMENTS
from nnviz.training.config import (DataSpec, Hyperparameters, NetworkSpec, SessionConfig,
                                   course_default)
from nnviz.training.session import TrainingSession

D = course_default()


def config(data=None, network=None, hyper=None) -> SessionConfig:
    return SessionConfig(data or D.data, network or D.network, hyper or D.hyper)


def follow(key, cfg, iterations, answer=None):
    session = TrainingSession(cfg)
    run = HeadlessChallenge(key, answer, iterations)
    run.after_steps(session)
    while session.iteration < iterations and not session.diverged:
        session.step(min(max(1, iterations // 100), iterations - session.iteration))
        run.after_steps(session)
    return run.finish(session), run


def bug_layer_from_report(result) -> int:
    """What a learner reads off the check: the highest layer whose difference says bug."""
    return max(s.layer for s in result.layers if s.status == "bug")


SCRIPTED = {
    "diverge": (config(DataSpec("scaled_features"), NetworkSpec((4,), ("relu",))), 300),
    "bounce": (config(hyper=Hyperparameters(learning_rate=20)), 1000),
    "vanishing": (config(network=NetworkSpec((10,) * 5, ("sigmoid",) * 5)), 20),
    "vanishing_fixed": (config(network=NetworkSpec((10,) * 5, ("tanh",) * 5, init="xavier")),
                        50),
    "fewest_units": (config(network=NetworkSpec((3,), ("tanh",))), 5000),
    "circles_no_hidden": (config(DataSpec("circles", params=(("noise", 0.02),),
                                          features=("x1^2", "x2^2")),
                                 NetworkSpec((), ()), Hyperparameters(learning_rate=5)), 3000),
    "symmetry": (config(network=NetworkSpec((4,), ("tanh",), init="zeros")), 150),
    "round_surface": (config(DataSpec("scaled_features", normalize=True)), 5),
    "planted_bug_layer": (D, 100),
    "dropout_check": (config(hyper=Hyperparameters(keep_prob=0.8)), 100),
    "dead_relu": (config(network=NetworkSpec((8,), ("relu",)),
                         hyper=Hyperparameters(learning_rate=10)), 300),
}


def test_there_are_at_least_ten_challenges_each_named_and_from_a_real_lesson():
    assert len(CHALLENGES) >= 10
    assert set(SCRIPTED) == {c.key for c in CHALLENGES}
    for c in CHALLENGES:
        assert c.title and c.goal and c.concept and len(c.hints) >= 2 and c.explanation
        assert c.lesson in EXPERIMENTS and EXPERIMENTS[c.lesson].title == c.lesson_title


@pytest.mark.parametrize("key", list(SCRIPTED))
def test_each_challenge_is_reached_by_its_scripted_settings(key):
    cfg, iterations = SCRIPTED[key]
    answer = "masks" if key == "dropout_check" else None
    state, run = follow(key, cfg, iterations, answer)
    if key == "planted_bug_layer":  # answered from the check's own report, as a learner would
        assert not state.reached  # nothing picked yet
        result = state.evidence.gradient_check
        state.give_answer(bug_layer_from_report(result))
        state.observe(run.snapshot)
    assert state.reached, state.reading.text
    assert state.fraction == 1.0 and state.reached_text


@pytest.mark.parametrize("key", list(SCRIPTED))
def test_the_default_does_not_reach_any_challenge(key):
    answer = {"dropout_check": "masks", "planted_bug_layer": "1,2"}.get(key)
    state, _ = follow(key, D, 3000, answer)
    assert not state.reached, state.reading.text
    assert 0.0 <= state.fraction < 1.0 and state.reading.text


def test_live_text_gives_the_gradient_ratio_against_its_target():
    cfg = config(network=NetworkSpec((6, 6), ("sigmoid", "sigmoid")))
    snapshot = TrainingSession(cfg).snapshot()
    reading = challenge("vanishing").measure(snapshot, ChallengeSession(
        challenge("vanishing")).evidence)
    ratio = snapshot.layers[0].dW_norm / snapshot.layers[-1].dW_norm
    assert f"1/{1 / ratio:,.0f}" in reading.text and "need 1/1,000" in reading.text
    assert reading.fraction == pytest.approx(np.log10(1 / ratio) / 3)


def test_fewest_units_keeps_the_best_and_the_settings_alone_never_reach():
    state = ChallengeSession(challenge("fewest_units"))
    session = TrainingSession(config(network=NetworkSpec((3,), ("tanh",))))
    state.observe(session.snapshot())  # the right settings, untrained: not reached
    assert not state.reached and state.best is None
    session.step(5000)
    state.observe(session.snapshot())
    assert state.reached and state.best == 3


def test_hints_come_after_a_few_settings_changes():
    c = challenge("diverge")
    state = ChallengeSession(c)
    assert state.hints == ()
    session = TrainingSession(D)
    for lr in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4):
        session.apply(dataclasses.replace(session.config,
                                          hyper=Hyperparameters(learning_rate=lr)))
        state.observe(session.snapshot())
        assert len(state.hints) == c.hint_count(state.tries)
    assert state.tries == 6 and state.hints == c.hints  # the first snapshot is the start


def test_dropout_left_on_makes_the_check_fail_and_frozen_masks_would_not():
    snapshot = TrainingSession(config(hyper=Hyperparameters(keep_prob=0.8))).snapshot()
    live = live_dropout_check(snapshot)
    assert live.difference > 1e-3  # fresh masks for each J: noise, not the slope
    from nnviz.engine.gradient_check import gradient_check
    frozen = gradient_check(snapshot.network(np.float64), snapshot.data.X_train[:, :32],
                            snapshot.data.Y_train[:, :32], keep_prob=0.8, dropout="frozen")
    assert frozen.passed
    assert live_dropout_check(TrainingSession(D).snapshot()) is None  # no dropout: no check


def test_a_wrong_explanation_is_not_enough():
    state, _ = follow("dropout_check", SCRIPTED["dropout_check"][0], 50, "epsilon")
    assert not state.reached and state.wrong_answers == 1
    assert "different random masks" in state.answer_feedback


def test_input_curvature_is_the_hessian_condition_of_logistic_regression_at_zero():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 500)) * np.array([[1.0], [30.0]])
    Xt = np.vstack([X, np.ones((1, 500))])
    # J's Hessian at w = 0 is (1/m) sum sigma'(0) x~ x~^T with sigma'(0) = 1/4
    H = 0.25 * Xt @ Xt.T / 500
    eig = np.linalg.eigvalsh(H)
    assert input_curvature(X) == pytest.approx(eig[-1] / eig[0], rel=1e-9)
    standardized = (X - X.mean(1, keepdims=True)) / X.std(1, keepdims=True)
    assert input_curvature(standardized) < 1.3 < 100 < input_curvature(X)


def test_mystery_bugs_fit_the_network_and_are_visible():
    for L in (1, 2, 3):
        for seed in range(6):
            name = mystery_bug(L, seed)
            assert max(planted_layers(type("R", (), {"planted_bug": name})())) <= L
            assert "L2" not in name  # invisible without lambda

