"""The ranges of the settings: what the app's fields can show is what a file or a flag may
set; anything else is refused with a sentence naming the setting and its range."""
import pytest

from nnviz.training.config import (MAX_BATCH_SIZE, MAX_INIT_SCALE, MAX_LEARNING_RATE,
                                   MAX_SEED, DataSpec, Hyperparameters, NetworkSpec,
                                   SessionConfig, course_default)
from nnviz.training.headless import ConfigError, build_settings


def test_the_learning_rate_goes_up_to_100_and_no_further():
    assert Hyperparameters(learning_rate=MAX_LEARNING_RATE).learning_rate == 100
    assert Hyperparameters(learning_rate=1e-9).learning_rate == 1e-9
    for bad in (100.5, 0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="learning rate"):
            Hyperparameters(learning_rate=bad)
    assert build_settings({"lr": 100.0}).config.hyper.learning_rate == 100
    with pytest.raises(ConfigError, match="at most|between 0 and 100"):
        build_settings({"lr": 250.0})


@pytest.mark.parametrize("settings, words", [
    (dict(batch_size=10**12), ("mini-batch size", f"{MAX_BATCH_SIZE:,}", "1,000,000,000,000",
                               "full batch")),
    (dict(batch_size=2.5), ("mini-batch size", "whole number")),
    (dict(keep_prob=0.01), ("keep_prob", "0.05")),
    (dict(beta=1.0), ("momentum β", "0.999")),
    (dict(beta2=1.0), ("β2", "0.99999")),
    (dict(lambd=1e3), ("L2 λ", "100")),
    (dict(epsilon=0.0), ("ε",)),
])
def test_hyperparameters_outside_the_fields_ranges_are_refused(settings, words):
    with pytest.raises(ValueError) as refused:
        Hyperparameters(**settings)
    for word in words:
        assert word in str(refused.value)


def test_a_file_with_a_mini_batch_of_10_to_the_12_is_refused_on_load():
    document = course_default().to_dict()
    document["hyper"]["batch_size"] = 10**12
    with pytest.raises(ValueError, match="mini-batch size"):
        SessionConfig.from_dict(document)
    with pytest.raises(ConfigError, match="mini-batch size must be between 1 and"):
        build_settings({"batch_size": 10**12})
    largest = build_settings({"batch_size": MAX_BATCH_SIZE}).config
    assert largest.hyper.batch_size == MAX_BATCH_SIZE


def test_network_and_data_bounds():
    assert NetworkSpec(init_scale=0.0).init_scale == 0
    assert NetworkSpec(init_scale=MAX_INIT_SCALE, seed=MAX_SEED).seed == MAX_SEED
    for bad in (dict(init_scale=1e4), dict(init_scale=-0.1), dict(seed=-1),
                dict(seed=MAX_SEED + 1), dict(seed=1.5)):
        with pytest.raises(ValueError, match="init scale|seed"):
            NetworkSpec(**bad)
    assert DataSpec(train_fraction=0.01).train_fraction == 0.01
    with pytest.raises(ValueError, match="training fraction must be between 0.01 and 1"):
        DataSpec(train_fraction=0.005)
