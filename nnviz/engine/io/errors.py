"""The two errors every file operation of nnviz raises, each naming the file and the fix."""
from __future__ import annotations

from pathlib import Path


class ExportError(Exception):
    """Writing ``path`` failed (unwritable folder, missing folder, unknown format, ...).

    The message says which file and what to do; any older file at ``path`` is untouched.
    """

    def __init__(self, message: str, path):
        super().__init__(message)
        self.path = Path(path)


class LoadError(ValueError):
    """Reading ``path`` was refused: corrupt, pickled, inconsistent or implausible content.

    The message starts with the file name and says what is wrong with it.
    """

    def __init__(self, message: str, path):
        super().__init__(message)
        self.path = Path(path)
