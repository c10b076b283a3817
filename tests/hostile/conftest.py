"""Shared checks of the hostile-file suite: a loader given a hostile file either loads it or
raises its own error, stays within a memory bound, and writes nothing outside the folder
it was given."""
from __future__ import annotations

import io
import json
import os
import sys
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnviz.engine.io import SessionData, export_weights, save_session
from nnviz.engine.network import Network

PEAK_BYTES = 64 * 2**20  # hostile inputs are at most a few megabytes

_writes: list[str] | None = None  # paths opened for writing while a check runs


def _audit(event: str, args) -> None:
    if _writes is None:
        return
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing and isinstance(path, (str, bytes, os.PathLike)):
            _writes.append(os.fsdecode(path))
    elif event in ("os.rename", "os.replace", "os.remove", "os.mkdir", "shutil.rmtree"):
        # (src, dst, src_dir_fd, dst_dir_fd) for a rename: where it lands counts
        _writes.append(os.fsdecode(args[1] if event in ("os.rename", "os.replace")
                                   else args[0]))


_hooked = False


def outcome(load, path: Path, allowed: type[Exception] | tuple, *, folder: Path | None = None,
            peak_bytes: int = PEAK_BYTES):
    """``load(path)``: returns the result or the allowed exception; fails the test on any other
    exception, a memory peak above ``peak_bytes`` or a write outside ``folder``."""
    global _writes, _hooked
    if not _hooked:  # an audit hook cannot be removed; it is inert unless a check runs
        sys.addaudithook(_audit)
        _hooked = True
    folder = Path(folder or path.parent).resolve()
    _writes = []
    tracemalloc.start()
    try:
        try:
            result = load(path)
        except allowed as exc:
            result = exc
        except Exception as exc:  # noqa: BLE001 - the point: anything else is a finding
            pytest.fail(f"{load.__name__}({path.name}) raised {type(exc).__name__}: {exc}")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        writes, _writes = _writes, None
    assert peak <= peak_bytes, f"{load.__name__}({path.name}) peaked at {peak / 2**20:.0f} MB"
    outside = [w for w in writes if folder not in Path(w).resolve().parents]
    assert not outside, f"{load.__name__}({path.name}) wrote outside {folder}: {outside}"
    if isinstance(result, Exception):
        assert path.name in str(result), f"the error does not name the file: {result}"
    return result


# -- valid files to damage -----------------------------------------------------------------

def small_network() -> Network:
    return Network([3, 4, 2], "tanh", head="softmax", seed=3)


def weights_bytes(folder: Path, fmt: str) -> bytes:
    return export_weights(folder / f"valid.{fmt}", small_network()).read_bytes()


def session_parts(folder: Path):
    """A valid session's manifest (dict) and its ``arrays.npz`` bytes."""
    net = small_network()
    path = save_session(folder / "valid.nnviz", SessionData.from_network(
        net, dataset={"kind": "generated", "name": "flower", "params": {"m": 40}},
        history={"cost": np.linspace(1, 0, 5)}, trajectory=[net.theta.copy()] * 3))
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json")), zf.read("arrays.npz")


def session_file(path: Path, manifest, arrays: bytes, manifest_text: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", manifest_text if manifest_text is not None
                    else json.dumps(manifest))
        zf.writestr("arrays.npz", arrays)
    return path


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()
