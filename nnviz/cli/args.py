"""The command line's parser, shared by ``nnviz``, ``nnviz train`` and ``nnviz check``, and
the helpers both commands use (settings from flags, one-line errors)."""
from __future__ import annotations

import argparse
import math
import os
import sys

from nnviz.ui.panels import find_panel, panel_names  # names only: no Qt is imported

DESCRIPTION = """\
A desktop lab to build, train and see inside small neural networks.
Run without a command to open the app."""

EPILOG = """\
commands:
  nnviz                 open the app
  nnviz train ...       train headless, print the final metrics, optionally export
  nnviz check ...       gradient check: backprop against two-sided differences, per layer
  nnviz challenges      list the challenges; nnviz train ... --challenge KEY checks one
  nnviz lessons         list the lessons (yours too); check a lesson file; run one headless

Run "nnviz train --help" or "nnviz check --help" for their options.

examples:
  nnviz train                                   the course's flower, 4 tanh units, GD lr 1.2
  nnviz train --dataset iris --layers 8 --activation relu --optimizer adam --lr 0.01 \\
      --normalize --iterations 1000 --export iris.npz
  nnviz train --csv mydata.csv --label price --layers 16,8 --normalize --export m.onnx
  nnviz train --config run.nnviz --iterations 500   settings from a saved session
  nnviz check --layers 5,3 --activation relu        check backprop on the flower data
  nnviz check --course-exercise --planted-bug course   find the course's two planted bugs

exported weights (--export PATH; format from the suffix):
  .npz   NumPy arrays W1, b1, ..., WL, bL (W[l] is (n[l], n[l-1])), mean and std of the
         input normalization, and "metadata" (JSON text): layer sizes, activations, output
         head, feature and class names, settings, metrics. np.load(path) reads it; no pickle.
  .json  the same, human readable; numbers round-trip exactly.
  .onnx  a graph from raw inputs X (m, n0), one example per row, to predictions A (m, nL)
         and, for classification, class indices "label"; needs pip install 'nnviz[onnx]'.
  .py    a PyTorch script: the network as a torch.nn.Module (normalization and input
         features inside forward) loading the weights from the .npz written beside it;
         "python model.py" prints the model and its training accuracy. Needs torch to run.
"""

TRAIN_EPILOG = """\
settings are layered: the course defaults, then --config FILE, then the flags given here.
--config takes a session saved by the app (.nnviz) or a JSON file: either the app's nested
form {"data": {...}, "network": {...}, "hyper": {...}} or flat keys named like the flags
({"dataset": "iris", "layers": [8], "lr": 0.01, "normalize": true, "iterations": 3000}).

exit status: 0 trained, 1 training diverged or a file could not be written, 2 bad settings.
With --json, a metric that is not a finite number (a diverged cost) is written as null.
"""

CHECK_EPILOG = """\
J includes the L2 term (--l2) and is computed in float64. The report gives the course's
difference ||dtheta - dtheta_approx|| / (||dtheta|| + ||dtheta_approx||) per tensor and per
layer: around 1e-7 is right, around 1e-5 worth a look, 1e-3 or more almost surely a bug.
ReLU-like activations have kinks at 0 that can raise false alarms; the report counts them.

exit status: 0 the check passed, 1 it did not, 2 bad settings.
"""


def finite_float(text: str) -> float:
    """A float flag's value: ``nan`` or ``inf`` would only make training "diverge"."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (the full usage of ``nnviz train`` is a screen long)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_data_network_options(p: argparse.ArgumentParser) -> None:
    from nnviz.engine.activations import ACTIVATIONS
    from nnviz.engine.data import DATASETS
    from nnviz.engine.initialization import INIT_SCHEMES

    g = p.add_argument_group("data")
    g.add_argument("--config", metavar="FILE",
                   help="settings from a session (.nnviz) or a JSON file; flags override them")
    g.add_argument("--dataset", metavar="NAME",
                   help=f"a built-in data set (default: flower): {', '.join(DATASETS)}")
    g.add_argument("--csv", metavar="PATH", help="train on a CSV file: one example per row")
    g.add_argument("--label", metavar="COLUMN",
                   help="the CSV's label column: a header name or a 0-based index "
                        "(default: the last column)")
    g.add_argument("--task", choices=["binary", "multiclass", "regression", "classification"],
                   help="the CSV's task (default: guessed from the labels)")
    g.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                   help="whether the CSV's first row is a header (default: detected)")
    g.add_argument("--samples", type=int, metavar="M", help="examples to generate (m)")
    g.add_argument("--noise", type=finite_float, help="noise of a generated data set")
    g.add_argument("--data-seed", type=int, metavar="N", help="seed of a generated data set")
    g.add_argument("--test-fraction", type=finite_float, metavar="F",
                   help="share of examples held out for testing (default: 0.2)")
    g.add_argument("--dev-fraction", type=finite_float, metavar="F",
                   help="share of examples held out as a dev set, to choose settings by, "
                        "taken from training (0.2: 60 %% train / 20 %% dev / 20 %% test; "
                        "default: 0, no dev set)")
    g.add_argument("--split-seed", type=int, metavar="N", help="seed of the train/test split")
    g.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=None,
                   help="standardize inputs with the training split's mean and std "
                        "(default: off)")
    g.add_argument("--features", metavar="F,F,...",
                   help="two-input data: the network's input features, computed before "
                        "normalization, from x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2) "
                        "(default: x1,x2)")
    g.add_argument("--course-exact", action=argparse.BooleanOptionalAction, default=None,
                   help="flower or circles: the course notebooks' own random draws (data, "
                        "their train/test sets, initial weights with seed 2 or 3), so the "
                        "run prints the notebooks' numbers (default: off)")

    g = p.add_argument_group("network")
    g.add_argument("--layers", metavar="N,N,...",
                   help="hidden-layer sizes, e.g. 4 or 16,8; 0 for none (default: 4)")
    g.add_argument("--activation", metavar="NAME[,NAME...]",
                   help=f"hidden activation, one for all or one per layer (default: tanh): "
                        f"{', '.join(ACTIVATIONS)}")
    g.add_argument("--head", choices=["auto", "sigmoid", "softmax", "linear"],
                   help="output activation; it follows the task: sigmoid (binary), softmax "
                        "(multi-class), linear (regression) (default: auto)")
    g.add_argument("--alpha", type=finite_float,
                   help="leaky ReLU / ELU alpha (default: 0.01 / 1.0)")
    g.add_argument("--init", choices=INIT_SCHEMES,
                   help="weight initialization (default: random = randn * 0.01)")
    g.add_argument("--init-scale", type=finite_float, metavar="S",
                   help="multiplies the initial weights (default: 1)")
    g.add_argument("--seed", type=int, help="seed of the initial weights and of the mini-batch "
                                            "shuffles and dropout (default: 2)")
    g.add_argument("--dtype", choices=["float64", "float32"], help="(default: float64)")


def _add_training_options(p: argparse.ArgumentParser, iterations_help: str) -> None:
    from nnviz.engine.lr_schedules import SCHEDULES
    from nnviz.engine.optimizers import OPTIMIZERS

    g = p.add_argument_group("training")
    g.add_argument("--optimizer", choices=list(OPTIMIZERS), help="(default: gd)")
    g.add_argument("--lr", type=finite_float, metavar="ALPHA",
                   help="learning rate, more than 0 and at most 100 (default: 1.2)")
    g.add_argument("--beta", type=finite_float, help="momentum beta (default: 0.9)")
    g.add_argument("--beta1", type=finite_float, help="Adam beta1 (default: 0.9)")
    g.add_argument("--beta2", type=finite_float,
                   help="beta2 of Adam and RMSprop, s = beta2 s + (1-beta2) dW^2 "
                        "(default: 0.999)")
    g.add_argument("--epsilon", type=finite_float,
                   help="epsilon of Adam and RMSprop (default: 1e-8)")
    g.add_argument("--bias-correction", action=argparse.BooleanOptionalAction, default=None,
                   help="Adam's bias correction v/(1-beta1^t), s/(1-beta2^t) (default: on; "
                        "--no-bias-correction to see the first steps without it)")
    g.add_argument("--iterations", type=int, metavar="N", help=iterations_help)
    g.add_argument("--batch-size", type=int, metavar="N",
                   help="mini-batch size; 0 for full batch (default: full batch)")
    g.add_argument("--l2", type=finite_float, metavar="LAMBDA", help="L2 lambda (default: 0)")
    g.add_argument("--keep-prob", type=finite_float, metavar="P",
                   help="dropout keep probability of hidden units (default: 1 = off)")
    g.add_argument("--lr-decay", choices=list(SCHEDULES),
                   help="learning-rate decay per epoch (from 0): inverse alpha0 / (1 + "
                        "rate*epoch), exponential rate^epoch * alpha0, staircase alpha0 / "
                        "(1 + rate*floor(epoch / interval)) (default: none)")
    g.add_argument("--decay-rate", type=finite_float, metavar="R",
                   help="the decay's rate (default: the course's, 1; 0.95 for exponential)")
    g.add_argument("--decay-interval", type=int, metavar="N",
                   help="staircase: epochs between two drops of alpha (default: 1000)")


def _panel_key(name: str) -> str:
    """``--panel``: a title of the View menu or a key, in any case, as the panel's key."""
    spec = find_panel(name)
    if spec is None:
        raise argparse.ArgumentTypeError(f"no panel {name!r}; choose one of: "
                                         + "; ".join(panel_names()))
    return spec.key


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nnviz", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="open the app, train --steps steps, save a PNG of the window "
                             "(or of --panel) to PATH and exit")
    parser.add_argument("--steps", type=int, default=0, metavar="N",
                        help="with --screenshot: training steps before the picture (default 0)")
    parser.add_argument("--panel", metavar="NAME", type=_panel_key,
                        help="with --screenshot: picture of one panel instead of the whole "
                             "window; its title as in the View menu or its key, in any case: "
                             + "; ".join(panel_names()))
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add nnviz to the desktop's application menu for this user "
                             "(a launcher in $XDG_DATA_HOME/applications, default "
                             "~/.local/share/applications, and the icon) and exit")
    commands = parser.add_subparsers(dest="command",
                                     metavar="{train,check,challenges,lessons}")

    train = commands.add_parser(
        "train", help="train headless and print the final metrics",
        description="Train a network without the app: a progress bar on stderr, the final\n"
                    "metrics on stdout, and optionally the weights and the session as files.",
        epilog=TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_data_network_options(train)
    _add_training_options(train, "optimizer steps (default: 2000)")
    out = train.add_argument_group("output")
    out.add_argument("--export", metavar="PATH",
                     help="write the trained weights: .npz, .json, .onnx, or .py for a "
                          "PyTorch script with an .npz beside it (see nnviz --help)")
    out.add_argument("--format", choices=["npz", "json", "onnx"],
                     help="export format when PATH's suffix does not say it")
    out.add_argument("--save-session", metavar="PATH",
                     help="save the whole run as a session (.nnviz) the app can open")
    out.add_argument("--history-csv", metavar="PATH",
                     help="write the cost/accuracy history as CSV")
    out.add_argument("--json", action="store_true",
                     help="print the final metrics as JSON instead of a table")
    out.add_argument("--diagnose", action="store_true",
                     help="also print the gradient-flow verdict (vanishing, exploding, healthy) "
                          "and its remedies, as the app's Gradient flow panel gives them")
    out.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ch = train.add_argument_group("challenge")
    ch.add_argument("--challenge", metavar="KEY",
                    help="say whether this run reaches a challenge (keys: nnviz challenges)")
    ch.add_argument("--answer", metavar="A",
                    help="with --challenge, the answer the challenge asks for: a layer "
                         "number such as 2, or a choice's key")

    listing = commands.add_parser(
        "challenges", help="list the challenges and their keys",
        description="The challenges the app checks while you change settings; check one "
                    "headless with nnviz train ... --challenge KEY.")
    listing.add_argument("--json", action="store_true", help="print the list as JSON")

    add_lessons_parser(commands)

    check = commands.add_parser(
        "check", help="gradient check: backprop against two-sided differences",
        description="Compare backprop's gradient with the two-sided numerical gradient\n"
                    "(J(theta + eps) - J(theta - eps)) / (2 eps), in float64, per layer.",
        epilog=CHECK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_data_network_options(check)
    _add_training_options(check, "train this many steps first, to check away from the "
                                 "initialization too (default: 0)")
    chk = check.add_argument_group("gradient check")
    chk.add_argument("--eps", type=finite_float, metavar="EPS",
                     help="the perturbation (default: 1e-7, the course's)")
    chk.add_argument("--examples", type=int, metavar="M",
                     help="check on M training examples drawn with --seed (default: 32)")
    chk.add_argument("--layer", type=int, action="append", metavar="L",
                     help="check only layer L's dW and db (repeatable; default: all)")
    chk.add_argument("--per-tensor", type=int, metavar="N",
                     help="check N random elements of each W and b (default: all)")
    chk.add_argument("--dropout", choices=["off", "frozen"],
                     help="with --keep-prob < 1: switch dropout off in J, or freeze its masks "
                          "(default: off)")
    chk.add_argument("--planted-bug", metavar="BUG",
                     help="teaching: check a backward pass with a planted bug, e.g. "
                          "'dW2 doubled', 'db1 x4', or 'course' for both of the course's")
    chk.add_argument("--course-exercise", action="store_true",
                     help="the course's exercise instead of the data/network options: "
                          "4-5-3-1 RELU-RELU-SIGMOID on 3 examples (47 parameters)")
    chk.add_argument("--cost-formula", choices=["stable", "course"],
                     help="how J is computed: 'stable' from Z[L] (nnviz), or 'course' from A "
                          "as the notebook does, where -log(1 - A) loses digits when A is "
                          "near 1 (the exercise then gives the notebook's 1.19e-7) "
                          "(default: stable)")
    chk.add_argument("--json", action="store_true", help="print the report as JSON")
    chk.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser


LESSONS_EPILOG = """\
commands:
  nnviz lessons                      the built-in lessons and yours, with their questions
  nnviz lessons check FILE           check a lesson file: "ok: <title>", or its mistake
  nnviz lessons run KEY|FILE         run a lesson headless: its table and the run's answer

Your lessons are the *.toml files in --lessons-dir DIR, else $NNVIZ_LESSONS_DIR, else the
app's lessons folder. The file format: "Write your own lesson" in the README.

exit status: 0 done, 1 the lesson ran but its answer rule does not fit its results,
2 a bad file, key or answer.
"""


def add_lessons_parser(commands) -> None:
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--lessons-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="the folder of your lesson files (default: $NNVIZ_LESSONS_DIR, "
                             "else the app's lessons folder)")
    lessons = commands.add_parser(
        "lessons", parents=[folder], help="list, check and run lessons (yours too)",
        description="The lessons: the built-in ones and the files in your lessons folder.",
        epilog=LESSONS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    lessons.add_argument("--json", action="store_true", help="print the list as JSON")
    sub = lessons.add_subparsers(dest="lessons_command", metavar="{check,run}")
    check = sub.add_parser("check", help="check a lesson file",
                           description="Check a lesson file as the app reads it.")
    check.add_argument("file", metavar="FILE")
    run = sub.add_parser("run", parents=[folder], help="run a lesson headless",
                         description="Run a lesson headless: its table, the answer its "
                                     "runs give and, with --answer, your score.")
    run.add_argument("target", metavar="KEY|FILE",
                     help="a lesson's key or number (nnviz lessons lists them) or a file")
    run.add_argument("--answer", metavar="A",
                     help="your prediction: a choice's key, a number (0.5 or 50%%), a layer, "
                          "or for a sketch the curve's heights along the run (1,0.5,0.3)")
    run.add_argument("--iterations", type=int, metavar="N",
                     help="fewer (or more) iterations than the lesson's own")
    run.add_argument("--json", action="store_true", help="print the outcome as JSON")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


_NOT_SETTINGS = ("command", "version", "config", "export", "format", "save_session",
                 "history_csv", "json", "quiet", "eps", "examples", "layer", "per_tensor",
                 "dropout", "planted_bug", "course_exercise", "diagnose", "cost_formula",
                 "challenge", "answer")


def settings_from_args(args: argparse.Namespace):
    from nnviz.training.headless import ConfigError, build_settings
    if args.config:
        problem = config_file_problem(args.config)
        if problem:
            raise ConfigError(problem)
    flags = {k: v for k, v in vars(args).items() if k not in _NOT_SETTINGS}
    bias_correction = flags.pop("bias_correction", None)
    settings = build_settings(flags, args.config)
    if bias_correction is not None:  # applied last: a flag overrides the config file
        import dataclasses
        config = settings.config
        settings.config = dataclasses.replace(
            config, hyper=dataclasses.replace(config.hyper, bias_correction=bias_correction))
    return settings


def config_file_problem(path) -> str | None:
    """Why ``--config FILE`` cannot be read, from ``os.stat`` alone (a named pipe given as the
    file would block a read), or None."""
    from nnviz.engine.data.csv_parser import file_kind

    kind = file_kind(path)
    if kind == "missing":
        return f"config file {path} not found. Check the path."
    if kind == "folder":
        return f"config file {path} is a folder. Give a session (.nnviz) or JSON settings file."
    if kind != "file":
        return (f"config file {path} is not a regular file: it is {kind}. Give a session "
                "(.nnviz) or JSON settings file saved on disk.")
    return None


def error(command: str, message: str, code: int) -> int:
    print(f"nnviz {command}: error: {message}", file=sys.stderr)
    return code


def print_out(text: str) -> None:
    """Print to stdout; a reader that stopped early (``nnviz check --json | head``) ends
    the output quietly instead of with a BrokenPipeError traceback."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        silence_stdout()


def silence_stdout() -> None:
    """Point stdout at the null device, so Python's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured output)
        pass
    finally:
        os.close(devnull)


def json_safe(value):
    """``value`` with every NaN or infinity as None: JSON has no NaN, so null says "not a
    number" to every reader (``json.dumps`` would refuse, or write invalid JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # NumPy scalars
        return json_safe(value.item())
    return value


def output_problem(path) -> str | None:
    """Why ``path`` cannot be written, for the cases the operating system words poorly:
    a name longer than the file system allows, or a "folder" that is a file."""
    from pathlib import Path

    path = Path(path).expanduser()
    try:
        limit = os.pathconf(path.parent if path.parent.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    for part in path.parts:
        if len(os.fsencode(part)) > limit:
            return (f"Cannot write {_short_path(path)}: the name {_short_path(part)} is "
                    f"{len(os.fsencode(part))} bytes long; this file system allows at most "
                    f"{limit}. Choose a shorter name.")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                return (f"Cannot write {path}: {parent} is a file, not a folder. Choose a "
                        "folder for the file.")
            break
    return None


def _short_path(path) -> str:
    text = str(path)
    return text if len(text) <= 60 else text[:30] + "…" + text[-25:]
