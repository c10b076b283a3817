"""Command line: plain ``nnviz`` launches the app; ``nnviz train`` and ``nnviz check`` run
headless (no Qt is imported for them)."""
from __future__ import annotations

import sys

from .args import build_parser, silence_stdout


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # the reader of stdout stopped early (nnviz train | head)
        silence_stdout()
        return 1


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        from nnviz import __version__
        print(f"nnviz {__version__}")
        return 0
    if args.install_desktop_entry:
        return install_desktop_entry()
    if args.command == "train":
        from .train import run_train
        return run_train(args)
    if args.command == "check":
        from nnviz.cli.check import run_check
        return run_check(args)
    if args.command == "challenges":
        from nnviz.cli.challenges import run_challenges
        return run_challenges(args)
    if args.command == "lessons":
        from nnviz.cli.lessons import run_lessons
        return run_lessons(args)
    from nnviz.ui.app import run_app
    if args.screenshot:
        return run_app(screenshot=args.screenshot, steps=args.steps, panel=args.panel)
    return run_app()


def install_desktop_entry() -> int:
    from nnviz.desktop import install_desktop_entry as install
    from nnviz.engine.io import ExportError

    try:
        written = install()
    except ExportError as exc:
        print(f"nnviz: error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print("nnviz is in the desktop's application menu (log out and in if it does not show).")
    return 0
