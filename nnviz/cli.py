"""Command line: plain ``nnviz`` launches the app."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnviz",
        description="A desktop lab to build, train and see inside small neural networks. "
                    "Run without a command to open the app.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        from nnviz import __version__
        print(f"nnviz {__version__}")
        return 0
    from nnviz.ui.app import run_app
    return run_app()
