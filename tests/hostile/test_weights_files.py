"""Hostile weights files (.npz and .json): random bytes, truncations, flipped bytes and
mutated JSON documents give a loaded model or a LoadError, nothing else."""
from __future__ import annotations

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.engine.io import LoadError, load_weights

from .conftest import outcome, weights_bytes

HOSTILE = settings(max_examples=60, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
_names = itertools.count()


def write(folder, data: bytes, suffix: str):
    path = folder / f"hostile{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


@HOSTILE
@given(data=st.binary(min_size=1, max_size=2048), suffix=st.sampled_from([".npz", ".json"]),
       zip_magic=st.booleans())
def test_random_bytes(tmp_path, data, suffix, zip_magic):
    data = (b"PK\x03\x04" + data) if zip_magic else data
    outcome(load_weights, write(tmp_path, data, suffix), LoadError)


@HOSTILE
@given(fmt=st.sampled_from(["npz", "json"]), cut=st.floats(0, 1, exclude_max=True))
def test_truncated_exports(tmp_path, fmt, cut):
    good = weights_bytes(tmp_path, fmt)
    outcome(load_weights, write(tmp_path, good[:int(cut * len(good))] or b"x", f".{fmt}"),
            LoadError)


@HOSTILE
@given(fmt=st.sampled_from(["npz", "json"]),
       flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                      min_size=1, max_size=8))
def test_flipped_bytes(tmp_path, fmt, flips):
    data = bytearray(weights_bytes(tmp_path, fmt))
    for where, value in flips:
        data[int(where * len(data))] = value
    outcome(load_weights, write(tmp_path, bytes(data), f".{fmt}"), LoadError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=8) | st.sampled_from(["1e400", "NaN", "-Infinity", "9" * 500]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=12)


def paths_in(value, prefix=()):
    """Every place in a JSON document, as key paths."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths_in(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            yield from paths_in(v, prefix + (i,))


def replaced(document, where, value):
    if not where:
        return value
    *parents, last = where
    target = document
    for key in parents:
        target = target[key]
    target[last] = value
    return document


@HOSTILE
@given(pick=st.floats(0, 1, exclude_max=True), value=json_values, raw=st.booleans())
def test_mutated_json_documents(tmp_path, pick, value, raw):
    document = json.loads(weights_bytes(tmp_path, "json"))
    places = list(paths_in(document))
    document = replaced(document, places[int(pick * len(places))], value)
    text = json.dumps(document)
    if raw:  # numbers JSON cannot hold, spliced in as text
        text = text.replace('"1e400"', "1e400").replace('"NaN"', "NaN").replace(
            '"-Infinity"', "-Infinity").replace('"' + "9" * 500 + '"', "9" * 500)
    outcome(load_weights, write(tmp_path, text.encode(), ".json"), LoadError)
