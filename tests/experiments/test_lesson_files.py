"""A teacher's lesson file: the README's example loads, runs and scores an answer; every kind
of malformed or hostile file gets its own message naming the file (and the line where
there is one), and the built-in lessons keep loading; a folder keeps the good files."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from nnviz.experiments import EXPERIMENTS
from nnviz.experiments.lesson_files import (FileLesson, QuestionError, load_lesson_file,
                                            load_user_lessons, parse_lesson)
from nnviz.experiments.lesson_words import lesson_words
from nnviz.experiments.predictions import evaluate
from nnviz.experiments.questions import builtin_questions

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "nnviz" / "experiments" / "lessons" / "examples" / "moons_hidden_layer.toml"


def readme_example() -> str:
    """The first ```toml block of the README's "Write your own lesson" section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Write your own lesson", 1)[1]
    return re.search(r"```toml\n(.*?)```", section, re.S).group(1)


def write(tmp_path, text, name="mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_readme_example_is_the_shipped_example_file():
    assert readme_example() == EXAMPLE.read_text(encoding="utf-8")


def test_the_readme_example_loads_runs_and_scores_an_answer(tmp_path):
    lesson = load_lesson_file(write(tmp_path, readme_example(), "moons.toml"))
    assert isinstance(lesson, FileLesson) and not lesson.builtin
    assert lesson.key == "user.moons" and lesson.title == "A hidden layer on the moons"
    assert lesson.labels() == ("no hidden layer", "8 tanh units")
    line, bent = lesson.configs()
    assert line.data.name == bent.data.name == "moons" and line.data.param_dict["m"] == 400
    assert line.network.hidden_units == () and bent.network.hidden_units == (8,)
    assert bent.network.activations == ("tanh",) and line.hyper.learning_rate == 1.0
    small = lesson.with_params(iterations=300)
    result = small.run()
    assert [r.iterations_run for r in result.runs] == [300, 300]
    accuracy = dict(zip(result.table.column("run"), result.table.column("train accuracy")))
    q = small.prediction_question()
    # The right answer, read independently from the table: the higher accuracy, or the
    # tie when the two are within the file's tie_within.
    gap = accuracy["8 tanh units"] - accuracy["no hidden layer"]
    right = "same" if abs(gap) <= q.tie_within else "bent" if gap > 0 else "line"
    outcome = evaluate(q, result, right, small)
    assert outcome.score == 1.0 and outcome.verdict == "right"
    wrong = next(k for k in ("line", "bent", "same") if k != right)
    outcome = evaluate(q, result, wrong, small)
    assert outcome.score == 0.0
    assert outcome.explanation == " ".join(q.choice(wrong).explanation.split())
    assert f"{100 * accuracy['8 tanh units']:.1f}%" in outcome.why  # {bent:pct} filled
    assert {p.title for p in result.plots} >= {"Training cost J"}
    assert result.findings["train_accuracy"]["8 tanh units"] == accuracy["8 tanh units"]


def test_the_built_in_lessons_take_their_words_from_their_files():
    for key, e in EXPERIMENTS.items():
        words = lesson_words(key)
        assert (e.title, e.summary, e.text) == tuple(words)
        assert "title" in (ROOT / "nnviz/experiments/lessons/questions" / f"{key}.toml"
                           ).read_text()


def good() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


FIFTH_RUN = "\n".join(f'[[runs]]\nlabel = "run {n}"\nlayers = [{n}]\n' for n in range(3, 6))
# (what is changed in the good file, words of the message, line)
MALFORMED = {
    "bad TOML": (("[base]", "[base"), "not valid TOML", 19),
    "unknown key": (('iterations = 2000', 'iterations = 2000\nlevel = "hard"'),
                    "unknown key 'level'", 9),
    "missing question": (('question = "Which run reaches the higher training accuracy?"\n', ""),
                         "'question' is missing", None),
    "five runs": (("# The answer rule", FIFTH_RUN + "# The answer rule"),
                  "a lesson has 1 to 4 runs, this file 5", 43),
    "huge iterations": (("iterations = 2000", "iterations = 10_000_000_000"),
                        "'iterations' must be a whole number from 1 to 1,000,000", 8),
    "unknown dataset": (('dataset = "moons"', 'dataset = "mooons"'),
                        "unknown data set 'mooons'", 20),
    "unknown activation": (('activation = "tanh"', 'activation = "tanh, swoosh"'),
                           "unknown activation 'swoosh'", 33),
    "rule names a missing run": (('value = { run = 2, value = "final_train_accuracy" }\n'
                                  'explanation = """Right',
                                  'value = { run = 3, value = "final_train_accuracy" }\n'
                                  'explanation = """Right'),
                                 "the answer rule reads run 3", 51),
    "a CSV file as data": (('lr = 1.0', 'lr = 1.0\ncsv = "/etc/passwd"'),
                           "unknown setting 'csv' (a lesson's data is a built-in data set)", 24),
    "a huge network": (("layers = [8]", "layers = [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8]"),
                       "at most 10 hidden layers of at most 512 units", 32),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_each_malformed_file_gets_its_own_error_naming_file_and_line(tmp_path, case):
    (old, new), words, line = MALFORMED[case]
    assert old in good(), case
    path = write(tmp_path, good().replace(old, new, 1), "teacher.toml")
    with pytest.raises(QuestionError) as caught:
        load_lesson_file(path)
    message = str(caught.value)
    assert message.startswith("teacher.toml") and words in message, message
    assert "\n" not in message
    if line is not None:
        assert re.search(rf"\bline {line}\b", message), message
    assert len(builtin_questions()) == len(EXPERIMENTS)  # the built-in lessons still load
    assert lesson_words("symmetry").title == EXPERIMENTS["symmetry"].title


def test_every_malformed_case_gives_a_different_message(tmp_path):
    messages = set()
    for (old, new), _words, _line in MALFORMED.values():
        with pytest.raises(QuestionError) as caught:
            parse_lesson(good().replace(old, new, 1), "user.t", "t.toml")
        messages.add(str(caught.value))
    assert len(messages) == len(MALFORMED)


def test_hostile_files_are_refused_without_being_read_whole(tmp_path):
    big = write(tmp_path, good() + "# " + "x" * 300_000, "big.toml")
    with pytest.raises(QuestionError, match=r"^big.toml: the file is larger than 256 kB"):
        load_lesson_file(big)
    binary = tmp_path / "picture.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(QuestionError, match=r"^picture.toml: not UTF-8 text"):
        load_lesson_file(binary)
    nul = tmp_path / "nul.toml"
    nul.write_bytes(b'title = "a"\x00\n')
    with pytest.raises(QuestionError, match=r"^nul.toml: holds NUL bytes"):
        load_lesson_file(nul)
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(QuestionError, match=r"^folder.toml: is a folder"):
        load_lesson_file(folder)
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)  # opening it to read would block until a writer came
    with pytest.raises(QuestionError, match=r"^pipe.toml: is not a regular file: it is a "
                                            r"named pipe"):
        load_lesson_file(fifo)
    deep = write(tmp_path, "x = " + "[" * 50_000, "deep.toml")
    with pytest.raises(QuestionError, match=r"^deep.toml: lists or tables nested too deeply"):
        load_lesson_file(deep)
    with pytest.raises(QuestionError, match=r"^gone.toml: does not exist"):
        load_lesson_file(tmp_path / "gone.toml")
    assert len(builtin_questions()) == len(EXPERIMENTS)  # the built-in lessons still load


def test_a_pick_question_or_a_finding_that_does_not_exist_is_refused():
    with pytest.raises(QuestionError, match=r"t.toml, line 11: a lesson file asks a choice, "):
        parse_lesson(good().replace('kind = "choice"', 'kind = "pick"'), "user.t", "t.toml")
    text = good().replace('line = { run = 1, value = "final_train_accuracy" }',
                          'line = { finding = "secret", item = 1 }')
    with pytest.raises(QuestionError, match=r"line 64: values: a lesson file's results have "
                                            r"the findings"):
        parse_lesson(text, "user.t", "t.toml")


def test_a_folder_keeps_the_good_lessons_and_lists_the_refused(tmp_path):
    write(tmp_path, good(), "a_good.toml")
    write(tmp_path, good().replace("[base]", "[base"), "b_bad.toml")
    write(tmp_path, good().replace('title = "A hidden', 'title = "Another hidden'), "c.toml")
    (tmp_path / "notes.txt").write_text("not a lesson")
    os.mkfifo(tmp_path / "d_pipe.toml")
    found = load_user_lessons(tmp_path)
    assert list(found.lessons) == ["user.a_good", "user.c"]
    assert found.lessons["user.c"].title == "Another hidden layer on the moons"
    assert [name for name, _ in found.refused] == ["b_bad.toml", "d_pipe.toml"]
    assert all(message.startswith(name) for name, message in found.refused)
    assert load_user_lessons(tmp_path / "missing").lessons == {}


def test_settings_of_the_wrong_type_or_data_that_cannot_be_built_are_refused(tmp_path):
    text = good().replace('activation = "tanh"', 'activation = "tanh"\nnormalize = "maybe"')
    with pytest.raises(QuestionError, match=r"^t.toml, line 34: run 2: 'normalize' must be "
                                            r"true or false"):
        parse_lesson(text, "user.t", "t.toml")
    # Input features need two-input data; the wine data has 13 inputs and no generator knobs.
    text = good().replace('samples = 400\nnoise = 0.2\n', '').replace(
        'activation = "tanh"', 'activation = "tanh"\ndataset = "wine"\nfeatures = "x1^2"')
    path = write(tmp_path, text, "wine.toml")
    with pytest.raises(QuestionError, match=r"^wine.toml, line 28: run 2: its data cannot be "
                                            r"built: input features .* need two-input data"):
        load_lesson_file(path)
    assert load_lesson_file(path, data=False).labels() == ("no hidden layer", "8 tanh units")


NUMBER_AND_SKETCH = '''title = "Two learning rates"
summary = "The same network with two learning rates."
text = "What a larger step does."
iterations = 200
kind = "{kind}"
setup = "Flower data, 4 tanh units."
question = "Guess."
why = "The run gave {{truth}}."

[[runs]]
lr = 0.1

[[runs]]
lr = 1.2

{table}

[explanations]
close = "Close."
too_high = "Too high."
too_low = "Too low."
'''
NUMBER = '''[number]
quantity = { run = 2, value = "final_test_accuracy" }
min = 0.0
max = 1.0
format = "pct"
label = "test accuracy of run 2"
tolerance = 0.02
zero_at = 0.3'''
SKETCH = '''[sketch]
curve = { run = "learning rate: 1.2", series = "train_cost" }
y = "relative"
min = 0.0
max = 1.1
label = "J / J at the start"
tolerance = 0.05
zero_at = 0.35'''


def test_a_number_and_a_sketch_read_the_run_they_name():
    number = parse_lesson(NUMBER_AND_SKETCH.format(kind="number", table=NUMBER), "user.n", "n")
    assert number.labels == ("learning rate: 0.1", "learning rate: 1.2")  # what differs
    lesson = FileLesson(number, number.iterations)
    result = lesson.run()
    truth = result.run("learning rate: 1.2").final["test_metric"]
    outcome = evaluate(number.question, result, truth, lesson)
    assert outcome.truth.value == truth and outcome.score == 1.0
    assert evaluate(number.question, result, min(truth + 0.5, 1.0), lesson).explanation == \
        "Too high."
    sketch = parse_lesson(NUMBER_AND_SKETCH.format(kind="sketch", table=SKETCH), "user.s", "s")
    lesson = FileLesson(sketch, sketch.iterations)
    run = result.run("learning rate: 1.2")
    real = [[x / 200, y / run.train_cost[0]] for x, y in zip(run.iterations, run.train_cost)]
    assert evaluate(sketch.question, result, real, lesson).score == 1.0
    flat = [[0.0, 1.0], [1.0, 1.0]]  # "it never falls"
    assert evaluate(sketch.question, result, flat, lesson).score < 1.0
