"""The File menu's file work: weights (export, import), sessions (save, load), history.

Nothing here reads or writes a file on the GUI thread. Weights and history come from the
latest snapshot (immutable: it carries ``theta``, the settings, the normalization and the
history). A session also needs the trainer's state, so the worker captures it between two
training chunks (``TrainingController.capture_session``). Files are then written, or read
and checked, on a :class:`~nnviz.training.jobs.JobRunner` thread, one job after another; a
session read from a file is rebuilt there completely before the worker swaps it in, so a
file that cannot be used leaves the current session exactly as it was.

Every write is atomic (the engine writes a temporary file beside the target and renames
it). Failures show a non-modal message naming the file and what to do.
"""
from __future__ import annotations

import importlib.util
import tempfile
from collections import deque
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from .file_jobs import (Failure, export_history_job, export_pytorch_job, export_weights_job,
                        import_weights_job, load_session_job, save_session_job)
from .recent_files import RecentFiles

WEIGHT_FILTERS = {"npz": "NumPy arrays W1, b1, … (*.npz)",
                  "json": "JSON, human-readable (*.json)",
                  "onnx": "ONNX model, raw inputs to predictions (*.onnx)"}
SESSION_FILTER = "nnviz sessions (*.nnviz)"
IMPORT_FILTER = "nnviz weights (*.npz *.json)"
CSV_FILTER = "CSV files (*.csv)"
WRITE_WAIT_MS = 30000  # closing waits this long for a file being written
PYTORCH_FILTER = "PyTorch script, with the weights .npz beside it (*.py)"
ONNX_MISSING = ("ONNX export needs the optional onnx package: pip install 'nnviz[onnx]' "
                "(npz and JSON are always available).")


def onnx_available() -> bool:
    """Whether ``onnx`` can be imported (checked without importing it: that takes ~1 s)."""
    return importlib.util.find_spec("onnx") is not None


class FileActions(QObject):
    """Owned by the main window; its menu actions call the dialog methods, tests and
    scripts the ``*_to`` / ``*_from`` ones. ``finished(kind, result)`` / ``failed(kind,
    message)`` report each operation (kind: ``weights``, ``pytorch``, ``history``, ``save``,
    ``load``, ``import``). Files opened or saved go to ``recent`` (File > Open recent)."""

    finished = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self._runner = None          # a JobRunner, started on first use
        self._queue: deque = deque()  # (kind, fn) waiting for the runner
        self._captures: dict[int, Path] = {}
        self._csv_dir: tempfile.TemporaryDirectory | None = None
        self._csv_origins: dict[str, str] = {}
        self._closed = False
        self.recent = RecentFiles(window.settings, parent=self)
        self._recent_csv = ""
        self.controller.session_captured.connect(self._on_captured)
        self.controller.capture_failed.connect(self._on_capture_failed)
        self.controller.config_applied.connect(self._remember_csv)

    # -- dialogs -----------------------------------------------------------------------
    def export_weights(self) -> None:
        """File > Export weights (Ctrl+E): a file name and a format, then the export."""
        if self._no_snapshot("export weights") or not self._diverged_export_confirmed():
            return
        formats = ["npz", "json"] + (["onnx"] if onnx_available() else [])
        last = str(self.window.settings.value("export/weights_format", "npz"))
        last = last if last in formats else "npz"
        name = f"{self._base_name()}-weights.{last}"
        if "onnx" not in formats:
            self._status(ONNX_MISSING, 10000)
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Export weights", str(Path(self.window.last_folder("weights")) / name),
            ";;".join(WEIGHT_FILTERS[f] for f in formats), WEIGHT_FILTERS[last])
        if not path:
            return
        fmt = next((f for f in formats if WEIGHT_FILTERS[f] == chosen), last)
        self.window.settings.setValue("export/weights_format", fmt)
        self.export_weights_to(path, fmt)

    def export_pytorch(self) -> None:
        """File > Export > PyTorch script: a .py file and the weights .npz beside it."""
        if self._no_snapshot("export") or not self._diverged_export_confirmed():
            return
        # A Python module name: the script is also meant to be imported.
        name = self._base_name().replace("-", "_").replace(" ", "_") + "_model.py"
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export PyTorch script",
            str(Path(self.window.last_folder("weights")) / name), PYTORCH_FILTER)
        if path:
            self.export_pytorch_to(path)

    def save_session(self) -> None:
        """File > Save session (Ctrl+S)."""
        name = f"{self._base_name()}.nnviz"
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save session", str(Path(self.window.last_folder("session")) / name),
            SESSION_FILTER)
        if path:
            self.save_session_to(path)

    def load_session(self) -> None:
        """File > Load session (Ctrl+L)."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Load session", self.window.last_folder("session"),
            f"{SESSION_FILTER};;All files (*)")
        if path:
            self.load_session_from(path)

    def import_weights(self) -> None:
        """File > Import weights (Ctrl+I): an nnviz .npz or .json export."""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import weights", self.window.last_folder("weights"),
            f"{IMPORT_FILTER};;All files (*)")
        if path:
            self.import_weights_from(path)

    def export_history(self) -> None:
        """File > Export training history (CSV)."""
        if self._no_snapshot("export the history"):
            return
        name = f"{self._base_name()}-history.csv"
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export training history",
            str(Path(self.window.last_folder("history")) / name), CSV_FILTER)
        if path:
            self.export_history_to(path)

    # -- the work ----------------------------------------------------------------------
    def export_weights_to(self, path, fmt: str | None = None) -> bool:
        """Export the latest snapshot's weights; ``fmt`` None takes it from the suffix
        (a name without a known suffix gets ``.npz``)."""
        from nnviz.engine.io import FORMATS

        snapshot = self.controller.latest
        if snapshot is None or self._closed:
            return False
        path = Path(path).expanduser()
        suffix = path.suffix.lower()
        if suffix not in FORMATS:
            path = path.with_name(path.name + f".{fmt or 'npz'}")
        elif fmt is None:
            fmt = FORMATS[suffix]
        elif FORMATS[suffix] != fmt:  # "model.json" typed with the npz filter: the name wins
            fmt = FORMATS[suffix]
        fmt = fmt or "npz"
        self.window.remember_folder("weights", path)
        source = self._data_source(snapshot)
        self._submit("weights", lambda job: export_weights_job(snapshot, path, fmt, source),
                     f"Exporting the weights to {path.name}…")
        return True

    def export_pytorch_to(self, path) -> bool:
        """Write the latest snapshot's network as a PyTorch script (``.py`` added when
        missing) and its weights as ``.npz`` beside it, off the GUI thread."""
        snapshot = self.controller.latest
        if snapshot is None or self._closed:
            return False
        path = _with_suffix(Path(path).expanduser(), ".py")
        self.window.remember_folder("weights", path)
        source = self._data_source(snapshot)
        self._submit("pytorch", lambda job: export_pytorch_job(snapshot, path, source),
                     f"Exporting the PyTorch script {path.name}…")
        return True

    def export_history_to(self, path) -> bool:
        snapshot = self.controller.latest
        if snapshot is None or self._closed:
            return False
        path = _with_suffix(Path(path).expanduser(), ".csv")
        self.window.remember_folder("history", path)
        self._submit("history", lambda job: export_history_job(snapshot, path),
                     f"Exporting the training history to {path.name}…")
        return True

    def save_session_to(self, path) -> bool:
        """Capture the session on the worker, then write it (atomically) off the GUI."""
        if self._closed:
            return False
        path = _with_suffix(Path(path).expanduser(), ".nnviz")
        self.window.remember_folder("session", path)
        self._captures[self.controller.capture_session()] = path
        self._status(f"Saving the session to {path.name}…")
        return True

    def load_session_from(self, path) -> bool:
        """Read and rebuild the session off the GUI thread; the worker swaps it in only
        when everything checked out."""
        if self._closed:
            return False
        path = Path(path).expanduser()
        self.window.remember_folder("session", path)
        folder = self.csv_folder()
        self._submit("load", lambda job: load_session_job(path, folder, job),
                     f"Opening the session {path.name}…", path)
        return True

    def import_weights_from(self, path) -> bool:
        """Use an export's network and weights on the current data (checked off the GUI
        thread; weights that do not fit the data leave the session as it is)."""
        if self._closed:
            return False
        path = Path(path).expanduser()
        self.window.remember_folder("weights", path)
        config = self.controller.requested_config
        self._submit("import", lambda job: import_weights_job(path, config, job),
                     f"Importing the weights {path.name}…", path)
        return True

    # -- internals ---------------------------------------------------------------------
    def _on_captured(self, request_id: int, data) -> None:
        path = self._captures.pop(request_id, None)
        if path is None or self._closed:
            return
        self._submit("save", lambda job: save_session_job(data, path),
                     f"Saving the session to {path.name}…")

    def _on_capture_failed(self, request_id: int, message: str) -> None:
        path = self._captures.pop(request_id, None)
        if path is not None:
            self._report_failure("save", f"Cannot save the session to {path}: {message}. "
                                 "Nothing was written.")

    def _submit(self, kind: str, fn, status: str, subject=None) -> None:
        self._queue.append((kind, fn, subject))
        self._status(status)
        self._next()

    def _next(self) -> None:
        runner = self._job_runner()
        if runner.busy or not self._queue:
            return
        kind, fn, subject = self._queue.popleft()
        runner.submit(fn, tag=(kind, subject))

    def _job_runner(self):
        if self._runner is None:
            from nnviz.training.jobs import JobRunner

            self._runner = JobRunner("nnviz-files", self)
            self._runner.finished.connect(self._on_job_done)
            self._runner.failed.connect(self._on_job_failed)
            self._runner.cancelled.connect(lambda tag: self._next())
        return self._runner

    def _on_job_done(self, tag, result) -> None:
        kind, subject = tag
        if isinstance(result, Failure):
            self._report_failure(kind, result.message)
        elif not self._closed:
            self._report_success(kind, result, subject)
        self._next()

    def _on_job_failed(self, tag, message: str) -> None:
        kind, subject = tag
        what = {"weights": "Exporting the weights", "pytorch": "Exporting the PyTorch script",
                "history": "Exporting the history",
                "save": "Saving the session", "load": "Opening the session",
                "import": "Importing the weights"}[kind]
        self._report_failure(kind, f"{what} failed unexpectedly: {message}")
        self._next()

    def _report_success(self, kind: str, result, path) -> None:
        if kind == "import":
            self._adopt(result)
            net = result.session.net
            text = (f"Imported {Path(path).name}: network {net.describe()}, on "
                    f"{result.session.data.title}. Press Play to train further.")
            if result.notes:
                self.window.show_message(f"{Path(path).name} was imported, but "
                                         f"{'; and '.join(result.notes)}.", "warning")
        elif kind == "load":
            restored = result
            self.adopt_restored(restored)
            text = (f"Opened {Path(path).name}: iteration {restored.session.iteration:,}. "
                    "Press Play to continue training.")
            if restored.notes:
                self.window.show_message(
                    f"{Path(path).name} was opened, but {' and '.join(restored.notes)} could "
                    "not be restored (the file holds it in a form this nnviz does not read); "
                    "the weights and settings are as saved.", "warning")
        elif kind == "history":
            text = "Exported the training history to " + " and ".join(p.name for p in result)
        elif kind == "weights":
            text = f"Exported the weights to {result}"
        elif kind == "pytorch":
            script, weights = result
            text = (f"Exported the PyTorch script {script} with its weights {weights.name}; "
                    f"run it with: python {script.name}")
        else:
            text = f"Saved the session to {result}"
        recent_kind = {"load": "session", "save": "session", "import": "weights",
                       "weights": "weights"}.get(kind)
        if recent_kind is not None:
            self.recent.add(result if kind in ("save", "weights") else path, recent_kind)
        self.window.banner.action_succeeded(kind)  # an earlier failure of this kind is over
        self._status(text, 10000)
        self.finished.emit(kind, result)

    def adopt_restored(self, restored) -> None:
        """Swap in a session rebuilt from a file (``load_session_job``'s result), keeping
        where its embedded CSV file came from (exports and saves name that file)."""
        config = restored.session.config
        if restored.csv_origin and config.data.csv_path:
            self._csv_origins[config.data.csv_path] = restored.csv_origin
        self._adopt(restored)

    def _remember_csv(self, config) -> None:
        """A CSV file in use is a recent data file (not a reopened session's embedded copy,
        which lives in :meth:`csv_folder`)."""
        path = config.data.csv_path if config.data.name == "csv" else None
        if not path or path == self._recent_csv or self._closed:
            return
        self._recent_csv = path
        if self._csv_dir is None or not Path(path).is_relative_to(self._csv_dir.name):
            self.recent.add(path, "data")

    def _adopt(self, restored) -> None:
        """Swap in a session from a file; the old session's message (a divergence warning,
        an error) goes with it."""
        if self.window.banner.active:
            self.window.banner.dismiss()
        self.controller.adopt_session(restored)

    def _report_failure(self, kind: str, message: str) -> None:
        if self._closed:
            return
        if kind in ("load", "import") and "unchanged" not in message:
            message += " The current session is unchanged."
        self.window.show_message(message, "error", cause=kind)  # the banner alone says it
        self.failed.emit(kind, message)

    def _no_snapshot(self, what: str) -> bool:
        if self.controller.latest is None:
            self._status(f"Nothing to {what} yet: the session is still starting.", 5000)
            return True
        return False

    def _diverged_export_confirmed(self) -> bool:
        """A diverged network is exported only if the learner says so (the command line
        refuses): its weights are the last finite ones before the overflow."""
        snapshot = self.controller.latest
        if snapshot.state != "diverged":
            return True
        largest = float(np.abs(snapshot.theta).max()) if snapshot.theta.size else 0.0
        text = (f"Training diverged at iteration {snapshot.iteration + 1:,}. The weights are "
                f"the last finite ones before the overflow (largest |w| = {largest:.3g}), so "
                "the network's predictions mean nothing. The command line refuses to export "
                "such a network.\n\nReset and train again with a lower learning rate (or "
                "normalized inputs) first. Export it anyway?")
        Button = QMessageBox.StandardButton
        answer = QMessageBox.question(self.window, "Export a diverged network?", text,
                                      Button.Yes | Button.Cancel, Button.Cancel)
        return answer == Button.Yes

    def _status(self, text: str, timeout: int = 0) -> None:
        self.window.statusBar().showMessage(text, timeout)

    def _base_name(self) -> str:
        snapshot = self.controller.latest
        if snapshot is None:
            return "nnviz"
        if snapshot.data.name == "csv":
            return Path(self._data_source(snapshot)).stem or "data"
        return snapshot.data.name

    def _data_source(self, snapshot) -> str:
        spec = snapshot.config.data
        if spec.name == "csv":
            return self._csv_origins.get(spec.csv_path or "", spec.csv_path or "")
        return f"nnviz data set {spec.name!r} {dict(spec.params)}"

    def csv_folder(self) -> str:
        """Where reopened sessions' embedded CSV files live while the app runs."""
        if self._csv_dir is None:
            self._csv_dir = tempfile.TemporaryDirectory(prefix="nnviz-sessions-")
        return self._csv_dir.name

    def shutdown(self) -> None:
        """Finish the file being written (never cut it short: the user asked for it), then
        stop the thread; a file being read is dropped (its result could not be used)."""
        self._closed = True
        if self._runner is not None:
            running = self._runner.running_tag
            reading = running is not None and running[0] in ("load", "import")
            if reading:
                self._runner.shutdown()
            else:
                self._runner.shutdown(WRITE_WAIT_MS)
        while self._queue:  # exports asked for just before closing are still written
            kind, fn, _ = self._queue.popleft()
            if kind not in ("load", "import"):
                fn(None)
        if self._csv_dir is not None:
            self._csv_dir.cleanup()
            self._csv_dir = None


def _with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)
