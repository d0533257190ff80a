"""The ``driftkl`` command line.

Exit codes, one meaning each (:mod:`driftkl.cli.exits`):

* 0: no drift (or drift without ``--fail-on-drift``);
* 1: drift with ``--fail-on-drift``;
* 2: usage, configuration or input error (the message names the problem and the fix); every
  option is checked before any data is read;
* 3: the report was produced but one of its outputs failed (``--output``, ``--textfile``,
  ``--pushgateway`` or standard output); every other output was still attempted and the message
  names the file or the gateway;
* 4: internal error, a bug in driftkl: one line names the exception (``--debug`` prints the
  traceback);
* 130: interrupted (Ctrl-C).

Each subcommand is one module defining a :class:`~driftkl.cli.command.Command`, listed in
:data:`driftkl.cli.registry.COMMANDS`.
"""

from __future__ import annotations

from driftkl.cli.exits import (
    EXIT_BUG,
    EXIT_DRIFT,
    EXIT_ERROR,
    EXIT_EXPORT,
    EXIT_INTERRUPTED,
    EXIT_OK,
)
from driftkl.cli.main import main
from driftkl.cli.parser import build_parser

__all__ = [
    "EXIT_BUG",
    "EXIT_DRIFT",
    "EXIT_ERROR",
    "EXIT_EXPORT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "build_parser",
    "main",
]
