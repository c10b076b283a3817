"""Data sets for nnviz: seeded toy generators, shipped real data and CSV import (pure NumPy)."""
from .builtin import BUILTIN, DATA_DIR, DATASETS, DatasetInfo, load_builtin, make_dataset
from .csv_import import CSVError, load_csv
from .dataset import TASKS, Dataset, Split, targets_matrix, train_test_split
from .generators import (
    GENERATORS,
    GeneratorInfo,
    circles,
    flower,
    gaussians,
    linear_separable,
    moons,
    playground_circle,
    regression,
    scaled_features,
    spiral,
    xor,
)

__all__ = [
    "BUILTIN", "CSVError", "DATASETS", "DATA_DIR", "Dataset", "DatasetInfo", "GENERATORS",
    "GeneratorInfo", "Split", "TASKS", "circles", "flower", "gaussians", "linear_separable",
    "load_builtin", "load_csv", "make_dataset", "moons", "playground_circle", "regression",
    "scaled_features", "spiral", "targets_matrix", "train_test_split", "xor",
]
