"""The argument parser: global options, then one subparser per registered subcommand."""

from __future__ import annotations

import argparse

from driftkl._version import __version__
from driftkl.cli.registry import COMMANDS

__all__ = ["build_parser"]

_DEBUG_HELP = "on an internal error (exit 4), print the traceback"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(
        prog="driftkl",
        description="Data-drift checks: per-feature KL and Jensen-Shannon divergence with "
        "explicit direction and log base.",
    )
    parser.add_argument("--version", action="version", version=f"driftkl {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        p = sub.add_parser(command.name, parents=[common], help=command.help)
        command.configure(p)
        p.set_defaults(handler=command.run)
    return parser
