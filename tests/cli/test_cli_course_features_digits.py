"""``nnviz train`` with --course-exact, --features and the digits data (issue 13)."""
from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort

from nnviz.cli import main as cli
from nnviz.engine.data import make_dataset
from nnviz.engine.io import load_session, load_weights


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json", "--quiet")
    assert code == 0, err
    return json.loads(out)


def test_course_exact_flower_prints_the_notebooks_90_percent(capsys):
    report = run_json(capsys, "train", "--course-exact", "--iterations", "10000")
    assert report["m_train"] == 400 and report["m_test"] == 0
    # The notebook: print('Accuracy: %d' % ...) -> "Accuracy: 90%".
    assert "%d" % (100 * report["train"]["accuracy"]) == "90"


def test_course_exact_circles_with_he_init_gives_the_courses_99_3_and_96(capsys):
    report = run_json(capsys, "train", "--dataset", "circles", "--course-exact",
                      "--layers", "10,5", "--activation", "relu", "--init", "he",
                      "--lr", "0.01", "--iterations", "15000")
    assert (report["m_train"], report["m_test"]) == (300, 100)
    assert round(report["train"]["accuracy"], 12) == round(298 / 300, 12)
    assert round(report["test"]["accuracy"], 12) == 0.96


def test_course_exact_is_refused_for_other_data(capsys):
    code, _, err = run(capsys, "train", "--dataset", "iris", "--course-exact", "--quiet")
    assert code == 2 and "flower and circles only" in err


def test_digits_softmax_64_32_10_reaches_95_percent(capsys):
    report = run_json(capsys, "train", "--dataset", "digits", "--layers", "32",
                      "--activation", "relu", "--init", "he", "--optimizer", "adam",
                      "--lr", "0.01", "--normalize", "--iterations", "300")
    assert report["layer_dims"] == [64, 32, 10]
    assert report["test"]["accuracy"] >= 0.95


def test_features_travel_in_exports_and_sessions(capsys, tmp_path):
    args = ("train", "--dataset", "circles", "--features", "x2^2,x1^2", "--layers", "0",
            "--normalize", "--lr", "0.5", "--iterations", "500")
    report = run_json(capsys, *args, "--export", str(tmp_path / "c.json"),
                      "--save-session", str(tmp_path / "c.nnviz"))
    assert report["layer_dims"] == [2, 1] and report["train"]["accuracy"] > 0.95
    run_json(capsys, *args, "--export", str(tmp_path / "c.onnx"))
    model = load_weights(tmp_path / "c.json")
    assert model.features.names == ("x1^2", "x2^2")
    X_raw = make_dataset("circles").X  # raw (x1, x2)
    onnx = ort.InferenceSession(str(tmp_path / "c.onnx"), providers=["CPUExecutionProvider"])
    (A,) = onnx.run(["A"], {"X": np.ascontiguousarray(X_raw.T)})
    np.testing.assert_allclose(A.T, model.predict_output(X_raw), rtol=0, atol=1e-12)
    assert load_session(tmp_path / "c.nnviz").settings["data"]["features"] == ["x1^2", "x2^2"]


def test_check_with_the_courses_cost_formula_gives_the_notebooks_number(capsys):
    course = run_json(capsys, "check", "--course-exercise", "--cost-formula", "course")
    stable = run_json(capsys, "check", "--course-exercise")
    assert course["cost_formula"] == "course" and stable["cost_formula"] == "stable"
    assert 1e-7 < course["difference"] < 2e-7 and course["passed"]
    assert stable["difference"] < 1e-8
