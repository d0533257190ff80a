"""The argument parser: global options, then one subparser per registered subcommand.

Every ``--help`` shows the defaults; the top-level one lists the exit codes and examples, and
each subcommand's its own examples (:attr:`driftkl.cli.command.Command.examples`).
"""

from __future__ import annotations

import argparse

from driftkl._version import __version__
from driftkl.cli.exits import EXIT_CODES
from driftkl.cli.registry import COMMANDS

__all__ = ["HelpFormatter", "build_parser", "exit_codes_text"]

_DEBUG_HELP = "on an internal error (exit 4), print the traceback"
_EXAMPLES = """\
examples:
  driftkl demo                                   sample data and a first report
  driftkl profile ref.parquet -o ref.profile.json
  driftkl compare ref.profile.json 'data/dt=2026-11-*/' --fail-on-drift
  driftkl compare ref.parquet cur.parquet --exclude id,email --format markdown
  driftkl compare ref.profile.json cur.parquet --dataset orders \\
      --pushgateway http://127.0.0.1:9091
  driftkl serve reports/ --port 9108"""
_ENVIRONMENT = """\
environment:
  COLUMNS      width of the table and progress line (default: the terminal's)
  NO_COLOR     set: no colour with --color auto
  DRIFTKL_PUSHGATEWAY_USERNAME, DRIFTKL_PUSHGATEWAY_PASSWORD
               basic auth for --pushgateway"""


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Epilogs as written, and ``(default: ...)`` after options with a meaningful default."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False) or action.nargs == 0:  # flags: no default to show
            return action.help
        return super()._get_help_string(action)


def exit_codes_text() -> str:
    """The ``exit codes:`` block of the help text."""
    lines = [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES]
    return "exit codes:\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="driftkl",
        description="Data-drift checks: per-feature KL and Jensen-Shannon divergence\n"
        "with explicit direction and log base.",
        epilog=f"{_EXAMPLES}\n\n{exit_codes_text()}\n\n{_ENVIRONMENT}\n\n"
        "Run `driftkl COMMAND --help` for the options of each command.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"driftkl {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        examples = "\n".join(f"  {e}" for e in command.examples)
        epilog = f"examples:\n{examples}\n\n" if examples else ""
        p = sub.add_parser(
            command.name,
            parents=[common],
            help=command.help,
            description=command.help[:1].upper() + command.help[1:] + ".",
            epilog=epilog + exit_codes_text(),
            formatter_class=HelpFormatter,
        )
        command.configure(p)
        p.set_defaults(handler=command.run)
    return parser
