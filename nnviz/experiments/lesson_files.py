"""Lessons a teacher writes as files (TOML, no Qt, no code executed).

A lesson file holds the lesson's words (``title``, ``summary``, ``text``), its runs (1 to 4
side by side, each named by builder settings as ``nnviz train`` takes them, read by the same
headless parser), the iterations, and a question in the format of the built-in lessons'
question files (``lessons/questions/README.md``) whose answer rule reads the runs' own
numbers: ``{ run = 2, value = "final_test_accuracy" }``. The format, with a complete
example, is in the README ("Write your own lesson") and ``lessons/examples/``.

:func:`load_lesson_file` checks a file strictly and raises
:class:`~nnviz.experiments.toml_reader.QuestionError` naming the file and the line;
:func:`load_user_lessons` reads a folder of them, keeping every file that loads and a
refusal (file, message) for every one that does not.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path

from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.network import MAX_UNITS
from nnviz.training.config import CSV_DATASET, SessionConfig
from nnviz.training.headless import FLAT_KEYS, ConfigError, build_settings

from .base import Experiment
from .comparison import ComparisonResult, comparison_report, label_differences, results_table
from .lesson_words import LessonWords, read_words
from .plots import boundary_cell
from .questions import Question, Ref, parse_question
from .results import BoundaryPlot
from .runs import run_session
from .toml_reader import QuestionError, TableReader, parse_toml, read_small_text

MAX_FILE_BYTES = 256_000
MAX_RUNS = 4
MAX_ITERATIONS = 1_000_000
MAX_HIDDEN_LAYERS = 10
MAX_LAYER_UNITS = min(1024, MAX_UNITS)  # the builder's own limit is the smaller
MAX_SAMPLES = 100_000  # examples a lesson's data set may generate
MAX_USER_LESSONS = 100  # files read from one folder
MAX_LIST = 16  # items of a list setting (layers, activations, features)
FILE_KINDS = ("choice", "number", "sketch")
LESSON_KEYS = {"iterations", "base", "runs"}
# `nnviz train` settings a lesson may not use: its data is a built-in set, never a file.
NOT_IN_LESSONS = {"csv", "label", "task", "header", "head", "iterations"}
RUN_SETTINGS = tuple(k for k in FLAT_KEYS if k not in NOT_IN_LESSONS)
# Numbers every file lesson's result holds by run label, for { finding = ..., item = ... }.
FINDINGS = ("train_accuracy", "test_accuracy", "final_cost", "initial_cost")
# What each setting's value is: the parser itself takes some wrong types and fails later.
_TEXT, _WHOLE, _NUMBER, _FLAG = "a name in quotes", "a whole number", "a number", "true or false"
SETTING_TYPES = {
    **dict.fromkeys(("dataset", "init", "optimizer", "dtype"), _TEXT),
    **dict.fromkeys(("normalize", "course_exact", "bias_correction"), _FLAG),
    **dict.fromkeys(("seed", "split_seed", "data_seed", "samples"), _WHOLE),
    **dict.fromkeys(("alpha", "init_scale", "lr", "learning_rate", "beta", "beta1", "beta2",
                     "epsilon", "l2", "lambd", "keep_prob", "noise", "test_fraction"), _NUMBER),
}
USER_PREFIX = "user."


@dataclass(frozen=True)
class LessonSpec:
    """A lesson file, checked: its words, runs (configurations and labels) and question."""
    key: str
    source: str  # the file's name, as messages name it
    words: LessonWords
    iterations: int
    configs: tuple[SessionConfig, ...]
    labels: tuple[str, ...]
    question: Question
    path: str = ""


# -- reading -------------------------------------------------------------------------------
def parse_lesson(text: str, key: str, source: str = "<lesson>") -> LessonSpec:
    """A lesson from its file's text; QuestionError names ``source`` and the line."""
    data = parse_toml(text, source, MAX_FILE_BYTES)
    r = TableReader(source, text, data)
    from .questions import TOP_KEYS, WORDS_KEYS
    r.check_keys(TOP_KEYS | WORDS_KEYS | LESSON_KEYS)
    words = read_words(r)
    iterations = data.get("iterations")
    if iterations is None:
        r.fail("'iterations' is missing: the gradient steps every run takes")
    if (isinstance(iterations, bool) or not isinstance(iterations, int)
            or not 1 <= iterations <= MAX_ITERATIONS):
        r.fail(f"'iterations' must be a whole number from 1 to {MAX_ITERATIONS:,}", "iterations")
    base = r.sub("base", required=False)
    runs = data.get("runs")
    if runs is None:
        r.fail("no [[runs]]: a lesson trains 1 to 4 runs side by side")
    if not isinstance(runs, list) or not all(isinstance(t, dict) for t in runs):
        r.fail("'runs' must be [[runs]] tables", "runs")
    if not 1 <= len(runs) <= MAX_RUNS:
        TableReader(source, text, runs[-1], f"run {len(runs)}: ", ("runs", len(runs))).fail(
            f"a lesson has 1 to {MAX_RUNS} runs, this file {len(runs)}")
    readers = [TableReader(source, text, t, f"run {n}: ", ("runs", n))
               for n, t in enumerate(runs, 1)]
    configs = tuple(_config(base, run) for run in readers)
    labels = _labels(readers, configs)
    if "kind" in data and data["kind"] not in FILE_KINDS:
        r.fail(f"a lesson file asks a {', '.join(FILE_KINDS[:-1])} or {FILE_KINDS[-1]} "
               "question ('kind')", "kind")
    question = parse_question(text, key, source, data=data, extra_keys=LESSON_KEYS)
    _check_rule(r, question, labels)
    return LessonSpec(key, source, words, iterations, configs, labels, question)


def _settings(reader: TableReader | None) -> dict:
    if reader is None:
        return {}
    out = {}
    for name, value in reader.table.items():
        if name == "label" and reader.where.startswith("run"):
            continue
        if name not in RUN_SETTINGS:
            hint = (" (a lesson's data is a built-in data set)" if name in NOT_IN_LESSONS
                    else "")
            reader.fail(f"unknown setting '{name}'{hint}; settings are named like the flags "
                        f"of nnviz train: {', '.join(RUN_SETTINGS)}", name)
        if isinstance(value, list):
            if len(value) > MAX_LIST or not all(isinstance(v, (str, int)) and not
                                                isinstance(v, bool) for v in value):
                reader.fail(f"'{name}' must be a value or a list of up to {MAX_LIST} "
                            "numbers or names", name)
        elif isinstance(value, dict) or not isinstance(value, (str, int, float, bool)):
            reader.fail(f"'{name}' must be a number, a name, true/false or a list", name)
        kind = SETTING_TYPES.get(name)
        if kind is not None and not _is(kind, value):
            reader.fail(f"'{name}' must be {kind}", name)
        if name == "noise" and value < 0:
            reader.fail("'noise' must be 0 or more", name)
        out[name] = value
    return out


def _config(base: TableReader | None, run: TableReader) -> SessionConfig:
    """The run's settings over the shared [base], through ``nnviz train``'s own parser; a
    refusal is blamed on the first setting (in the file's order) that brings it about."""
    given = [(base, k, v) for k, v in _settings(base).items()]
    given += [(run, k, v) for k, v in _settings(run).items()]
    for reader, name, value in given:
        if name == "dataset" and value == CSV_DATASET:
            reader.fail("a lesson's data is a built-in data set, not a CSV file", name)
        if name == "activation":
            names = [a.strip() for a in value.split(",")] if isinstance(value, str) else value
            unknown = [a for a in names if a not in ACTIVATIONS]
            if unknown:
                reader.fail(f"unknown activation {unknown[0]!r}; choose from "
                            f"{', '.join(ACTIVATIONS)}", name)
    try:
        config = build_settings({k: v for _, k, v in given}).config
    except (ConfigError, TypeError, ValueError):
        flags = {}
        for reader, name, value in given:
            flags[name] = value
            try:
                build_settings(dict(flags))
            except (ConfigError, TypeError, ValueError) as exc:
                reader.fail(_plain(exc), name)
        run.fail("these settings do not fit together")
    units = config.network.hidden_units
    if len(units) > MAX_HIDDEN_LAYERS or any(n > MAX_LAYER_UNITS for n in units):
        _blame(given, "layers", run).fail(
            f"a lesson's network has at most {MAX_HIDDEN_LAYERS} hidden layers of at most "
            f"{MAX_LAYER_UNITS:,} units", "layers")
    m = config.data.param_dict.get("m")
    if isinstance(m, int) and m > MAX_SAMPLES:
        _blame(given, "samples", run).fail(
            f"a lesson's data set has at most {MAX_SAMPLES:,} examples", "samples")
    return config


def _is(kind: str, value) -> bool:
    if kind == _TEXT:
        return isinstance(value, str)
    if kind == _FLAG:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if kind == _WHOLE else isinstance(value, (int, float))


def check_data(spec: LessonSpec, text: str) -> None:
    """Build each run's data set (no network, no training), so a setting the data cannot
    take (input features on four-input data, say) is refused now, naming the run."""
    from nnviz.training.session_build import DatasetCache, build_data

    cache = DatasetCache()
    for n, config in enumerate(spec.configs, 1):
        try:
            build_data(config.data, cache)
        except (ValueError, TypeError) as exc:
            TableReader(spec.source, text, {}, f"run {n}: ", ("runs", n)).fail(
                f"its data cannot be built: {_plain(exc)}")


def _blame(given, name: str, default: TableReader) -> TableReader:
    return next((reader for reader, key, _ in reversed(given) if key == name), default)


def _plain(exc: Exception) -> str:
    text = str(exc).removeprefix("invalid settings: ")
    return text[:1].lower() + text[1:] if text else "not a valid setting"


def _labels(readers, configs) -> tuple[str, ...]:
    made = label_differences(configs)
    labels = []
    for n, (reader, auto) in enumerate(zip(readers, made), 1):
        label = reader.table.get("label", auto)
        if not isinstance(label, str) or not label.strip() or len(label) > 80:
            reader.fail("'label' must be text of 1 to 80 characters", "label")
        if label in labels or label.isdigit():
            reader.fail(f"the label '{label}' is used twice or is a number: give each run "
                        "its own label", "label")
        labels.append(label.strip())
    return tuple(labels)


def _check_rule(r: TableReader, q: Question, labels: tuple[str, ...]) -> None:
    """Every number the answer rule reads must exist: a run by its label or position, a
    finding of :data:`FINDINGS` with a run's label, and a sketch over the lesson's run."""
    refs: list[tuple[Ref, TableReader, str]] = []
    where = {"choice": "answer", "number": "number", "sketch": "sketch"}[q.kind]
    if q.quantity is not None:
        table = r.sub(where)
        refs.append((q.quantity, table, "curve" if q.kind == "sketch" else "quantity"))
    for n, c in enumerate(q.choices, 1):
        if c.value is not None:
            refs.append((c.value, TableReader(r.source, r.text, {}, f"choice {n}: ",
                                              ("choices", n)), "value"))
    values = r.sub("values", required=False)
    for name, ref in q.values:
        refs.append((ref, values, name))
    for ref, reader, key in refs:
        if ref.run is not None and not _names_run(ref.run, labels):
            reader.fail(f"the answer rule reads run {ref.run!r}, but the lesson's runs are "
                        + ", ".join(f"{n} ({label!r})" for n, label in enumerate(labels, 1)), key)
        if ref.finding is not None:
            if ref.finding not in FINDINGS:
                reader.fail(f"a lesson file's results have the findings {', '.join(FINDINGS)}, "
                            f"not {ref.finding!r}", key)
            if not isinstance(ref.item, (str, int)) or not _names_run(ref.item, labels):
                reader.fail("a finding's item is one of the runs (its label or number)", key)
    if q.kind == "sketch" and q.iterations_param != "iterations":
        r.sub("sketch").fail("in a lesson file the sketch spans the lesson's 'iterations'",
                             "iterations")


def _names_run(which, labels) -> bool:
    if isinstance(which, int):
        return 1 <= which <= len(labels)
    return which in labels


def lesson_key(path) -> str:
    """``user.<file name without .toml>``, reduced to letters, digits, _ and -."""
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", Path(path).stem)[:60] or "lesson"
    return USER_PREFIX + stem


def load_lesson_file(path, source: str | None = None, data: bool = True) -> "FileLesson":
    """A teacher's lesson file as a runnable lesson; QuestionError names the file (its
    name, or ``source``) and the line. ``data``: also build each run's data set."""
    path = Path(path)
    source = source or path.name
    text = read_small_text(path, MAX_FILE_BYTES, source)
    spec = parse_lesson(text, lesson_key(path), source)
    if data:
        check_data(spec, text)
    spec = dataclasses.replace(spec, path=str(path))
    return FileLesson(spec, spec.iterations)


# -- running -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileLesson(Experiment):
    """A lesson read from a file: its runs side by side, like "Compare settings"."""
    spec: LessonSpec = None
    iterations: int = 1
    resolution: int = 60
    builtin = False

    @property
    def key(self) -> str:  # noqa: D401 (the instance's own, not a class attribute)
        return self.spec.key

    @property
    def title(self) -> str:
        return self.spec.words.title

    @property
    def summary(self) -> str:
        return self.spec.words.summary

    @property
    def text(self) -> str:
        return self.spec.words.text

    @property
    def heading(self) -> str:
        return self.title

    def configs(self):
        return self.spec.configs

    def labels(self):
        return self.spec.labels

    def prediction_question(self):
        return self.spec.question

    def with_params(self, **params) -> "FileLesson":
        if "iterations" in params and not 1 <= int(params["iterations"]) <= MAX_ITERATIONS:
            raise ValueError(f"iterations must be from 1 to {MAX_ITERATIONS:,}")
        return super().with_params(**params)

    def _run(self, reporter):
        runs, cells = [], []
        for config, label, part in zip(self.configs(), self.labels(),
                                       reporter.parts([1] * len(self.configs()))):
            record, session = run_session(config, self.iterations, label=label, progress=part)
            runs.append(record)
            d = session.data
            if d.X_train_raw.shape[0] == 2 and d.task == "binary":
                cells.append(boundary_cell(session, label, record, self.resolution))
        flats = [c.to_dict() for c in self.configs()]
        varied = tuple(k for k in ("data", "network", "hyper")
                       if len({repr(f[k]) for f in flats}) > 1)
        report = comparison_report(
            ComparisonResult(tuple(runs), results_table(runs), varied, 0.0),
            self.title, self.text, self.key)
        findings = {
            "train_accuracy": {r.label: r.final["train_metric"] for r in runs},
            "test_accuracy": {r.label: r.final["test_metric"] for r in runs},
            "final_cost": {r.label: r.final["train_cost"] for r in runs},
            "initial_cost": {r.label: r.initial_cost for r in runs},
        }
        plots = report.plots
        if cells:
            plots = (BoundaryPlot("Decision boundaries (P(y=1) shaded, training points)",
                                  tuple(cells)),) + plots
        return dataclasses.replace(report, plots=plots, findings=findings)


# -- a folder of them ----------------------------------------------------------------------
@dataclass(frozen=True)
class UserLessons:
    folder: str
    lessons: dict  # key -> FileLesson, in file-name order
    refused: tuple[tuple[str, str], ...] = ()  # (file name, the loader's message)


def load_user_lessons(folder) -> UserLessons:
    """Every ``*.toml`` lesson in ``folder`` (at most :data:`MAX_USER_LESSONS`, by name);
    a missing folder has none. Never raises for a file: it is refused with its message."""
    if not folder:
        return UserLessons("", {})
    folder = Path(folder).expanduser()
    if not folder.exists():
        return UserLessons(str(folder), {})
    if not folder.is_dir():
        return UserLessons(str(folder), {}, ((folder.name, f"{folder} is not a folder"),))
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.lower().endswith(".toml")
                       and not e.name.startswith("."))
    except OSError as exc:
        return UserLessons(str(folder), {}, ((folder.name, f"cannot be read "
                                                           f"({exc.strerror or exc})"),))
    lessons, refused = {}, []
    for name in names[:MAX_USER_LESSONS]:
        try:
            lesson = load_lesson_file(folder / name)
        except QuestionError as exc:
            refused.append((name, str(exc)))
            continue
        if lesson.key in lessons:
            refused.append((name, f"{name}: another file already gives the key {lesson.key}; "
                                  "rename one of them"))
            continue
        lessons[lesson.key] = lesson
    if len(names) > MAX_USER_LESSONS:
        refused.append((names[MAX_USER_LESSONS], f"more than {MAX_USER_LESSONS} lesson files: "
                                                 f"{len(names) - MAX_USER_LESSONS} not read"))
    return UserLessons(str(folder), lessons, tuple(refused))


def lessons_dir(explicit=None) -> str | None:
    """The user lessons folder the command line and the tests name: ``explicit``
    (``--lessons-dir``), else ``$NNVIZ_LESSONS_DIR``, else None (the caller's default)."""
    return explicit or os.environ.get("NNVIZ_LESSONS_DIR") or None


__all__ = ["FileLesson", "LessonSpec", "UserLessons", "load_lesson_file", "load_user_lessons",
           "parse_lesson", "lesson_key", "lessons_dir", "QuestionError", "MAX_FILE_BYTES",
           "MAX_RUNS", "MAX_ITERATIONS", "FINDINGS"]
