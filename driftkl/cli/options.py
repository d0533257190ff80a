"""Options shared by several subcommands, and their translation into ``driftkl`` keywords."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from driftkl import progress
from driftkl.engines.registry import engine_names
from driftkl.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "ListOption",
    "add_config_options",
    "add_progress_options",
    "bounded_int",
    "overrides",
]


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high`` (a usage error otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    return parse


class ListOption(argparse.Action):
    """A list option, one value per flag: ``--exclude a,b`` or ``--exclude a --exclude b``.

    One value per flag means the option can never swallow the positional arguments after it
    (``--exclude id ref.parquet cur.parquet`` keeps both files as positionals).
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        """Append the comma-separated names of ``values`` to the list so far."""
        names = [n.strip() for n in str(values).split(",")]
        if not all(names):
            parser.error(f"{option_string}: empty column name in {values!r}")
        so_far = getattr(namespace, self.dest, None) or []
        setattr(namespace, self.dest, [*so_far, *names])


def add_config_options(p: argparse.ArgumentParser) -> None:
    """The options every data-reading subcommand takes: config, columns, filter, engine."""
    p.add_argument("--config", metavar="YAML", help="config file (see configs/drift.yaml)")
    p.add_argument(
        "--dataset",
        help="dataset name in reports and metric labels (default: the config's, else "
        "'default'; give each check its own when pushing metrics)",
    )
    p.add_argument(
        "--include",
        action=ListOption,
        metavar="COL[,COL]",
        help="check only these columns (repeat the flag or separate with commas)",
    )
    p.add_argument(
        "--exclude",
        action=ListOption,
        metavar="COL[,COL]",
        help="never check these columns (repeat the flag or separate with commas)",
    )
    p.add_argument(
        "--filter",
        action="append",
        nargs=3,
        metavar=("COLUMN", "OP", "VALUE"),
        help="row filter for partitioned Parquet, e.g. --filter dt '>=' 2026-11-01",
    )
    p.add_argument(
        "--engine",
        metavar="NAME",
        help=f"where the work runs: {' | '.join(engine_names())} (default: local threads; "
        "dask needs driftkl[dask], see --scheduler)",
    )
    p.add_argument("--threads", type=int, help="local engine threads (default: one per core)")
    p.add_argument("--scheduler", help="dask.distributed scheduler address, e.g. tcp://h:8786")
    add_progress_options(p)


def add_progress_options(p: argparse.ArgumentParser) -> None:
    """``--progress auto|always|never`` and ``--no-progress``."""
    p.add_argument(
        "--progress",
        choices=progress.MODES,
        default="auto",
        help="progress on stderr: auto = a redrawn line on a terminal, periodic lines in "
        "Airflow logs, nothing on pipes and files",
    )
    p.add_argument(
        "--no-progress",
        dest="progress",
        action="store_const",
        const="never",
        help="same as --progress never",
    )


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of ``driftkl.profile`` / ``driftkl.compare`` set on the command line."""
    out: dict[str, Any] = {
        "dataset": args.dataset,
        "include": args.include,
        "exclude": args.exclude,
        "filter": [list(f) for f in args.filter] if args.filter else None,
    }
    for key in ("direction", "pseudo_count", "engine", "threads", "scheduler"):
        out[key] = getattr(args, key, None)
    base = getattr(args, "base", None)
    if base is not None:
        out["base"] = base if base.lower() == "e" else _float(base, "--base")
    return out


def _float(text: str, flag: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{flag} must be a number or 'e', got {text!r}") from None
