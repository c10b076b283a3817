"""A learner's progress, kept between sessions (no Qt): lessons done, predictions and their
scores, challenges solved with their best values.

One JSON file in the platform's application-data folder (the app passes the folder it gets
from ``QStandardPaths.AppDataLocation``; tests pass a temporary one), written atomically after
every change. Reading is defensive: the file's size is bounded before it is read, every field
is checked, and a file that is not valid JSON, not an nnviz progress file, from a newer nnviz
or too large is set aside (renamed ``progress.json.corrupt-<timestamp>``) with a message for
the learner; progress then starts afresh. Nothing here raises on a bad file or a failed
write: the caller gets a message to show.
"""
from __future__ import annotations

import json
import math
import re
import time
from datetime import datetime, timezone
from pathlib import Path

from nnviz.engine.io import ExportError
from nnviz.engine.io.atomic import atomic_write_text

FILE_NAME = "progress.json"
FORMAT = "nnviz-progress"
VERSION = 1
MAX_BYTES = 1_000_000            # a real file is a few kilobytes
MAX_ENTRIES = 500                # lessons or challenges
MAX_PREDICTIONS = 50             # kept per lesson (the latest)
MAX_TEXT = 500                   # an answer given as text
MAX_POINTS = 2000                # an answer given as numbers (a sketch's points)
_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
_SHARED: dict[Path, "ProgressStore"] = {}


class ProgressError(ValueError):
    """The file's content is not a valid progress record (the message says where)."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _empty() -> dict:
    return {"lessons": {}, "predictions": {}, "challenges": {}}


class ProgressStore:
    """The progress in ``folder/progress.json``. Build it, then read :attr:`message` once:
    a sentence for the learner when the file had to be set aside or could not be read."""

    def __init__(self, folder, file_name: str = FILE_NAME):
        self.path = Path(folder).expanduser() / file_name
        self.data = _empty()
        self.message: str | None = self._load()

    @classmethod
    def shared(cls, folder, file_name: str = FILE_NAME) -> "ProgressStore":
        """The one store of this file in this process: the lessons and the challenges write
        through the same object, so neither overwrites what the other recorded."""
        path = (Path(folder).expanduser() / file_name).resolve()
        store = _SHARED.get(path)
        if store is None:
            store = _SHARED[path] = cls(folder, file_name)
        return store

    # -- reading ------------------------------------------------------------------------
    def _load(self) -> str | None:
        try:
            if not self.path.exists():
                return None
            if not self.path.is_file():
                return (f"Your progress cannot be kept: {self.path} is not a file. Remove it "
                        "or rename it, and progress will be saved there again.")
            size = self.path.stat().st_size
            if size > MAX_BYTES:
                return self._set_aside(f"it is {size / 1e6:.1f} MB, more than a progress "
                                       "file can be")
            raw = self.path.read_bytes()
        except OSError as exc:
            return (f"Your progress could not be read from {self.path} "
                    f"({exc.strerror or exc}); it starts afresh for this session.")
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return self._set_aside("it is not valid JSON (damaged)")
        try:
            self.data = validate(document)
        except ProgressError as exc:
            return self._set_aside(str(exc))
        return None

    def _set_aside(self, why: str) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            self.path.rename(target)
        except OSError as exc:
            return (f"Your progress file {self.path} could not be used ({why}) nor set aside "
                    f"({exc.strerror or exc}); progress is not saved this session. Move the "
                    "file away to start afresh.")
        self.data = _empty()
        return (f"Your progress file could not be used ({why}). It was kept as {target.name} "
                f"in {target.parent}, and your progress starts afresh.")

    # -- lessons and predictions ----------------------------------------------------------
    def lesson_done(self, lesson_key: str) -> bool:
        return lesson_key in self.data["lessons"]

    @property
    def lessons_done(self) -> list[str]:
        return list(self.data["lessons"])

    def mark_lesson_done(self, lesson_key: str) -> str | None:
        _check_key(lesson_key, "a lesson's key")
        if lesson_key not in self.data["lessons"] and len(self.data["lessons"]) >= MAX_ENTRIES:
            return "Too many lessons recorded; reset progress to record more."
        self.data["lessons"][lesson_key] = {"at": _now()}
        return self.save()

    def record_prediction(self, lesson_key: str, answer, score: float) -> str | None:
        """Keep the learner's ``answer`` to a lesson's question and its ``score`` (0..1); the
        lesson counts as done. Returns a message when it could not be saved, else None."""
        _check_key(lesson_key, "a lesson's key")
        entry = {"answer": _check_answer(answer), "score": _check_score(score), "at": _now()}
        predictions = self.data["predictions"]
        if lesson_key not in predictions and len(predictions) >= MAX_ENTRIES:
            return "Too many lessons recorded; reset progress to record more."
        kept = predictions.setdefault(lesson_key, [])
        kept.append(entry)
        del kept[:-MAX_PREDICTIONS]
        self.data["lessons"].setdefault(lesson_key, {"at": entry["at"]})
        return self.save()

    def predictions(self, lesson_key: str) -> list[dict]:
        return [dict(p) for p in self.data["predictions"].get(lesson_key, [])]

    # -- challenges ---------------------------------------------------------------------
    @property
    def challenges_solved(self) -> dict[str, dict]:
        """``{key: {"best": value or None, "at": when first solved}}``."""
        return {k: dict(v) for k, v in self.data["challenges"].items()}

    def record_challenge(self, key: str, best: float | None = None,
                         better: str | None = None) -> str | None:
        """Mark challenge ``key`` solved, keeping ``best`` when it beats the record
        (``better``: "min" or "max")."""
        _check_key(key, "a challenge's key")
        best = None if best is None else _check_number(best, "a challenge's best value")
        solved = self.data["challenges"]
        old = solved.get(key)
        if old is None:
            if len(solved) >= MAX_ENTRIES:
                return "Too many challenges recorded; reset progress to record more."
            solved[key] = {"best": best, "at": _now()}
        elif best is not None:
            record = old.get("best")
            if record is None or (best < record if better == "min" else best > record):
                old["best"] = best
            else:
                return None  # nothing new to save
        else:
            return None
        return self.save()

    # -- writing --------------------------------------------------------------------------
    def reset(self) -> str | None:
        self.data = _empty()
        return self.save()

    def save(self) -> str | None:
        document = {"format": FORMAT, "version": VERSION, **self.data}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, json.dumps(document, indent=1, allow_nan=False))
        except (OSError, ExportError) as exc:
            return f"Your progress could not be saved: {exc}"
        return None


# -- validation ---------------------------------------------------------------------------
def validate(document) -> dict:
    """The checked content of a progress file's JSON, or :class:`ProgressError`."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProgressError("it is not an nnviz progress file")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ProgressError("its version is missing or not a number")
    if version > VERSION:
        raise ProgressError(f"it was written by a newer nnviz (version {version})")
    unknown = set(document) - {"format", "version", "lessons", "predictions", "challenges"}
    if unknown:
        raise ProgressError(f"it has unknown fields: {', '.join(sorted(unknown))}")
    lessons = _mapping(document.get("lessons", {}), "lessons")
    predictions = _mapping(document.get("predictions", {}), "predictions")
    challenges = _mapping(document.get("challenges", {}), "challenges")
    out = _empty()
    for key, entry in lessons.items():
        out["lessons"][key] = {"at": _stamp(_fields(entry, {"at"}, f"lesson {key}")["at"])}
    for key, entries in predictions.items():
        if not isinstance(entries, list) or len(entries) > MAX_PREDICTIONS:
            raise ProgressError(f"the predictions of {key} are not a list of at most "
                                f"{MAX_PREDICTIONS}")
        kept = []
        for entry in entries:
            entry = _fields(entry, {"answer", "score", "at"}, f"a prediction of {key}")
            try:
                kept.append({"answer": _check_answer(entry["answer"]),
                             "score": _check_score(entry["score"]), "at": _stamp(entry["at"])})
            except ValueError as exc:
                raise ProgressError(f"a prediction of {key}: {exc}") from None
        out["predictions"][key] = kept
    for key, entry in challenges.items():
        entry = _fields(entry, {"best", "at"}, f"challenge {key}")
        best = entry["best"]
        if best is not None:
            try:
                best = _check_number(best, "best")
            except ValueError as exc:
                raise ProgressError(f"challenge {key}: {exc}") from None
        out["challenges"][key] = {"best": best, "at": _stamp(entry["at"])}
    return out


def _mapping(value, name: str) -> dict:
    if not isinstance(value, dict) or len(value) > MAX_ENTRIES:
        raise ProgressError(f"its {name} are not a table of at most {MAX_ENTRIES} entries")
    for key in value:
        if not _KEY.match(key):
            raise ProgressError(f"its {name} have a key that is not a name: {key[:40]!r}")
    return value


def _fields(entry, names: set[str], where: str) -> dict:
    if not isinstance(entry, dict) or set(entry) != names:
        raise ProgressError(f"{where} does not have exactly the fields {', '.join(sorted(names))}")
    return entry


def _stamp(value) -> str:
    if not isinstance(value, str) or len(value) > 40:
        raise ProgressError(f"a date is not a short text: {str(value)[:40]!r}")
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ProgressError(f"{value!r} is not a date") from None
    return value


def _check_key(key, what: str) -> None:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"{what} must be a name of letters, digits, '_', '.' or '-', "
                         f"got {key!r}")


def _check_number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _check_score(score) -> float:
    score = _check_number(score, "a score")
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"a score must be between 0 and 1, got {score:g}")
    return score


def _check_answer(answer):
    """An answer as the lessons give it: a choice's key or text, a number, or a list of
    numbers or [x, y] points (a sketch)."""
    if answer is None or isinstance(answer, bool):
        return answer
    if isinstance(answer, str):
        if len(answer) > MAX_TEXT:
            raise ValueError(f"an answer's text must be at most {MAX_TEXT} characters")
        return answer
    if isinstance(answer, (int, float)):
        return _check_number(answer, "an answer")
    if isinstance(answer, (list, tuple)):
        if len(answer) > MAX_POINTS:
            raise ValueError(f"an answer holds at most {MAX_POINTS} values")
        out = []
        for item in answer:
            if isinstance(item, (list, tuple)):
                if len(item) != 2:
                    raise ValueError("a sketched point is [x, y]")
                out.append([_check_number(v, "a sketched point") for v in item])
            else:
                out.append(_check_number(item, "an answer's value"))
        return out
    raise ValueError(f"an answer is a text, a number or a list of numbers, "
                     f"not {type(answer).__name__}")
