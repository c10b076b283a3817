"""The command line, end to end through ``main([...])`` (no Qt is started)."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from nnviz import __version__
from nnviz.cli import main as cli
from nnviz.engine.data import make_dataset, train_test_split
from nnviz.engine.io import load_session, load_weights
from nnviz.training.headless import ProgressBar

FAST = ["--iterations", "300", "--quiet"]


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_plain_nnviz_launches_the_app(monkeypatch):
    calls = []
    import nnviz.ui.app
    monkeypatch.setattr(nnviz.ui.app, "run_app", lambda *a: calls.append(a) or 7)
    assert cli.main([]) == 7
    assert calls == [()]


def test_version(capsys):
    assert run(capsys, "--version")[:2] == (0, f"nnviz {__version__}\n")


def test_help_documents_the_commands_and_formats(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    for text in ("nnviz train", "nnviz check", ".npz", ".onnx", "one example per row"):
        assert text in out
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    out = capsys.readouterr().out
    for flag in ("--dataset", "--csv", "--label", "--layers", "--activation", "--head",
                 "--init", "--init-scale", "--optimizer", "--lr", "--iterations",
                 "--batch-size", "--l2", "--keep-prob", "--normalize", "--seed",
                 "--test-fraction", "--export", "--config", "--save-session"):
        assert flag in out, flag


def test_train_prints_progress_and_metrics(capsys):
    code, out, err = run(capsys, "train", "--iterations", "200")
    assert code == 0
    # tqdm's bar on stderr: done/total, rate and the latest cost.
    assert "100%|" in err and "200/200" in err and "step/s" in err and "cost=" in err
    assert "network   [2, 4, 1] TANH-SIGMOID (17 parameters)" in out
    assert "200 iterations" in out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.startswith(("train ", "test "))}
    assert set(rows) == {"train", "test"}
    assert rows["train"][1].endswith("%")


def test_reported_metrics_match_the_exported_weights(capsys, tmp_path):
    """The metrics printed are those of the weights written: recompute them from the file."""
    path = tmp_path / "iris.npz"
    report = run_json(capsys, "train", "--dataset", "iris", "--layers", "6",
                      "--activation", "relu", "--init", "he", "--optimizer", "adam",
                      "--lr", "0.02", "--normalize", "--test-fraction", "0.3",
                      "--export", str(path), *FAST)
    assert report["files"] == {"weights": str(path)}
    model = load_weights(path)
    assert model.net.layer_dims == [4, 6, 3] and model.net.head == "softmax"
    assert model.normalizer is not None
    assert model.metadata["settings"]["hyper"]["optimizer"] == "adam"
    assert model.metadata["metrics"]["train"] == report["train"]
    split = train_test_split(make_dataset("iris"), 0.7, seed=0)
    for name, X, y in (("train", split.X_train, split.dataset.y[split.train_idx]),
                       ("test", split.X_test, split.dataset.y[split.test_idx])):
        accuracy = np.mean(model.predict(X) == y)
        assert accuracy == pytest.approx(report[name]["accuracy"], abs=1e-12)
    assert report["train"]["accuracy"] > 0.9  # 300 Adam steps learn iris


def test_the_same_seed_gives_the_same_run_and_another_seed_does_not(capsys):
    args = ("train", "--dataset", "moons", "--layers", "5", "--batch-size", "32",
            "--keep-prob", "0.9", "--lr", "0.5", *FAST)
    first, again = run_json(capsys, *args), run_json(capsys, *args)
    other = run_json(capsys, *args, "--seed", "9")
    assert first["train"] == again["train"]
    assert other["train"]["cost"] != first["train"]["cost"]


@pytest.mark.parametrize("suffix", ["json", "onnx"])
def test_export_formats_from_the_suffix(capsys, tmp_path, suffix):
    if suffix == "onnx":
        ort = pytest.importorskip("onnxruntime", reason="ONNX needs pip install 'nnviz[onnx]'")
    npz, other = tmp_path / "w.npz", tmp_path / f"w.{suffix}"
    assert run(capsys, "train", "--export", str(npz), "--normalize", *FAST)[0] == 0
    assert run(capsys, "train", "--export", str(other), "--normalize", *FAST)[0] == 0
    reference = load_weights(npz)
    X = make_dataset("flower").X
    if suffix == "json":
        assert np.array_equal(load_weights(other).net.theta, reference.net.theta)
    else:
        session = ort.InferenceSession(str(other), providers=["CPUExecutionProvider"])
        A = session.run(["A"], {"X": X.T})[0]
        np.testing.assert_allclose(A.T, reference.predict_output(X), atol=1e-6, rtol=0)


def test_csv_training_with_a_named_label(capsys, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    price = X @ [2.0, -1.0, 0.5] + 0.05 * rng.normal(size=60)
    path = tmp_path / "houses.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["price", "rooms", "age", "garden"])
        for p, row in zip(price, X):
            writer.writerow([p, *row])
    report = run_json(capsys, "train", "--csv", str(path), "--label", "price", "--layers",
                      "0", "--optimizer", "adam", "--lr", "0.05", *FAST)
    assert report["task"] == "regression" and report["layer_dims"] == [3, 1]
    assert report["train"]["r2"] > 0.95  # a linear model fits a linear target


def test_config_files_are_layered_under_the_flags(capsys, tmp_path):
    flat = tmp_path / "flat.json"
    flat.write_text(json.dumps({"dataset": "iris", "layers": [5], "activation": "relu",
                                "lr": 0.05, "optimizer": "adam", "normalize": True,
                                "iterations": 40}))
    report = run_json(capsys, "train", "--config", str(flat), "--quiet")
    assert report["dataset"] == "iris" and report["iterations"] == 40
    assert report["activations"] == ["relu", "softmax"]
    report = run_json(capsys, "train", "--config", str(flat), "--layers", "7,3",
                      "--iterations", "10", "--quiet")
    assert report["layer_dims"] == [4, 7, 3, 3] and report["iterations"] == 10
    nested = tmp_path / "nested.json"
    nested.write_text(json.dumps({"data": {"name": "wine", "normalize": True},
                                  "network": {"hidden_units": [3], "activations": ["tanh"]},
                                  "hyper": {"learning_rate": 0.1}}))
    report = run_json(capsys, "train", "--config", str(nested), "--iterations", "5", "--quiet")
    assert report["dataset"] == "wine" and report["layer_dims"] == [13, 3, 3]


def test_a_saved_session_reruns_the_same_training(capsys, tmp_path):
    path = tmp_path / "run.nnviz"
    first = run_json(capsys, "train", "--dataset", "circles", "--layers", "6,3", "--lr", "0.7",
                     "--history-csv", str(tmp_path / "h.csv"), "--save-session", str(path),
                     *FAST)
    saved = load_session(path)
    assert saved.settings["network"]["hidden_units"] == [6, 3]
    assert saved.trainer["iteration"] == 300
    assert saved.history["train_cost"][-1] <= saved.history["train_cost"][0]
    assert len(saved.trajectory) >= 2
    again = run_json(capsys, "train", "--config", str(path), "--quiet")
    assert again["train"] == first["train"]
    header = (tmp_path / "h.csv").read_text().splitlines()[0]
    assert header == ("iteration,train_cost,test_cost,train_metric,test_metric,dev_cost,"
                      "dev_metric,l2_cost")


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "mnist"], "unknown data set 'mnist'"),
    (["--layers", "4,x"], "layers must be comma-separated hidden-layer sizes"),
    (["--layers", "4,4", "--activation", "tanh,relu,relu"], "2 hidden layers need one "
                                                            "activation or 2"),
    (["--activation", "mish"], "unknown activation 'mish'"),
    (["--head", "softmax"], "binary data needs 'sigmoid', not 'softmax'"),
    (["--test-fraction", "1.5"], "test fraction must be in [0, 1)"),
    (["--csv", "/nonexistent/data.csv"], "File not found: /nonexistent/data.csv"),
    (["--config", "/nonexistent/run.json"], "config file /nonexistent/run.json not found"),
])
def test_bad_settings_exit_2_with_the_reason(capsys, argv, message):
    code, out, err = run(capsys, "train", *argv, *FAST)
    assert code == 2
    assert message in err and err.startswith("nnviz train: error:")


def test_an_unwritable_export_exits_1_after_reporting(capsys, tmp_path):
    code, out, err = run(capsys, "train", "--export", str(tmp_path / "no" / "w.npz"), *FAST)
    assert code == 1
    assert "train " in out  # the metrics are still printed
    assert "the folder" in err and "does not exist" in err


def test_divergence_exits_1_and_exports_nothing(capsys, tmp_path):
    path = tmp_path / "w.npz"
    code, out, err = run(capsys, "train", "--dataset", "regression", "--lr", "50",
                         "--export", str(path), *FAST)
    assert code == 1
    assert "diverged" in err and "Nothing was exported" in err
    assert not path.exists()


def test_progress_bar_shows_steps_rate_time_left_and_cost():
    stream = io.StringIO()
    bar = ProgressBar(200, stream)
    for i in range(10, 201, 10):  # update() takes the total done so far
        bar.update(i, 0.5)
    assert bar.total == 200
    bar.close()
    last = stream.getvalue().split("\r")[-1]
    assert "100%|" in last and "200/200 [" in last and "<00:00" in last  # time left
    assert "step/s" in last and "cost=0.5" in last


def test_quiet_and_disabled_bars_print_nothing(capsys):
    code, _, err = run(capsys, "train", "--iterations", "50", "-q")
    assert code == 0 and err == ""
    stream = io.StringIO()
    bar = ProgressBar(100, stream, enabled=False)
    bar.update(50, 0.1)
    bar.close()
    assert stream.getvalue() == ""


def test_readme_export_example_runs(capsys, tmp_path, monkeypatch):
    """The README's iris command and its Python snippet work as printed."""
    import re
    import shlex
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Export, import and command line"):]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    commands = re.search(r"```bash\n(.*?)```", section, re.S).group(1).replace("\\\n", " ")
    iris = next(line for line in commands.splitlines() if "--dataset iris" in line)
    monkeypatch.chdir(tmp_path)
    assert cli.main(shlex.split(iris)[1:] + ["--quiet"]) == 0
    capsys.readouterr()
    exec(compile(snippet, "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out == ["setosa", "['relu', 'softmax'] (8, 1)"]


def test_a_session_carries_its_csv_data(capsys, tmp_path):
    path = tmp_path / "pets.csv"
    rng = np.random.default_rng(1)
    rows = ["weight,height,kind"] + [
        f"{w:.3f},{h:.3f},{'dog' if w + h > 1 else 'cat'}" for w, h in rng.random((40, 2))]
    path.write_text("\n".join(rows) + "\n")
    session = tmp_path / "pets.nnviz"
    first = run_json(capsys, "train", "--csv", str(path), "--label", "kind", "--layers", "3",
                     "--save-session", str(session), *FAST)
    path.unlink()  # the session holds the data now
    again = run_json(capsys, "train", "--config", str(session), "--quiet")
    assert again["train"] == first["train"] and again["m_train"] == 32
    assert load_session(session).dataset["path"] == str(path)


# -- nnviz check --------------------------------------------------------------------------

def test_check_prints_a_per_layer_report_and_passes(capsys):
    code, out, err = run(capsys, "check", "--layers", "5,3", "--activation", "tanh", "--init",
                         "xavier", "--quiet")
    assert code == 0, err
    assert out.startswith("network   [2, 5, 3, 1] TANH-TANH-SIGMOID (37 parameters), 32 of 320 "
                          "training examples")
    assert "Backprop is right" in out
    layer_rows = [line.split() for line in out.splitlines() if line.startswith("    ")]
    assert [(r[0], r[1], r[-1]) for r in layer_rows] == [
        ("1", "dW1+db1", "pass"), ("2", "dW2+db2", "pass"), ("3", "dW3+db3", "pass")]
    assert all(float(r[3]) < 2e-7 for r in layer_rows)  # the course's threshold, per layer


def test_check_finds_the_course_bugs_in_their_layers(capsys):
    code, out, err = run(capsys, "check", "--course-exercise", "--planted-bug", "course",
                         "--json", "--quiet")
    assert code == 1  # the check failed, as it must
    report = json.loads(out)
    assert report["n_parameters"] == 47 and report["verdict"] == "bug"
    assert [layer["status"] for layer in report["layers"]] == ["bug", "bug", "pass"]
    assert sorted(report["suspects"]) == ["dW2", "db1"]


def test_check_after_training_with_l2_and_frozen_dropout(capsys):
    code, out, err = run(capsys, "check", "--dataset", "iris", "--layers", "6",
                         "--activation", "relu", "--init", "he", "--normalize",
                         "--iterations", "30", "--l2", "0.7", "--keep-prob", "0.8",
                         "--dropout", "frozen", "--examples", "20", "--json", "--quiet")
    report = json.loads(out)
    assert code == 0, report["message"]
    assert report["lambda"] == 0.7
    assert report["examples"].startswith("20 of 120 training examples of Iris, after 30 "
                                         "iterations")
    assert report["difference"] < 2e-7


def test_check_refuses_bad_requests(capsys):
    code, out, err = run(capsys, "check", "--planted-bug", "dW9 doubled", "--quiet")
    assert code == 2 and "the network has layers 1..2" in err
    code, out, err = run(capsys, "check", "--examples", "0", "--quiet")
    assert code == 2 and "--examples must be at least 1" in err


def test_train_diagnose_prints_the_panels_gradient_flow_verdict(capsys):
    deep = ["train", "--layers", "16,16,16,16,16,16", "--activation", "sigmoid",
            "--iterations", "20", "--quiet"]
    code, out, _ = run(capsys, *deep, "--diagnose")
    assert code == 0
    assert "gradient flow: Vanishing gradients [vanishing, bad]" in out
    assert "try: ReLU in the hidden layers" in out
    # The JSON carries the same verdict, computed from the same snapshot as the panel's.
    code, out, _ = run(capsys, *deep, "--diagnose", "--json")
    flow = json.loads(out)["gradient_flow"]
    assert flow["verdict"] == "vanishing" and flow["severity"] == "bad"
    assert flow["dZ_decades"] < -3
    # Without --diagnose nothing extra is printed.
    code, out, _ = run(capsys, *deep)
    assert "gradient flow" not in out
