"""Keep NumPy's per-step temporaries in reused heap memory.

A training step allocates and frees the same few ``(n[l], m)`` arrays thousands of times a
second. glibc serves blocks above its mmap threshold (128 KiB to start) with fresh ``mmap``
pages, so every step pays page faults for memory it just gave back; on a 64-unit layer with
569 examples that doubled the step time. Raising the thresholds makes those blocks come from
the heap's free lists instead. Process-wide, so it is an explicit call (the trainer makes it),
and a no-op where glibc is not the C library.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def reuse_large_allocations(threshold_bytes: int = 256 * 1024 * 1024) -> bool:
    """Serve allocations up to ``threshold_bytes`` from the heap; True if it took effect."""
    global _done
    if _done or not sys.platform.startswith("linux"):
        return _done
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    _done = bool(mallopt(_M_MMAP_THRESHOLD, threshold_bytes)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 2 * threshold_bytes))
    return _done
