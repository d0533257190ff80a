"""What a subcommand is: a name, its options and the function that runs it.

Adding a subcommand is one module that defines a :class:`Command` and one line in
:data:`driftkl.cli.registry.COMMANDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

__all__ = ["Command"]


@dataclass(frozen=True)
class Command:
    """One ``driftkl`` subcommand.

    Attributes:
        name: the word on the command line (``driftkl <name>``).
        help: one line for ``driftkl --help``.
        configure: adds the subcommand's arguments to its parser.
        run: does the work; returns the exit code (:mod:`driftkl.cli.exits`). It imports the
            heavy libraries (pandas, pyarrow) itself, so that ``--help`` stays fast.
        examples: command lines shown under "examples:" in the subcommand's ``--help``.
    """

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    examples: tuple[str, ...] = ()
