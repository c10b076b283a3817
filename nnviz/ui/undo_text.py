"""What one change of the session is called in the Edit menu ("hidden units 4 → 8").

:func:`describe` compares the settings before and after a change and says which kind of
change it was (settings, layers, points, data set) and what changed, in the course's terms;
:func:`weight_text` names one edited weight or bias. No Qt here: :mod:`nnviz.ui.undo` turns
these into undo commands.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from nnviz.engine.data import DATASETS, GENERATORS
from nnviz.training.config import CSV_DATASET, SessionConfig

SETTINGS, LAYERS, POINTS, DATA_SET = "settings", "layers", "points", "data set"
MAX_NAMED = 2  # settings named in one entry; more are counted ("and 3 more settings")

SCHEMES = {"random": "random", "xavier": "Xavier", "he": "He", "glorot": "Glorot",
           "zeros": "zeros"}
OPTIMIZERS = {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSprop",
              "adam": "Adam"}
# (part of SessionConfig, field) -> the setting's name as the builder shows it
LABELS = {
    ("hyper", "lr_decay"): "α decay", ("hyper", "decay_rate"): "decay rate",
    ("hyper", "decay_interval"): "decay interval",
    ("data", "train_fraction"): "training share", ("data", "dev_fraction"): "dev share",
    ("data", "split_seed"): "split seed", ("data", "normalize"): "normalize inputs",
    ("data", "features"): "input features", ("data", "csv_label_column"): "label column",
    ("data", "csv_has_header"): "header row", ("data", "csv_task"): "task",
    ("network", "init"): "initialization", ("network", "init_scale"): "init scale",
    ("network", "seed"): "seed", ("network", "alpha"): "leaky ReLU slope",
    ("network", "dtype"): "precision", ("network", "initial_theta"): "starting point θ",
    ("hyper", "optimizer"): "optimizer", ("hyper", "learning_rate"): "learning rate",
    ("hyper", "beta"): "β", ("hyper", "beta1"): "β₁", ("hyper", "beta2"): "β₂",
    ("hyper", "epsilon"): "ε", ("hyper", "bias_correction"): "bias correction",
    ("hyper", "batch_size"): "mini-batch size", ("hyper", "lambd"): "L2 λ",
    ("hyper", "keep_prob"): "keep_prob",
}
DATA_PARAMS = {"noise": "noise", "m": "examples m", "seed": "data seed"}


@dataclass(frozen=True)
class Change:
    kind: str   # SETTINGS / LAYERS / POINTS / DATA_SET
    text: str   # "hidden units 4 → 8"
    key: str    # the one setting changed (a slider drag merges into one step), else ""


def number(value) -> str:
    """A setting's value as the builder shows it: whole numbers as they are, other numbers
    with up to 4 significant digits and always a decimal point ("1.0", "0.31")."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        text = f"{value:.4g}"
        return text if any(c in text for c in ".en") else text + ".0"
    return str(value)


def point_text(x1: float, x2: float) -> str:
    return f"({x1:.3g}, {x2:.3g})"


def dataset_name(data) -> str:
    if data.name == CSV_DATASET:
        return "CSV " + str(data.csv_path or "").replace("\\", "/").rsplit("/", 1)[-1]
    info = DATASETS.get(data.name)
    title = info.title if info is not None else data.name
    return title.split(" (")[0]  # "Flower (course)" -> "Flower"


def describe(old: SessionConfig, new: SessionConfig, removed_at=None) -> Change:
    """The change from ``old`` to ``new``. ``removed_at`` ``(x1, x2, class)``: where the
    point a removal took away was (the worker picks it; the GUI asked near there)."""
    d_old, d_new = old.data, new.data
    if d_old.name != d_new.name or d_old.csv_path != d_new.csv_path:
        return Change(DATA_SET, f"data set {dataset_name(d_old)} → {dataset_name(d_new)}", "")
    if (d_old != d_new and d_old.same_data_except_edits(d_new)
            and old.network == new.network and old.hyper == new.hyper):
        return Change(POINTS, _points_text(d_old, d_new, removed_at), "")
    n_old, n_new = old.network, new.network
    if len(n_old.hidden_units) != len(n_new.hidden_units):
        return Change(LAYERS, _layers_text(n_old, n_new), "")
    changes = _setting_changes(old, new)
    if not changes:
        return Change(SETTINGS, "settings", "")
    texts = [text for _key, text in changes]
    text = ", ".join(texts[:MAX_NAMED])
    if len(texts) > MAX_NAMED:
        more = len(texts) - MAX_NAMED
        text += f" and {more} more setting{'s' if more > 1 else ''}"
    return Change(SETTINGS, text, changes[0][0] if len(changes) == 1 else "")


def _points_text(old, new, removed_at) -> str:
    added_old, added_new = old.added_points, new.added_points
    if not new.edited:
        return "restore the data as generated"
    if new.removed_points == old.removed_points:
        if len(added_new) == len(added_old) + 1 and added_new[:-1] == added_old:
            x1, x2, label = added_new[-1]
            return f"add a point of class {label} at {point_text(x1, x2)}"
        if len(added_new) + 1 == len(added_old):
            gone = next((p for k, p in enumerate(added_old)
                         if k >= len(added_new) or added_new[k] != p), added_old[-1])
            return f"remove the point of class {gone[2]} at {point_text(gone[0], gone[1])}"
    if added_new == added_old and len(new.removed_points) == len(old.removed_points) + 1:
        if removed_at is not None:
            x1, x2, label = removed_at
            return f"remove a point of class {label} at {point_text(x1, x2)}"
        return "remove a point"
    return "edit the data points"


def _layers_text(old, new) -> str:
    units_old, units_new = old.hidden_units, new.hidden_units
    if len(units_new) > len(units_old):
        at = next((l for l in range(len(units_old)) if units_old[l] != units_new[l]
                   or old.activations[l] != new.activations[l]), len(units_old))
        return (f"add hidden layer {at + 1} ({units_new[at]} {new.activations[at]} "
                f"unit{'s' if units_new[at] != 1 else ''})")
    if len(units_new) < len(units_old):
        at = next((l for l in range(len(units_new)) if units_old[l] != units_new[l]
                   or old.activations[l] != new.activations[l]), len(units_new))
        return (f"remove hidden layer {at + 1} ({units_old[at]} {old.activations[at]} "
                f"unit{'s' if units_old[at] != 1 else ''})")
    return "hidden layers"


def _setting_changes(old: SessionConfig, new: SessionConfig) -> list[tuple[str, str]]:
    """``[(key, "learning rate 1.2 → 0.5"), ...]`` for every setting that differs."""
    out: list[tuple[str, str]] = []
    if old.course_exact != new.course_exact:
        out.append(("course_exact", f"course's own draws {number(old.course_exact)} → "
                                    f"{number(new.course_exact)}"))
    # The generator's settings, each on its own.
    p_old, p_new = _params(old.data), _params(new.data)
    for name in sorted(set(p_old) | set(p_new), key=lambda k: (k not in DATA_PARAMS, k)):
        if p_old.get(name) != p_new.get(name):
            label = DATA_PARAMS.get(name, name)
            out.append((f"data.{name}", f"{label} {_value(p_old.get(name))} → "
                                        f"{_value(p_new.get(name))}"))
    # Hidden layers of the same depth: units and activations per layer.
    n_old, n_new = old.network, new.network
    one = len(n_new.hidden_units) == 1
    for l, (a, b) in enumerate(zip(n_old.hidden_units, n_new.hidden_units), start=1):
        if a != b:
            out.append((f"units{l}", f"hidden units {a} → {b}" if one
                        else f"hidden units n[{l}] {a} → {b}"))
    for l, (a, b) in enumerate(zip(n_old.activations, n_new.activations), start=1):
        if a != b:
            out.append((f"activation{l}", f"activation g[{l}] {a} → {b}"))
    skip = {("data", f) for f in ("name", "params", "csv_path", "added_points",
                                  "removed_points")}
    skip |= {("network", f) for f in ("hidden_units", "activations")}
    if old.course_exact != new.course_exact:  # named once above, not per part
        skip |= {("data", "course_exact"), ("network", "course_exact")}
    for part in ("data", "network", "hyper"):
        a_part, b_part = getattr(old, part), getattr(new, part)
        for f in dataclasses.fields(a_part):
            if (part, f.name) in skip:
                continue
            a, b = getattr(a_part, f.name), getattr(b_part, f.name)
            if a == b:
                continue
            label = LABELS.get((part, f.name), f.name.replace("_", " "))
            out.append((f"{part}.{f.name}", _setting_text(part, f.name, label, a, b)))
    return out


def _params(data) -> dict:
    """The generator's settings in effect (its defaults where the spec names none)."""
    generator = GENERATORS.get(data.name)
    return {**(generator.defaults if generator is not None else {}), **data.param_dict}


def _setting_text(part: str, name: str, label: str, a, b) -> str:
    if name == "train_fraction" or name == "dev_fraction":
        return f"{label} {a * 100:.3g} % → {b * 100:.3g} %"
    if name == "init":
        return f"{label} {SCHEMES.get(a, a)} → {SCHEMES.get(b, b)}"
    if name == "optimizer":
        return f"{label} {OPTIMIZERS.get(a, a)} → {OPTIMIZERS.get(b, b)}"
    if name == "batch_size":
        return f"{label} {a or 'full batch'} → {b or 'full batch'}"
    if name == "features":
        return f"{label} {', '.join(a) or 'x1, x2'} → {', '.join(b) or 'x1, x2'}"
    if name == "initial_theta":
        return f"{label} {'drawn' if a is None else 'given'} → {'drawn' if b is None else 'given'}"
    return f"{label} {_value(a)} → {_value(b)}"


def _value(value) -> str:
    return "default" if value is None else number(value)


def weight_text(name: str, index, old: float, new: float) -> str:
    """``"W[1]_3,1 0.31 → 1.0"``: the course's 1-based subscripts, as the diagram shows them
    (NumPy's ``W1[2, 0]``)."""
    layer = name[1:]
    if name.startswith("W"):
        i, j = (int(k) for k in index)
        where = f"W[{layer}]_{i + 1},{j + 1}"
    else:
        i = int(index[0] if isinstance(index, (tuple, list)) else index)
        where = f"b[{layer}]_{i + 1}"
    return f"{where} {number(float(old))} → {number(float(new))}"
