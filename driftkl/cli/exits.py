"""The exit codes of the ``driftkl`` command, one meaning each (also printed by ``--help``)."""

from __future__ import annotations

__all__ = [
    "EXIT_BUG",
    "EXIT_CODES",
    "EXIT_DRIFT",
    "EXIT_ERROR",
    "EXIT_EXPORT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
]

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2
EXIT_EXPORT = 3  # report produced, an output (--output, textfile, Pushgateway, stdout) failed
EXIT_BUG = 4  # internal error: an exception driftkl did not raise on purpose
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "no drift (or drift without --fail-on-drift)"),
    (EXIT_DRIFT, "drift, with --fail-on-drift"),
    (EXIT_ERROR, "usage, configuration or input error; checked before any data is read"),
    (EXIT_EXPORT, "report made, but an output failed (--output, --textfile, push, stdout)"),
    (EXIT_BUG, "internal error, a bug in driftkl (--debug prints the traceback)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
)
