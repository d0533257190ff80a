"""``driftkl timeline``: one report per calendar window of the current data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.cli.command import Command
from driftkl.cli.exits import EXIT_DRIFT, EXIT_EXPORT, EXIT_OK
from driftkl.cli.options import add_config_options, overrides
from driftkl.cli.output import check_output_path, error, save, write_stdout

if TYPE_CHECKING:
    import argparse

    from driftkl.model.timeline import Timeline

__all__ = ["COMMAND"]


def _configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("reference", help="reference profile (.json) or Parquet file/folder/glob")
    p.add_argument("current", help="current Parquet file, folder or glob holding --time-column")
    p.add_argument("--time-column", required=True, help="timestamp or date column (not judged)")
    p.add_argument(
        "--every",
        required=True,
        help="window length: 1h .. 24h (dividing a day), 1d, 7d or 1w; calendar-aligned",
    )
    p.add_argument("--timezone", default="UTC", help="IANA zone of the calendar (default UTC)")
    add_config_options(p)
    p.add_argument(
        "--format",
        choices=["table", "json", "markdown", "html"],
        default="table",
        help="stdout: a row per window (table, markdown), the timeline JSON, or the HTML grid",
    )
    p.add_argument("--output", "-o", help="also write the timeline JSON to this file")
    p.add_argument("--fail-on-drift", action="store_true", help="exit 1 when any window has drift")
    p.add_argument(
        "--report-store",
        metavar="STORE",
        help="also save every window's report into this report store (folder or URL)",
    )


def _text(tl: Timeline, fmt: str) -> str:
    from driftkl.render.history import render_history  # noqa: PLC0415

    table = render_history(
        [(w.start, w.report) for w in tl.windows], fmt, time_header="window start (UTC)"
    )
    lines = [table, "", repr(tl)]
    if tl.unplaced_rows:
        lines.append(f"{tl.unplaced_rows} rows without a {tl.time_column} value are in no window")
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    import driftkl  # noqa: PLC0415 - loads pandas and pyarrow: not for --help or usage errors
    from driftkl.grouping import TimeWindows  # noqa: PLC0415

    TimeWindows(args.time_column, args.every, args.timezone)  # checked before any data is read
    if args.output:
        check_output_path(args.output, "--output")
    tl = driftkl.timeline(
        args.reference,
        args.current,
        time_column=args.time_column,
        every=args.every,
        timezone=args.timezone,
        config=args.config,
        **overrides(args),
    )
    code = EXIT_OK
    if args.report_store:
        store = driftkl.ReportStore(args.report_store)
        try:
            for w in tl.windows:
                store.put(w.report, at=w.start)
        except OSError as exc:
            error(f"could not save the reports in --report-store {args.report_store!r}: {exc}")
            code = EXIT_EXPORT
    if args.output and not save(args.output, tl.to_json() + "\n", "the timeline JSON"):
        code = EXIT_EXPORT
    if args.format == "json":
        text = tl.to_json()
    elif args.format == "html":
        text = tl.to_html()
    else:
        text = _text(tl, args.format)
    if not write_stdout(text + "\n"):
        code = EXIT_EXPORT
    if code != EXIT_OK:
        return code
    return EXIT_DRIFT if (args.fail_on_drift and tl.status == "drift") else EXIT_OK


COMMAND = Command(
    name="timeline",
    help="compare each calendar window (hour, day, week) of the current data",
    configure=_configure,
    run=_run,
    examples=(
        "driftkl timeline ref.json events/ --time-column ts --every 1d --fail-on-drift",
        "driftkl timeline r.json e/ --time-column ts --every 7d --timezone Europe/Rome",
        "driftkl timeline ref.json events/ --time-column ts --every 6h --format html",
    ),
)
