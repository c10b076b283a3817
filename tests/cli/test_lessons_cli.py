"""``nnviz lessons``: the list (built-in and user lessons with their questions), ``check FILE``
(exit 0 "ok: <title>" or the loader's one-line error, exit 2) and ``run KEY|FILE`` (the
table, the run's answer, the score and explanation with --answer, --json)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nnviz.cli import main as cli
from nnviz.experiments import EXPERIMENTS
from nnviz.experiments.predictions import distance_score
from nnviz.experiments.questions import question_for

EXAMPLE = (Path(__file__).resolve().parents[2] / "nnviz" / "experiments" / "lessons"
           / "examples" / "moons_hidden_layer.toml")


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A user lessons folder with the example and a broken file, named by the variable."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    shutil.copy(EXAMPLE, lessons / "moons.toml")
    (lessons / "broken.toml").write_text('title = "x"\n[base\n')
    monkeypatch.setenv("NNVIZ_LESSONS_DIR", str(lessons))
    return lessons


def test_lessons_lists_built_in_and_user_lessons_with_their_questions(capsys, folder):
    code, out, err = run(capsys, "lessons")
    assert code == 0
    for e in EXPERIMENTS.values():
        assert e.key in out and e.title in out
    assert "Your lessons (" + str(folder) in out
    assert out.index("Your lessons") < out.index("user.moons") < out.index("A hidden layer")
    assert "Which run reaches the higher" in out
    assert "--answer line (no hidden layer) | bent (8 tanh hidden units)" in out
    assert "refused broken.toml: not valid TOML" in err and "line 2" in err
    code, out, _ = run(capsys, "lessons", "--json")
    listed = json.loads(out)
    assert [e["key"] for e in listed["builtin"]] == list(EXPERIMENTS)
    assert listed["builtin"][5]["question"] == question_for("init_schemes").question
    assert [e["key"] for e in listed["yours"]] == ["user.moons"]
    assert listed["yours"][0]["builtin"] is False and listed["yours"][0]["kind"] == "choice"
    assert [r["file"] for r in listed["refused"]] == ["broken.toml"]


def test_lessons_dir_flag_overrides_the_variable(capsys, folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    code, out, _ = run(capsys, "lessons", "--lessons-dir", str(other), "--json")
    assert code == 0 and json.loads(out)["yours"] == []


def test_check_says_ok_or_gives_the_loaders_error_with_exit_2(capsys, folder, tmp_path):
    code, out, err = run(capsys, "lessons", "check", str(folder / "moons.toml"))
    assert (code, out, err) == (0, "ok: A hidden layer on the moons\n", "")
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("iterations = 2000", "iterations = -5"))
    code, out, err = run(capsys, "lessons", "check", str(bad))
    assert code == 2 and out == ""
    assert err == (f"{bad}, line 8: 'iterations' must be a whole number from 1 to "
                   "1,000,000\n")
    code, _, err = run(capsys, "lessons", "check", str(tmp_path))  # a folder
    assert code == 2 and err.startswith(f"{tmp_path}: is a folder")
    code, _, err = run(capsys, "lessons", "check", str(folder / "broken.toml"))
    assert code == 2 and "not valid TOML" in err and "line 2" in err
    assert len(err.strip().splitlines()) == 1


def test_run_a_user_lesson_with_an_answer_prints_the_table_score_and_explanation(capsys,
                                                                                folder):
    code, out, _ = run(capsys, "lessons", "run", "moons", "--iterations", "300", "-q",
                       "--answer", "line")
    assert code == 0
    assert out.startswith("A hidden layer on the moons\nQ: Which run reaches")
    assert "no hidden layer  300" in out and "8 tanh units     300" in out
    code, out, _ = run(capsys, "lessons", "run", str(folder / "moons.toml"),
                       "--iterations", "300", "--answer", "line", "--json")
    report = json.loads(out)
    rows = {row[0]: row for row in report["table"]["rows"]}
    accuracy = report["table"]["columns"].index("train accuracy")
    gap = rows["8 tanh units"][accuracy] - rows["no hidden layer"][accuracy]
    truth = "same" if abs(gap) <= 0.01 else "bent" if gap > 0 else "line"
    assert report["truth"] == [truth] and report["answer"] == "line"
    assert report["score"] == (1.0 if truth == "line" else 0.0)
    assert report["explanation"].startswith("A straight line cuts through both moons")
    assert report["key"] == "user.moons" and report["why"]


def test_run_a_built_in_lesson_shows_the_runs_answer_and_scores_a_number(capsys):
    code, out, _ = run(capsys, "lessons", "run", "symmetry", "--iterations", "60", "-q")
    assert code == 0
    assert "The run: 1: all five rows stay identical." in out
    assert "Score" not in out
    code, out, _ = run(capsys, "lessons", "run", "features", "--answer", "75%", "--json")
    report = json.loads(out)
    assert report["answer"] == 0.75 and report["verdict"] in ("right", "close", "wrong")
    q = question_for("features")
    expected = distance_score(abs(0.75 - report["truth"]), q.tolerance, q.zero_at)
    assert report["score"] == pytest.approx(expected)
    assert report["headline"].startswith("You said 75.0%")


@pytest.mark.parametrize("argv, words", [
    (("run", "symmetry", "--answer", "twelve"), "'twelve' is not a choice"),
    (("run", "init_schemes", "--answer", "1.5"), "is outside the plot"),
    (("run", "nothing"), "unknown experiment 'nothing'"),
    (("run", "missing.toml"), "missing.toml: does not exist"),
    (("run", "gradient_checking", "--iterations", "5"), "has no setting ['iterations']"),
])
def test_run_refuses_bad_keys_and_answers_with_exit_2(capsys, folder, argv, words):
    code, out, err = run(capsys, "lessons", *argv)
    assert code == 2 and out == "" and words in err, err
