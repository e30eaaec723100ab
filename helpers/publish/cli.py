"""The ``nato-iraq`` command: the project's main jobs behind one entry point."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from helpers import paths


def write_codebook() -> Path:
    """Regenerate ``data/CODEBOOK.md`` from ``datapackage.json``."""
    from helpers.datapackage import read_datapackage
    from helpers.publish.codebook import codebook_markdown

    target = paths.DATA_DIR / "CODEBOOK.md"
    text = codebook_markdown(read_datapackage(paths.DATAPACKAGE))
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def _cmd_build(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    # Absolute paths: navigation is looked up by path, and a relative one would miss it.
    args.notebooks = args.notebooks.resolve()
    notebooks = sorted(
        [path.resolve() for path in args.paths] if args.paths else args.notebooks.glob("*.ipynb")
    )
    if not notebooks:
        print(f"nato-iraq build: no notebooks in {args.notebooks}", file=sys.stderr)
        return 1
    # Imported here: nbformat's schema validators take seconds to import, and
    # `--help` or a quick error should not wait for them.
    from helpers.publish import build, kernel_env
    from helpers.validation import DataValidationError, ensure_valid

    # Check the data once, up front: every notebook would fail on bad data.
    try:
        ensure_valid(paths.DATA_DIR)
    except DataValidationError as exc:
        print(f"nato-iraq build: the data is not valid; nothing was built.\n{exc}", file=sys.stderr)
        return 1
    write_codebook()
    # Warm the matplotlib font cache once; the message stays out of outputs.
    kernel_env.prepare()
    from helpers.publish.chapters import navigation

    try:
        lines = navigation(args.notebooks)
        report = build.build_notebooks(
            notebooks,
            timeout=args.timeout,
            progress=not args.quiet,
            # Previous/next cells are refreshed as each notebook is stored.
            navigation=lines,
            force=args.force,
            jobs=args.jobs,
        )
    except build.NotebookFileError as exc:
        print(f"nato-iraq build: {exc}", file=sys.stderr)
        return 1
    if not report.ok:
        names = ", ".join(f.notebook.name for f in report.failures)
        print(
            f"nato-iraq build: {len(report.failures)} notebook(s) failed and were left"
            f" unchanged: {names}. The site was not rebuilt.",
            file=sys.stderr,
        )
        return 1
    print(
        f"nato-iraq build: {len(report.executed)} notebook(s) executed in"
        f" {time.perf_counter() - start:.1f} s, {len(report.skipped)} already current"
    )
    if args.no_site:
        return 0
    # The site always shows the whole series, even when only some notebooks ran.
    from helpers.publish.chapters import chapter_paths

    return _build_site(args.site, chapter_paths(args.notebooks), args.force)


def _build_site(out: Path, notebooks: list[Path], force: bool) -> int:
    """Render the reader site; report where it is or why it failed."""
    from helpers.publish.site import SiteBuildError, build_site

    start = time.perf_counter()
    try:
        site = build_site(notebooks, out=out, force=force)
    except (SiteBuildError, FileExistsError, NotADirectoryError) as exc:
        print(
            f"nato-iraq build: the site was not written; {out} was left as it was.\n{exc}",
            file=sys.stderr,
        )
        return 1
    index = (site.out / "index.html").resolve()
    if site.built:
        print(
            f"nato-iraq build: site of {site.pages} pages written in"
            f" {time.perf_counter() - start:.1f} s; open {index.as_uri()}"
        )
    else:
        print(f"nato-iraq build: site already current; open {index.as_uri()}")
    return 0


def _cmd_teach(args: argparse.Namespace) -> int:
    from helpers.publish.chapters import NotebookFileError
    from helpers.publish.teach import PackError, make_pack
    from helpers.validation import DataValidationError, ensure_valid

    try:
        ensure_valid(paths.DATA_DIR)
        report = make_pack(
            args.out,
            args.chapters,
            folder=args.notebooks,
            timeout=args.timeout,
            progress=not args.quiet,
        )
    except (
        DataValidationError,
        PackError,
        NotebookFileError,
        FileExistsError,
        NotADirectoryError,
    ) as exc:
        print(f"nato-iraq teach: no pack was written.\n{exc}", file=sys.stderr)
        return 1
    print(
        f"nato-iraq teach: class pack of {len(report.chapters)} chapter(s) and"
        f" {report.figures} figures written to {report.out} in {report.seconds:.0f} s;"
        f" see {report.out / 'README.md'}"
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from helpers.data import load
    from helpers.validation import DataValidationError, validate

    # validate() reports bad data, a broken datapackage.json included, as
    # problems; it raises only on a bug. load() checks again (quickly: the
    # tables' Frictionless results are remembered) and raises if a file
    # changed in between.
    try:
        problems = validate(args.data)
        summary = None if problems else load(args.data).summary()
    except DataValidationError as exc:
        problems, summary = exc.problems, None
    if summary is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"nato-iraq validate: {len(problems)} problem(s) in {args.data}", file=sys.stderr)
        return 1
    print(
        f"nato-iraq validate: {args.data} is valid:"
        f" {len(summary)} tables, {summary['rows'].sum()} rows"
    )
    return 0


def _cmd_check_prose(args: argparse.Namespace) -> int:
    from helpers.data import load
    from helpers.publish.chapters import chapter_paths
    from helpers.publish.evidence import check_chapters

    notebooks = [path.resolve() for path in args.paths] or chapter_paths(paths.NOTEBOOKS_DIR)
    problems = check_chapters(notebooks, load())
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"nato-iraq check-prose: {len(problems)} problem(s) in {len(notebooks)} chapter(s)",
            file=sys.stderr,
        )
        return 1
    print(
        f"nato-iraq check-prose: every figure and date in {len(notebooks)} chapter(s) is linked"
        " to a record that states it"
    )
    return 0


def _add_run_options(parser: argparse.ArgumentParser, what: str) -> None:
    """Options shared by the commands that execute notebooks (build, teach)."""
    parser.add_argument(
        "--notebooks",
        default=paths.NOTEBOOKS_DIR,
        type=Path,
        metavar="DIR",
        help=f"folder of {what} (default: the project's notebooks/)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=120,
        metavar="SECONDS",
        help="longest a single cell may run (default: %(default)s)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks to execute at once (default: one per CPU core)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


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
            "Execute every notebook in notebooks/ top to bottom against data/, each in "
            "a fresh kernel of its own and one per CPU core at a time (--jobs), store "
            "the refreshed outputs in the notebook files, then "
            "render the reader site (site/index.html) from them. "
            "A notebook whose code, data/, helpers/ and uv.lock are unchanged since it "
            "was last stored is skipped (--force runs it). "
            "A notebook whose cell fails is named with the cell, left unchanged on "
            "disk, and makes the command exit with status 1; the site is then not "
            "rebuilt. A site whose inputs are unchanged is kept as it is."
        ),
    )
    p_build.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="NOTEBOOK",
        help="build only these notebooks (default: every notebook in the folder)",
    )
    _add_run_options(p_build, "notebooks to build")
    p_build.add_argument(
        "--force",
        action="store_true",
        help="execute every notebook, even those whose inputs have not changed",
    )
    p_build.add_argument(
        "--site",
        default=paths.PROJECT_ROOT / "site",
        type=Path,
        metavar="DIR",
        help="where to write the reader site (default: the project's site/)",
    )
    p_build.add_argument(
        "--no-site", action="store_true", help="store the notebooks only; do not render the site"
    )
    p_build.set_defaults(func=_cmd_build)

    p_teach = sub.add_parser(
        "teach",
        help="write a class pack: student and instructor notebooks, lecture decks, figures, guide",
        description=(
            "Write a class pack into DIR that runs on its own (its own pyproject.toml and "
            "uv.lock, the helpers and the data): student notebooks (solutions removed, "
            "executed to prove they still run), instructor notebooks with model answers, "
            "an offline lecture deck per chapter with speaker notes, every chart as PNG "
            "and SVG with captions, and the course guide. The pack is assembled aside and "
            "moved into DIR only when complete; an existing DIR is replaced only if it is "
            "an earlier pack."
        ),
    )
    p_teach.add_argument("--out", required=True, type=Path, metavar="DIR", help="pack folder")
    p_teach.add_argument(
        "--chapters",
        nargs="+",
        metavar="NN",
        help="chapter numbers to include, e.g. --chapters 00 01 04 (default: all)",
    )
    _add_run_options(p_teach, "chapters")
    p_teach.set_defaults(func=_cmd_teach)

    p_validate = sub.add_parser(
        "validate",
        help="check data/ against its codebook and the project's rules",
        description=(
            "Check every table in data/ against datapackage.json (types, allowed values, "
            "keys, with Frictionless) and the project's rules (calendar dates, start "
            "before end, every fact cited, bounds consistent). Every problem is listed "
            "with its file, line, column and value; exit status 1 if there is any."
        ),
    )
    p_validate.add_argument(
        "--data",
        default=paths.DATA_DIR,
        type=Path,
        metavar="DIR",
        help="folder holding datapackage.json and the tables (default: the project's data/)",
    )
    p_validate.set_defaults(func=_cmd_validate)

    p_prose = sub.add_parser(
        "check-prose",
        help="check that every figure and date in the chapters' prose links to its record",
        description=(
            "Read every chapter's narrative and list each figure or date that is not "
            "inside an evidence link, and each evidence link whose words disagree with "
            "its record (another number, bound or date, or a date more precise than the "
            "record's). Exit status 1 if there is any."
        ),
    )
    p_prose.add_argument(
        "paths", nargs="*", type=Path, metavar="NOTEBOOK", help="chapters to check (default: all)"
    )
    p_prose.set_defaults(func=_cmd_check_prose)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nato-iraq`` console script.

    A problem of the machine or of a user's files (a folder that cannot be
    written, a disk that is full) ends with one line naming the file, not a
    traceback; a bug in the project still shows its traceback.
    """
    args = make_parser().parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    try:
        return args.func(args)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"nato-iraq {args.command}: could not use{where}: {exc.strerror or exc}."
            " Check that it exists and that you may read and write it, then run again.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
