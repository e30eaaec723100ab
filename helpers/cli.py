"""The ``nato-iraq`` command: the project's main jobs behind one entry point."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpers import paths


def _cmd_build(args: argparse.Namespace) -> int:
    notebooks = sorted(args.notebooks.glob("*.ipynb"))
    if not notebooks:
        print(f"nato-iraq build: no notebooks in {args.notebooks}", file=sys.stderr)
        return 1
    # Imported here: nbformat's schema validators take seconds to import, and
    # `--help` or a quick error should not wait for them.
    from helpers import build, kernel_env

    # Warm the matplotlib font cache once; the message stays out of outputs.
    kernel_env.prepare()
    report = build.build_notebooks(notebooks, timeout=args.timeout, progress=not args.quiet)
    if not report.ok:
        names = ", ".join(f.notebook.name for f in report.failures)
        print(
            f"nato-iraq build: {len(report.failures)} notebook(s) failed and were left"
            f" unchanged: {names}",
            file=sys.stderr,
        )
        return 1
    total = sum(seconds for _, seconds in report.executed)
    print(f"nato-iraq build: {len(report.executed)} notebook(s) executed in {total:.1f} s")
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and for ``--help``."""
    parser = argparse.ArgumentParser(
        prog="nato-iraq",
        description=(
            "Build and check the NATO-Iraq research notebook collection. "
            "Run a subcommand with --help for its options."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p_build = sub.add_parser(
        "build",
        help="execute every notebook in order and store its refreshed outputs",
        description=(
            "Execute every notebook in notebooks/ top to bottom, in file-name order, "
            "against data/, and store the refreshed outputs in the notebook files. "
            "A notebook whose cell fails is named with the cell, left unchanged on "
            "disk, and makes the command exit with status 1."
        ),
    )
    p_build.add_argument(
        "--notebooks",
        default=paths.NOTEBOOKS_DIR,
        type=Path,
        metavar="DIR",
        help="folder of notebooks to build (default: the project's notebooks/)",
    )
    p_build.add_argument(
        "--timeout",
        type=int,
        default=120,
        metavar="SECONDS",
        help="longest a single cell may run (default: %(default)s)",
    )
    p_build.add_argument("--quiet", action="store_true", help="no progress bar")
    p_build.set_defaults(func=_cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nato-iraq`` console script."""
    args = make_parser().parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
