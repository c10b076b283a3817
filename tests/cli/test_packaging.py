"""The command line's packaging features: --version, --install-desktop-entry, the PyTorch
export (--export model.py) and the command that reproduces a configuration."""
from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import shlex
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.cli import main as cli
from nnviz.cli.args import build_parser, settings_from_args
from nnviz.engine.activations import ACTIVATIONS
from nnviz.engine.initialization import INIT_SCHEMES
from nnviz.engine.io import load_weights
from nnviz.engine.optimizers import OPTIMIZERS
from nnviz.training.command_line import WRITTEN, command_line, command_line_text
from nnviz.training.config import (CSV_DATASET, DataSpec, Hyperparameters, NetworkSpec,
                                   SessionConfig, course_default)


def test_version_is_the_installed_package_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"nnviz {importlib.metadata.version('nnviz')}\n"


def test_install_desktop_entry_writes_into_xdg_data_home(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cli.main(["--install-desktop-entry"]) == 0
    out = capsys.readouterr().out
    launcher = tmp_path / "applications" / "nnviz.desktop"
    assert f"wrote {launcher}" in out
    exec_line = next(line for line in launcher.read_text().splitlines()
                     if line.startswith("Exec="))
    program = shlex.split(exec_line[len("Exec="):])[0]
    assert program.startswith("/")  # a venv's bin is not on the desktop's PATH
    for size in (16, 48, 256):
        assert (tmp_path / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "nnviz.png").is_file()


def test_install_desktop_entry_failure_exits_1_naming_the_folder(capsys, tmp_path, monkeypatch):
    (tmp_path / "applications").write_text("a file where the folder goes")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cli.main(["--install-desktop-entry"]) == 1
    assert "applications" in capsys.readouterr().err


def train_iris_to_script(capsys, path):
    code = cli.main(["train", "--dataset", "iris", "--layers", "6", "--activation", "elu",
                     "--alpha", "0.5", "--normalize", "--optimizer", "adam", "--lr", "0.02",
                     "--iterations", "300", "--quiet", "--json", "--export", str(path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_export_py_writes_a_pytorch_script_and_its_weights(capsys, tmp_path):
    report = train_iris_to_script(capsys, tmp_path / "iris_model.py")
    assert report["files"] == {"pytorch": str(tmp_path / "iris_model.py"),
                               "weights": str(tmp_path / "iris_model.npz")}
    text = (tmp_path / "iris_model.py").read_text()
    compile(text, "iris_model.py", "exec")
    assert "HIDDEN = [('elu', 0.5)]" in text and "NORMALIZED = True" in text
    model = load_weights(tmp_path / "iris_model.npz")
    assert model.metadata["metrics"]["train"]["accuracy"] == report["train"]["accuracy"]


def test_the_exported_script_prints_the_reported_accuracy(capsys, tmp_path):
    pytest.importorskip("torch", reason="running the PyTorch script needs torch; CI installs "
                                        "it with pip install torch==2.13.0 (CPU)")
    report = train_iris_to_script(capsys, tmp_path / "iris_model.py")
    done = subprocess.run([sys.executable, "iris_model.py"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    accuracy = report["train"]["accuracy"]
    assert (f"training accuracy: {accuracy:.2%} on the {report['m_train']} embedded examples"
            in done.stdout)


# -- Copy as command line ------------------------------------------------------------------

def parsed(argv: list[str]):
    """The configuration ``nnviz train ARGV`` would run."""
    args = build_parser().parse_args(argv)
    assert args.command == "train"
    return settings_from_args(args)


def round_trip(config: SessionConfig, iterations: int | None = None):
    line = command_line(config, iterations)
    assert line.not_expressible == []
    back = parsed(line.argv)
    assert back.config == config, line.text
    if iterations is not None:
        assert back.iterations == iterations
    # The text is one shell line that splits back into the same arguments.
    assert shlex.split(line.text) == ["nnviz", *line.argv]
    return line


def test_the_course_default_is_a_short_command():
    line = round_trip(course_default())
    assert line.text == ("nnviz train --dataset flower --layers 4 --activation tanh "
                         "--optimizer gd --lr 1.2")


def test_every_setting_with_a_flag_survives_the_round_trip():
    config = SessionConfig(
        DataSpec(name="moons", params=(("m", 300), ("noise", 0.25), ("seed", 9)),
                 train_fraction=0.7, split_seed=4, normalize=True),
        NetworkSpec(hidden_units=(8, 5, 3), activations=("leaky_relu", "elu", "gelu"),
                    init="he", init_scale=0.5, seed=7, alpha=0.05, dtype="float32"),
        Hyperparameters(optimizer="adam", learning_rate=0.003, beta1=0.85, beta2=0.995,
                        epsilon=1e-7, batch_size=32, lambd=0.7, keep_prob=0.8))
    line = round_trip(config, iterations=1500)
    assert "--activation leaky_relu,elu,gelu" in line.text and "--iterations 1500" in line.text


def test_csv_data_with_its_reading_options(tmp_path):
    path = tmp_path / "my data.csv"
    config = SessionConfig(DataSpec(name=CSV_DATASET, csv_path=str(path),
                                    csv_label_column="price", csv_has_header=False,
                                    csv_task="regression"),
                           NetworkSpec(hidden_units=(), activations=()),
                           Hyperparameters(optimizer="momentum", beta=0.8, learning_rate=0.1))
    line = round_trip(config)
    assert f"--csv '{path}'" in line.text and "--layers 0" in line.text
    numbered = dataclasses.replace(config, data=dataclasses.replace(config.data,
                                                                    csv_label_column=3))
    round_trip(numbered)


def test_features_and_the_course_exact_draws():
    features = SessionConfig(DataSpec(name="circles", features=("x1^2", "x2^2")),
                             NetworkSpec(hidden_units=(), activations=()))
    assert "--features 'x1^2,x2^2'" in round_trip(features).text
    exact = course_default().with_course_exact()
    assert "--course-exact" in round_trip(exact).text
    circles = SessionConfig(DataSpec(name="circles")).with_course_exact()
    assert "--seed 3" in round_trip(circles).text


def test_settings_without_a_flag_are_named_next_to_the_command():
    config = SessionConfig(DataSpec(name="circles", params=(("factor", 0.5),)))
    line = command_line(config)
    assert line.not_expressible == ["circles factor=0.5"]
    assert line.text.endswith("  # not set by flags: circles factor=0.5")
    assert command_line_text(config) == line.text
    # --test-fraction reads 12 decimals: a finer training share is named, and rounded.
    fine = SessionConfig(DataSpec(train_fraction=0.1234567890123456))
    line = command_line(fine)
    assert line.not_expressible == ["train fraction 0.1234567890123456 (to 12 decimals here)"]
    assert parsed(line.argv).config.data.train_fraction == 0.123456789012


def test_drawn_points_and_settings_without_a_flag_are_never_dropped_silently(monkeypatch):
    config = SessionConfig(DataSpec(name="moons", added_points=((0.5, 0.5, 1), (0.1, 0.2, 0)),
                                    removed_points=(3,)))
    assert command_line(config).not_expressible == ["2 drawn points", "1 removed example"]
    # A setting added later without a flag is named by its field, not dropped.
    monkeypatch.setitem(WRITTEN, "data", WRITTEN["data"] - {"split_seed"})
    config = SessionConfig(DataSpec(split_seed=5))
    assert command_line(config).not_expressible == ["data.split_seed"]


@pytest.mark.parametrize("percent", range(1, 101))
def test_every_whole_percent_training_share_round_trips(percent):
    round_trip(SessionConfig(DataSpec(train_fraction=percent / 100)))


@settings(max_examples=60, deadline=None)
@given(hidden=st.lists(st.integers(1, 64), min_size=0, max_size=4),
       activation=st.sampled_from(sorted(ACTIVATIONS)),
       init=st.sampled_from(sorted(INIT_SCHEMES)),
       scale=st.floats(0.0, 10.0), lr=st.floats(1e-6, 10.0),
       optimizer=st.sampled_from(sorted(OPTIMIZERS)),
       batch=st.one_of(st.none(), st.integers(1, 512)),
       lambd=st.floats(0.0, 5.0), keep=st.floats(0.05, 1.0),
       percent=st.integers(1, 100), seed=st.integers(0, 2**31 - 1),
       normalize=st.booleans())
def test_any_settings_round_trip(hidden, activation, init, scale, lr, optimizer, batch, lambd,
                                 keep, percent, seed, normalize):
    config = SessionConfig(  # the builder sets the training share in whole percent
        DataSpec(name="flower", train_fraction=percent / 100, normalize=normalize),
        NetworkSpec(hidden_units=tuple(hidden), activations=(activation,) * len(hidden),
                    init=init, init_scale=scale, seed=seed),
        Hyperparameters(optimizer=optimizer, learning_rate=lr, batch_size=batch,
                        lambd=lambd, keep_prob=keep))
    round_trip(config, iterations=10)


# -- the README's install and PyTorch sections ---------------------------------------------

def readme_section(title: str) -> str:
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start:end if end > 0 else None]


def test_readme_installs_the_wheel_this_version_builds():
    import re
    commands = re.search(r"```bash\n(.*?)```", readme_section("## Install as a package"),
                         re.S).group(1)
    version = importlib.metadata.version("nnviz")
    assert f"dist/nnviz-{version}-py3-none-any.whl" in commands
    assert "--install-desktop-entry" in readme_section("### The desktop entry")


def test_readme_pytorch_bridge_runs_as_printed(capsys, tmp_path, monkeypatch):
    import re
    section = readme_section("### The PyTorch bridge")
    export = re.search(r"```bash\n(.*?)\n", section).group(1)
    assert export.startswith(".venv/bin/nnviz train ") and export.endswith("iris_model.py")
    monkeypatch.chdir(tmp_path)
    assert cli.main(shlex.split(export)[1:] + ["--quiet", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (tmp_path / "iris_model.py").is_file() and (tmp_path / "iris_model.npz").is_file()
    pytest.importorskip("torch", reason="the README's PyTorch snippet needs torch; CI "
                                        "installs it with pip install torch==2.13.0 (CPU)")
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    done = subprocess.run([sys.executable, "-c", snippet], cwd=tmp_path, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    J, accuracy = re.fullmatch(r"J = ([0-9.]+), accuracy ([0-9.]+)%\n", done.stdout).groups()
    # Trained on from nnviz's weights: at least as good a fit of the training data.
    assert float(J) <= report["train"]["cost"] * 1.01
    assert float(accuracy) / 100 >= report["train"]["accuracy"] - 0.01
