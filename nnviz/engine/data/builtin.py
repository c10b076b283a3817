"""The real tabular data sets shipped in ``nnviz/resources/datasets`` and one registry of all
sets.

The CSV files come from scikit-learn's wheel (BSD-3); see nnviz/resources/datasets/README.md
for their sources, citations and licenses. They are package data, found through
``importlib.resources``, so they load the same from the source tree, an editable install or a
wheel in site-packages.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from typing import Callable

from .csv_import import load_csv
from .dataset import Dataset
from .generators import GENERATORS

# A Traversable (a real folder for every install pip makes); files are opened via as_file.
DATA_DIR = resources.files("nnviz") / "resources" / "datasets"


@dataclass(frozen=True)
class BuiltinInfo:
    file: str
    title: str
    task: str
    class_names: tuple[str, ...]
    citation: str
    description: str
    image_shape: tuple[int, int] | None = None  # each row is an image (rows, columns), row-major


BUILTIN: dict[str, BuiltinInfo] = {
    "breast_cancer": BuiltinInfo(
        "breast_cancer.csv", "Breast cancer (Wisconsin)", "binary",
        ("malignant", "benign"),
        "Breast Cancer Wisconsin (Diagnostic), W.H. Wolberg, W.N. Street, O.L. Mangasarian, "
        "UCI Machine Learning Repository, 1995",
        "569 tumours, 30 measurements of cell nuclei, malignant (0) or benign (1). Feature "
        "values range from thousandths to thousands: train with and without normalization to see why it "
        "matters."),
    "iris": BuiltinInfo(
        "iris.csv", "Iris", "multiclass", ("setosa", "versicolor", "virginica"),
        "Iris, R.A. Fisher (1936), UCI Machine Learning Repository",
        "150 flowers, 4 measurements (cm), 3 species. Setosa is linearly separable from the "
        "other two; those two overlap a little. Softmax output."),
    "wine": BuiltinInfo(
        "wine.csv", "Wine", "multiclass", ("class_0", "class_1", "class_2"),
        "Wine, M. Forina et al. (PARVUS), S. Aeberhard, UCI Machine Learning Repository, 1991",
        "178 Italian wines, 13 chemical measurements (proline in the hundreds, hue below 2), "
        "3 cultivars. Softmax output; normalization helps a lot."),
    "digits": BuiltinInfo(
        "digits.csv", "Handwritten digits (8x8)", "multiclass",
        tuple(str(k) for k in range(10)),
        "Optical Recognition of Handwritten Digits, E. Alpaydin, C. Kaynak, UCI Machine "
        "Learning Repository, 1998",
        "1,797 handwritten digits as 8x8 images: 64 pixel values 0-16 (ink counts of 4x4 "
        "blocks), 10 classes. Softmax output; a hidden layer of 32 units reaches about 97%.",
        image_shape=(8, 8)),
}


def load_builtin(name: str) -> Dataset:
    """Load one of the shipped data sets: ``"breast_cancer"``, ``"iris"``, ``"wine"`` or
    ``"digits"``. Image data has ``meta["image_shape"]`` (``(8, 8)``: each example's 64 inputs
    are the rows of an 8x8 picture, row-major) so a view can draw it."""
    if name not in BUILTIN:
        raise ValueError(f"unknown built-in data set {name!r}; choose one of {list(BUILTIN)}")
    info = BUILTIN[name]
    with resources.as_file(DATA_DIR / info.file) as path:
        ds = load_csv(path, label_column="target", has_header=True, task=info.task,
                      class_names=info.class_names)
    meta = {**ds.meta, "license": "BSD-3-Clause (scikit-learn copy); see "
                                  "nnviz/resources/datasets/README.md"}
    if info.image_shape is not None:
        meta["image_shape"] = info.image_shape
    return dataclasses.replace(ds, name=name, source=info.citation, meta=meta)


@dataclass(frozen=True)
class DatasetInfo:
    """One entry of the app's data-set list."""

    name: str
    title: str
    description: str
    kind: str                      # "generated" or "builtin"
    factory: Callable[..., Dataset]
    params: tuple[str, ...]        # keyword arguments ``make_dataset`` accepts for it


def _registry() -> dict[str, DatasetInfo]:
    reg = {name: DatasetInfo(name, g.title, g.description, "generated", g.fn,
                             tuple(g.defaults))
           for name, g in GENERATORS.items()}
    for name, b in BUILTIN.items():
        reg[name] = DatasetInfo(name, b.title, b.description, "builtin",
                                lambda name=name: load_builtin(name), ())
    return reg


DATASETS: dict[str, DatasetInfo] = _registry()


def make_dataset(name: str, **kwargs) -> Dataset:
    """Build any registered data set by name, e.g. ``make_dataset("flower", noise=0.3)``.

    ``n_samples`` is accepted as another name for ``m``. Built-in sets take no arguments.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {list(DATASETS)}")
    info = DATASETS[name]
    if "n_samples" in kwargs:
        if "m" in kwargs:
            raise ValueError("give either m or n_samples, not both")
        kwargs["m"] = kwargs.pop("n_samples")
    unknown = sorted(set(kwargs) - set(info.params))
    if unknown:
        accepted = ", ".join(info.params) or "no arguments (it is fixed data)"
        raise ValueError(f"data set {name!r} does not take {unknown}; it accepts {accepted}")
    return info.factory(**kwargs)
