"""The subcommands of ``driftkl``, in ``--help`` order: add a new one with one line here."""

from __future__ import annotations

from driftkl.cli import compare, demo, history, profile, serve, timeline

__all__ = ["COMMANDS"]

COMMANDS = (
    profile.COMMAND,
    compare.COMMAND,
    timeline.COMMAND,
    demo.COMMAND,
    serve.COMMAND,
    history.COMMAND,
)
