"""``nnviz challenges`` and ``nnviz train ... --challenge KEY``."""
from __future__ import annotations

import json

from nnviz.analysis.challenges import CHALLENGES
from nnviz.cli import main as cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_challenges_lists_every_key_with_its_concept_and_lesson(capsys):
    code, out, _ = run(capsys, "challenges")
    assert code == 0
    for c in CHALLENGES:
        assert c.key in out and c.title in out and c.concept in out and c.lesson_title in out
    assert "lesson 3: Gradient descent and the learning rate" in out
    assert "--answer masks" in out
    code, out, _ = run(capsys, "challenges", "--json")
    listed = json.loads(out)
    assert [e["key"] for e in listed] == [c.key for c in CHALLENGES]
    assert listed[0]["lesson_number"] == 3


def test_train_says_reached_for_a_run_that_diverges(capsys):
    code, out, err = run(capsys, "train", "--quiet", "--dataset", "scaled_features",
                         "--activation", "relu", "--iterations", "300",
                         "--challenge", "diverge")
    assert code == 1  # training diverged: the exit status says so, the challenge is met
    assert "challenge diverge (Make training diverge): reached at iteration" in out


def test_train_says_not_reached_with_the_progress_text(capsys):
    code, out, _ = run(capsys, "train", "--quiet", "--iterations", "200",
                       "--challenge", "vanishing")
    assert code == 0
    line = next(l for l in out.splitlines() if l.startswith("challenge vanishing"))
    assert "not reached" in line and "||dW[1]|| / ||dW[L]||" in line and "need 1/1,000" in line


def test_train_json_carries_the_verdict(capsys):
    code, out, _ = run(capsys, "train", "--quiet", "--iterations", "50", "--layers",
                       "10,10,10,10,10", "--activation", "sigmoid", "--challenge",
                       "vanishing", "--json")
    verdict = json.loads(out)["challenge"]
    assert code == 0 and verdict["key"] == "vanishing" and verdict["reached"] is True
    assert verdict["progress"] == 1.0 and verdict["reached_at"] == 0
    code, out, _ = run(capsys, "train", "--quiet", "--iterations", "50", "--challenge",
                       "symmetry", "--json")
    assert json.loads(out)["challenge"]["reached"] is False


def test_the_planted_bug_is_answered_from_the_printed_check(capsys):
    argv = ["train", "--quiet", "--iterations", "50", "--challenge", "planted_bug_layer"]
    code, out, _ = run(capsys, *argv, "--json")
    verdict = json.loads(out)["challenge"]
    assert verdict["reached"] is False
    bad = max(s["layer"] for s in verdict["gradient_check_layers"] if s["status"] == "bug")
    code, out, _ = run(capsys, *argv, "--answer", str(bad))
    assert code == 0 and "challenge planted_bug_layer" in out and ": reached" in out
    wrong = 1 if bad == 2 else 2
    code, out, _ = run(capsys, *argv, "--answer", str(wrong))
    assert "not reached" in out and f"Not layer {wrong}" in out


def test_dropout_challenge_needs_the_right_explanation(capsys):
    argv = ["train", "--quiet", "--iterations", "50", "--keep-prob", "0.8", "--challenge",
            "dropout_check"]
    code, out, _ = run(capsys, *argv)
    assert "not reached" in out and "--answer masks" in out
    code, out, _ = run(capsys, *argv, "--answer", "masks")
    assert ": reached" in out and "Right." in out


def test_bad_challenge_flags_are_one_line_errors(capsys):
    code, _, err = run(capsys, "train", "--quiet", "--challenge", "fly")
    assert code == 2 and "no challenge 'fly'" in err and "diverge" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "train", "--quiet", "--answer", "2")
    assert code == 2 and "--answer goes with --challenge" in err
    code, _, err = run(capsys, "train", "--quiet", "--challenge", "diverge", "--answer", "2")
    assert code == 2 and "takes no answer" in err
    code, _, err = run(capsys, "train", "--quiet", "--challenge", "dropout_check",
                       "--answer", "nope")
    assert code == 2 and "no answer 'nope'" in err
