"""``driftkl demo``: generate sample data and run a drift check on it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from driftkl.cli.command import Command
from driftkl.cli.display import add_display_options, print_report
from driftkl.cli.exits import EXIT_ERROR, EXIT_EXPORT, EXIT_OK
from driftkl.cli.options import add_progress_options, bounded_int
from driftkl.cli.output import error, write_stdout
from driftkl.errors import ConfigError

if TYPE_CHECKING:
    import argparse

__all__ = ["COMMAND", "MAX_DEMO_ROWS"]

MAX_DEMO_ROWS = 10_000_000


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", default="sample-data", help="folder for the sample data")
    p.add_argument(
        "--rows",
        type=bounded_int(1, MAX_DEMO_ROWS),
        default=20_000,
        help=f"rows per generated file (1 to {MAX_DEMO_ROWS:,})",
    )
    add_display_options(p)
    add_progress_options(p)


def _run(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors
    from driftkl.demo import write_sample_data  # noqa: PLC0415 - loads pandas, as above

    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--dir {args.dir!r} exists and is not a folder. Hint: pass a folder")
    profile_path = folder / "reference.profile.json"
    try:
        paths = write_sample_data(folder, rows=args.rows)
        driftkl.profile(paths["reference"]).save(profile_path)
    except OSError as exc:
        error(f"could not write the sample data to {args.dir!r}: {exc}")
        return EXIT_ERROR
    report = driftkl.compare(
        driftkl.Profile.load(profile_path), paths["current"], dataset="sample_orders"
    )
    if args.format in {"table", "wide"} and not write_stdout(
        f"sample data in {args.dir}/; the check below is\n"
        f"  driftkl compare {profile_path} \\\n      {paths['current']}\n\n"
    ):
        return EXIT_EXPORT
    return EXIT_OK if print_report(report, args) else EXIT_EXPORT


COMMAND = Command(
    name="demo",
    help="generate sample data and run a drift check on it",
    configure=_configure,
    run=_run,
    examples=(
        "driftkl demo",
        "driftkl demo --dir /tmp/sample --rows 1000000 --wide",
    ),
)
