"""``nnviz lessons``: list the built-in and the user's lessons with their questions, check a
teacher's lesson file, run one headless and score an answer, through the same Qt-free code
as the app's Lessons page."""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from .args import error, json_safe, print_out

def run_lessons(args) -> int:
    command = getattr(args, "lessons_command", None)
    if command == "check":
        return _check(args.file)
    if command == "run":
        return _run(args)
    return _list(args)


# -- where the lessons are -----------------------------------------------------------------
def user_folder(args) -> str | None:
    from nnviz.experiments.lesson_files import lessons_dir

    folder = lessons_dir(getattr(args, "lessons_dir", None))
    if folder:
        return folder
    from PySide6.QtCore import QCoreApplication, QStandardPaths  # the app's folder, no GUI

    QCoreApplication.setOrganizationName("nnviz")
    QCoreApplication.setApplicationName("nnviz")
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return str(Path(base) / "lessons") if base else None


def describe_answers(q, experiment) -> str:
    """What ``--answer`` takes for this question, in one line."""
    from nnviz.experiments.results import format_cell

    if q.kind == "choice":
        return " | ".join(f"{c.key} ({c.text})" for c in q.choices)
    if q.kind == "number":
        return (f"a number from {format_cell(q.minimum, q.fmt)} to "
                f"{format_cell(q.maximum, q.fmt)}: {q.label}")
    if q.kind == "sketch":
        return f"{q.label} along the run, comma-separated, such as 1,0.5,0.3"
    return " | ".join(q.pick_items(experiment)) or q.label


def _entry(e, q) -> dict:
    out = {"key": e.key, "number": e.number or None, "title": e.title, "summary": e.summary,
           "builtin": e.builtin}
    if q is not None:
        out.update(kind=q.kind, question=q.question, answers=describe_answers(q, e))
    return out


def _list(args) -> int:
    from nnviz.experiments import EXPERIMENTS
    from nnviz.experiments.lesson_files import load_user_lessons

    found = load_user_lessons(user_folder(args))
    entries = [_entry(e, e.prediction_question()) for e in EXPERIMENTS.values()]
    mine = [_entry(e, e.prediction_question()) for e in found.lessons.values()]
    refused = [{"file": name, "error": message} for name, message in found.refused]
    if args.json:
        print_out(json.dumps({"builtin": entries, "yours": mine, "folder": found.folder,
                              "refused": refused}, ensure_ascii=False))
        return 0
    width = max(len(e["key"]) for e in entries + mine) + 6

    def show(e):
        number = f"{e['number']:>2}. " if e["number"] else "    "
        print_out(f"{number}{e['key']:<{width - 4}}{e['title']}")
        for line in textwrap.wrap(e.get("question", "(no question: it runs at once)"),
                                  max(40, 96 - width)):
            print_out(f"{'':<{width}}{line}")
        if "answers" in e:
            for line in textwrap.wrap(f"--answer {e['answers']}", max(40, 96 - width),
                                      subsequent_indent="  "):
                print_out(f"{'':<{width}}{line}")
    print_out("Built-in lessons")
    for e in entries:
        show(e)
    print_out(f"\nYour lessons ({found.folder or 'no folder'})")
    for e in mine:
        show(e)
    if not mine:
        print_out("    none yet: put a lesson file (.toml) there; the README's "
                  "\"Write your own lesson\" has an example")
    for r in refused:
        print(f"nnviz lessons: refused {r['error']}", file=sys.stderr)
    print_out("\nRun one: nnviz lessons run KEY [--answer A]; check a file: nnviz lessons "
              "check FILE")
    return 0


def _check(path) -> int:
    from nnviz.experiments.lesson_files import QuestionError, load_lesson_file

    try:
        lesson = load_lesson_file(path, source=str(path))
    except QuestionError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print_out(f"ok: {lesson.title}")
    return 0


# -- running one ---------------------------------------------------------------------------
def find_lesson(target: str, folder):
    """A lesson by built-in key or number, user key (``user.name`` or ``name``) or file;
    ValueError with a one-line message."""
    from nnviz.experiments import get_experiment
    from nnviz.experiments.lesson_files import (USER_PREFIX, QuestionError, load_lesson_file,
                                                load_user_lessons)

    path = Path(target)
    if target.lower().endswith(".toml") or path.exists():
        try:
            return load_lesson_file(path, source=target)
        except QuestionError as exc:
            raise ValueError(str(exc)) from None
    try:
        return get_experiment(target)
    except ValueError as builtin_error:
        found = load_user_lessons(folder)
        for key in (target, USER_PREFIX + target):
            if key in found.lessons:
                return found.lessons[key]
        mine = ", ".join(found.lessons) or "none"
        raise ValueError(f"{builtin_error}; your lessons: {mine}") from None


def parse_answer(q, experiment, text: str):
    """``--answer`` as the question takes it; ValueError says what it takes."""
    import numpy as np

    text = text.strip()
    takes = f"this question takes --answer {describe_answers(q, experiment)}"
    if q.kind == "choice":
        for c in q.choices:
            if text.lower() in (c.key.lower(), c.text.lower()):
                return c.key
        raise ValueError(f"{text!r} is not a choice: {takes}")
    if q.kind == "pick":
        if text in q.pick_items(experiment):
            return text
        raise ValueError(f"{text!r} is not in the picture: {takes}")
    try:
        values = [float(v.strip().rstrip("%")) / (100 if v.strip().endswith("%") else 1)
                  for v in text.split(",")]
    except ValueError:
        raise ValueError(f"{text!r} is not a number: {takes}") from None
    if not all(np.isfinite(values)) or any(not q.minimum <= v <= q.maximum for v in values):
        raise ValueError(f"{text!r} is outside the plot: {takes}")
    if q.kind == "number":
        if len(values) != 1:
            raise ValueError(f"one number, please: {takes}")
        return values[0]
    if len(values) < 2:
        raise ValueError(f"a sketch needs at least two heights: {takes}")
    return np.column_stack([np.linspace(0.0, 1.0, len(values)), values])


def _run(args) -> int:
    from nnviz.experiments import ExperimentCancelled
    from nnviz.experiments.predictions import PredictionError, evaluate
    from nnviz.training.headless import ProgressBar

    try:
        lesson = find_lesson(args.target, user_folder(args))
        if args.iterations is not None:
            lesson = lesson.with_params(iterations=args.iterations)
        q = lesson.prediction_question()
        answer = None
        if args.answer is not None:
            if q is None:
                raise ValueError(f"lesson {lesson.key} asks no question")
            answer = parse_answer(q, lesson, args.answer)
    except ValueError as exc:
        return error("lessons run", str(exc), 2)
    bar = ProgressBar(100, sys.stderr, enabled=not (args.quiet or args.json), unit="%")
    try:
        result = lesson.run(lambda fraction, _text: bar.update(int(100 * fraction)))
    except (ExperimentCancelled, KeyboardInterrupt):
        bar.close()
        return error("lessons run", "stopped", 1)
    except ValueError as exc:  # settings the lesson's data cannot take
        bar.close()
        return error("lessons run", str(exc), 2)
    bar.close()
    outcome, problem = None, None
    if q is not None:
        try:
            outcome = evaluate(q, result, answer, lesson)
        except PredictionError as exc:
            problem = f"the lesson's answer rule does not fit its results: {exc}"
    if args.json:
        print_out(json.dumps(json_safe(_as_json(lesson, q, result, outcome, problem)),
                             ensure_ascii=False))
    else:
        _print(lesson, q, result, outcome, problem)
    return 1 if problem else 0


def _as_json(lesson, q, result, outcome, problem) -> dict:
    out = {"key": lesson.key, "title": lesson.title,
           "question": q.question if q is not None else None,
           "table": {"columns": list(result.table.columns),
                     "rows": [list(row) for row in result.table.rows]},
           "conclusion": result.conclusion, "seconds": result.seconds}
    if problem:
        out["error"] = problem
    if outcome is not None:
        truth = outcome.truth
        out["truth"] = (truth.value if q.kind == "number" else sorted(truth.correct)
                        if q.kind in ("choice", "pick") else None)
        out["headline"] = outcome.headline
        out["answer"] = outcome.record()
        out.update(score=outcome.score, verdict=outcome.verdict,
                   explanation=outcome.explanation or None, why=outcome.why)
    return out


def _print(lesson, q, result, outcome, problem) -> None:
    print_out(lesson.heading)
    if q is not None:
        print_out(f"Q: {q.question}")
    print_out("")
    print_out(result.table.as_text())
    print_out("")
    for line in textwrap.wrap(result.conclusion, 96):
        print_out(line)
    if problem:
        print(f"nnviz lessons run: error: {problem}", file=sys.stderr)
        return
    if outcome is None:
        return
    print_out("")
    if outcome.score is None:
        print_out(outcome.headline)  # "The run: <its answer>."
    else:
        print_out(f"{outcome.headline} Score {100 * outcome.score:.0f}% ({outcome.verdict}).")
        for line in textwrap.wrap(outcome.explanation, 96):
            print_out(line)
    print_out("")
    for line in textwrap.wrap(outcome.why, 96):
        print_out(line)
