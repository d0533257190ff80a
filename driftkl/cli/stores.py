"""Options shared by commands that read a reference window or keep their reports in a store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftkl.cli.options import bounded_int
from driftkl.errors import ConfigError

if TYPE_CHECKING:
    import argparse

    from driftkl.model.report import DriftReport

__all__ = [
    "add_report_store_options",
    "add_store_options",
    "check_report_store_options",
    "check_store_options",
    "reference_of",
    "save_report",
]


def add_store_options(p: argparse.ArgumentParser) -> None:
    """``--reference-store/-window/-end/-every``, ``--partial-window`` and ``--report-store``."""
    g = p.add_argument_group("reference window")
    g.add_argument(
        "--reference-store",
        metavar="STORE",
        help="profile store (folder or URL) to merge the reference from, instead of REFERENCE",
    )
    g.add_argument(
        "--reference-window",
        type=bounded_int(1, 10_000),
        metavar="N",
        help="merge the last N profiles of --reference-store (default 7)",
    )
    g.add_argument(
        "--reference-end",
        metavar="KEY",
        help="last key of the window (default: the store's last key)",
    )
    g.add_argument(
        "--reference-every",
        type=bounded_int(1, 10_000),
        default=1,
        metavar="K",
        help="take every K-th key counting back (7 on daily keys: same weekday)",
    )
    g.add_argument(
        "--partial-window",
        action="store_true",
        help="merge fewer than N profiles if that is all the store has",
    )
    add_report_store_options(p)


def add_report_store_options(p: argparse.ArgumentParser) -> None:
    """``--report-store STORE`` and ``--report-at TIME``."""
    g = p.add_argument_group("report history")
    g.add_argument("--report-store", metavar="STORE", help="also save the report in this store")
    g.add_argument(
        "--report-at",
        metavar="TIME",
        help="file the report under this ISO time (default: its creation time)",
    )


def check_store_options(args: argparse.Namespace) -> None:
    """A reference comes from REFERENCE or from a store, never both or neither."""
    window = [args.reference_window, args.reference_end, args.partial_window or None]
    if args.reference_store is None and any(w is not None for w in window):
        raise ConfigError(
            "--reference-window, --reference-end and --partial-window need --reference-store."
        )
    if args.reference_store is not None and args.reference is not None:
        raise ConfigError(
            "give either REFERENCE or --reference-store, not both. Hint: driftkl compare "
            "--reference-store STORE --reference-window 7 CURRENT"
        )
    if args.reference_store is None and args.reference is None:
        raise ConfigError("a reference is needed: REFERENCE or --reference-store STORE.")
    check_report_store_options(args)


def check_report_store_options(args: argparse.Namespace) -> None:
    """``--report-at`` only with ``--report-store``."""
    if args.report_at is not None and args.report_store is None:
        raise ConfigError("--report-at needs --report-store.")


def reference_of(args: argparse.Namespace) -> Any:
    """REFERENCE as given, or the merged window of ``--reference-store``."""
    if args.reference_store is None:
        return args.reference
    from driftkl.stores import ProfileStore  # noqa: PLC0415 - loads pandas and pyarrow

    return ProfileStore(args.reference_store).window(
        args.reference_end,
        args.reference_window or 7,
        every=args.reference_every,
        partial=args.partial_window,
    )


def save_report(args: argparse.Namespace, report: DriftReport) -> str | None:
    """Save into ``--report-store`` if given; returns where."""
    if args.report_store is None:
        return None
    from driftkl.stores import ReportStore  # noqa: PLC0415

    return ReportStore(args.report_store).put(report, at=args.report_at)
