"""Turn settings and metrics into plain JSON values (no NumPy types, no NaN)."""
from __future__ import annotations

import math
from pathlib import PurePath

import numpy as np


def to_jsonable(value, where: str = "value"):
    """Plain ``dict/list/str/int/float/bool/None``: NumPy scalars and arrays become Python
    numbers and lists, tuples become lists, paths become strings, NaN and infinities become
    ``None`` (JSON has no NaN). Anything else raises ``TypeError`` naming ``where``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist(), where)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{where} is a {type(value).__name__}, which cannot be stored in JSON; "
                    "give numbers, strings, lists or dicts")
