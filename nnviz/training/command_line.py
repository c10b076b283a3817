"""The ``nnviz train`` command that reproduces a :class:`SessionConfig` (no Qt).

The app's Edit > Copy as command line puts :func:`command_line_text` on the clipboard, so a
run seen in the app can be repeated headless or shared in a message. Settings are written
when they differ from the course defaults (the command line starts from the same defaults),
and the data set, layers, activations, optimizer and learning rate always, so the command
says what it trains at a glance. Numbers are written with ``repr``: they read back as the
same floats.
"""
from __future__ import annotations

import dataclasses
import shlex
from dataclasses import dataclass

from nnviz.training.config import CSV_DATASET, SessionConfig, course_default

# Generator keyword argument -> its ``nnviz train`` flag.
PARAM_FLAGS = {"m": "--samples", "noise": "--noise", "seed": "--data-seed"}
# The settings command_line() writes as flags; any other field that differs from the
# default (a setting added later, drawn points, a lesson's starting weights) is named in
# CommandLine.not_expressible instead of being dropped without a word.
WRITTEN = {
    "data": {"name", "params", "csv_path", "csv_label_column", "csv_has_header", "csv_task",
             "train_fraction", "split_seed", "normalize", "course_exact", "features"},
    "network": {"hidden_units", "activations", "init", "init_scale", "seed", "alpha", "dtype",
                "course_exact"},
    "hyper": {"optimizer", "learning_rate", "beta", "beta1", "beta2", "epsilon",
              "batch_size", "lambd", "keep_prob"},
}
DESCRIPTIONS = {
    "data.added_points": lambda v: f"{len(v)} drawn point{'s' * (len(v) != 1)}",
    "data.removed_points": lambda v: f"{len(v)} removed example{'s' * (len(v) != 1)}",
    "network.initial_theta": lambda v: "the lesson's starting weights",
}


@dataclass(frozen=True)
class CommandLine:
    argv: list[str]             # after "nnviz": ["train", "--dataset", "iris", ...]
    not_expressible: list[str]  # settings no flag carries (said next to the command)

    @property
    def text(self) -> str:
        command = shlex.join(["nnviz", *self.argv])
        if self.not_expressible:
            command += "  # not set by flags: " + "; ".join(self.not_expressible)
        return command


def _number(value) -> str:
    """Exact, and as the builder's field shows it (129, not 129.0)."""
    if not isinstance(value, float):
        return str(value)
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _test_fraction(train_fraction: float) -> str | None:
    """The shortest decimal ``d`` that ``--test-fraction d`` reads back as
    ``train_fraction`` (it takes ``1 - d`` to 12 decimals); None when there is none."""
    for digits in range(1, 13):
        d = round(1.0 - train_fraction, digits)
        if round(1.0 - d, 12) == train_fraction:
            return repr(d)
    return None


def command_line(config: SessionConfig, iterations: int | None = None) -> CommandLine:
    """``nnviz train`` arguments reproducing ``config`` (and ``iterations`` when given)."""
    default = course_default()
    argv: list[str] = ["train"]
    missing: list[str] = []

    def flag(name: str, value, current_default=None, always: bool = False) -> None:
        if always or value != current_default:
            argv.extend([name, _number(value)])

    data, d0 = config.data, default.data
    if data.name == CSV_DATASET:
        argv.extend(["--csv", str(data.csv_path)])
        if data.csv_label_column is not None:
            argv.extend(["--label", str(data.csv_label_column)])
        if data.csv_has_header is not None:
            argv.append("--header" if data.csv_has_header else "--no-header")
        if data.csv_task is not None:
            argv.extend(["--task", data.csv_task])
    else:
        argv.extend(["--dataset", data.name])
    for key, value in data.params:
        if key in PARAM_FLAGS:
            flag(PARAM_FLAGS[key], value, always=True)
        else:
            missing.append(f"{data.name} {key}={_number(value)}")
    if data.course_exact or config.network.course_exact:
        if config.course_exact:  # --course-exact switches on both
            argv.append("--course-exact")
        else:
            missing.append("course-exact " + ("data" if data.course_exact else "weights")
                           + " only")
    if data.features:
        argv.extend(["--features", ",".join(data.features)])
    if data.train_fraction != d0.train_fraction:
        test_fraction = _test_fraction(data.train_fraction)
        if test_fraction is None:
            test_fraction = repr(round(1.0 - data.train_fraction, 12))
            missing.append(f"train fraction {data.train_fraction!r} (to 12 decimals here)")
        argv.extend(["--test-fraction", test_fraction])
    flag("--split-seed", data.split_seed, d0.split_seed)
    if data.normalize:
        argv.append("--normalize")

    net, n0 = config.network, default.network
    argv.extend(["--layers", ",".join(map(str, net.hidden_units)) or "0"])
    if net.activations:
        same = len(set(net.activations)) == 1
        argv.extend(["--activation", net.activations[0] if same else ",".join(net.activations)])
    flag("--alpha", net.alpha, n0.alpha)
    flag("--init", net.init, n0.init)
    flag("--init-scale", net.init_scale, n0.init_scale)
    # --course-exact picks the notebook's seed unless --seed is given.
    flag("--seed", net.seed, n0.seed, always=config.course_exact)
    flag("--dtype", net.dtype, n0.dtype)

    hyper, h0 = config.hyper, default.hyper
    flag("--optimizer", hyper.optimizer, always=True)
    flag("--lr", hyper.learning_rate, always=True)
    for name, key in (("--beta", "beta"), ("--beta1", "beta1"), ("--beta2", "beta2"),
                      ("--epsilon", "epsilon"), ("--l2", "lambd"), ("--keep-prob", "keep_prob")):
        flag(name, getattr(hyper, key), getattr(h0, key))
    if hyper.batch_size is not None:
        flag("--batch-size", hyper.batch_size, always=True)
    if iterations is not None:
        flag("--iterations", int(iterations), always=True)
    missing += _unwritten(config, default)
    return CommandLine(argv, missing)


def _unwritten(config: SessionConfig, default: SessionConfig) -> list[str]:
    notes = []
    for section in ("data", "network", "hyper"):
        spec, spec0 = getattr(config, section), getattr(default, section)
        for f in dataclasses.fields(spec):
            value = getattr(spec, f.name)
            if f.name in WRITTEN[section] or _same(value, getattr(spec0, f.name)):
                continue
            key = f"{section}.{f.name}"
            notes.append(DESCRIPTIONS[key](value) if key in DESCRIPTIONS else key)
    return notes


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except ValueError:  # arrays: elementwise ==
        return False


def command_line_text(config: SessionConfig, iterations: int | None = None) -> str:
    """The command as one line to paste into a POSIX shell: ``nnviz train --dataset ...``."""
    return command_line(config, iterations).text
