"""Files: exported weights (npz, JSON, ONNX), sessions (.nnviz) and history CSV. No Qt.

    from nnviz.engine.io import export_weights, load_weights, save_session, load_session
"""
from .atomic import (TEMP_PREFIX, atomic_write, atomic_write_text, sweep_stale_temp_files,
                     sweep_stale_temporaries)
from .errors import ExportError, LoadError
from .history import export_history_csv
from .metadata import FORMAT_VERSION as WEIGHTS_FORMAT_VERSION
from .session import (SESSION_FORMAT_VERSION, SessionData, dataset_from_session,
                      load_session, restore_trainer_state, save_session, trainer_state)
from .weights import FORMATS, LoadedModel, export_weights, format_for, load_weights

__all__ = [
    "TEMP_PREFIX", "atomic_write", "atomic_write_text", "sweep_stale_temp_files",
    "sweep_stale_temporaries",
    "ExportError", "LoadError", "export_history_csv",
    "WEIGHTS_FORMAT_VERSION", "SESSION_FORMAT_VERSION", "SessionData", "dataset_from_session",
    "load_session", "restore_trainer_state", "save_session", "trainer_state", "FORMATS",
    "LoadedModel", "export_weights", "format_for", "load_weights",
]
