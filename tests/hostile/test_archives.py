"""Zip containers that lie: bombs, declared sizes smaller or larger than the data, archives
nested in archives, entry counts beyond the limit. Every one is a LoadError, reached without
unpacking more than the limit; and the checks of this suite catch what they should."""
from __future__ import annotations

import io
import itertools
import json
import os
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.engine.io import LoadError, load_session, load_weights
from nnviz.engine.io import session as session_module
from nnviz.engine.io import weights as weights_module

from .conftest import npz_bytes, outcome, session_file, session_parts

HOSTILE = settings(max_examples=40, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
_names = itertools.count()


def npy_bytes(n: int) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(n))
    return buffer.getvalue()


def lie_about_sizes(data: bytes, member: str, size: int) -> bytes:
    """Set the unpacked size ``member`` declares (local header and central directory)."""
    data = bytearray(data)
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                    (b"PK\x01\x02", 24, 28, 46)):
        at = data.find(signature)
        while at >= 0:
            n = struct.unpack("<H", data[at + name_len_at:at + name_len_at + 2])[0]
            if data[at + name_at:at + name_at + n] == member.encode():
                data[at + size_at:at + size_at + 4] = struct.pack("<I", size)
            at = data.find(signature, at + 4)
    return bytes(data)


def zipped(members: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@settings(HOSTILE, max_examples=8)
@given(unpacked_mb=st.integers(17, 40), limit_mb=st.integers(1, 16),
       where=st.sampled_from(["weights", "session manifest", "session arrays"]))
def test_zip_bombs_are_refused_without_unpacking_them(tmp_path, monkeypatch, unpacked_mb,
                                                     limit_mb, where):
    zeros = b"\0" * (unpacked_mb * 2**20)
    monkeypatch.setattr(weights_module, "MAX_WEIGHTS_FILE_BYTES", limit_mb * 2**20)
    monkeypatch.setattr(session_module, "MAX_SESSION_BYTES", limit_mb * 2**20)
    path = tmp_path / f"bomb{next(_names)}{'.npz' if where == 'weights' else '.nnviz'}"
    if where == "weights":
        path.write_bytes(zipped({"W1.npy": zeros}))
        load = load_weights
    elif where == "session manifest":
        path.write_bytes(zipped({"manifest.json": zeros, "arrays.npz": b""}))
        load = load_session
    else:
        manifest, _ = session_parts(tmp_path)
        session_file(path, manifest, zipped({"theta.npy": npy_bytes(len(zeros) // 8)}))
        load = load_session
    result = outcome(load, path, LoadError, peak_bytes=(limit_mb + 24) * 2**20)
    assert isinstance(result, LoadError) and "MB" in str(result)


@HOSTILE
@given(declared=st.sampled_from([0, 10, 1000, 2**31, 2**32 - 1]),
       member=st.sampled_from(["manifest.json", "arrays.npz"]),
       method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
def test_declared_sizes_that_lie_are_caught(tmp_path, declared, member, method):
    manifest, arrays = session_parts(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("arrays.npz", arrays)
    path = tmp_path / f"liar{next(_names)}.nnviz"
    path.write_bytes(lie_about_sizes(buffer.getvalue(), member, declared))
    # a LoadError, or (a larger size declared over intact data) the session itself
    outcome(load_session, path, LoadError)


@HOSTILE
@given(depth=st.integers(1, 6), inner=st.sampled_from(["npz", "zip", "nnviz"]))
def test_archives_nested_in_archives(tmp_path, depth, inner):
    manifest, arrays = session_parts(tmp_path)
    payload = arrays
    for level in range(depth):  # an npz holding an npz holding ...
        name = {"npz": "theta.npy", "zip": f"level{level}.zip", "nnviz": "arrays.npz"}[inner]
        payload = zipped({name: payload})
    path = session_file(tmp_path / f"nested{next(_names)}.nnviz", manifest, payload)
    result = outcome(load_session, path, LoadError)
    assert isinstance(result, LoadError)


def test_an_archive_claiming_65535_entries_is_refused_before_listing_them(tmp_path):
    data = bytearray(zipped({"W1.npy": npy_bytes(4)}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = struct.pack("<HH", 0xFFFF, 0xFFFF)
    path = tmp_path / "many.npz"
    path.write_bytes(bytes(data))
    result = outcome(load_weights, path, LoadError)
    assert "65535 entries" in str(result) and "limit" in str(result)


def test_the_checks_catch_foreign_errors_big_allocations_and_stray_writes(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    path = target / "file.bin"
    path.write_bytes(b"x")

    def crash(p):
        raise KeyError("not the loader's error")

    def hog(p):
        return np.ones(20 * 2**20)  # 160 MB

    def stray(p):
        with open(tmp_path / "elsewhere.txt", "w") as f:
            f.write("x")

    def inside(p):
        with open(target / "ok.txt", "w") as f:
            f.write("x")
        os.replace(target / "ok.txt", target / "ok2.txt")

    with pytest.raises(pytest.fail.Exception, match="KeyError"):
        outcome(crash, path, LoadError)
    with pytest.raises(AssertionError, match="peaked at"):
        outcome(hog, path, LoadError)
    with pytest.raises(AssertionError, match="wrote outside"):
        outcome(stray, path, LoadError)
    outcome(inside, path, LoadError)
