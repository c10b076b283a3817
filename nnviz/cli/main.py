"""Command line: plain ``nnviz`` launches the app; ``nnviz train`` and ``nnviz check`` run
headless (no Qt is imported for them)."""
from __future__ import annotations

import sys

from .args import build_parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        from nnviz import __version__
        print(f"nnviz {__version__}")
        return 0
    if args.command == "train":
        from .train import run_train
        return run_train(args)
    if args.command == "check":
        from nnviz.cli.check import run_check
        return run_check(args)
    from nnviz.ui.app import run_app
    if args.screenshot:
        return run_app(screenshot=args.screenshot, steps=args.steps, panel=args.panel)
    return run_app()
