"""A trainer's resumable state as plain values, so a saved session continues training
exactly where it stopped: counters, the mini-batch order and position, the random
generator (mini-batch shuffles and dropout masks) and the optimizer's moving averages.

The parameters themselves are not part of it: they are the network's ``theta``.
"""
from __future__ import annotations

import numpy as np

from .. import limits

# Attributes holding an optimizer's memory (Momentum: v; RMSprop: s; Adam: m, v, t).
# Hyperparameters (learning rate, betas, bias correction) are stored with the settings.
_OPTIMIZER_ARRAYS = ("m", "v", "s")
_OPTIMIZER_COUNTERS = ("t",)
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


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


def trainer_values_problem(state: dict) -> str | None:
    """What in a trainer state whose arrays are in place cannot be used: a random generator
    state NumPy refuses (a text where a number belongs, a missing field), a mini-batch order
    or optimizer memory that is not numbers. None if it can be restored."""
    problem = rng_state_problem(state.get("rng"))
    if problem:
        return problem
    order = state.get("batch_order")
    if order is not None and not _numeric_array(order, "iu"):
        return "its mini-batch order is not a list of example numbers"
    optimizer = state.get("optimizer")
    saved = optimizer.get("state", {}) if isinstance(optimizer, dict) else {}
    for attr in _OPTIMIZER_ARRAYS:
        if isinstance(saved, dict) and saved.get(attr) is not None \
                and not _numeric_array(saved[attr], "fiu"):
            return f"its optimizer memory {attr} is not an array of numbers"
    return None


def rng_state_problem(rng_state) -> str | None:
    """Why NumPy would refuse ``rng_state`` as a bit generator's state, or None; tried on a
    fresh generator of the named kind, so nothing in use is touched."""
    if not isinstance(rng_state, dict):
        return "its random generator state is missing"
    name = rng_state.get("bit_generator")
    if name not in _BIT_GENERATORS:
        return (f"its random generator {name!r} is not one NumPy has (it has "
                f"{', '.join(_BIT_GENERATORS)})")
    try:
        getattr(np.random, name)().state = rng_state
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, AttributeError):
        return (f"its random generator state is damaged (its {name} fields are missing or not "
                "the whole numbers NumPy saves)")
    return None


def _numeric_array(value, kinds: str) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind in kinds and value.ndim == 1


def restore_trainer_state(trainer, state: dict) -> None:
    """Put ``state`` (from :func:`trainer_state`) into a fresh trainer of the same network
    size, data and optimizer type. Raises ``ValueError`` (trainer unchanged) on a mismatch."""
    problem = trainer_state_problem(state) or trainer_values_problem(state)
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
    if getattr(trainer, "lr_schedule", None) is not None:  # α at the restored epoch
        trainer.lr_schedule = trainer.lr_schedule


def _plain(value):
    """Bit-generator states hold Python ints (128-bit for PCG64) and small arrays."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.integer):
        return int(value)
    return value
