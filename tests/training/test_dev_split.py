"""The train / dev / test split and the history's dev and L2 series: sizes, disjointness,
the seed, files saved before the dev set, and the L2 term against (λ/2m) Σ ||W[l]||²_F."""
import dataclasses

import numpy as np
import pytest

from nnviz.engine.io import load_session, save_session
from nnviz.engine.metrics import evaluate
from nnviz.training.config import DataSpec, Hyperparameters, NetworkSpec, SessionConfig
from nnviz.training.session import TrainingSession
from nnviz.training.session_build import DatasetCache, build_data
from nnviz.training.session_state import restore_session, session_data


def spec(**kw) -> DataSpec:
    base = dict(name="moons", params=(("m", 400), ("noise", 0.2), ("seed", 3)))
    return DataSpec(**{**base, **kw})


def columns_of(built, X_raw) -> set:
    """The data set's columns (point ids) of the raw inputs ``X_raw``, found by value."""
    X = built.dataset.X
    return {int(np.flatnonzero(np.all(X == x[:, None], axis=0))[0]) for x in X_raw.T}


def test_sixty_twenty_twenty_sizes_and_disjoint_sets():
    built = build_data(spec(train_fraction=0.6, dev_fraction=0.2), DatasetCache())
    d = built.summary
    assert (d.m_train, d.m_dev, d.m_test) == (240, 80, 80)
    train, dev, test = (set(built.ids_train.tolist()), set(built.ids_dev.tolist()),
                        set(built.ids_test.tolist()))
    assert not (train & dev) and not (train & test) and not (dev & test)
    assert train | dev | test == set(range(400))
    # The ids name the columns the arrays hold.
    assert columns_of(built, d.X_dev_raw) == dev and columns_of(built, d.X_test_raw) == test
    # Stratified: both classes in the dev set, as in the whole set (moons is 50/50).
    assert np.bincount(d.y_dev.astype(int)).tolist() == [40, 40]
    assert d.Y_dev.shape == (1, 80) and d.X_dev.shape == (2, 80)


def test_the_dev_set_is_taken_from_the_held_out_examples_only():
    """Turning a dev set on never changes the training set (same train fraction)."""
    cache = DatasetCache()
    without = build_data(spec(train_fraction=0.7), cache)
    with_dev = build_data(spec(train_fraction=0.7, dev_fraction=0.15), cache)
    assert without.summary.m_dev == 0 and without.ids_dev.size == 0
    np.testing.assert_array_equal(with_dev.ids_train, without.ids_train)
    np.testing.assert_array_equal(np.sort(np.concatenate([with_dev.ids_dev, with_dev.ids_test])),
                                  np.sort(without.ids_test))
    assert with_dev.summary.m_dev == 60


def test_the_split_follows_the_seed():
    a = build_data(spec(train_fraction=0.6, dev_fraction=0.2, split_seed=5), DatasetCache())
    b = build_data(spec(train_fraction=0.6, dev_fraction=0.2, split_seed=5), DatasetCache())
    c = build_data(spec(train_fraction=0.6, dev_fraction=0.2, split_seed=6), DatasetCache())
    np.testing.assert_array_equal(a.ids_dev, b.ids_dev)
    np.testing.assert_array_equal(a.ids_test, b.ids_test)
    assert not np.array_equal(a.ids_dev, c.ids_dev)


def test_normalization_is_fitted_on_the_training_set_and_applied_to_dev():
    built = build_data(spec(train_fraction=0.6, dev_fraction=0.2, normalize=True),
                       DatasetCache())
    d = built.summary
    np.testing.assert_allclose(d.X_train.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(d.X_dev, (d.X_dev_raw - d.mean[:, None]) / d.std[:, None])


def test_regression_data_and_features_get_a_dev_set_too():
    built = build_data(DataSpec(name="regression", train_fraction=0.5, dev_fraction=0.25),
                       DatasetCache())
    d = built.summary
    assert d.m_dev == round(0.25 * (d.m_train + d.m_dev + d.m_test))
    featured = build_data(spec(train_fraction=0.6, dev_fraction=0.2, features=("x1", "x2",
                                                                               "x1*x2")),
                          DatasetCache())
    assert featured.summary.X_dev.shape == (3, 80)


@pytest.mark.parametrize("train, dev", [(0.9, 0.2), (0.5, -0.1), (0.5, 1.0)])
def test_bad_fractions_are_refused_with_a_sentence(train, dev):
    with pytest.raises(ValueError, match="dev"):
        spec(train_fraction=train, dev_fraction=dev)


def test_settings_without_a_dev_fraction_load_as_no_dev_set():
    config = SessionConfig(spec())
    d = config.to_dict()
    del d["data"]["dev_fraction"]
    loaded = SessionConfig.from_dict(d)
    assert loaded.data.dev_fraction == 0.0 and loaded == config
    assert SessionConfig.from_dict(SessionConfig(spec(dev_fraction=0.1)).to_dict()).data \
        .dev_fraction == 0.1


def test_a_session_file_from_before_the_dev_set_restores_with_its_history(tmp_path):
    original = TrainingSession(SessionConfig(spec(), hyper=Hyperparameters(lambd=0.5)))
    original.step(20)
    data = session_data(original)
    # As an older nnviz wrote it: no dev fraction in the settings, no dev or L2 series.
    del data.settings["data"]["dev_fraction"]
    for name in ("dev_cost", "dev_metric", "l2_cost"):
        del data.history[name]
    path = save_session(tmp_path / "old.nnviz", data)
    restored = restore_session(load_session(path), tmp_path)
    assert restored.notes == ()
    h, saved = restored.session.history.arrays(), original.history.arrays()
    np.testing.assert_array_equal(h["train_cost"], saved["train_cost"])
    assert np.isnan(h["l2_cost"]).all() and np.isnan(h["dev_cost"]).all()
    assert restored.session.data.m_dev == 0


def test_a_session_with_a_dev_set_saves_and_restores_its_dev_series(tmp_path):
    config = SessionConfig(spec(train_fraction=0.6, dev_fraction=0.2))
    original = TrainingSession(config)
    original.step(15)
    path = save_session(tmp_path / "dev.nnviz", session_data(original))
    restored = restore_session(load_session(path), tmp_path).session
    assert restored.config.data.dev_fraction == 0.2 and restored.data.m_dev == 80
    for name in ("dev_cost", "dev_metric", "l2_cost"):
        np.testing.assert_array_equal(restored.history.arrays()[name],
                                      original.history.arrays()[name])


def test_the_history_records_the_dev_set_cost_and_accuracy():
    session = TrainingSession(SessionConfig(spec(train_fraction=0.6, dev_fraction=0.2),
                                            NetworkSpec(hidden_units=(5,),
                                                        activations=("tanh",), seed=1)))
    session.step(30)
    h = session.history.arrays()
    assert h["iterations"][-1] == 30
    d, net = session.data, session.net
    by_hand = evaluate(net, d.X_dev, d.Y_dev)
    assert h["dev_cost"][-1] == pytest.approx(by_hand["cost"], rel=1e-12)
    assert h["dev_metric"][-1] == pytest.approx(by_hand["accuracy"], rel=1e-12)
    # The test set is only the test set now.
    assert h["test_cost"][-1] == pytest.approx(evaluate(net, d.X_test, d.Y_test)["cost"],
                                               rel=1e-12)


def test_the_l2_term_in_the_history_is_lambda_over_2m_times_the_squared_frobenius_norms():
    lambd = 0.7
    session = TrainingSession(SessionConfig(
        spec(), NetworkSpec(hidden_units=(6, 4), activations=("relu", "tanh"), init="he",
                            seed=3),
        Hyperparameters(learning_rate=0.3, lambd=lambd)))
    session.step(25)
    snap = session.snapshot()
    m = snap.data.m_train
    # W[l] from the snapshot's flat θ = (W1, b1, W2, b2, ...) and the layer sizes.
    dims, theta, at, squares = snap.layer_dims, np.asarray(snap.theta), 0, 0.0
    for l in range(1, len(dims)):
        W = theta[at:at + dims[l] * dims[l - 1]].reshape(dims[l], dims[l - 1])
        at += dims[l] * dims[l - 1] + dims[l]
        squares += float(np.sum(W * W))
    assert at == theta.size
    assert snap.history.iterations[-1] == snap.iteration == 25
    assert snap.history.l2_cost[-1] == pytest.approx(lambd / (2 * m) * squares, rel=1e-12)
    # With λ = 0 the term is 0, recorded (not missing).
    session.apply(dataclasses.replace(session.config, hyper=Hyperparameters(learning_rate=0.3)))
    session.step(1)
    assert session.history.arrays()["l2_cost"][-1] == 0.0
