"""A trainer's resumable state as plain values, so a saved session continues training
exactly where it stopped: counters, the mini-batch order and position, the random
generator (mini-batch shuffles and dropout masks) and the optimizer's moving averages.

The parameters themselves are not part of it: they are the network's ``theta``.
"""
from __future__ import annotations

import numpy as np

from .. import limits

# Attributes holding an optimizer's memory (Momentum: v; Adam: m, v, t). Hyperparameters
# (learning rate, betas) are settings and are stored with the settings.
_OPTIMIZER_ARRAYS = ("m", "v")
_OPTIMIZER_COUNTERS = ("t",)


def trainer_state(trainer) -> dict:
    """Everything :func:`restore_trainer_state` needs; arrays are copies."""
    optimizer = trainer.optimizer
    opt_state = {}
    for attr in _OPTIMIZER_ARRAYS:
        value = getattr(optimizer, attr, None)
        if isinstance(value, np.ndarray):
            opt_state[attr] = value.copy()
    for attr in _OPTIMIZER_COUNTERS:
        if hasattr(optimizer, attr):
            opt_state[attr] = int(getattr(optimizer, attr))
    return {
        "iteration": int(trainer.iteration),
        "epoch": int(trainer.epoch),
        "diverged": bool(trainer.diverged),
        "batch_order": None if trainer._order is None else np.array(trainer._order),
        "batch_position": int(trainer._position),
        "rng": _plain(trainer.rng.bit_generator.state),
        "optimizer": {"name": getattr(optimizer, "name", type(optimizer).__name__),
                      "state": opt_state},
    }


def trainer_state_problem(state: dict) -> str | None:
    """What in a saved trainer state is beyond nnviz's limits (counters of 10**30 would
    overflow every later snapshot), or None. Arrays may still be ``{"__array__": name}``."""
    for name in ("iteration", "epoch"):
        problem = limits.counter_problem(name, state.get(name, 0))
        if problem:
            return problem
    problem = limits.counter_problem("mini-batch position", state.get("batch_position", 0),
                                     limits.MAX_EXAMPLES)
    if problem:
        return problem
    optimizer = state.get("optimizer", {})
    saved = optimizer.get("state", {}) if isinstance(optimizer, dict) else None
    if not isinstance(saved, dict):
        return "its optimizer state is not an object"
    for attr in _OPTIMIZER_COUNTERS:
        if attr in saved:
            problem = limits.counter_problem(f"optimizer step count {attr}", saved[attr])
            if problem:
                return problem
    if not isinstance(state.get("rng"), dict):
        return "its random generator state is missing"
    return None


def restore_trainer_state(trainer, state: dict) -> None:
    """Put ``state`` (from :func:`trainer_state`) into a fresh trainer of the same network
    size, data and optimizer type. Raises ``ValueError`` (trainer unchanged) on a mismatch."""
    problem = trainer_state_problem(state)
    if problem:
        raise ValueError(f"the saved training state is refused: {problem}")
    optimizer = trainer.optimizer
    name = getattr(optimizer, "name", type(optimizer).__name__)
    saved = state.get("optimizer", {})
    if saved.get("name") != name:
        raise ValueError(f"the saved training state is for the {saved.get('name')!r} optimizer, "
                         f"not {name!r}; choose the same optimizer to continue training")
    n = trainer.net.n_params
    for attr in _OPTIMIZER_ARRAYS:
        value = saved.get("state", {}).get(attr)
        if value is not None and np.shape(value) != (n,):
            raise ValueError(f"the saved optimizer state {attr} has shape {np.shape(value)} "
                             f"but the network has {n} parameters")
    order = state.get("batch_order")
    if order is not None and (np.shape(order) != (trainer.m,)
                              or not np.array_equal(np.sort(order), np.arange(trainer.m))):
        raise ValueError(f"the saved mini-batch order does not fit {trainer.m} training "
                         "examples; the data set or split differs from the saved one")
    rng_state = state["rng"]
    if rng_state.get("bit_generator") != type(trainer.rng.bit_generator).__name__:
        raise ValueError(f"the saved random generator is {rng_state.get('bit_generator')!r}, "
                         f"not {type(trainer.rng.bit_generator).__name__!r}")

    trainer.rng.bit_generator.state = rng_state
    trainer.iteration = int(state["iteration"])
    trainer.epoch = int(state["epoch"])
    trainer.diverged = bool(state.get("diverged", False))
    trainer._order = None if order is None else np.array(order, dtype=np.intp)
    trainer._position = int(state.get("batch_position", 0))
    optimizer.reset()
    for attr in _OPTIMIZER_ARRAYS:
        value = saved.get("state", {}).get(attr)
        if value is not None:
            setattr(optimizer, attr, np.array(value, dtype=trainer.net.dtype))
    for attr in _OPTIMIZER_COUNTERS:
        if attr in saved.get("state", {}):
            setattr(optimizer, attr, int(saved["state"][attr]))


def _plain(value):
    """Bit-generator states hold Python ints (128-bit for PCG64) and small arrays."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.integer):
        return int(value)
    return value
