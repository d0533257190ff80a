"""``driftkl history``: the saved reports of a report store, one row per check."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from driftkl.cli.command import Command
from driftkl.cli.exits import EXIT_EXPORT, EXIT_OK
from driftkl.cli.output import write_stdout

if TYPE_CHECKING:
    import argparse

__all__ = ["COMMAND"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("store", help="report store: a folder or URL written by --report-store")
    p.add_argument("--dataset", help="only this dataset's reports")
    p.add_argument("--since", help="only reports filed at or after this ISO date or time (UTC)")
    p.add_argument(
        "--format",
        choices=["table", "json", "markdown"],
        default="table",
        help="table (default), json (every report, without bins) or markdown",
    )


def _run(args: argparse.Namespace) -> int:
    from driftkl.render.history import render_history  # noqa: PLC0415
    from driftkl.stores import ReportStore  # noqa: PLC0415 - loads pandas and pyarrow

    entries = ReportStore(args.store).items(dataset=args.dataset, since=args.since)
    if args.format == "json":
        data = [{"time": when.isoformat(), "report": r.to_dict(bins=False)} for when, r in entries]
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    else:
        text = render_history(entries, args.format)
    return EXIT_OK if write_stdout(text + "\n") else EXIT_EXPORT


COMMAND = Command(
    name="history",
    help="list the reports saved in a report store",
    configure=_configure,
    run=_run,
    examples=(
        "driftkl history reports/ --dataset orders --since 2026-11-01",
        "driftkl history s3://bucket/driftkl/reports --format json",
    ),
)
