"""Hostile session files (.nnviz): random bytes, truncations, flipped bytes, mutated
manifests and arrays give a session or a LoadError, within the memory bound."""
from __future__ import annotations

import io
import itertools
import re
import warnings
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.engine import limits
from nnviz.engine.io import LoadError, load_session

from .conftest import npz_bytes, outcome, session_file, session_parts
from .test_weights_files import json_values, paths_in, replaced

HOSTILE = settings(max_examples=60, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
_names = itertools.count()


def name(folder):
    return folder / f"hostile{next(_names)}.nnviz"


@HOSTILE
@given(data=st.binary(min_size=1, max_size=2048), zip_magic=st.booleans())
def test_random_bytes(tmp_path, data, zip_magic):
    path = name(tmp_path)
    path.write_bytes((b"PK\x03\x04" + data) if zip_magic else data)
    outcome(load_session, path, LoadError)


@HOSTILE
@given(cut=st.floats(0, 1, exclude_max=True),
       flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                      max_size=6))
def test_truncated_and_flipped(tmp_path, cut, flips):
    manifest, arrays = session_parts(tmp_path)
    data = bytearray(session_file(name(tmp_path), manifest, arrays).read_bytes())
    for where, value in flips:
        data[int(where * len(data))] = value
    path = name(tmp_path)
    path.write_bytes(bytes(data[:max(1, int(cut * len(data)))] if not flips else data))
    outcome(load_session, path, LoadError)


@HOSTILE
@given(pick=st.floats(0, 1, exclude_max=True), value=json_values)
def test_mutated_manifests(tmp_path, pick, value):
    manifest, arrays = session_parts(tmp_path)
    places = list(paths_in(manifest))
    manifest = replaced(manifest, places[int(pick * len(places))], value)
    outcome(load_session, session_file(name(tmp_path), manifest, arrays), LoadError)


big_numbers = st.sampled_from([10**9, 2 * 10**9, 5 * 10**7, 10**30, -1, 2**63, 10**12 + 1])


@HOSTILE
@given(key=st.sampled_from(["layer_dims0", "layer_dims1", "m", "iteration", "epoch",
                            "batch_position", "t", "trajectory_length"]), value=big_numbers)
def test_implausible_sizes_and_counters(tmp_path, key, value):
    manifest, arrays = session_parts(tmp_path)
    manifest["trainer"] = {"iteration": 3, "epoch": 1, "batch_position": 0,
                           "rng": np.random.default_rng(0).bit_generator.state,
                           "optimizer": {"name": "gd", "state": {"t": 3}}}
    target = {"layer_dims0": (manifest["network"]["layer_dims"], 0),
              "layer_dims1": (manifest["network"]["layer_dims"], 1),
              "m": (manifest["dataset"]["params"], "m"),
              "iteration": (manifest["trainer"], "iteration"),
              "epoch": (manifest["trainer"], "epoch"),
              "batch_position": (manifest["trainer"], "batch_position"),
              "t": (manifest["trainer"]["optimizer"]["state"], "t"),
              "trajectory_length": (manifest, "trajectory_length")}[key]
    target[0][target[1]] = value
    result = outcome(load_session, session_file(name(tmp_path), manifest, arrays), LoadError)
    limit = {"layer_dims0": limits.MAX_FEATURES, "layer_dims1": limits.MAX_UNITS,
             "m": limits.MAX_EXAMPLES, "batch_position": limits.MAX_EXAMPLES}.get(
        key, limits.MAX_ITERATIONS)
    if 0 <= value <= limit:
        assert not isinstance(result, LoadError), result
    else:  # refused, and the message gives the range nnviz accepts
        assert isinstance(result, LoadError) and re.search(r"\d\.\.[\d,]+", str(result)), result


@HOSTILE
@given(shape=st.lists(st.integers(0, 10**7), min_size=0, max_size=4),
       dtype=st.sampled_from(["<f8", "<f4", ">i8", "|b1", "<U10", "|O", "<c16", "|V8"]),
       key=st.sampled_from(["theta", "trajectory", "history.cost", "normalization.mean"]))
def test_arrays_with_hostile_headers(tmp_path, shape, dtype, key):
    manifest, arrays = session_parts(tmp_path)
    header = (f"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {tuple(shape)}, }}"
              .ljust(117) + "\n")
    npy = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + b"\0" * 64
    inner = npz_bytes(theta=np.zeros(18))
    buffer = io.BytesIO(inner)
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr(f"{key}.npy" if key != "theta" else "theta2.npy", npy)
        if key == "theta":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a duplicate name, on purpose
                zf.writestr("theta.npy", npy)
    outcome(load_session, session_file(name(tmp_path), manifest, buffer.getvalue()),
            LoadError)


@HOSTILE
@given(depth=st.integers(30, 200_000), opener=st.sampled_from(["[", '{"a":']))
def test_deeply_nested_manifests(tmp_path, depth, opener):
    closer = "]" if opener == "[" else "}"
    text = ('{"format": "nnviz-session", "format_version": 1, "settings": '
            + opener * depth + "1" + closer * depth + "}")
    manifest, arrays = session_parts(tmp_path)
    result = outcome(load_session, session_file(name(tmp_path), None, arrays, text), LoadError)
    assert isinstance(result, LoadError)
