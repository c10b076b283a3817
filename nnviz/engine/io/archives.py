"""Reading zip and ``.npz`` archives without trusting what they declare.

A small archive may claim (or unpack to) gigabytes, and an ``.npy`` header may claim 10**12
elements. Here the number of entries is read from the archive's end record before
``zipfile`` builds its table, every member is read through a :class:`Budget` that counts the
bytes actually unpacked, and an array's size is checked against the budget before it is
allocated. Nothing is ever unpickled. Every refusal is a :class:`LoadError`.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from ..data.csv_parser import file_kind
from ..limits import MAX_NPY_HEADER_BYTES, MAX_ZIP_MEMBERS, human_size
from .errors import LoadError

_END_RECORD = b"PK\x05\x06"
_CHUNK = 1 << 20
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                zlib.error, NotImplementedError, RuntimeError)


class Budget:
    """Bytes that may still be unpacked from one file; ``take`` refuses past the limit."""

    def __init__(self, path: Path, limit: int, what: str):
        self.path, self.limit, self.what, self.used = path, int(limit), what, 0

    def take(self, n: int, member: str) -> None:
        self.used += int(n)
        if self.used > self.limit:
            raise LoadError(f"{self.path.name}: unpacks to more than {human_size(self.limit)} "
                            f"(at {member}), too large to be a {self.what} nnviz wrote (the "
                            "limit on unpacked bytes). It was not read.", self.path)

    def fits(self, n: int, member: str) -> None:
        """Refuse ``n`` more bytes before allocating them."""
        if self.used + int(n) > self.limit:
            raise LoadError(f"{self.path.name}: {member} claims {human_size(int(n))}, more "
                            f"than the {human_size(self.limit)} a {self.what} may unpack to "
                            "(the limit on unpacked bytes). It was not read.", self.path)


def check_readable(path: Path, max_bytes: int, what: str) -> str:
    """Existence and size checks before reading; returns ``"zip"`` or ``"text"``."""
    kind = file_kind(path)
    if kind == "missing":
        raise LoadError(f"{path.name}: file not found ({path}). Check the path.", path)
    if kind == "folder":
        raise LoadError(f"{path.name}: is a folder, not a {what}.", path)
    if kind.startswith("unreadable"):
        raise LoadError(f"{path.name}: cannot be read: it is {kind}. Check the path and that "
                        "the file is readable.", path)
    if kind != "file":
        raise LoadError(f"{path.name}: is not a regular file but {kind}, so not a {what}. "
                        f"Choose a {what} saved on disk.", path)
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(f"{path.name}: is {human_size(size)}, too large to be a {what} nnviz "
                        f"wrote (the limit is {human_size(max_bytes)}). It was not read.", path)
    if size == 0:
        raise LoadError(f"{path.name}: is empty (0 bytes); the file is damaged or was not "
                        "fully written.", path)
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except OSError as exc:
        why = exc.strerror or "an input/output error"
        raise LoadError(f"{path.name}: cannot be read ({why}). Check that the file is "
                        "readable.", path) from exc
    return "zip" if magic.startswith(b"PK") else "text"


def open_zip(source, path: Path, label: str = "", budget: Budget | None = None) -> zipfile.ZipFile:
    """A ``ZipFile`` on ``source`` (a path or seekable binary file), after checking from the
    end record that it has at most :data:`MAX_ZIP_MEMBERS` entries (``zipfile`` would
    otherwise build a table of every entry first). With ``budget``, declared sizes beyond it
    are refused at once (``zipfile`` never yields more than a member declares, so they bound
    the work; smaller declared sizes are not trusted, the reads are counted)."""
    where = f"{path.name}{label}"
    try:
        f = open(source, "rb") if isinstance(source, (str, Path)) else source
        try:
            f.seek(0, io.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - (1 << 16) - 22))
            tail = f.read()
        finally:
            if f is not source:
                f.close()
        at = tail.rfind(_END_RECORD)
        if at >= 0 and len(tail) - at >= 22:
            entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
            if entries > MAX_ZIP_MEMBERS:  # 0xFFFF (zip64) included: nnviz never writes that
                raise LoadError(f"{where}: lists {entries} entries; an nnviz file has far "
                                f"fewer (the limit is {MAX_ZIP_MEMBERS}). It was not read.",
                                path)
        zf = zipfile.ZipFile(source)
    except LoadError:
        raise
    except _READ_ERRORS as exc:
        raise LoadError(f"{where}: is not a valid zip archive ({exc}); the file is damaged or "
                        "not an nnviz file.", path) from exc
    if len(zf.infolist()) > MAX_ZIP_MEMBERS:
        zf.close()
        raise LoadError(f"{where}: has more than {MAX_ZIP_MEMBERS} entries (the limit); it is "
                        "not an nnviz file.", path)
    if budget is not None:
        declared = sum(info.file_size for info in zf.infolist())
        if budget.used + declared > budget.limit:
            zf.close()
            raise LoadError(f"{where}: unpacks to {human_size(declared)}, too large to be a "
                            f"{budget.what} nnviz wrote (the limit is "
                            f"{human_size(budget.limit)}). It was not read.", path)
    return zf


def read_member(zf: zipfile.ZipFile, name: str, budget: Budget, limit: int | None = None,
                label: str = "") -> bytes:
    """The unpacked bytes of ``name``, counted while reading (declared sizes may lie)."""
    info = zf.getinfo(name)
    cap = budget.limit - budget.used if limit is None else min(limit, budget.limit - budget.used)
    # zipfile never yields more than the declared size, so a declared size within the cap
    # bounds the work; a lie the other way ends in a CRC or length error below.
    budget.fits(info.file_size, f"{label}{name}")
    if limit is not None and info.file_size > limit:
        raise LoadError(f"{budget.path.name}: {label}{name} is {human_size(info.file_size)} "
                        f"unpacked; the limit is {human_size(limit)}.", budget.path)
    out = io.BytesIO()
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                budget.take(len(chunk), f"{label}{name}")
                if out.tell() + len(chunk) > cap:
                    raise LoadError(f"{budget.path.name}: {label}{name} unpacks to more than "
                                    f"{human_size(cap)} (the limit). It was not read.",
                                    budget.path)
                out.write(chunk)
    except LoadError:
        raise
    except _READ_ERRORS as exc:
        raise LoadError(f"{budget.path.name}: is damaged: {label}{name} cannot be unpacked "
                        f"({exc}).", budget.path) from exc
    return out.getvalue()


def read_npz(source, budget: Budget, label: str = "",
             allow_text: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Arrays of an ``.npz`` (a path or a seekable binary file), never unpickling anything.

    Only numeric arrays are accepted, plus unicode arrays named in ``allow_text`` (the
    weights' ``metadata``). Each array's size is checked against ``budget`` before it is
    allocated, and its data is read through the budget."""
    path = budget.path
    where = f"{path.name}{label}"
    arrays = {}
    with open_zip(source, path, label, budget) as zf:
        for info in zf.infolist():
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            try:
                with zf.open(info) as member:
                    arrays[key] = _read_npy(member, key, budget, where, key in allow_text)
            except LoadError:
                raise
            except _READ_ERRORS as exc:
                raise LoadError(f"{where}: array {key!r} cannot be read ({exc}); the file is "
                                "damaged.", path) from exc
    return arrays


def _read_npy(fp, key: str, budget: Budget, where: str, text_ok: bool) -> np.ndarray:
    path = budget.path
    version = npy_format.read_magic(fp)
    if version == (1, 0):
        shape, fortran, dtype = npy_format.read_array_header_1_0(
            fp, max_header_size=MAX_NPY_HEADER_BYTES)
    elif version in ((2, 0), (3, 0)):
        shape, fortran, dtype = npy_format.read_array_header_2_0(
            fp, max_header_size=MAX_NPY_HEADER_BYTES)
    else:
        raise LoadError(f"{where}: array {key!r} has an unknown .npy version {version}.", path)
    header = 6 + 2 + (2 if version == (1, 0) else 4)
    budget.take(header, key)
    if dtype.hasobject:
        raise LoadError(f"{where}: array {key!r} holds pickled Python objects, which nnviz "
                        "never loads (they can run code). nnviz exports plain numeric arrays "
                        "only.", path)
    if dtype.kind not in "fiub" and not (text_ok and dtype.kind == "U"):
        raise LoadError(f"{where}: array {key!r} holds {dtype} values, not numbers.", path)
    count = 1
    for n in shape:  # Python ints: no overflow, whatever the header claims
        count *= int(n)
    nbytes = count * dtype.itemsize
    budget.fits(nbytes, f"array {key!r} ({'x'.join(map(str, shape)) or 'scalar'} {dtype})")
    # grown as the data arrives, so a header claiming more than the member holds costs
    # only what is really there
    data = bytearray()
    while len(data) < nbytes:
        chunk = fp.read(min(_CHUNK, nbytes - len(data)))
        if not chunk:
            raise LoadError(f"{where}: array {key!r} is cut short ({len(data)} of {nbytes} "
                            "bytes); the file is damaged.", path)
        data += chunk
    budget.take(nbytes, key)
    if fp.read(1):  # reading to the end also makes zipfile check the CRC
        raise LoadError(f"{where}: array {key!r} has data after its {nbytes} bytes; the file is "
                        "damaged.", path)
    array = np.frombuffer(data, dtype=dtype, count=count)
    if fortran:
        return array.reshape(shape[::-1]).T
    return array.reshape(shape)
