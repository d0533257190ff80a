"""``driftkl profile``: fit bins on reference data and save the profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.cli.command import Command
from driftkl.cli.exits import EXIT_ERROR, EXIT_OK
from driftkl.cli.hints import check_profile_input
from driftkl.cli.options import add_config_options, overrides
from driftkl.cli.output import check_output_path, save, stderr

if TYPE_CHECKING:
    import argparse

__all__ = ["COMMAND"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", help="reference Parquet file, folder or glob")
    p.add_argument("-o", "--output", required=True, help="profile JSON path to write")
    add_config_options(p)


def _run(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors

    check_profile_input(args.data)
    check_output_path(args.output, "-o/--output")
    prof = driftkl.profile(args.data, config=args.config, **overrides(args))
    if not save(args.output, prof.to_json(), "the profile"):
        return EXIT_ERROR  # the profile is the command's only product
    stderr(
        f"wrote profile {args.output} ({len(prof.features)} features, {prof.rows} rows, "
        f"{prof.content_hash})"
    )
    return EXIT_OK


COMMAND = Command(
    name="profile",
    help="fit bins on reference data and save the profile",
    configure=_configure,
    run=_run,
    examples=(
        "driftkl profile ref.parquet -o ref.profile.json",
        "driftkl profile 'data/dt=2026-10-*/' -o ref.profile.json --exclude id,email",
        "driftkl profile ref.parquet -o ref.profile.json --config drift.yaml",
    ),
)
