"""Every size nnviz accepts from a file, in one place.

Loaders check these before allocating anything, so a small hostile file cannot make nnviz
reserve gigabytes; a refusal is the loader's own error (``LoadError``, ``CSVError``) naming
the file and the limit. The network limits are the engine's own (:mod:`.network`).
"""
from __future__ import annotations

from .network import MAX_LAYERS, MAX_UNITS

# -- networks and data -----------------------------------------------------------------------
MAX_FEATURES = 10_000           # inputs n[0]: a 512-unit first layer is then 41 MB of weights
MAX_CLASSES = MAX_UNITS         # one output unit per class
MAX_EXAMPLES = 10_000_000       # rows of a data set
MAX_DATA_VALUES = 60_000_000    # features x examples: 480 MB of float64
MAX_ITERATIONS = 10**12         # counters (iteration, epoch, Adam's t): years of training

# -- files -----------------------------------------------------------------------------------
MAX_WEIGHTS_FILE_BYTES = 256 * 2**20   # 30 x 512 float64 weights are 63 MB (.npz), ~200 MB JSON
MAX_SESSION_BYTES = 2**30              # trajectories (steps x parameters) are the big part
MAX_CSV_BYTES = 2**30
MAX_MANIFEST_BYTES = 16 * 2**20        # session manifest / weights metadata JSON text
MAX_ZIP_MEMBERS = 10_000               # entries of one zip or npz archive
MAX_JSON_DEPTH = 32                    # nesting of lists and objects; nnviz writes at most ~8
MAX_JSON_INT_DIGITS = 40               # 128-bit random-generator states have 39 digits
MAX_NPY_HEADER_BYTES = 10_000          # NumPy's own default bound


def human_size(n: int) -> str:
    for unit, factor in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"


def plain_int(value) -> bool:
    """A JSON integer (``True`` is not a layer size)."""
    return isinstance(value, int) and not isinstance(value, bool)


def layer_dims_problem(dims) -> str | None:
    """What is wrong with ``dims`` (``[n0, n1, ..., nL]``) as a network nnviz builds, or None.

    Checked before :class:`Network` allocates ``theta``: a manifest claiming ``n0 = 10**9``
    would otherwise ask for gigabytes."""
    if not isinstance(dims, list) or not all(plain_int(n) for n in dims):
        return f"its layer sizes {_short(dims)} are not a list of whole numbers"
    if len(dims) < 2:
        return f"its layer sizes {_short(dims)} need at least an input and an output size"
    if len(dims) - 1 > MAX_LAYERS:
        return f"it has {len(dims) - 1} layers; nnviz builds at most {MAX_LAYERS}"
    if not 1 <= dims[0] <= MAX_FEATURES:
        return f"its input size n[0] = {_short(dims[0])} is outside 1..{MAX_FEATURES} (the feature limit)"
    for l, n in enumerate(dims[1:], start=1):
        if not 1 <= n <= MAX_UNITS:
            return (f"layer {l} has {_short(n)} units; nnviz builds 1..{MAX_UNITS} units per "
                    "layer")
    return None


def counter_problem(name: str, value, limit: int = MAX_ITERATIONS) -> str | None:
    """A counter must be a whole number in ``0..limit``."""
    if not plain_int(value) or not 0 <= value <= limit:
        return f"its {name} {_short(value)} is not a whole number in 0..{limit:,}"
    return None


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
