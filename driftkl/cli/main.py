"""Run one command line: parse, run the subcommand, turn every outcome into an exit code."""

from __future__ import annotations

import contextlib
import sys
import traceback
from typing import TYPE_CHECKING

from driftkl import progress
from driftkl._version import __version__
from driftkl.cli.exits import EXIT_BUG, EXIT_ERROR, EXIT_INTERRUPTED
from driftkl.cli.output import error, stderr, write_stdout
from driftkl.cli.parser import build_parser
from driftkl.errors import DriftklError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]

_MAX_MESSAGE = 1000


def _internal_error(exc: Exception, *, debug: bool) -> int:
    """Report an exception driftkl did not raise on purpose: one line, or the traceback."""
    if debug:
        with contextlib.suppress(OSError, ValueError):
            traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc)
    if len(detail) > _MAX_MESSAGE:
        detail = detail[:_MAX_MESSAGE] + "..."
    hint = "" if debug else " Hint: rerun with --debug to print the traceback."
    stderr(
        f"driftkl: internal error: {type(exc).__name__}: {detail}. This is a bug in driftkl "
        f"{__version__}; please report it with the command line.{hint}"
    )
    return EXIT_BUG


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see :mod:`driftkl.cli.exits`)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help, --version or a usage error: their text must reach stdout
        if not write_stdout(""):
            raise SystemExit(EXIT_ERROR) from None
        raise
    shown = progress.choose(sys.stderr, getattr(args, "progress", "never"))
    try:
        with progress.reporting(shown):  # cleared on any exception, summed up otherwise
            code: int = args.handler(args)
    except KeyboardInterrupt:
        stderr("driftkl: interrupted")
        return EXIT_INTERRUPTED
    except DriftklError as exc:
        error(exc)
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a crash is a bug: exit 4, never 1
        return _internal_error(exc, debug=args.debug)
    return code
